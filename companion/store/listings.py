"""Platform listings (item/model, product/SKU) and their mapping to local products."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from dataclasses import dataclass

from companion.domain.ids import fact_id
from companion.store.database import Database


@dataclass(frozen=True)
class ListingRow:
    id: str
    account_id: str
    item_id: str
    sku_id: str
    seller_sku: str
    name: str
    variant: str
    platform_stock: int | None
    product_id: str | None
    mapped_by: str | None
    last_pushed: int | None
    push_problem: str | None


def _row(r: sqlite3.Row) -> ListingRow:
    return ListingRow(r["id"], r["account_id"], r["item_id"], r["sku_id"], r["seller_sku"], r["name"], r["variant"],
                      r["platform_stock"], r["product_id"], r["mapped_by"], r["last_pushed"], r["push_problem"])


def upsert(db: Database, account_id: str, item_id: str, sku_id: str, seller_sku: str, name: str, variant: str,
           platform_stock: int | None, seen_at: str) -> str:
    """Insert or refresh one listing, keeping its mapping; returns its id."""
    existing = db.scalar("SELECT id FROM listings WHERE account_id = ? AND item_id = ? AND sku_id = ?",
                         (account_id, item_id, sku_id))
    if existing:
        db.execute("UPDATE listings SET seller_sku = ?, name = ?, variant = ?, platform_stock = ?, seen_at = ?"
                   " WHERE id = ?", (seller_sku, name, variant, platform_stock, seen_at, existing))
        return str(existing)
    # made from what the platform names it by, so two laptops that saw the same listing (a lease handed over before
    # the new holder pulled) made the same row: the hub merges them instead of meeting the UNIQUE key
    listing_id = fact_id(f"listing:{account_id}:{item_id}:{sku_id}")
    db.execute("INSERT INTO listings (id, account_id, item_id, sku_id, seller_sku, name, variant, platform_stock,"
               " seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (listing_id, account_id, item_id, sku_id, seller_sku, name, variant, platform_stock, seen_at))
    return listing_id


def get(db: Database, listing_id: str) -> ListingRow | None:
    r = db.one("SELECT * FROM listings WHERE id = ?", (listing_id,))
    return _row(r) if r else None


def by_ref(db: Database, account_id: str, item_id: str, sku_id: str) -> ListingRow | None:
    r = db.one("SELECT * FROM listings WHERE account_id = ? AND item_id = ? AND sku_id = ?",
               (account_id, item_id, sku_id))
    return _row(r) if r else None


def by_refs(db: Database, account_id: str, refs: Collection[tuple[str, str]]) -> dict[tuple[str, str], ListingRow]:
    """`by_ref` for the (item id, sku id) pairs of a page of orders: one query per 250 pairs, not one per line."""
    pairs = sorted(set(refs))
    found: dict[tuple[str, str], ListingRow] = {}
    for start in range(0, len(pairs), 250):
        part = pairs[start:start + 250]
        rows = db.query(f"WITH refs(item_id, sku_id) AS (VALUES {', '.join(['(?, ?)'] * len(part))})"
                        " SELECT l.* FROM refs JOIN listings l"
                        " ON l.account_id = ? AND l.item_id = refs.item_id AND l.sku_id = refs.sku_id",
                        (*(value for pair in part for value in pair), account_id))
        found.update(((r["item_id"], r["sku_id"]), _row(r)) for r in rows)
    return found


def by_item(db: Database, account_id: str, item_id: str) -> list[ListingRow]:
    """Every variant of one platform item (a product card names the item, not the variant); mapped ones first."""
    return [_row(r) for r in db.query("SELECT * FROM listings WHERE account_id = ? AND item_id = ?"
                                      " ORDER BY product_id IS NULL, variant, sku_id", (account_id, item_id))]


def for_account(db: Database, account_id: str) -> list[ListingRow]:
    return [_row(r) for r in db.query("SELECT * FROM listings WHERE account_id = ? ORDER BY name, variant",
                                      (account_id,))]


def unmapped(db: Database, account_id: str | None = None) -> list[ListingRow]:
    where = "product_id IS NULL" + (" AND account_id = ?" if account_id else "")
    return [_row(r) for r in db.query(f"SELECT * FROM listings WHERE {where} ORDER BY name, variant",
                                      (account_id,) if account_id else ())]


def mapped_for_products(db: Database, account_id: str, product_ids: list[str] | None) -> list[ListingRow]:
    """Mapped listings of an account that the platform itself has listed (all when `product_ids` is None).

    A listing known only from an order line or an imported file (platform_stock still NULL) is left out: its
    ids may not exist on the platform, and a push to them would fail for ever.
    """
    listed = "account_id = ? AND platform_stock IS NOT NULL"
    if product_ids is None:
        rows = db.query(f"SELECT * FROM listings WHERE {listed} AND product_id IS NOT NULL", (account_id,))
    else:
        marks = ",".join("?" * len(product_ids))
        rows = db.query(f"SELECT * FROM listings WHERE {listed} AND product_id IN ({marks})",
                        (account_id, *product_ids))
    return [_row(r) for r in rows]


def set_mapping(db: Database, listing_id: str, product_id: str | None, mapped_by: str | None) -> None:
    db.execute("UPDATE listings SET product_id = ?, mapped_by = ?, last_pushed = NULL WHERE id = ?",
               (product_id, mapped_by, listing_id))


def record_push(db: Database, listing_id: str, quantity: int | None, problem: str | None, at: str) -> None:
    if problem is None:
        db.execute("UPDATE listings SET last_pushed = ?, last_pushed_at = ?, push_problem = NULL,"
                   " platform_stock = ? WHERE id = ?", (quantity, at, quantity, listing_id))
    else:
        db.execute("UPDATE listings SET push_problem = ? WHERE id = ?", (problem, listing_id))


def refused_products(db: Database, account_id: str) -> list[str]:
    """Products of this shop with a listing whose last push the platform refused (its words kept)."""
    return [str(r["product_id"]) for r in db.query(
        "SELECT DISTINCT product_id FROM listings WHERE account_id = ? AND push_problem IS NOT NULL"
        " AND product_id IS NOT NULL", (account_id,))]
