"""What the packer's order list reads: each order with its items (the listing's name and variant, the shop's own
product), buyer, courier, tracking number, shipping state, label, a buyer's cancel request and returns; and how
many orders each filter holds.

Filters are named by key so the screen and the counts agree on what each one holds:
"to_pack" paid and not yet sent for shipping (a refused shipment comes back here with the platform's words),
"ready" arranged or waiting to be sent, "in_transit" with the courier, "done" completed, "cancelled_returned"
cancelled or with a return, "unpaid", and "all".
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from dataclasses import dataclass

from companion.store.database import Database
from companion.store.online_orders import CHUNK, OnlineOrderRow

FILTERS: dict[str, str] = {
    "to_pack": "o.status = 'paid' AND o.ship_state != 'waiting'",
    "ready": "(o.status = 'ready_to_ship' OR (o.status = 'paid' AND o.ship_state = 'waiting'))",
    "in_transit": "o.status = 'shipped'",
    "done": "o.status = 'completed'",
    "cancelled_returned": "(o.status = 'cancelled' OR EXISTS (SELECT 1 FROM order_returns r WHERE r.order_id = o.id))",
    "unpaid": "o.status = 'unpaid'",
    "all": "1 = 1",
}
OPEN_REQUEST_STATES = ("open", "accepting", "refusing", "failed")  # the seller still has to see it through


@dataclass(frozen=True)
class DeskItem:
    row_id: str               # our line row's id (what a per-line cancel names)
    line_id: str
    item_id: str
    sku_id: str
    name: str                 # the listing's name as the buyer bought it
    variant: str              # the listing's variant ("" when none or not seen yet)
    quantity: int             # live units (cancelled ones left out)
    unit_price: int
    seller_sku: str
    product_id: str | None
    product_name: str         # the shop's own product ("" when not mapped yet)


@dataclass(frozen=True)
class CancelRequestRow:
    order_id: str
    request_id: str
    reason: str
    requested_at: str
    answer_by: str | None
    state: str                # open | accepting | refusing | accepted | refused | failed
    problem: str

    @property
    def needs_answer(self) -> bool:
        return self.state in OPEN_REQUEST_STATES


@dataclass(frozen=True)
class DeskRow:
    """One line of the packer's list: the stored order (with its courier, tracking number and ship state) plus its
    items, label, a buyer's cancel request and returns."""

    order: OnlineOrderRow
    items: tuple[DeskItem, ...]
    has_label: bool
    label_printed_at: str | None
    cancel_request: CancelRequestRow | None
    returns: int              # how many return requests the order has

    @property
    def id(self) -> str:
        return self.order.id

    @property
    def buyer_city(self) -> str:
        return self.order.buyer_city

    @property
    def courier(self) -> str:
        return self.order.courier

    @property
    def tracking_number(self) -> str:
        return self.order.tracking_number

    @property
    def ship_state(self) -> str:
        return self.order.ship_state

    @property
    def ship_problem(self) -> str:
        return self.order.ship_problem

    @property
    def units(self) -> int:
        return sum(item.quantity for item in self.items)


@dataclass(frozen=True)
class OrderReturnRow:
    id: str
    state: str
    reason: str
    refund_amount: int
    answer_by: str | None
    answer_state: str
    answer_problem: str
    received_at: str | None


@dataclass(frozen=True)
class LabelRow:
    order_id: str
    package_id: str
    file_name: str
    fetched_at: str
    printed_at: str | None


_SELECT = """
SELECT o.*, a.practice AS practice, a.name AS account_name,
       s.order_id IS NOT NULL AS has_label, s.printed_at AS label_printed_at,
       c.request_id AS c_request_id, c.reason AS c_reason, c.requested_at AS c_requested_at,
       c.answer_by AS c_answer_by, c.state AS c_state, c.problem AS c_problem,
       (SELECT COUNT(*) FROM order_returns r WHERE r.order_id = o.id) AS returns
FROM online_orders o
JOIN accounts a ON a.id = o.account_id
LEFT JOIN shipping_labels s ON s.order_id = o.id
LEFT JOIN order_cancel_requests c ON c.order_id = o.id
"""

_ITEMS = """
SELECT l.id, l.order_id, l.line_id, l.item_id, l.sku_id, l.name, l.seller_sku, l.product_id, l.unit_price,
       l.quantity - MIN(l.cancelled_quantity, l.quantity) AS live, COALESCE(li.variant, '') AS variant,
       p.name AS p_name, COALESCE(p.variant_name, '') AS p_variant
FROM online_order_lines l
JOIN online_orders o ON o.id = l.order_id
LEFT JOIN listings li ON li.account_id = o.account_id AND li.item_id = l.item_id AND li.sku_id = l.sku_id
LEFT JOIN products p ON p.id = l.product_id
"""


def _order(r: sqlite3.Row) -> OnlineOrderRow:
    return OnlineOrderRow(r["id"], r["account_id"], r["channel"], r["platform_order_id"], r["status"],
                          r["status_raw"], r["created_at"], r["updated_at"], r["ship_by"], r["buyer_name"],
                          r["total"], bool(r["stock_taken"]), bool(r["practice"]), r["account_name"],
                          r["buyer_city"], r["courier"], r["tracking_number"], r["package_id"], r["ship_state"],
                          r["ship_problem"])


