"""The rows that belong in the practice book rather than the shop's: which they are, copying them from one book to
the other, and the stock they moved in the shop's append-only ledger.

Practice rows are found through the practice shops (`accounts.practice = 1`): their listings, orders (lines, events,
cancel requests, labels, oversell incidents), conversations and messages, commands, returns, reviews and sync state.
A counter sale made while practising cannot be told from a real one (a sale names no shop) and stays where it is.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from companion.domain.errors import UserError
from companion.i18n import N_
from companion.store.database import Database

PRACTICE_ACCOUNTS = "SELECT id FROM accounts WHERE practice = 1"
_ORDERS = f"SELECT id FROM online_orders WHERE account_id IN ({PRACTICE_ACCOUNTS})"
_CONVERSATIONS = f"SELECT id FROM conversations WHERE account_id IN ({PRACTICE_ACCOUNTS})"
_RETURNS = f"SELECT id FROM order_returns WHERE account_id IN ({PRACTICE_ACCOUNTS})"
_OF_ACCOUNTS = f"account_id IN ({PRACTICE_ACCOUNTS})"
_OF_ORDERS = f"order_id IN ({_ORDERS})"

# Parents before children: copied in this order, deleted in the reverse one.
PRACTICE_TABLES: tuple[tuple[str, str], ...] = (
    ("accounts", "practice = 1"),
    ("sync_cursors", _OF_ACCOUNTS),
    ("sync_status", _OF_ACCOUNTS),
    ("chat_status", _OF_ACCOUNTS),
    ("listings", _OF_ACCOUNTS),
    ("online_orders", _OF_ACCOUNTS),
    ("online_order_lines", _OF_ORDERS),
    ("online_order_events", _OF_ORDERS),
    ("order_cancel_requests", _OF_ORDERS),
    ("shipping_labels", _OF_ORDERS),
    ("oversell_incidents", _OF_ORDERS),
    ("conversations", _OF_ACCOUNTS),
    ("messages", f"conversation_id IN ({_CONVERSATIONS})"),
    ("outbox", _OF_ACCOUNTS),
    ("order_returns", _OF_ACCOUNTS),
    ("order_return_lines", f"return_id IN ({_RETURNS})"),
    ("reviews", _OF_ACCOUNTS),
)
# The ledger references of practice orders and practice returns (services/online_orders.py, services/returns.py).
_PRACTICE_REFERENCES = (f"SELECT 'order:' || id FROM online_orders WHERE account_id IN ({PRACTICE_ACCOUNTS})"
                        f" UNION SELECT 'return:' || id FROM order_returns WHERE account_id IN ({PRACTICE_ACCOUNTS})")
# A count (opening, stocktake) sets the level: only what moved after a product's last count still counts.
_STILL_COUNTED = """
SELECT m.product_id, SUM(m.quantity) AS moved, MAX(m.seq) AS last_seq FROM stock_movements m
WHERE m.reference IN ({refs}) AND m.kind NOT IN ('opening', 'stocktake')
  AND m.seq > COALESCE((SELECT MAX(c.seq) FROM stock_movements c
                        WHERE c.product_id = m.product_id AND c.kind IN ('opening', 'stocktake')), 0)
GROUP BY m.product_id HAVING SUM(m.quantity) != 0
"""
_AUTO_KEYS = {"messages": "seq", "reviews": "seq"}  # each book numbers these itself (full-text rowids)
SHOP_LIKENESS = ("settings", "reply_templates")  # what a new practice book copies so it looks like the shop


def has_practice_rows(db: Database) -> bool:
    return bool(db.scalar(f"SELECT EXISTS ({PRACTICE_ACCOUNTS})"))


def columns(db: Database, table: str) -> list[str]:
    return [str(r["name"]) for r in db.query(f"SELECT name FROM pragma_table_info('{table}')")]


def practice_rows(db: Database, table: str, where: str) -> list[dict[str, Any]]:
    """The table's practice rows, as column → value (without the numbers each book gives itself)."""
    skip = _AUTO_KEYS.get(table, "")
    rows = [dict(r) for r in db.query(f"SELECT * FROM {table} WHERE {where}")]
    for row in rows:
        row.pop(skip, None)
    return rows


def all_rows(db: Database, table: str) -> list[dict[str, Any]]:
    return [dict(r) for r in db.query(f"SELECT * FROM {table}")]


def insert_rows(db: Database, table: str, rows: Sequence[dict[str, Any]], *, replace: bool = False) -> None:
    """Rows into `table` by column name (only the columns this book has); inside the caller's `write()`."""
    if not rows:
        return
    have = set(columns(db, table))
    names = [k for k in rows[0] if k in have]
    verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
    db.executemany(f"{verb} INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                   [tuple(row[k] for k in names) for row in rows])


def delete_practice_rows(db: Database) -> None:
    """Every practice row out of this book, children first; inside the caller's `write()`."""
    for table, where in reversed(PRACTICE_TABLES):
        db.execute(f"DELETE FROM {table} WHERE {where}")


def practice_stock_still_counted(db: Database) -> list[tuple[str, int, int]]:
    """(product, units, last practice movement) the practice orders and returns still add to each current level."""
    rows = db.query(_STILL_COUNTED.format(refs=_PRACTICE_REFERENCES))
    return [(str(r["product_id"]), int(r["moved"]), int(r["last_seq"])) for r in rows]


def product_rows(db: Database) -> list[dict[str, Any]]:
    return all_rows(db, "products")


def product_ids_by_sku(db: Database) -> dict[str, str]:
    return {str(r["sku"]).casefold(): str(r["id"]) for r in db.query("SELECT id, sku FROM products")}


def replace_book(fresh: Path, path: Path) -> None:
    """A finished book put in the place of another (nobody may have either open: Windows refuses then)."""
    try:
        remove_book(path)
        os.replace(fresh, path)
    except OSError as exc:
        raise UserError(N_("The practice book is still open in another Seller Companion window: close it, then "
                           "start practice again.")) from exc


def remove_book(path: Path) -> None:
    """The book file and its journal files (nobody may have it open)."""
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        leftover.unlink(missing_ok=True)
