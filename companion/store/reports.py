"""Read-only queries behind the reports: raw facts in a UTC range, grouped and summed by services/reports.py.

Grouping by shop day, week or month happens in Python, because the shop's zone (WIB, WITA, WIT) decides which
day a sale belongs to and SQLite knows nothing of zones.
"""

from __future__ import annotations

from dataclasses import dataclass

from companion.store.database import Database

# Online orders that are takings: paid and onward; unpaid and cancelled orders are not money.
TAKINGS_STATUSES = ("paid", "ready_to_ship", "shipped", "completed")

_NOT_VOIDED = "NOT EXISTS (SELECT 1 FROM sale_voids v WHERE v.sale_id = s.id)"


@dataclass(frozen=True)
class CounterSaleFact:
    created_at: str
    total: int
    payment_method: str


@dataclass(frozen=True)
class OnlineOrderFact:
    created_at: str
    channel: str
    total: int


@dataclass(frozen=True)
class SoldLineFact:
    """One sold line, counter or online; `paid` is what the buyer paid for the units still sold (net of returns)."""

    channel: str
    product_id: str | None
    sku: str
    name: str
    units: int
    paid: int


def counter_sales(db: Database, start: str, end: str) -> list[CounterSaleFact]:
    """Non-voided counter sales in [start, end)."""
    rows = db.query(f"SELECT s.created_at, s.total, s.payment_method FROM sales s WHERE s.created_at >= ?"
                    f" AND s.created_at < ? AND {_NOT_VOIDED}", (start, end))
    return [CounterSaleFact(r["created_at"], int(r["total"]), r["payment_method"]) for r in rows]


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
    marks = ",".join("?" * len(TAKINGS_STATUSES))
    rows = db.query(f"SELECT created_at, channel, total FROM online_orders WHERE created_at >= ? AND created_at < ?"
                    f" AND status IN ({marks})", (start, end, *TAKINGS_STATUSES))
    return [OnlineOrderFact(r["created_at"], r["channel"], int(r["total"])) for r in rows]


def counter_lines(db: Database, start: str, end: str) -> list[SoldLineFact]:
    """Counter lines of non-voided sales in [start, end), after their share of the sale discount and minus
    returned units (whenever they came back): the same sums a return refunds."""
    rows = db.query(
        "SELECT l.product_id, l.sku, l.name, l.quantity, l.line_total, s.subtotal, s.sale_discount,"
        " COALESCE((SELECT SUM(rl.quantity) FROM sale_return_lines rl WHERE rl.sale_line_id = l.id), 0) AS back"
        f" FROM sale_lines l JOIN sales s ON s.id = l.sale_id WHERE s.created_at >= ? AND s.created_at < ?"
        f" AND {_NOT_VOIDED}", (start, end))
    facts = []
    for r in rows:
        line_paid = int(r["line_total"])
        if r["sale_discount"] and r["subtotal"]:
            line_paid -= (int(r["sale_discount"]) * line_paid) // int(r["subtotal"])
        kept = int(r["quantity"]) - int(r["back"])
        paid = line_paid - (line_paid * int(r["back"])) // int(r["quantity"])
        facts.append(SoldLineFact("counter", r["product_id"], r["sku"], r["name"], kept, paid))
    return facts


def online_lines(db: Database, start: str, end: str) -> list[SoldLineFact]:
    """Lines of takings orders placed in [start, end); unmapped lines keep the platform's SKU and name."""
    marks = ",".join("?" * len(TAKINGS_STATUSES))
    rows = db.query(
        "SELECT o.channel, l.product_id, COALESCE(p.sku, l.seller_sku) AS sku, COALESCE(p.name, l.name) AS name,"
        " p.variant_name, l.quantity, l.unit_price FROM online_order_lines l JOIN online_orders o ON o.id = l.order_id"
        " LEFT JOIN products p ON p.id = l.product_id"
        f" WHERE o.created_at >= ? AND o.created_at < ? AND o.status IN ({marks})", (start, end, *TAKINGS_STATUSES))
    return [SoldLineFact(r["channel"], r["product_id"], r["sku"] or "",
                         f"{r['name']} – {r['variant_name']}" if r["variant_name"] else r["name"],
                         int(r["quantity"]), int(r["quantity"]) * int(r["unit_price"])) for r in rows]


def cost_prices(db: Database) -> dict[str, int | None]:
    """Every product's cost price today (None when the shop never entered one)."""
    return {r["id"]: (None if r["cost_price"] is None else int(r["cost_price"]))
            for r in db.query("SELECT id, cost_price FROM products")}