def _request(r: sqlite3.Row) -> CancelRequestRow | None:
    if r["c_state"] is None:
        return None
    return CancelRequestRow(r["id"], r["c_request_id"], r["c_reason"], r["c_requested_at"], r["c_answer_by"],
                            r["c_state"], r["c_problem"])


def _desk_row(r: sqlite3.Row, items: list[DeskItem]) -> DeskRow:
    return DeskRow(_order(r), tuple(items), bool(r["has_label"]), r["label_printed_at"], _request(r),
                   int(r["returns"]))


def _item(r: sqlite3.Row) -> DeskItem:
    product = f"{r['p_name']} – {r['p_variant']}" if r["p_name"] and r["p_variant"] else (r["p_name"] or "")
    return DeskItem(r["id"], r["line_id"], r["item_id"], r["sku_id"], r["name"], r["variant"], int(r["live"]),
                    int(r["unit_price"]), r["seller_sku"],
                    r["product_id"], product)


def items_of(db: Database, order_ids: Collection[str]) -> dict[str, list[DeskItem]]:
    """Each order's items in line order; a fully cancelled line is left out (nothing to take off the shelf)."""
    out: dict[str, list[DeskItem]] = {}
    ids = list(order_ids)
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        rows = db.query(_ITEMS + f" WHERE l.order_id IN ({','.join('?' * len(part))})"
                        " ORDER BY l.order_id, l.line_id", tuple(part))
        for r in rows:
            if r["live"] > 0:
                out.setdefault(r["order_id"], []).append(_item(r))
    return out


def _with_items(db: Database, rows: list[sqlite3.Row]) -> list[DeskRow]:
    items = items_of(db, [r["id"] for r in rows])
    return [_desk_row(r, items.get(r["id"], [])) for r in rows]


def desk_rows(db: Database, filter_key: str = "all", channel: str | None = None, limit: int = 500) -> list[DeskRow]:
    """The orders a filter holds (optionally of one channel), nearest ship-by first, orders without one last."""
    where, params = [FILTERS[filter_key]], []
    if channel:
        where.append("o.channel = ?")
        params.append(channel)
    rows = db.query(_SELECT + f" WHERE {' AND '.join(where)}"
                    " ORDER BY o.ship_by IS NULL, o.ship_by, o.updated_at DESC LIMIT ?", (*params, limit))
    return _with_items(db, rows)


def desk_row(db: Database, order_id: str) -> DeskRow | None:
    r = db.one(_SELECT + " WHERE o.id = ?", (order_id,))
    return _with_items(db, [r])[0] if r else None


def desk_rows_by_id(db: Database, order_ids: Collection[str]) -> list[DeskRow]:
    """The given orders (those still stored), in the order asked."""
    found: dict[str, sqlite3.Row] = {}
    ids = list(dict.fromkeys(order_ids))
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        for r in db.query(_SELECT + f" WHERE o.id IN ({','.join('?' * len(part))})", tuple(part)):
            found[r["id"]] = r
    return _with_items(db, [found[i] for i in ids if i in found])


def filter_counts(db: Database, channel: str | None = None) -> dict[str, int]:
    """How many orders each filter holds (one query), for the numbers on the filter buttons."""
    sums = ", ".join(f"COALESCE(SUM(CASE WHEN {clause} THEN 1 ELSE 0 END), 0) AS \"{key}\""
                     for key, clause in FILTERS.items())
    where, params = ("WHERE o.channel = ?", (channel,)) if channel else ("", ())
    r = db.one(f"SELECT {sums} FROM online_orders o {where}", params)
    return {key: int(r[key]) if r else 0 for key in FILTERS}


def cancel_request(db: Database, order_id: str) -> CancelRequestRow | None:
    r = db.one("SELECT * FROM order_cancel_requests WHERE order_id = ?", (order_id,))
    if r is None:
        return None
    return CancelRequestRow(r["order_id"], r["request_id"], r["reason"], r["requested_at"], r["answer_by"],
                            r["state"], r["problem"])


def returns_of(db: Database, order_id: str) -> list[OrderReturnRow]:
    """The order's return requests, newest first."""
    rows = db.query("SELECT id, state, reason, refund_amount, answer_by, answer_state, answer_problem, received_at"
                    " FROM order_returns WHERE order_id = ? ORDER BY created_at DESC", (order_id,))
    return [OrderReturnRow(r["id"], r["state"], r["reason"], int(r["refund_amount"]), r["answer_by"],
                           r["answer_state"], r["answer_problem"], r["received_at"]) for r in rows]


def returns_waiting(db: Database) -> int:
    """Return requests waiting for the shop's answer (the number on the page's "Pengembalian" button)."""
    return int(db.scalar("SELECT COUNT(*) FROM order_returns WHERE state = 'requested'") or 0)


def label_of(db: Database, order_id: str) -> LabelRow | None:
    r = db.one("SELECT * FROM shipping_labels WHERE order_id = ?", (order_id,))
    if r is None:
        return None
    return LabelRow(r["order_id"], r["package_id"], r["file_name"], r["fetched_at"], r["printed_at"])
