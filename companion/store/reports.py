"""Read-only queries behind the reports, summed by SQLite over the indexed date range: only grouped rows come back
(a day per row, a product per row), never every sale line of the period.

A shop day is the UTC stamp moved by the zone's offset (WIB +7, WITA +8, WIT +9: fixed since 1988, no summer
time), so `date()` in SQL gives the same day as Python's zone arithmetic. The fraction of a second is cut off
first: SQLite rounds 23.59.59,9999 up into the next day.
"""

from __future__ import annotations

from dataclasses import dataclass

from companion.store.database import Database

# Online orders that are takings: paid and onward; unpaid and cancelled orders are not money.
TAKINGS_STATUSES = ("paid", "ready_to_ship", "shipped", "completed")

_NOT_VOIDED = "NOT EXISTS (SELECT 1 FROM sale_voids v WHERE v.sale_id = s.id)"
_MARKS = ",".join("?" * len(TAKINGS_STATUSES))


def _day(column: str) -> str:
    """The shop day of a UTC stamp column; the parameter is the offset modifier, e.g. '+420 minutes'."""
    return f"date(substr({column}, 1, 19), ?)"


def offset_modifier(minutes: int) -> str:
    return f"{minutes:+d} minutes"


@dataclass(frozen=True)
class CounterSaleFact:
    created_at: str
    total: int
    payment_method: str  # the sale's summary: one method, 'campuran' or 'kasbon'
    payments: tuple[tuple[str, int], ...] = ()  # (method, amount counted) from sale_payments, one per method
    credit: int = 0  # left on kasbon


@dataclass(frozen=True)
class OnlineOrderFact:
    created_at: str
    channel: str
    total: int


@dataclass(frozen=True)
class DayTotal:
    """Sums of one shop day (ISO text), for one channel where the fact has one."""

    day: str
    channel: str
    count: int
    amount: int


@dataclass(frozen=True)
class ProductTotal:
    """One product's (or one unlinked platform item's) sold units and takings in the range, for one channel or
    the counter; sku and name as on its earliest line in the range (counter lines keep the name sold under)."""

    channel: str
    product_id: str | None
    sku: str
    name: str
    units: int
    paid: int
    cost_price: int | None  # the product's cost price today


def counter_sales(db: Database, start: str, end: str) -> list[CounterSaleFact]:
    """Non-voided counter sales in [start, end), each with what every method paid of it (a split sale has several)."""
    paid: dict[str, list[tuple[str, int]]] = {}
    for p in db.query("SELECT p.sale_id, p.method, SUM(p.amount) AS amount FROM sale_payments p"
                      " JOIN sales s ON s.id = p.sale_id WHERE s.created_at >= ? AND s.created_at < ?"
                      f" AND {_NOT_VOIDED} GROUP BY p.sale_id, p.method ORDER BY MIN(p.rowid)", (start, end)):
        paid.setdefault(p["sale_id"], []).append((p["method"], int(p["amount"])))
    rows = db.query(f"SELECT s.id, s.created_at, s.total, s.payment_method, s.credit_amount FROM sales s"
                    f" WHERE s.created_at >= ? AND s.created_at < ? AND {_NOT_VOIDED}", (start, end))
    return [CounterSaleFact(r["created_at"], int(r["total"]), r["payment_method"], tuple(paid.get(r["id"], ())),
                            int(r["credit_amount"] or 0)) for r in rows]


def voided_sales(db: Database, start: str, end: str) -> tuple[int, int]:
    """(count, amount) of sales made in [start, end) that were later cancelled."""
    r = db.one("SELECT COUNT(*) AS n, COALESCE(SUM(s.total), 0) AS amount FROM sales s"
               " JOIN sale_voids v ON v.sale_id = s.id WHERE s.created_at >= ? AND s.created_at < ?", (start, end))
    return (int(r["n"]), int(r["amount"])) if r else (0, 0)


def refunds(db: Database, start: str, end: str) -> list[tuple[str, int]]:
    """(moment, rupiah) of money paid back for returns in [start, end), dated when it was paid back."""
    rows = db.query("SELECT created_at, refund FROM sale_returns WHERE created_at >= ? AND created_at < ?",
                    (start, end))
    return [(r["created_at"], int(r["refund"])) for r in rows]


