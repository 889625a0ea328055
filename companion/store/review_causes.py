"""The facts the review causes are read from (services/review_causes.py applies domain/review_causes.py's rules):
the buyer's chats around an order, the product's ledger level before it, its oversell incidents, a month's
reviews. Reads only."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection

from companion.store.database import Database


def buyer_messages(db: Database, account_id: str, names: Collection[str], since: str) -> list[sqlite3.Row]:
    """Messages from `since` on of the shop's conversations with a buyer of one of these names (compared trimmed
    and case-blind: the only buyer key orders and chats share), each with its conversation's channel, holiday
    mode and "answered" mark; by conversation, oldest first."""
    wanted = sorted({n.strip().lower() for n in names if n.strip()})
    if not wanted:
        return []
    return db.query(
        "SELECT c.id AS conversation_id, c.channel, c.holiday_mode, c.marked_answered_at, m.sent_at, m.from_buyer,"
        " m.is_auto_reply, m.status, m.platform_notice FROM conversations c JOIN messages m"
        " ON m.conversation_id = c.id WHERE c.account_id = ?"
        f" AND lower(trim(c.buyer_name)) IN ({','.join('?' * len(wanted))}) AND m.sent_at >= ?"
        " ORDER BY c.id, m.sent_at, m.seq", (account_id, *wanted, since))


def level_before(db: Database, product_id: str, moment: str, order_reference: str) -> int | None:
    """The product's level just before `moment` as the ledger recorded it: the last count (opening, stocktake) at
    or before it plus every other movement after that count and at or before it, leaving out the movements of
    `order_reference` (the order's own take). None when the ledger holds nothing of the product by then."""
    if not db.scalar("SELECT 1 FROM stock_movements WHERE product_id = ? AND created_at <= ? LIMIT 1",
                     (product_id, moment)):
        return None
    count = db.one("SELECT seq, quantity FROM stock_movements WHERE product_id = ? AND created_at <= ?"
                   " AND kind IN ('opening', 'stocktake') ORDER BY seq DESC LIMIT 1", (product_id, moment))
    after = db.scalar("SELECT COALESCE(SUM(quantity), 0) FROM stock_movements WHERE product_id = ?"
                      " AND kind NOT IN ('opening', 'stocktake') AND created_at <= ? AND seq > ?"
                      " AND COALESCE(reference, '') != ?",
                      (product_id, moment, int(count["seq"]) if count else 0, order_reference))
    return (int(count["quantity"]) if count else 0) + int(after or 0)


def oversold(db: Database, order_id: str, product_id: str | None) -> bool:
    """An oversell incident (resolved or not) names this order and product (any product of it when None)."""
    return bool(db.scalar("SELECT 1 FROM oversell_incidents WHERE order_id = ? AND (? IS NULL OR product_id = ?)"
                          " LIMIT 1", (order_id, product_id, product_id)))


def month_reviews(db: Database, start: str, end: str) -> list[sqlite3.Row]:
    """Every review created in [start, end) with the name to show for its product (ours when mapped, else the
    platform's), oldest first."""
    return db.query(
        "SELECT r.id, r.rating, r.product_id, r.account_id, r.item_id, r.product_name,"
        " COALESCE(p.name, r.product_name) AS name FROM reviews r LEFT JOIN products p ON p.id = r.product_id"
        " WHERE r.created_at >= ? AND r.created_at < ? ORDER BY r.created_at, r.seq", (start, end))
