"""Kasbon (credit) sums read from the append-only rows of schema v11: what a customer owes now."""

from __future__ import annotations

from dataclasses import dataclass

from companion.store.database import Database


def owed(db: Database, customer_id: str) -> int:
    """Σ kasbon of the customer's sales − Σ their payments − Σ what voids and returns took off (may be < 0 when
    a customer paid ahead; callers show that as the shop owing them)."""
    value = db.scalar(
        "SELECT COALESCE((SELECT SUM(credit_amount) FROM sales WHERE customer_id = :c), 0)"
        " - COALESCE((SELECT SUM(amount) FROM credit_payments WHERE customer_id = :c), 0)"
        " - COALESCE((SELECT SUM(v.credit_reduction) FROM sale_voids v JOIN sales s ON s.id = v.sale_id"
        "             WHERE s.customer_id = :c), 0)"
        " - COALESCE((SELECT SUM(r.credit_reduction) FROM sale_returns r JOIN sales s ON s.id = r.sale_id"
        "             WHERE s.customer_id = :c), 0)", {"c": customer_id})
    return int(value or 0)


def customer_usable(db: Database, customer_id: str) -> bool:
    """The customer exists and is not deleted (a kasbon can be written only to them)."""
    return db.scalar("SELECT 1 FROM customers WHERE id = ? AND deleted_at IS NULL", (customer_id,)) is not None


@dataclass(frozen=True)
class KasbonSaleRow:
    sale_id: str
    number: str
    created_at: str  # UTC stamp
    total: int
    credit_amount: int
    due_date: str | None  # YYYY-MM-DD
    voided: bool
    taken_off: int  # Σ credit_reduction of its void and returns


@dataclass(frozen=True)
class CreditPaymentRow:
    id: str
    amount: int
    method: str
    note: str
    created_at: str
    cashier_id: str | None
    shift_id: str | None


@dataclass(frozen=True)
class ReductionRow:
    sale_id: str
    amount: int
    created_at: str


def kasbon_sales(db: Database, customer_id: str) -> list[KasbonSaleRow]:
    """The customer's sales with a kasbon part, oldest first."""
    rows = db.query(
        "SELECT s.id, s.number, s.created_at, s.total, s.credit_amount, s.due_date,"
        " EXISTS (SELECT 1 FROM sale_voids v WHERE v.sale_id = s.id) AS voided,"
        " COALESCE((SELECT SUM(v.credit_reduction) FROM sale_voids v WHERE v.sale_id = s.id), 0)"
        " + COALESCE((SELECT SUM(r.credit_reduction) FROM sale_returns r WHERE r.sale_id = s.id), 0) AS taken_off"
        " FROM sales s WHERE s.customer_id = ? AND s.credit_amount > 0 ORDER BY s.created_at, s.number",
        (customer_id,))
    return [KasbonSaleRow(r["id"], r["number"], r["created_at"], r["total"], r["credit_amount"], r["due_date"],
                          bool(r["voided"]), int(r["taken_off"])) for r in rows]


def payments(db: Database, customer_id: str) -> list[CreditPaymentRow]:
    """The customer's kasbon payments, oldest first."""
    rows = db.query("SELECT id, amount, method, note, created_at, cashier_id, shift_id FROM credit_payments"
                    " WHERE customer_id = ? ORDER BY created_at, id", (customer_id,))
    return [CreditPaymentRow(r["id"], r["amount"], r["method"], r["note"], r["created_at"], r["cashier_id"],
                             r["shift_id"]) for r in rows]


def reductions(db: Database, customer_id: str) -> list[ReductionRow]:
    """What voids and returns of the customer's sales took off their kasbon."""
    rows = db.query(
        "SELECT v.sale_id, v.credit_reduction AS amount, v.created_at FROM sale_voids v"
        " JOIN sales s ON s.id = v.sale_id WHERE s.customer_id = :c AND v.credit_reduction > 0"
        " UNION ALL SELECT r.sale_id, r.credit_reduction, r.created_at FROM sale_returns r"
        " JOIN sales s ON s.id = r.sale_id WHERE s.customer_id = :c AND r.credit_reduction > 0"
        " ORDER BY 3", {"c": customer_id})
    return [ReductionRow(r["sale_id"], r["amount"], r["created_at"]) for r in rows]


def insert_payment(db: Database, values: dict[str, object]) -> None:
    db.execute("INSERT INTO credit_payments (id, customer_id, amount, method, note, created_at, cashier_id,"
               " shift_id) VALUES (:id, :customer_id, :amount, :method, :note, :created_at, :cashier_id,"
               " :shift_id)", values)


def payment_exists(db: Database, payment_id: str) -> bool:
    """A payment with this id was already saved (the same press retried after a crash or a double click)."""
    return db.scalar("SELECT 1 FROM credit_payments WHERE id = ?", (payment_id,)) is not None


def customers_with_kasbon(db: Database) -> list[str]:
    """Ids of customers (deleted ones too) whose kasbon rows leave something open: the doctor's and the kill
    cycles' check that every owed sum is the rows' sum."""
    rows = db.query("SELECT DISTINCT customer_id FROM sales WHERE credit_amount > 0"
                    " UNION SELECT customer_id FROM credit_payments")
    return [str(r[0]) for r in rows if r[0] is not None]


def returned_off_debt(db: Database, sale_id: str) -> int:
    """What returns of one kasbon sale already took off the customer's debt."""
    return int(db.scalar("SELECT COALESCE(SUM(credit_reduction), 0) FROM sale_returns WHERE sale_id = ?",
                         (sale_id,)) or 0)
