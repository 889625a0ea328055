"""Matching a marketplace listing to a local product by SKU, shared by storing listings (services/mapping.py) and
applying orders (services/online_orders.py), so neither has to import the other."""

from __future__ import annotations

from companion.store import listings as listing_store
from companion.store import products as product_store
from companion.store.database import Database


def auto_map(db: Database, listing_id: str) -> str | None:
    """Inside a transaction: map an unmapped listing whose seller SKU equals a local SKU (any case)."""
    listing = listing_store.get(db, listing_id)
    if listing is None or listing.product_id is not None or not listing.seller_sku.strip():
        return None
    product = product_store.by_sku(db, listing.seller_sku)
    if product is None:
        return None
    listing_store.set_mapping(db, listing_id, product.id, "auto")
    return product.id