def online_orders(db: Database, start: str, end: str) -> list[OnlineOrderFact]:
    """Orders placed in [start, end) that count as takings (see TAKINGS_STATUSES)."""
    rows = db.query(f"SELECT created_at, channel, total FROM online_orders WHERE created_at >= ? AND created_at < ?"
                    f" AND status IN ({_MARKS})", (start, end, *TAKINGS_STATUSES))
    return [OnlineOrderFact(r["created_at"], r["channel"], int(r["total"])) for r in rows]


def counter_days(db: Database, start: str, end: str, offset_minutes: int) -> list[DayTotal]:
    """Per shop day: number and total of non-voided counter sales made in [start, end)."""
    rows = db.query(f"SELECT {_day('s.created_at')} AS day, COUNT(*) AS n, SUM(s.total) AS amount FROM sales s"
                    f" WHERE s.created_at >= ? AND s.created_at < ? AND {_NOT_VOIDED} GROUP BY day",
                    (offset_modifier(offset_minutes), start, end))
    return [DayTotal(r["day"], "counter", int(r["n"]), int(r["amount"])) for r in rows]


def refund_days(db: Database, start: str, end: str, offset_minutes: int) -> list[DayTotal]:
    """Per shop day: money paid back for returns in [start, end), on the day it was paid back."""
    rows = db.query(f"SELECT {_day('created_at')} AS day, COUNT(*) AS n, SUM(refund) AS amount FROM sale_returns"
                    " WHERE created_at >= ? AND created_at < ? GROUP BY day",
                    (offset_modifier(offset_minutes), start, end))
    return [DayTotal(r["day"], "counter", int(r["n"]), int(r["amount"])) for r in rows]


def online_days(db: Database, start: str, end: str, offset_minutes: int) -> list[DayTotal]:
    """Per shop day and channel: number and total of takings orders placed in [start, end)."""
    rows = db.query(f"SELECT {_day('created_at')} AS day, channel, COUNT(*) AS n, SUM(total) AS amount"
                    f" FROM online_orders WHERE created_at >= ? AND created_at < ? AND status IN ({_MARKS})"
                    " GROUP BY day, channel", (offset_modifier(offset_minutes), start, end, *TAKINGS_STATUSES))
    return [DayTotal(r["day"], r["channel"], int(r["n"]), int(r["amount"])) for r in rows]


# A counter line's takings: its line total less its share of the sale discount (rounded down), then less the
# share of the units returned (whenever they came back, rounded down): the same sums a return refunds. Every
# value is >= 0, so SQLite's integer division rounds down like Python's //.
_COUNTER_LINES = (
    "SELECT s.created_at, l.line_no, l.product_id, l.sku, l.name, l.quantity,"
    " l.line_total - CASE WHEN s.sale_discount <> 0 AND s.subtotal <> 0"
    " THEN s.sale_discount * l.line_total / s.subtotal ELSE 0 END AS line_paid,"
    " COALESCE(b.back, 0) AS back FROM sales s JOIN sale_lines l ON l.sale_id = s.id"
    " LEFT JOIN (SELECT sale_line_id, SUM(quantity) AS back FROM sale_return_lines GROUP BY sale_line_id) b"
    " ON b.sale_line_id = l.id WHERE s.created_at >= ? AND s.created_at < ?"
    f" AND {_NOT_VOIDED}")


def counter_products(db: Database, start: str, end: str) -> list[ProductTotal]:
    """Counter units and takings per product for non-voided sales in [start, end), net of returns and of each
    line's share of its sale discount."""
    rows = db.query(
        "SELECT g.product_id, g.sku, g.name, g.units, g.paid, p.cost_price FROM ("
        " SELECT product_id, MIN(created_at) AS first, sku, name,"
        " SUM(quantity - back) AS units, SUM(line_paid - line_paid * back / quantity) AS paid"
        f" FROM ({_COUNTER_LINES}) GROUP BY product_id) g LEFT JOIN products p ON p.id = g.product_id",
        (start, end))
    return [ProductTotal("counter", r["product_id"], r["sku"], r["name"], int(r["units"]), int(r["paid"]),
                         None if r["cost_price"] is None else int(r["cost_price"])) for r in rows]


