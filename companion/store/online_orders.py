"""Orders imported from the marketplaces, unique per (account, platform order id), with their lines."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from companion.store.accounts import FILE_SHOP_REF
from companion.store.database import Database


@dataclass(frozen=True)
class OnlineOrderRow:
    id: str
    account_id: str
    channel: str
    platform_order_id: str
    status: str
    status_raw: str
    created_at: str
    updated_at: str
    ship_by: str | None
    buyer_name: str
    total: int
    stock_taken: bool
    practice: bool
    account_name: str
    # shipping (schema v9): what the platform says, and our side of an arranged shipment
    buyer_city: str = ""
    courier: str = ""
    tracking_number: str = ""
    package_id: str = ""
    ship_state: str = ""      # '' | 'waiting' (a ship command is queued) | 'failed' (refused: ship_problem)
    ship_problem: str = ""


@dataclass(frozen=True)
class OnlineLineRow:
    id: str
    line_id: str
    item_id: str
    sku_id: str
    seller_sku: str
    name: str
    quantity: int
    unit_price: int
    product_id: str | None
    cancelled_quantity: int = 0  # of `quantity`; only the rest takes stock


def _line(r: sqlite3.Row) -> OnlineLineRow:
    return OnlineLineRow(r["id"], r["line_id"], r["item_id"], r["sku_id"], r["seller_sku"], r["name"], r["quantity"],
                         r["unit_price"], r["product_id"], r["cancelled_quantity"])


_SELECT = ("SELECT o.*, a.practice AS practice, a.name AS account_name FROM online_orders o"
           " JOIN accounts a ON a.id = o.account_id")


def _row(r: sqlite3.Row) -> OnlineOrderRow:
    return OnlineOrderRow(r["id"], r["account_id"], r["channel"], r["platform_order_id"], r["status"],
                          r["status_raw"], r["created_at"], r["updated_at"], r["ship_by"], r["buyer_name"],
                          r["total"], bool(r["stock_taken"]), bool(r["practice"]), r["account_name"],
                          r["buyer_city"], r["courier"], r["tracking_number"], r["package_id"], r["ship_state"],
                          r["ship_problem"])


def by_platform_id(db: Database, account_id: str, platform_order_id: str) -> OnlineOrderRow | None:
    r = db.one(_SELECT + " WHERE o.account_id = ? AND o.platform_order_id = ?", (account_id, platform_order_id))
    return _row(r) if r else None


CHUNK = 500  # bound parameters per IN (...) list: far below any SQLite build's limit


def by_platform_ids(db: Database, account_id: str, platform_order_ids: Collection[str]) -> dict[str, OnlineOrderRow]:
    """`by_platform_id` for a page of orders at once, keyed by platform order id (missing ones left out)."""
    found: dict[str, OnlineOrderRow] = {}
    ids = list(platform_order_ids)
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        rows = db.query(_SELECT + f" WHERE o.account_id = ? AND o.platform_order_id IN ({','.join('?' * len(part))})",
                        (account_id, *part))
        found.update((r["platform_order_id"], _row(r)) for r in rows)
    return found


def file_import_account(db: Database, channel: str) -> str | None:
    """The channel's file-import account (orders imported from seller-centre files), if any."""
    account_id = db.scalar("SELECT id FROM accounts WHERE channel = ? AND shop_ref = ?", (channel, FILE_SHOP_REF))
    return str(account_id) if account_id else None


def other_real_accounts(db: Database, account_id: str, channel: str) -> list[str]:
    """The channel's other real (non-practice) accounts, oldest first: where an order may already be stored."""
    return [str(r["id"]) for r in db.query("SELECT id FROM accounts WHERE channel = ? AND practice = 0 AND id != ?"
                                           " ORDER BY created_at", (channel, account_id))]


def from_file_import(db: Database, channel: str, platform_order_id: str) -> OnlineOrderRow | None:
    """The same platform order imported earlier from a seller-centre file (before the shop was linked).

    Looked up through the channel's file-import account, so the (account, platform id) index serves it.
    """
    account_id = file_import_account(db, channel)
    return by_platform_id(db, account_id, platform_order_id) if account_id else None


def from_other_real_account(db: Database, account_id: str, channel: str,
                            platform_order_id: str) -> OnlineOrderRow | None:
    """The same platform order already stored under another real account of the channel: a file import, or the
    same shop linked before (a shop linked again after a move to a new laptop gets a new account row).

    A platform's order ids are unique across all its shops, so this never joins two shops' orders; practice
    accounts are left out (their ids are the practice marketplace's own). One index lookup per account.
    """
    for other in other_real_accounts(db, account_id, channel):
        found = by_platform_id(db, other, platform_order_id)
        if found is not None:
            return found
    return None


