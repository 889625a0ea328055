"""Merging the duplicate products two laptops made offline: stock per outlet moved through the ledger, listings,
recipes and plans re-pointed, the merged product retired, the same answer twice, and the cache still the ledger."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.domain.errors import NotFound, UserError
from companion.domain.hub_tables import renamed
from companion.domain.marketplace import Listing
from companion.domain.product import ProductInput
from companion.services import outlets as outlet_service
from companion.services.accounts import link_practice_accounts
from companion.services.mapping import map_listing, store_listings
from companion.services.product_merge import duplicates, merge_products
from companion.services.products import add_product
from companion.services.stock import adjust_stock
from companion.store import listings as listing_store
from companion.store import outlets as outlet_store
from companion.store import products as product_store
from companion.store import stock as stock_store
from companion.store.backup import make_backup
from companion.store.database import Database, open_database

MAIN = "outlet-main"


def twin(db: Database, sku: str, name: str, stock: int, price: int = 15_000) -> str:
    """A product as the hub leaves the later of two that took one SKU: "<sku>~<6 of its id>"."""
    pid, _ = add_product(db, ProductInput(sku=f"{sku}-TWIN", name=name, sell_price=price), stock)
    with db.write():
        db.execute("UPDATE products SET sku = ? WHERE id = ?", (renamed(sku, pid), pid))
    return pid


def market(db: Database) -> str:
    """A second outlet, "Cabang Pasar"; returns its id."""
    outlet_service.add_outlet(db, "Cabang Pasar")
    return next(o.id for o in outlet_store.listed(db) if o.name == "Cabang Pasar")


def movements(db: Database) -> list[tuple[object, ...]]:
    return [tuple(r) for r in db.query("SELECT id, product_id, kind, quantity, outlet_id, reference, created_at"
                                       " FROM stock_movements ORDER BY seq")]


def cache_is_ledger(db: Database, *product_ids: str) -> None:
    """The cached levels (total and per outlet) equal what the ledger rebuilds."""
    cached = {p: stock_store.outlet_levels(db, p) for p in product_ids}
    totals = {p: stock_store.on_hand(db, p) for p in product_ids}
    stock_store.rebuild_levels(db, list(product_ids))
    assert {p: stock_store.outlet_levels(db, p) for p in product_ids} == cached
    assert {p: stock_store.on_hand(db, p) for p in product_ids} == totals
    assert stock_store.verify_levels(db) == []


@pytest.fixture
def pair(db: Database) -> tuple[str, str, str]:
    """KOPI (10 at the main shop) and KOPI~xxxxxx (1 at the main shop, 3 at Cabang Pasar); and the market's id."""
    keep, _ = add_product(db, ProductInput(sku="KOPI", name="Kopi Bubuk 250 g", sell_price=35_000), 10)
    copy = twin(db, "KOPI", "Kopi bubuk 250g", 4, 34_000)
    pasar = market(db)
    outlet_service.transfer_stock(db, MAIN, pasar, [(copy, 3)])
    return keep, copy, pasar


def test_duplicates_finds_the_renamed_copy_only(db: Database, pair: tuple[str, str, str]) -> None:
    keep, copy, _ = pair
    add_product(db, ProductInput(sku="TEH", name="Teh", sell_price=5_000), 1)
    add_product(db, ProductInput(sku="KOPI-2", name="Kopi lain", sell_price=5_000), 1)  # similar, not a copy
    found = duplicates(db)
    assert [(p.keep.id, p.merge.id) for p in found] == [(keep, copy)]
    assert found[0].merge.sku.startswith("KOPI~") and len(found[0].merge.sku) == len("KOPI~") + 6


def test_merge_moves_stock_per_outlet_through_the_ledger(db: Database, pair: tuple[str, str, str]) -> None:
    keep, copy, pasar = pair
    before = movements(db)
    change = merge_products(db, keep, copy)
    assert change.products == {keep, copy}
    assert stock_store.outlet_levels(db, keep) == {MAIN: 11, pasar: 3}
    assert {o: q for o, q in stock_store.outlet_levels(db, copy).items() if q} == {}
    assert stock_store.on_hand(db, keep) == 14 and stock_store.on_hand(db, copy) == 0
    after = movements(db)
    assert after[:len(before)] == before  # nothing rewritten, only added
    added = after[len(before):]
    assert sorted((r[1] == keep, r[2], r[3], r[4], r[5]) for r in added) == sorted([
        (False, "adjustment", -1, MAIN, f"merge:{copy}"), (True, "adjustment", 1, MAIN, f"merge:{copy}"),
        (False, "adjustment", -3, pasar, f"merge:{copy}"), (True, "adjustment", 3, pasar, f"merge:{copy}")])
    merged = product_store.get(db, copy)
    assert merged is not None and not merged.active and merged.sku.startswith("KOPI~")
    kept = product_store.get(db, keep)
    assert kept is not None and kept.active and kept.sku == "KOPI"
    assert duplicates(db) == []
    cache_is_ledger(db, keep, copy)


