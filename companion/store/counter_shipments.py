"""Counter sales sent by courier (a phone or WhatsApp order: no platform), and the one list of what left the
building: online orders handed to their courier and counter sales shipped."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from companion.store.database import Database


@dataclass(frozen=True)
class CounterShipmentRow:
    sale_id: str
    courier: str
    tracking_number: str
    recipient: str
    shipped_at: str


def _row(r: sqlite3.Row) -> CounterShipmentRow:
    return CounterShipmentRow(r["sale_id"], r["courier"], r["tracking_number"], r["recipient"], r["shipped_at"])


def get(db: Database, sale_id: str) -> CounterShipmentRow | None:
    r = db.one("SELECT * FROM counter_shipments WHERE sale_id = ?", (sale_id,))
    return _row(r) if r else None


def put(db: Database, row: CounterShipmentRow) -> None:
    """Insert, or correct the courier, tracking number and recipient (the first shipped time stays)."""
    db.execute("INSERT INTO counter_shipments (sale_id, courier, tracking_number, recipient, shipped_at)"
               " VALUES (?, ?, ?, ?, ?) ON CONFLICT(sale_id) DO UPDATE SET courier = excluded.courier,"
               " tracking_number = excluded.tracking_number, recipient = excluded.recipient",
               (row.sale_id, row.courier, row.tracking_number, row.recipient, row.shipped_at))


@dataclass(frozen=True)
class Departure:
    """One parcel that left: an online order (`source` = its channel) or a counter sale (`source` = "counter")."""

    source: str
    record_id: str       # our online order id or sale id
    number: str          # the platform's order number or the sale's number
    shop: str            # the online shop's name; "" for the counter
    courier: str
    tracking_number: str
    recipient: str
    left_at: str


_DEPARTURES = """
SELECT o.channel AS source, o.id AS record_id, o.platform_order_id AS number, a.name AS shop, o.courier,
       o.tracking_number, o.buyer_name AS recipient,
       COALESCE((SELECT MIN(e.at) FROM online_order_events e WHERE e.order_id = o.id AND e.status = 'shipped'),
                o.updated_at) AS left_at
FROM online_orders o JOIN accounts a ON a.id = o.account_id
WHERE o.status IN ('shipped', 'completed')
UNION ALL
SELECT 'counter', s.id, s.number, '', c.courier, c.tracking_number, c.recipient, c.shipped_at
FROM counter_shipments c JOIN sales s ON s.id = c.sale_id
"""


def departures(db: Database, start: str, end: str, limit: int = 1000) -> list[Departure]:
    """What left the building in [start, end) (UTC stamps), newest first."""
    rows = db.query(f"SELECT * FROM ({_DEPARTURES}) WHERE left_at >= ? AND left_at < ? ORDER BY left_at DESC"
                    " LIMIT ?", (start, end, limit))
    return [Departure(r["source"], r["record_id"], r["number"], r["shop"], r["courier"], r["tracking_number"],
                      r["recipient"], r["left_at"]) for r in rows]
