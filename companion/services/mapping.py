"""Matching platform listings to local products: by seller SKU automatically, the rest by hand.

An unmapped listing never changes stock: its order lines are kept without a movement until the
owner maps it, and then the missing movements are applied (once, by their dedupe keys)."""

from __future__ import annotations

from collections.abc import Sequence

from companion.domain.clock import stamp
from companion.domain.errors import NotFound
from companion.domain.marketplace import Listing
from companion.i18n import N_
from companion.services.auto_mapping import auto_map
from companion.services.change import Change
from companion.services.online_orders import settle_order_stock
from companion.services.stock_push import queue_stock_push
from companion.store import listings as listing_store
from companion.store import online_orders as order_store
from companion.store import products as product_store
from companion.store.database import Database


def store_listings(db: Database, account_id: str, listings: Sequence[Listing]) -> Change:
    """Record what the platform lists (one transaction) and auto-map what can be matched."""
    now = stamp()
    touched: set[str] = set()
    with db.write():
        for item in listings:
            listing_id = listing_store.upsert(db, account_id, item.item_id, item.sku_id, item.seller_sku, item.name,
                                              item.variant, item.stock, now)
            product_id = auto_map(db, listing_id)
            if product_id:
                touched.add(product_id)
                _apply_missing_movements(db, listing_id)
        if touched:
            queue_stock_push(db, touched, f"listings:{account_id}:{now}")
    return Change(products=frozenset(touched), sync=True)


def map_listing(db: Database, listing_id: str, product_id: str | None) -> Change:
    """The owner's choice in the mapping screen; None unmaps (stock stops following)."""
    with db.write():
        listing = listing_store.get(db, listing_id)
        if listing is None:
            raise NotFound(N_("This listing is no longer known: sync again, then map it."))
        if product_id is not None and product_store.get(db, product_id) is None:
            raise NotFound(N_("This product no longer exists: close the window and search again."))
        listing_store.set_mapping(db, listing_id, product_id, "manual" if product_id else None)
        touched = {p for p in (listing.product_id, product_id) if p}
        if product_id:
            _apply_missing_movements(db, listing_id)
        queue_stock_push(db, touched, f"mapping:{listing_id}:{stamp()}")
    return Change(products=frozenset(touched), sync=True)


def _apply_missing_movements(db: Database, listing_id: str) -> None:
    """Order lines of a newly mapped listing get their product and, for paid orders, their movements."""
    listing = listing_store.get(db, listing_id)
    if listing is None or listing.product_id is None:
        return
    for order_id in order_store.assign_product(db, listing.account_id, listing.item_id, listing.sku_id,
                                               listing.product_id):
        settle_order_stock(db, order_id)
