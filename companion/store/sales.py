"""Counter sales, their lines, voids and returns."""

from __future__ import annotations

import json
from dataclasses import dataclass

from companion.domain.hub_tables import MAIN_OUTLET
from companion.store.database import Database
from companion.store.shifts import OPEN_SHIFT
from companion.store.stock import HERE


@dataclass(frozen=True)
class SaleLineRow:
    id: str
    line_no: int
    product_id: str
    sku: str
    name: str
    quantity: int
    unit_price: int
    line_discount: int
    line_total: int
    returned: int


@dataclass(frozen=True)
class PaymentRow:
    method: str  # tunai, qris, transfer, lainnya
    amount: int  # what counts towards the sale
    tendered: int  # what was handed over (cash: with the change)


@dataclass(frozen=True)
class SaleRow:
    id: str
    number: str
    created_at: str
    subtotal: int
    sale_discount: int
    total: int
    payment_method: str
    amount_paid: int
    change_given: int
    voided: bool
    void_reason: str | None
    lines: list[SaleLineRow]
    payments: list[PaymentRow]
    customer_id: str | None = None
    credit_amount: int = 0  # left on kasbon
    due_date: str | None = None  # YYYY-MM-DD, with kasbon
    cashier_id: str | None = None
    shift_id: str | None = None
    outlet_id: str = MAIN_OUTLET  # where it was sold (its stock came from there)


def next_number(db: Database, day_code: str) -> str:
    """The next receipt number of a shop day on this laptop, e.g. 20261128-0007, or B-20261128-0007 once the
    laptop has a receipt prefix from the hub (…-10000 after 9999: compared as numbers). Each laptop counts only
    its own prefix's numbers, so laptops selling offline never pick the same number."""
    return counter_start(db, day_code).number


@dataclass(frozen=True)
class CounterStart:
    """What a new counter sale reads before it writes: its receipt number, the shift open on this laptop (None:
    no shift) and this laptop's outlet."""

    number: str
    shift_id: str | None
    outlet_id: str


# next_number, open_shift_id and this_outlet in one statement (lookups of the one-row hub_state and index seeks),
# read inside the sale's own transaction, so nothing another laptop or process changed can be stale.
# A range on the number itself, so the UNIQUE index finds the day's receipts (LIKE could not use it: a full scan of
# every sale ever made, ~8 ms at 100 000 sales); '.' is the character after '-'. The day's last number is the last
# one in text order (one seek: four digits sort as numbers, a renamed "…-0007~a1b2c3" sorts beside its own number
# and counts by its leading digits, CAST stopping there) while it is 1…9998 (every number is made here, zero-padded,
# or renamed from one keeping its digits); from 9999 on, five-digit numbers sort among the four-digit ones, so every
# number of the day is read (MAX over the day, as before: 40 µs at 350 sales a day and growing with each sale).
_START = f"""
WITH p AS (SELECT CASE WHEN COALESCE((SELECT prefix FROM hub_state WHERE id = 1), '') != ''
                       THEN (SELECT prefix FROM hub_state WHERE id = 1) || '-' || :day || '-'
                       ELSE :day || '-' END AS pre)
SELECT pre, (SELECT CASE WHEN newest BETWEEN 1 AND 9998 THEN newest ELSE
                    (SELECT MAX(CAST(substr(number, length(pre) + 1) AS INTEGER)) FROM sales
                     WHERE number > pre AND number < substr(pre, 1, length(pre) - 1) || '.') END
             FROM (SELECT CAST(substr(number, length(pre) + 1) AS INTEGER) AS newest FROM sales
                   WHERE number > pre AND number < substr(pre, 1, length(pre) - 1) || '.'
                   ORDER BY number DESC LIMIT 1)) AS last,
       ({OPEN_SHIFT}) AS shift_id, {HERE} AS outlet_id
FROM p
"""


def counter_start(db: Database, day_code: str) -> CounterStart:
    """The next receipt number of the shop day (`next_number`), the open shift and the outlet, read at once."""
    r = db.one(_START, {"day": day_code})
    assert r is not None
    shift_id = r["shift_id"]
    return CounterStart(f"{r['pre']}{int(r['last'] or 0) + 1:04d}", None if shift_id is None else str(shift_id),
                        str(r["outlet_id"]))


@dataclass(frozen=True)
class LineProduct:
    sku: str
    name: str  # as the receipt shows it: ProductRow.display_name


# One statement for every product of a cart whatever its size (json_each: the same SQL text, so one prepared
# statement); the name is made as ProductRow.display_name makes it ("Kaos – Merah", or the name alone).
_LINE_PRODUCTS = ("SELECT id, sku, CASE WHEN COALESCE(variant_name, '') != '' THEN name || ' – ' || variant_name"
                  " ELSE name END AS shown FROM products WHERE id IN (SELECT value FROM json_each(?))")


def line_products(db: Database, product_ids: list[str]) -> dict[str, LineProduct]:
    """The sku and shown name of each product of a cart that exists (a missing one is left out)."""
    rows = db.query(_LINE_PRODUCTS, (json.dumps(sorted(set(product_ids))),))
    return {str(r["id"]): LineProduct(str(r["sku"]), str(r["shown"])) for r in rows}


