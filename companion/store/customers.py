"""Customer rows (schema v11): the shop's regular buyers, found by name or phone, with what each owes on kasbon.

A customer is never deleted, only hidden (`deleted_at`): their kasbon sales and payments keep pointing at them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from companion.store.database import Database


@dataclass(frozen=True)
class CustomerRow:
    id: str
    name: str
    phone: str
    notes: str
    owed: int  # kasbon still open (< 0: the customer paid ahead)
    deleted: bool = False


# What each customer owes: Σ kasbon of their sales − Σ their payments − Σ what voids and returns took off.
_OWED = """
SELECT c.id AS cid,
       COALESCE((SELECT SUM(s.credit_amount) FROM sales s WHERE s.customer_id = c.id), 0)
     - COALESCE((SELECT SUM(p.amount) FROM credit_payments p WHERE p.customer_id = c.id), 0)
     - COALESCE((SELECT SUM(v.credit_reduction) FROM sale_voids v JOIN sales s ON s.id = v.sale_id
                 WHERE s.customer_id = c.id), 0)
     - COALESCE((SELECT SUM(r.credit_reduction) FROM sale_returns r JOIN sales s ON s.id = r.sale_id
                 WHERE s.customer_id = c.id), 0) AS owed
"""


def _row(r: sqlite3.Row) -> CustomerRow:
    return CustomerRow(r["id"], r["name"], r["phone"], r["notes"], int(r["owed"] or 0), r["deleted_at"] is not None)


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _phone_pattern(text: str) -> str | None:
    """A LIKE pattern for the digits of a typed phone without its country code or leading 0 (so "0812 3456",
    "+62 812 3456" and "812-3456" find the same customer); None when fewer than 3 digits were typed."""
    digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())
    if len(digits) < 3:
        return None
    if text.lstrip().startswith("+62") or (digits.startswith("62") and len(digits) > 9):
        digits = digits[2:]
    return "%" + digits.lstrip("0") + "%"


def search(db: Database, text: str, limit: int = 50, *, owing_first: bool = False) -> list[CustomerRow]:
    """Customers (not deleted) whose name contains `text` or whose phone holds its digits; names starting with
    it first, then by name. `owing_first` puts those who owe the most on top (the customer list)."""
    text = text.strip()
    like = "%" + _escaped(text) + "%"
    phone_like = _phone_pattern(text)
    order = "o.owed > 0 DESC, o.owed DESC, " if owing_first else ""
    rows = db.query(
        f"""
        SELECT c.id, c.name, c.phone, c.notes, c.deleted_at, o.owed,
               (c.name LIKE :prefix ESCAPE '\\') AS rank
        FROM customers c JOIN ({_OWED} FROM customers c WHERE c.deleted_at IS NULL) o ON o.cid = c.id
        WHERE c.deleted_at IS NULL
          AND (:text = '' OR c.name LIKE :like ESCAPE '\\'
               OR (:phone IS NOT NULL AND replace(replace(replace(replace(c.phone, ' ', ''), '-', ''), '.', ''),
                                                  '+', '') LIKE :phone))
        ORDER BY {order}rank DESC, c.name COLLATE NOCASE, c.id
        LIMIT :limit
        """,
        {"text": text, "like": like, "prefix": _escaped(text) + "%", "phone": phone_like, "limit": limit})
    return [_row(r) for r in rows]


def get(db: Database, customer_id: str) -> CustomerRow | None:
    """One customer, deleted ones too (an old kasbon sale still names them)."""
    r = db.one(f"SELECT c.id, c.name, c.phone, c.notes, c.deleted_at, o.owed FROM customers c"
               f" JOIN ({_OWED} FROM customers c WHERE c.id = :id) o ON o.cid = c.id", {"id": customer_id})
    return _row(r) if r else None


def same_name(db: Database, name: str, own_id: str | None = None) -> CustomerRow | None:
    """Another customer (not deleted) with exactly this name, ignoring case: two "Bu Ani" are hard to tell apart."""
    r = db.one(f"SELECT c.id, c.name, c.phone, c.notes, c.deleted_at, o.owed FROM customers c"
               f" JOIN ({_OWED} FROM customers c WHERE c.deleted_at IS NULL AND c.name = :name COLLATE NOCASE"
               f" AND c.id != :own) o ON o.cid = c.id LIMIT 1", {"name": name.strip(), "own": own_id or ""})
    return _row(r) if r else None


def insert(db: Database, values: dict[str, object]) -> None:
    db.execute("INSERT INTO customers (id, name, phone, notes, created_at, updated_at)"
               " VALUES (:id, :name, :phone, :notes, :created_at, :updated_at)", values)


def update(db: Database, customer_id: str, name: str, phone: str, notes: str, updated_at: str) -> None:
    db.execute("UPDATE customers SET name = ?, phone = ?, notes = ?, updated_at = ? WHERE id = ?",
               (name, phone, notes, updated_at, customer_id))


def hide(db: Database, customer_id: str, deleted_at: str) -> None:
    db.execute("UPDATE customers SET deleted_at = ?, updated_at = ? WHERE id = ?",
               (deleted_at, deleted_at, customer_id))


def count(db: Database) -> int:
    """Customers not deleted (the list's heading)."""
    return int(db.scalar("SELECT COUNT(*) FROM customers WHERE deleted_at IS NULL") or 0)
