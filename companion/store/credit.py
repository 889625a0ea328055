"""Kasbon (credit) sums read from the append-only rows of schema v11: what a customer owes now."""

from __future__ import annotations

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