def get(db: Database, sale_id: str) -> SaleRow | None:
    s = db.one(
        "SELECT s.*, v.reason AS void_reason, v.id AS void_id FROM sales s"
        " LEFT JOIN sale_voids v ON v.sale_id = s.id WHERE s.id = ?", (sale_id,)
    )
    if s is None:
        return None
    lines = [
        SaleLineRow(r["id"], r["line_no"], r["product_id"], r["sku"], r["name"], r["quantity"], r["unit_price"],
                    r["line_discount"], r["line_total"], r["returned"])
        for r in db.query(
            "SELECT l.*, COALESCE((SELECT SUM(quantity) FROM sale_return_lines rl WHERE rl.sale_line_id = l.id), 0)"
            " AS returned FROM sale_lines l WHERE l.sale_id = ? ORDER BY l.line_no", (sale_id,)
        )
    ]
    payments = [PaymentRow(r["method"], r["amount"], r["tendered"]) for r in db.query(
        "SELECT method, amount, tendered FROM sale_payments WHERE sale_id = ? ORDER BY rowid", (sale_id,))]
    return SaleRow(s["id"], s["number"], s["created_at"], s["subtotal"], s["sale_discount"], s["total"],
                   s["payment_method"], s["amount_paid"], s["change_given"], s["void_id"] is not None,
                   s["void_reason"], lines, payments, s["customer_id"], s["credit_amount"], s["due_date"],
                   s["cashier_id"], s["shift_id"], s["outlet_id"])


def recent(db: Database, start: str, end: str, limit: int = 200) -> list[SaleRow]:
    ids = [r["id"] for r in db.query(
        "SELECT id FROM sales WHERE created_at >= ? AND created_at < ? ORDER BY created_at DESC LIMIT ?",
        (start, end, limit))]
    return [s for s in (get(db, i) for i in ids) if s is not None]


@dataclass(frozen=True)
class DaySummary:
    total: int
    count: int
    refunds: int


def any_sale(db: Database) -> bool:
    """Whether the shop has recorded any counter sale (voided ones count too)."""
    return db.scalar("SELECT 1 FROM sales LIMIT 1") is not None


def summary(db: Database, start: str, end: str) -> DaySummary:
    """Takings of non-voided sales in [start, end), and refunds paid out for returns in that range."""
    r = db.one(
        "SELECT COALESCE(SUM(s.total), 0) AS total, COUNT(*) AS n FROM sales s"
        " WHERE s.created_at >= ? AND s.created_at < ? AND NOT EXISTS"
        " (SELECT 1 FROM sale_voids v WHERE v.sale_id = s.id)", (start, end))
    refunds = db.scalar("SELECT COALESCE(SUM(refund), 0) FROM sale_returns WHERE created_at >= ? AND created_at < ?",
                        (start, end))
    assert r is not None
    return DaySummary(int(r["total"]), int(r["n"]), int(refunds or 0))


def best_sellers(db: Database, start: str, end: str, limit: int = 5) -> list[tuple[str, str, int, int]]:
    """(sku, name, quantity, takings) of the best-selling products in [start, end), voids left out."""
    rows = db.query(
        "SELECT l.sku, l.name, SUM(l.quantity) AS qty, SUM(l.line_total) AS takings FROM sale_lines l"
        " JOIN sales s ON s.id = l.sale_id WHERE s.created_at >= ? AND s.created_at < ?"
        " AND NOT EXISTS (SELECT 1 FROM sale_voids v WHERE v.sale_id = s.id)"
        " GROUP BY l.product_id ORDER BY qty DESC, takings DESC LIMIT ?", (start, end, limit))
    return [(r["sku"], r["name"], int(r["qty"]), int(r["takings"])) for r in rows]


def _insert(db: Database, table: str, values: dict[str, object]) -> None:
    db.execute(f"INSERT INTO {table} ({', '.join(values)}) VALUES ({', '.join(':' + k for k in values)})", values)


def _insert_many(db: Database, table: str, rows: list[dict[str, object]]) -> None:
    """Rows of one shape in one prepared statement (the same SQL text for any number of rows)."""
    if rows:
        names = list(rows[0])
        db.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(':' + k for k in names)})",
                       rows)  # type: ignore[arg-type]  # sqlite3 takes mappings for named parameters


def insert_sale(db: Database, values: dict[str, object]) -> None:
    _insert(db, "sales", values)


def insert_payments(db: Database, rows: list[dict[str, object]]) -> None:
    """A sale's payment rows (one per method), all with the same keys."""
    _insert_many(db, "sale_payments", rows)


def insert_lines(db: Database, rows: list[dict[str, object]]) -> None:
    """A sale's lines, all with the same keys."""
    _insert_many(db, "sale_lines", rows)


def insert_void(db: Database, values: dict[str, object]) -> None:
    _insert(db, "sale_voids", values)


def insert_return(db: Database, values: dict[str, object], lines: dict[str, int]) -> None:
    """A return and its lines (sale line id → units back)."""
    _insert(db, "sale_returns", values)
    for line_id, quantity in lines.items():
        _insert(db, "sale_return_lines", {"return_id": values["id"], "sale_line_id": line_id, "quantity": quantity})
