"""Product categories: the rows, how many products each holds, and the writes the category service makes.

A category is only a name products point at (products.category_id); removing one leaves its products without a
category, never removes a product.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from companion.store.database import Database


@dataclass(frozen=True)
class CategoryRow:
    id: str
    name: str
    products: int  # products in it, active or not


_SELECT = """
SELECT c.id, c.name, (SELECT COUNT(*) FROM products p WHERE p.category_id = c.id) AS products
FROM categories c
"""


def _row(r: sqlite3.Row) -> CategoryRow:
    return CategoryRow(r["id"], r["name"], int(r["products"]))


def list_all(db: Database) -> list[CategoryRow]:
    """Every category, by name as people read it (letter case ignored)."""
    return [_row(r) for r in db.query(_SELECT + " ORDER BY c.name COLLATE NOCASE")]


def get(db: Database, category_id: str) -> CategoryRow | None:
    r = db.one(_SELECT + " WHERE c.id = ?", (category_id,))
    return _row(r) if r else None


def by_name(db: Database, name: str) -> CategoryRow | None:
    """The category called `name`, letter case and surrounding spaces ignored (names are unique that way)."""
    r = db.one(_SELECT + " WHERE c.name = ? COLLATE NOCASE", (name.strip(),))
    return _row(r) if r else None


def insert(db: Database, category_id: str, name: str, created_at: str) -> None:
    db.execute("INSERT INTO categories (id, name, created_at) VALUES (?, ?, ?)", (category_id, name, created_at))


def rename(db: Database, category_id: str, name: str) -> None:
    db.execute("UPDATE categories SET name = ? WHERE id = ?", (name, category_id))


def delete(db: Database, category_id: str, updated_at: str) -> list[str]:
    """Remove a category; its products are left without one (and their update time moves). Returns their ids."""
    ids = [str(r["id"]) for r in db.query("SELECT id FROM products WHERE category_id = ?", (category_id,))]
    db.execute("UPDATE products SET category_id = NULL, updated_at = ? WHERE category_id = ?",
               (updated_at, category_id))
    db.execute("DELETE FROM categories WHERE id = ?", (category_id,))
    return ids


def set_for_products(db: Database, product_ids: list[str], category_id: str | None, updated_at: str) -> None:
    """Put products in a category (None: in none)."""
    db.executemany("UPDATE products SET category_id = ?, updated_at = ? WHERE id = ?",
                   [(category_id, updated_at, pid) for pid in product_ids])


def product_ids(db: Database, category_id: str) -> list[str]:
    return [str(r["id"]) for r in db.query("SELECT id FROM products WHERE category_id = ?", (category_id,))]


def category_of(db: Database, product_id: str) -> str | None:
    value = db.scalar("SELECT category_id FROM products WHERE id = ?", (product_id,))
    return str(value) if value else None
