"""Stock per outlet, as the pages read it: one outlet's levels of many products, and sums over chosen outlets
(what the marketplaces are told when the shop feeds them from some outlets only: setting `marketplace_outlets`).

Reads of `stock_outlet_levels`, the per-outlet cache that store/stock.py keeps with every movement (a product
never moved at an outlet has no row there: 0).
"""

from __future__ import annotations

from collections.abc import Collection

from companion.domain.hub_tables import MAIN_OUTLET
from companion.domain.settings_keys import MARKETPLACE_OUTLETS, outlet_ids
from companion.store import settings as settings_store
from companion.store.database import Database
from companion.store.stock import cached_levels, chunks, in_marks


def level_at(db: Database, product_id: str, outlet_id: str) -> int:
    """One product's stock at one outlet."""
    return int(db.scalar("SELECT on_hand FROM stock_outlet_levels WHERE product_id = ? AND outlet_id = ?",
                         (product_id, outlet_id)) or 0)


def levels_at(db: Database, outlet_id: str, product_ids: Collection[str] | None = None) -> dict[str, int]:
    """product id → stock at one outlet (every product that has a row there, or just `product_ids`)."""
    if product_ids is None:
        rows = db.query("SELECT product_id, on_hand FROM stock_outlet_levels WHERE outlet_id = ?", (outlet_id,))
        return {str(r[0]): int(r[1]) for r in rows}
    levels: dict[str, int] = {}
    for part in chunks(product_ids):
        rows = db.query(f"SELECT product_id, on_hand FROM stock_outlet_levels WHERE outlet_id = ?"
                        f" AND product_id IN {in_marks(part)}", (outlet_id, *part))
        levels.update((str(r[0]), int(r[1])) for r in rows)
    return levels


def summed_levels(db: Database, product_ids: Collection[str], outlet_ids: Collection[str]) -> dict[str, int]:
    """product id → stock summed over `outlet_ids` (what the marketplaces are told when the shop chose outlets)."""
    outlets = sorted(set(outlet_ids))
    levels: dict[str, int] = {}
    if not outlets:
        return levels
    for part in chunks(product_ids):
        rows = db.query(f"SELECT product_id, SUM(on_hand) FROM stock_outlet_levels WHERE product_id IN {in_marks(part)}"
                        f" AND outlet_id IN {in_marks(outlets)} GROUP BY product_id", (*part, *outlets))
        levels.update((str(r[0]), int(r[1])) for r in rows)
    return levels


def marketplace_outlets(db: Database) -> list[str]:
    """The outlets feeding the marketplaces, as the shop chose them ([] = every outlet, the shop's total)."""
    return outlet_ids(settings_store.get(db, MARKETPLACE_OUTLETS))


def marketplace_levels(db: Database, product_ids: Collection[str]) -> dict[str, int]:
    """product id → the stock the marketplaces are told about: the total, or the sum over the chosen outlets."""
    chosen = marketplace_outlets(db)
    return summed_levels(db, product_ids, chosen) if chosen else cached_levels(db, product_ids)


def online_outlet(db: Database) -> str:
    """Where online orders take their units from (and cancellations put them back): the first outlet in use of
    those feeding the marketplaces (what they are told then goes down with every order), else the main outlet,
    else the first in use. Never this laptop's own: the same order taken on two laptops (before a lease, or at a
    takeover) is one movement by its id, and must name the same outlet on both or their outlets' levels differ."""
    in_use = [str(r[0]) for r in db.query(
        f"SELECT id FROM outlets WHERE archived_at IS NULL ORDER BY id != '{MAIN_OUTLET}', name COLLATE NOCASE, id")]
    for outlet_id in [*marketplace_outlets(db), *in_use]:
        if outlet_id in in_use:
            return outlet_id
    return MAIN_OUTLET
