"""Buyers' return requests, unique per (shop, platform return id), with their lines; each line received once
(`disposition` '' → 'restocked' | 'written_off')."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from companion.store.database import Database

RESTOCKED, WRITTEN_OFF = "restocked", "written_off"


@dataclass(frozen=True)
class ReturnRow:
    id: str
    account_id: str
    platform_return_id: str
    order_id: str | None
    platform_order_id: str
    state: str
    state_raw: str
    reason: str
    buyer_note: str
    photos: tuple[str, ...]
    refund_amount: int
    needs_item_back: bool
    actions: tuple[str, ...]
    created_at: str
    updated_at: str
    answer_by: str | None
    answer_state: str         # '' | 'waiting' (an answer command is queued) | 'failed' (answer_problem)
    answer_problem: str
    received_at: str | None
    channel: str = ""
    account_name: str = ""


@dataclass(frozen=True)
class ReturnLineRow:
    return_id: str
    line_id: str
    item_id: str
    sku_id: str
    seller_sku: str
    name: str
    quantity: int
    product_id: str | None
    disposition: str


_SELECT = ("SELECT r.*, a.channel AS channel, a.name AS account_name FROM order_returns r"
           " JOIN accounts a ON a.id = r.account_id")


def _row(r: sqlite3.Row) -> ReturnRow:
    return ReturnRow(r["id"], r["account_id"], r["platform_return_id"], r["order_id"], r["platform_order_id"],
                     r["state"], r["state_raw"], r["reason"], r["buyer_note"], tuple(json.loads(r["photos"])),
                     r["refund_amount"], bool(r["needs_item_back"]), tuple(json.loads(r["actions"])),
                     r["created_at"], r["updated_at"], r["answer_by"], r["answer_state"], r["answer_problem"],
                     r["received_at"], r["channel"], r["account_name"])


def _line(r: sqlite3.Row) -> ReturnLineRow:
    return ReturnLineRow(r["return_id"], r["line_id"], r["item_id"], r["sku_id"], r["seller_sku"], r["name"],
                         r["quantity"], r["product_id"], r["disposition"])


def get(db: Database, return_id: str) -> ReturnRow | None:
    r = db.one(_SELECT + " WHERE r.id = ?", (return_id,))
    return _row(r) if r else None


def by_platform_id(db: Database, account_id: str, platform_return_id: str) -> ReturnRow | None:
    r = db.one(_SELECT + " WHERE r.account_id = ? AND r.platform_return_id = ?", (account_id, platform_return_id))
    return _row(r) if r else None


def lines(db: Database, return_id: str) -> list[ReturnLineRow]:
    return [_line(r) for r in db.query("SELECT * FROM order_return_lines WHERE return_id = ? ORDER BY line_id",
                                       (return_id,))]


def listing(db: Database, states: Sequence[str] | None = None, limit: int = 500) -> list[ReturnRow]:
    """Returns for the returns view: those waiting for our answer first (nearest deadline), then the newest."""
    where, params = "1 = 1", ()
    if states:
        where, params = f"r.state IN ({','.join('?' * len(states))})", tuple(states)  # type: ignore[assignment]
    rows = db.query(_SELECT + f" WHERE {where} ORDER BY r.state != 'requested', r.answer_by IS NULL, r.answer_by,"
                    " r.updated_at DESC LIMIT ?", (*params, limit))
    return [_row(r) for r in rows]


def of_order(db: Database, order_id: str) -> list[ReturnRow]:
    return [_row(r) for r in db.query(_SELECT + " WHERE r.order_id = ? ORDER BY r.created_at", (order_id,))]


def insert(db: Database, values: dict[str, object]) -> None:
    db.execute(f"INSERT INTO order_returns ({', '.join(values)}) VALUES ({', '.join(':' + k for k in values)})",
               values)


def update(db: Database, return_id: str, values: dict[str, object]) -> None:
    sets = ", ".join(f"{k} = :{k}" for k in values)
    db.execute(f"UPDATE order_returns SET {sets} WHERE id = :id", {**values, "id": return_id})


def add_line(db: Database, line: ReturnLineRow) -> None:
    """A line the platform reported; one already stored keeps its disposition (and its product, once mapped)."""
    db.execute("INSERT INTO order_return_lines (return_id, line_id, item_id, sku_id, seller_sku, name, quantity,"
               " product_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(return_id, line_id) DO UPDATE SET"
               " quantity = excluded.quantity, product_id = COALESCE(product_id, excluded.product_id)"
               " WHERE disposition = ''",
               (line.return_id, line.line_id, line.item_id, line.sku_id, line.seller_sku, line.name, line.quantity,
                line.product_id))


def set_disposition(db: Database, return_id: str, line_id: str, disposition: str) -> bool:
    """Mark one line received; False when it already was (the caller then moves no stock)."""
    cur = db.execute("UPDATE order_return_lines SET disposition = ? WHERE return_id = ? AND line_id = ?"
                     " AND disposition = ''", (disposition, return_id, line_id))
    return cur.rowcount == 1


def set_product(db: Database, return_id: str, line_id: str, product_id: str) -> None:
    db.execute("UPDATE order_return_lines SET product_id = ? WHERE return_id = ? AND line_id = ?",
               (product_id, return_id, line_id))
