"""The products some marketplace listing is mapped to: what must be told again when the source of online stock
changes (Pengaturan → Outlet, "Stok online diambil dari")."""

from __future__ import annotations

from companion.store.database import Database


def mapped_product_ids(db: Database) -> list[str]:
    """Every product id that at least one listing is mapped to, sorted."""
    return [str(r[0]) for r in db.query("SELECT DISTINCT product_id FROM listings WHERE product_id IS NOT NULL"
                                        " ORDER BY product_id")]