def get(db: Database, order_id: str) -> OnlineOrderRow | None:
    r = db.one(_SELECT + " WHERE o.id = ?", (order_id,))
    return _row(r) if r else None


def lines(db: Database, order_id: str) -> list[OnlineLineRow]:
    return [_line(r) for r in db.query("SELECT * FROM online_order_lines WHERE order_id = ? ORDER BY line_id",
                                       (order_id,))]


def lines_of(db: Database, order_ids: Collection[str]) -> dict[str, list[OnlineLineRow]]:
    """`lines` of several orders in one query per chunk; an order without lines is left out."""
    out: dict[str, list[OnlineLineRow]] = {}
    ids = list(order_ids)
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        rows = db.query(f"SELECT * FROM online_order_lines WHERE order_id IN ({','.join('?' * len(part))})"
                        " ORDER BY order_id, line_id", tuple(part))
        for r in rows:
            out.setdefault(r["order_id"], []).append(_line(r))
    return out


def listing(db: Database, statuses: tuple[str, ...] | None = None, channel: str | None = None,
            limit: int = 500) -> list[OnlineOrderRow]:
    """Orders for the Pesanan Online page: the nearest ship-by deadline first, orders without one last."""
    where, params = ["1 = 1"], []
    if statuses:
        where.append(f"o.status IN ({','.join('?' * len(statuses))})")
        params += list(statuses)
    if channel:
        where.append("o.channel = ?")
        params.append(channel)
    rows = db.query(_SELECT + f" WHERE {' AND '.join(where)} ORDER BY o.ship_by IS NULL, o.ship_by, o.updated_at DESC"
                    " LIMIT ?", (*params, limit))
    return [_row(r) for r in rows]


def reserved_unpaid(db: Database, product_ids: list[str] | None = None) -> dict[str, int]:
    """Units held by unpaid orders (not yet in the ledger; cancelled units hold nothing), per product."""
    sql = ("SELECT l.product_id, SUM(l.quantity - l.cancelled_quantity) AS q FROM online_order_lines l"
           " JOIN online_orders o ON o.id = l.order_id WHERE o.status = 'unpaid' AND l.product_id IS NOT NULL")
    params: tuple[str, ...] = ()
    if product_ids is not None:
        sql += f" AND l.product_id IN ({','.join('?' * len(product_ids))})"
        params = tuple(product_ids)
    return {r["product_id"]: int(r["q"]) for r in db.query(sql + " GROUP BY l.product_id", params)}


def assign_product(db: Database, account_id: str, item_id: str, sku_id: str, product_id: str) -> list[str]:
    """Give unmapped lines of one listing their product; returns the orders touched."""
    where = ("item_id = ? AND sku_id = ? AND product_id IS NULL"
             " AND order_id IN (SELECT id FROM online_orders WHERE account_id = ?)")
    params = (item_id, sku_id, account_id)
    found = db.query(f"SELECT DISTINCT order_id FROM online_order_lines WHERE {where}", params)
    orders = [r["order_id"] for r in found]
    db.execute(f"UPDATE online_order_lines SET product_id = ? WHERE {where}", (product_id, *params))
    return orders


def insert(db: Database, values: dict[str, object]) -> None:
    db.execute(f"INSERT INTO online_orders ({', '.join(values)}) VALUES ({', '.join(':' + k for k in values)})", values)


def insert_line(db: Database, values: dict[str, object]) -> None:
    db.execute(f"INSERT INTO online_order_lines ({', '.join(values)}) VALUES ({', '.join(':' + k for k in values)})",
               values)


def update_status(db: Database, order_id: str, status: str, status_raw: str, updated_at: str,
                  ship_by: str | None) -> None:
    db.execute("UPDATE online_orders SET status = ?, status_raw = ?, updated_at = ?, ship_by = ? WHERE id = ?",
               (status, status_raw, updated_at, ship_by, order_id))
    add_event(db, order_id, status, status_raw, updated_at)


def add_event(db: Database, order_id: str, status: str, status_raw: str, at: str) -> None:
    db.execute("INSERT INTO online_order_events (order_id, status, status_raw, at) VALUES (?, ?, ?, ?)"
               " ON CONFLICT DO NOTHING", (order_id, status, status_raw, at))