def test_merging_again_changes_nothing(db: Database, pair: tuple[str, str, str]) -> None:
    keep, copy, _ = pair
    merge_products(db, keep, copy)
    rows = movements(db)
    products = [product_store.get(db, keep), product_store.get(db, copy)]
    outbox = db.scalar("SELECT COUNT(*) FROM outbox")
    merge_products(db, keep, copy)
    assert movements(db) == rows
    assert [product_store.get(db, keep), product_store.get(db, copy)] == products
    assert db.scalar("SELECT COUNT(*) FROM outbox") == outbox


def test_a_sale_arriving_after_the_merge_is_moved_by_the_next_merge(db: Database, pair: tuple[str, str, str]) -> None:
    """Another laptop sold the copy before it heard of the merge: merging again moves only that (here: -1)."""
    keep, copy, _ = pair
    merge_products(db, keep, copy)
    adjust_stock(db, copy, -1, "terjual di laptop lain")
    merge_products(db, keep, copy)
    assert stock_store.on_hand(db, copy) == 0 and stock_store.on_hand(db, keep) == 13
    cache_is_ledger(db, keep, copy)


def test_listings_recipes_and_plans_follow_the_kept_product(db: Database, pair: tuple[str, str, str]) -> None:
    keep, copy, _ = pair
    ids, _ = link_practice_accounts(db, {"shopee": ShopeeCredentials(1, "k", 2, base_url="http://127.0.0.1:1")})
    store_listings(db, ids[0], [Listing("100", "0", "KOPI-A", "Kopi", "", 4)])
    listing = listing_store.by_ref(db, ids[0], "100", "0")
    assert listing is not None
    map_listing(db, listing.id, copy)
    sugar, _ = add_product(db, ProductInput(sku="GULA", name="Gula", sell_price=5_000), 5)
    blend, _ = add_product(db, ProductInput(sku="KOPI-GULA", name="Kopi gula", sell_price=8_000), 0)
    with db.write():
        db.executemany("INSERT INTO recipe_lines (product_id, material_id, quantity_per_unit) VALUES (?, ?, ?)",
                       [(copy, sugar, 0.1), (blend, copy, 0.5)])
    change = merge_products(db, keep, copy)
    assert change.sync
    moved = listing_store.get(db, listing.id)
    assert moved is not None and moved.product_id == keep
    lines = {tuple(r) for r in db.query("SELECT product_id, material_id, quantity_per_unit FROM recipe_lines")}
    assert lines == {(keep, sugar, 0.1), (blend, keep, 0.5)}
    assert db.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'stock_changed'") >= 1


def test_keeping_the_copy_gives_it_the_plain_sku(db: Database, pair: tuple[str, str, str]) -> None:
    keep, copy, pasar = pair
    merge_products(db, copy, keep)
    kept, merged = product_store.get(db, copy), product_store.get(db, keep)
    assert kept is not None and kept.sku == "KOPI" and kept.active
    assert merged is not None and merged.sku == renamed("KOPI", keep) and not merged.active
    assert stock_store.outlet_levels(db, copy) == {MAIN: 11, pasar: 3}
    assert duplicates(db) == []
    cache_is_ledger(db, keep, copy)


def test_bad_merges_are_refused_in_one_sentence(db: Database, pair: tuple[str, str, str]) -> None:
    keep, _copy, _ = pair
    rows = movements(db)
    with pytest.raises(UserError, match="dirinya sendiri"):
        merge_products(db, keep, keep)
    with pytest.raises(NotFound):
        merge_products(db, keep, "no-such-product")
    assert movements(db) == rows


def test_two_laptops_merging_the_same_pair_apart_record_the_same_movements(
        db: Database, pair: tuple[str, str, str], data_dir: Path, tmp_path: Path) -> None:
    """Each move's id comes from its dedupe key (pair, outlet, round): the hub's union by id keeps one of each."""
    keep, copy, _ = pair
    other = open_database(make_backup(data_dir, tmp_path / "laptop-b.sqlite3"))
    try:
        merge_products(db, keep, copy)
        merge_products(other, keep, copy)
        query = "SELECT id, product_id, quantity, outlet_id FROM stock_movements WHERE reference = ? ORDER BY id"
        here = [tuple(r) for r in db.query(query, (f"merge:{copy}",))]
        there = [tuple(r) for r in other.query(query, (f"merge:{copy}",))]
        assert len(here) == 4 and here == there
    finally:
        other.close()