def online_products(db: Database, start: str, end: str, channel: str | None = None) -> list[ProductTotal]:
    """Units and takings per channel and product of takings orders placed in [start, end); a line not linked to
    a product is grouped by the platform's SKU (its name when it has none) and keeps the platform's name."""
    only = " AND o.channel = ?" if channel else ""
    rows = db.query(
        "SELECT o.channel, l.product_id, MIN(o.created_at) AS first,"
        " COALESCE(p.sku, l.seller_sku) AS sku, COALESCE(p.name, l.name) AS name, p.variant_name, p.cost_price,"
        " SUM(l.quantity - l.cancelled_quantity) AS units,"
        " SUM((l.quantity - l.cancelled_quantity) * l.unit_price) AS paid"
        " FROM online_order_lines l JOIN online_orders o ON o.id = l.order_id"
        " LEFT JOIN products p ON p.id = l.product_id"
        f" WHERE o.created_at >= ? AND o.created_at < ? AND o.status IN ({_MARKS}){only}"
        " GROUP BY o.channel, l.product_id,"
        " CASE WHEN l.product_id IS NULL THEN CASE WHEN l.seller_sku <> '' THEN l.seller_sku ELSE l.name END END",
        (start, end, *TAKINGS_STATUSES, *((channel,) if channel else ())))
    return [ProductTotal(r["channel"], r["product_id"], r["sku"] or "",
                         f"{r['name']} – {r['variant_name']}" if r["variant_name"] else r["name"],
                         int(r["units"]), int(r["paid"]),
                         None if r["cost_price"] is None else int(r["cost_price"])) for r in rows]


@dataclass(frozen=True)
class StockTotals:
    """Sums over products with stock on hand (a negative count is a counting gap, not value)."""

    at_cost: int  # products with a cost price only
    at_sell: int
    units: int
    products: int
    products_without_cost: int
    at_sell_without_cost: int


def stock_totals(db: Database) -> StockTotals:
    """What the shelves are worth, summed by SQLite from the cached stock levels."""
    r = db.one(
        "SELECT COALESCE(SUM(l.on_hand * p.cost_price), 0) AS at_cost, COALESCE(SUM(l.on_hand * p.sell_price), 0)"
        " AS at_sell, COALESCE(SUM(l.on_hand), 0) AS units, COUNT(*) AS products,"
        " COALESCE(SUM(p.cost_price IS NULL), 0) AS without,"
        " COALESCE(SUM(CASE WHEN p.cost_price IS NULL THEN l.on_hand * p.sell_price END), 0) AS sell_without"
        " FROM products p JOIN stock_levels l ON l.product_id = p.id WHERE l.on_hand > 0")
    if r is None:
        return StockTotals(0, 0, 0, 0, 0, 0)
    return StockTotals(int(r["at_cost"]), int(r["at_sell"]), int(r["units"]), int(r["products"]),
                       int(r["without"]), int(r["sell_without"]))


@dataclass(frozen=True)
class CategoryTotal:
    """Counter units and takings of the products now in one category (category_id None: in none)."""

    category_id: str | None
    name: str  # "" for no category
    units: int
    paid: int


def counter_categories(db: Database, start: str, end: str) -> list[CategoryTotal]:
    """Counter units and takings per product category for non-voided sales in [start, end), each line net of
    returns and of its share of the sale discount exactly as counter_products sums it (so the categories add up
    to the products). The category is the product's today: sale lines do not keep one."""
    rows = db.query(
        "SELECT p.category_id, COALESCE(c.name, '') AS name, SUM(x.quantity - x.back) AS units,"
        " SUM(x.line_paid - x.line_paid * x.back / x.quantity) AS paid"
        f" FROM ({_COUNTER_LINES}) x LEFT JOIN products p ON p.id = x.product_id"
        " LEFT JOIN categories c ON c.id = p.category_id GROUP BY p.category_id", (start, end))
    return [CategoryTotal(r["category_id"], r["name"], int(r["units"]), int(r["paid"])) for r in rows]
