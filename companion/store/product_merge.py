"""The rows a product merge reads and moves: duplicate pairs left by the hub's SKU rule, and what points at a product.

Two laptops that made the same SKU offline end up with `SKU` and `SKU~abc123` (domain/hub_tables.renamed). A
merge moves what points at the second product onto the first. Synced tables keyed by two products (recipe lines)
get a new row and lose the old one rather than having their key rewritten: the hub journal names a row by its key.
"""

from __future__ import annotations

from companion.store.database import Database

SUFFIX_LENGTH = 7  # "~" and six characters of the later row's id

_PAIRS = f"""
SELECT k.id AS keep_id, m.id AS merge_id
FROM products m JOIN products k ON k.sku = substr(m.sku, 1, length(m.sku) - {SUFFIX_LENGTH})
WHERE m.sku GLOB '*~??????' AND m.active = 1 AND k.id != m.id
ORDER BY k.sku COLLATE NOCASE, m.sku COLLATE NOCASE
"""


def duplicate_pairs(db: Database) -> list[tuple[str, str]]:
    """(kept id, merged id) for every active product whose SKU is another's SKU + "~" + six characters."""
    return [(str(r["keep_id"]), str(r["merge_id"])) for r in db.query(_PAIRS)]


def merge_rounds(db: Database, product_id: str, outlet_id: str, reference: str) -> int:
    """How many merge moves already left `product_id` at one outlet: the next one's number (a dedupe key part)."""
    return int(db.scalar("SELECT COUNT(*) FROM stock_movements WHERE product_id = ? AND outlet_id = ?"
                         " AND reference = ? AND quantity != 0 AND kind = 'adjustment'",
                         (product_id, outlet_id, reference)) or 0)


def repoint_listings(db: Database, from_id: str, to_id: str) -> list[str]:
    """Marketplace listings mapped to `from_id` now map to `to_id`; returns the listings moved."""
    ids = [str(r[0]) for r in db.query("SELECT id FROM listings WHERE product_id = ?", (from_id,))]
    if ids:
        db.execute("UPDATE listings SET product_id = ? WHERE product_id = ?", (to_id, from_id))
    return ids


def repoint_recipes(db: Database, from_id: str, to_id: str) -> int:
    """Recipe lines of or using `from_id` are made for `to_id` (a line the kept product already has wins; a line
    that would make a product its own material is dropped); returns the lines moved."""
    moved = 0
    for r in db.query("SELECT product_id, material_id, quantity_per_unit FROM recipe_lines"
                      " WHERE product_id = ? OR material_id = ?", (from_id, from_id)):
        product = to_id if r["product_id"] == from_id else r["product_id"]
        material = to_id if r["material_id"] == from_id else r["material_id"]
        if product != material:
            cur = db.execute("INSERT INTO recipe_lines (product_id, material_id, quantity_per_unit) VALUES (?, ?, ?)"
                             " ON CONFLICT (product_id, material_id) DO NOTHING",
                             (product, material, r["quantity_per_unit"]))
            moved += cur.rowcount
        db.execute("DELETE FROM recipe_lines WHERE product_id = ? AND material_id = ?",
                   (r["product_id"], r["material_id"]))
    return moved


def repoint_planning(db: Database, from_id: str, to_id: str) -> None:
    """Planned production batches follow the kept product; its restock plan is copied when it has none."""
    db.execute("UPDATE production_batches SET product_id = ? WHERE product_id = ? AND status = 'planned'",
               (to_id, from_id))
    db.execute("INSERT INTO replenishment (product_id, kind, supplier, lead_time_days, capacity_per_day, min_batch,"
               " made_to_order, shop_buffer, updated_at)"
               " SELECT ?, kind, supplier, lead_time_days, capacity_per_day, min_batch, made_to_order, shop_buffer,"
               " updated_at FROM replenishment WHERE product_id = ?"
               " ON CONFLICT (product_id) DO NOTHING", (to_id, from_id))
