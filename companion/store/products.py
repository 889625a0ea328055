"""Product rows: lookups for the counter and the product page, inserts and edits."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from companion.store.database import Database


@dataclass(frozen=True)
class ProductRow:
    id: str
    sku: str
    name: str
    parent_name: str | None
    variant_name: str | None
    barcode: str | None
    unit: str
    sell_price: int
    cost_price: int | None
    active: bool
    on_hand: int
    category_id: str | None = None
    category_name: str = ""  # "" = no category
    outlet_on_hand: int = 0  # at this laptop's outlet: what the counter sells from (`on_hand` is every outlet's)

    @property
    def display_name(self) -> str:
        return f"{self.name} – {self.variant_name}" if self.variant_name else self.name


_SELECT = """
SELECT p.id, p.sku, p.name, p.parent_name, p.variant_name, p.barcode, p.unit, p.sell_price,
       p.cost_price, p.active, COALESCE(l.on_hand, 0) AS on_hand, p.category_id,
       COALESCE(c.name, '') AS category_name, COALESCE(o.on_hand, 0) AS outlet_on_hand
FROM products p LEFT JOIN stock_levels l ON l.product_id = p.id LEFT JOIN categories c ON c.id = p.category_id
LEFT JOIN stock_outlet_levels o ON o.product_id = p.id AND o.outlet_id = (SELECT outlet_id FROM hub_state WHERE id = 1)
"""


def _row(r: sqlite3.Row) -> ProductRow:
    return ProductRow(
        id=r["id"], sku=r["sku"], name=r["name"], parent_name=r["parent_name"], variant_name=r["variant_name"],
        barcode=r["barcode"], unit=r["unit"], sell_price=r["sell_price"], cost_price=r["cost_price"],
        active=bool(r["active"]), on_hand=r["on_hand"], category_id=r["category_id"],
        category_name=r["category_name"], outlet_on_hand=r["outlet_on_hand"],
    )


def get(db: Database, product_id: str) -> ProductRow | None:
    r = db.one(_SELECT + " WHERE p.id = ?", (product_id,))
    return _row(r) if r else None


def by_sku(db: Database, sku: str) -> ProductRow | None:
    r = db.one(_SELECT + " WHERE p.sku = ? COLLATE NOCASE", (sku.strip(),))
    return _row(r) if r else None


def by_code(db: Database, code: str) -> ProductRow | None:
    """What a scanner or a typed code means: a barcode first, then a SKU. Active products only."""
    code = code.strip()
    r = db.one(_SELECT + " WHERE p.active = 1 AND p.barcode = ? LIMIT 1", (code,))
    if r is None:
        r = db.one(_SELECT + " WHERE p.active = 1 AND p.sku = ? COLLATE NOCASE", (code,))
    return _row(r) if r else None


def search(db: Database, text: str, limit: int = 50, active_only: bool = True,
           category_id: str | None = None) -> list[ProductRow]:
    """Products whose SKU, barcode or name starts with or contains `text`; prefix matches first. `category_id`
    narrows to one category (None: every product)."""
    text = text.strip()
    where = "p.active = 1" if active_only else "1 = 1"
    if category_id is not None:
        where += " AND p.category_id = :category"
    if not text:
        rows = db.query(_SELECT + f" WHERE {where} ORDER BY p.name COLLATE NOCASE LIMIT :limit",
                        {"limit": limit, "category": category_id})
        return [_row(r) for r in rows]
    like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    prefix = like[1:]
    # Pick and order the ids on the products table alone, then join stock for just those rows.
    rows = db.query(
        _SELECT + f"""
        JOIN (SELECT p.id AS hit_id, (p.sku LIKE :prefix ESCAPE '\\' OR p.name LIKE :prefix ESCAPE '\\') AS rank
              FROM products p
              WHERE {where} AND (p.sku LIKE :like ESCAPE '\\' OR p.name LIKE :like ESCAPE '\\'
                                 OR p.variant_name LIKE :like ESCAPE '\\' OR p.barcode = :exact)
              ORDER BY rank DESC, p.name COLLATE NOCASE
              LIMIT :limit) hits ON hits.hit_id = p.id
        ORDER BY hits.rank DESC, p.name COLLATE NOCASE""",
        {"like": like, "prefix": prefix, "exact": text, "limit": limit, "category": category_id},
    )
    return [_row(r) for r in rows]


def all_products(db: Database, active_only: bool = False) -> list[ProductRow]:
    where = " WHERE p.active = 1" if active_only else ""
    return [_row(r) for r in db.query(_SELECT + where + " ORDER BY p.name COLLATE NOCASE, p.sku")]


def count(db: Database) -> int:
    return int(db.scalar("SELECT COUNT(*) FROM products") or 0)


class SkuTaken(Exception):
    """The insert broke a uniqueness rule: another writer added the same SKU between the check and the insert."""


def insert(db: Database, values: dict[str, object]) -> None:
    cols = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    try:
        db.execute(f"INSERT INTO products ({cols}) VALUES ({marks})", values)
    except sqlite3.IntegrityError as exc:
        raise SkuTaken(str(values.get("sku", ""))) from exc


def update(db: Database, product_id: str, values: dict[str, object]) -> None:
    sets = ", ".join(f"{k} = :{k}" for k in values)
    db.execute(f"UPDATE products SET {sets} WHERE id = :id", {**values, "id": product_id})


def low_stock(db: Database, threshold: int, limit: int = 20) -> list[ProductRow]:
    rows = db.query(_SELECT + " WHERE p.active = 1 AND COALESCE(l.on_hand, 0) <= ? "
                    "ORDER BY COALESCE(l.on_hand, 0), p.name LIMIT ?", (threshold, limit))
    return [_row(r) for r in rows]
