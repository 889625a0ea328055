"""The sample shop's products in categories (drinks, snacks, kitchen, clothes), so the counter's category box, the
products page and the report by category show something on a practice or sample shop."""

from __future__ import annotations

from companion.services.categories import category_named, set_category
from companion.services.change import Change
from companion.store import products as product_store
from companion.store.database import Database

# SKU prefix -> category, in the shop's language (names people type; they can rename them)
SAMPLE_CATEGORIES = {
    "KOPI-": "Minuman", "TEH-": "Minuman",
    "KRP-": "Makanan ringan", "RMP-": "Makanan ringan", "MTE-": "Makanan ringan",
    "SMB-": "Bumbu & dapur", "GULA-": "Bumbu & dapur", "MADU-": "Bumbu & dapur",
    "KAOS-": "Pakaian",
}


def fill_sample_categories(db: Database) -> Change:
    """Put the sample catalogue's products (by SKU) in their categories; other products are left alone."""
    change = Change()
    with db.write():
        by_category: dict[str, list[str]] = {}
        for p in product_store.all_products(db):
            name = next((c for prefix, c in SAMPLE_CATEGORIES.items() if p.sku.startswith(prefix)), None)
            if name is not None and p.category_id is None:
                by_category.setdefault(name, []).append(p.id)
        for name, ids in by_category.items():
            category_id, made = category_named(db, name)
            change |= made | set_category(db, ids, category_id)
    return change
