"""Merging two products that are one thing: the duplicate SKUs two laptops made offline ("KOPI" and "KOPI~3f9a1c").

The hub keeps both rows (it cannot know they are the same thing); a person merges them. A merge never rewrites
the ledger: the merged product's stock at each outlet leaves it as an adjustment and arrives on the kept product as
one, both with reference "merge:<merged id>". Each move's dedupe key names the pair, the outlet and the round, so
two laptops that merge the same pair offline record the same movements (one row each after the hub), and a later
merge moves only what arrived on the merged product since (another laptop's sale made before it knew).
"""

from __future__ import annotations

from dataclasses import dataclass

from companion.domain.clock import stamp
from companion.domain.errors import NotFound, UserError
from companion.domain.hub_tables import renamed
from companion.domain.ledger import MovementKind
from companion.i18n import N_
from companion.services.change import Change
from companion.services.stock_push import queue_stock_push
from companion.store import product_merge as merge_store
from companion.store import products as product_store
from companion.store import stock as stock_store
from companion.store.database import Database
from companion.store.products import ProductRow


@dataclass(frozen=True)
class DuplicatePair:
    """Two products with one SKU: `keep` holds it, `merge` got "~" and six characters on the later laptop."""

    keep: ProductRow
    merge: ProductRow


def duplicates(db: Database) -> list[DuplicatePair]:
    """Every active product whose SKU is another's SKU + "~" + six characters, with the product it copies."""
    pairs = []
    for keep_id, merge_id in merge_store.duplicate_pairs(db):
        keep, merge = product_store.get(db, keep_id), product_store.get(db, merge_id)
        if keep is not None and merge is not None:
            pairs.append(DuplicatePair(keep, merge))
    return pairs


def merge_products(db: Database, keep_id: str, merge_id: str, actor: str | None = None) -> Change:
    """One transaction: the merged product's stock per outlet moves to the kept one, its listings, recipes and
    planned batches follow, and it becomes inactive with its SKU freed. Merging again changes nothing more."""
    if keep_id == merge_id:
        raise UserError(N_("A product cannot be merged with itself: choose two different products."))
    with db.write():
        keep, merge = product_store.get(db, keep_id), product_store.get(db, merge_id)
        if keep is None or merge is None:
            raise NotFound(N_("One of the two products no longer exists: close the window and look again."))
        moved = _move_stock(db, keep, merge, actor)
        listings = merge_store.repoint_listings(db, merge.id, keep.id)
        merge_store.repoint_recipes(db, merge.id, keep.id)
        merge_store.repoint_planning(db, merge.id, keep.id)
        _retire(db, keep, merge)
        if moved or listings:
            queue_stock_push(db, [keep.id, merge.id], "|".join(moved) or f"merge:{merge.id}:listings")
    return Change(products=frozenset({keep.id, merge.id}), sync=bool(listings))


def _move_stock(db: Database, keep: ProductRow, merge: ProductRow, actor: str | None) -> list[str]:
    """Each outlet's stock of the merged product moves onto the kept one; returns the dedupe keys written."""
    reference = f"merge:{merge.id}"
    reason = f"{merge.sku} → {keep.sku}"
    written = []
    for outlet_id, level in sorted(stock_store.outlet_levels(db, merge.id).items()):
        if level == 0:
            continue
        key = f"{reference}:{keep.id}:{outlet_id}:{merge_store.merge_rounds(db, merge.id, outlet_id, reference)}"
        stock_store.add_movement(db, merge.id, MovementKind.ADJUSTMENT, -level, reason=reason, reference=reference,
                                 dedupe_key=f"{key}:out", actor_id=actor, outlet_id=outlet_id)
        stock_store.add_movement(db, keep.id, MovementKind.ADJUSTMENT, level, reason=reason, reference=reference,
                                 dedupe_key=f"{key}:in", actor_id=actor, outlet_id=outlet_id)
        written.append(key)
    return written


def _retire(db: Database, keep: ProductRow, merge: ProductRow) -> None:
    """The merged product stops selling. When the kept one is the "~" copy, the plain SKU passes to it."""
    values: dict[str, object] = {}
    if merge.active:
        values["active"] = 0
    takes_sku = keep.sku.casefold().startswith(merge.sku.casefold() + "~")
    if takes_sku or "~" not in merge.sku:  # a merged product never holds a SKU someone may type again
        values["sku"] = renamed(merge.sku, merge.id)
    if values:
        product_store.update(db, merge.id, {**values, "updated_at": stamp()})
    if takes_sku:
        product_store.update(db, keep.id, {"sku": merge.sku, "updated_at": stamp()})