ORDER_COLUMNS = ("id", "account_id", "channel", "platform_order_id", "status", "status_raw", "created_at",
                 "updated_at", "ship_by", "buyer_name", "total", "stock_taken", "imported_at", "buyer_city",
                 "courier", "tracking_number", "package_id")
SHIPPING_FIELDS = ("buyer_city", "courier", "tracking_number", "package_id")  # kept: the latest non-empty value
LINE_COLUMNS = ("id", "order_id", "line_id", "item_id", "sku_id", "seller_sku", "name", "quantity", "unit_price",
                "product_id", "cancelled_quantity")


def insert_many(db: Database, orders: Sequence[tuple[object, ...]], lines: Sequence[tuple[object, ...]]) -> None:
    """New orders (values in ORDER_COLUMNS order), then their lines (LINE_COLUMNS order), in the given order."""
    db.executemany(f"INSERT INTO online_orders ({', '.join(ORDER_COLUMNS)})"
                   f" VALUES ({', '.join('?' * len(ORDER_COLUMNS))})", orders)
    db.executemany(f"INSERT INTO online_order_lines ({', '.join(LINE_COLUMNS)})"
                   f" VALUES ({', '.join('?' * len(LINE_COLUMNS))})", lines)


def add_events_many(db: Database, events: Sequence[tuple[str, str, str, str]]) -> None:
    """`add_event` for (order id, status, status_raw, at) rows, in the given order."""
    db.executemany("INSERT INTO online_order_events (order_id, status, status_raw, at) VALUES (?, ?, ?, ?)"
                   " ON CONFLICT DO NOTHING", events)


def update_statuses(db: Database, updates: Sequence[tuple[str, str, str, str | None, bool, str]]) -> None:
    """Status changes as (status, status_raw, updated_at, ship_by, stock_taken, order id), applied in order;
    their events go through `add_events_many`."""
    db.executemany("UPDATE online_orders SET status = ?, status_raw = ?, updated_at = ?, ship_by = ?, stock_taken = ?"
                   " WHERE id = ?", [(*u[:4], int(u[4]), u[5]) for u in updates])


def update_shipping_many(db: Database, updates: Sequence[tuple[str, str, str, str, str]]) -> None:
    """The platform's shipping facts as (buyer_city, courier, tracking_number, package_id, order id); an empty value
    keeps what is stored (a later page that leaves a field out never erases it)."""
    db.executemany("UPDATE online_orders SET buyer_city = COALESCE(NULLIF(?, ''), buyer_city),"
                   " courier = COALESCE(NULLIF(?, ''), courier),"
                   " tracking_number = COALESCE(NULLIF(?, ''), tracking_number),"
                   " package_id = COALESCE(NULLIF(?, ''), package_id) WHERE id = ?", updates)


def clear_stale_ship_failures(db: Database, order_ids: Sequence[str]) -> None:
    """A refused shipment is no longer news once the parcel is with the courier (sent from the seller centre). An
    arranged order keeps it: a refused second step (ready to ship after packing) may be shipped again."""
    db.executemany("UPDATE online_orders SET ship_state = '', ship_problem = '' WHERE id = ? AND ship_state = 'failed'"
                   " AND status IN ('shipped', 'completed')", [(o,) for o in order_ids])


def set_cancelled_many(db: Database, updates: Sequence[tuple[int, str]]) -> None:
    """Lines' cancelled units as (cancelled quantity, line row id), applied in order (a number only ever rises)."""
    db.executemany("UPDATE online_order_lines SET cancelled_quantity = ? WHERE id = ?", updates)
    db.executemany("UPDATE online_orders SET total = (SELECT COALESCE(SUM((quantity - cancelled_quantity)"
                   " * unit_price), 0) FROM online_order_lines l WHERE l.order_id = online_orders.id)"
                   " WHERE id = (SELECT order_id FROM online_order_lines WHERE id = ?)", [(u[1],) for u in updates])


def set_stock_taken(db: Database, order_id: str, taken: bool) -> None:
    db.execute("UPDATE online_orders SET stock_taken = ? WHERE id = ?", (int(taken), order_id))


def events(db: Database, order_id: str) -> list[tuple[str, str, str]]:
    rows = db.query("SELECT status, status_raw, at FROM online_order_events WHERE order_id = ? ORDER BY at",
                    (order_id,))
    return [(r["status"], r["status_raw"], r["at"]) for r in rows]
