"""The kill cycles' practice shops as the real platforms keep them (issue 14): items in a promotion, SKUs stocked in
two warehouses, buyers' orders partly cancelled between cycles. Set through each platform's practice-shop functions
on the marketplace's own record (it runs in the campaign's process), and what the checks need to know of them: each
order line's live units, and whether a refused stock number was the promotion's to refuse.
"""

from __future__ import annotations

import random

from bench.reliability.practice_shop import PRODUCTS
from bench.reliability.quantity_tally import MarketLine
from companion.connectors.lazada import practice_shop as lazada
from companion.connectors.shopee import practice_shop as shopee
from companion.connectors.tiktok import practice_shop as tiktok
from companion.practice.state import PracticeState

# (seller SKU, units locked): a few units on every platform; a deep one that holds most of the stock, so that the
# pushes below it are refused on Shopee (total under the reserved stock) and Lazada (sellable under the campaign's
# lock). TikTok refuses any push below the current stock of a locked SKU, so a few units are enough there.
PROMOTIONS = {"shopee": (("RB-KOPI", 3), ("RB-GULA", 400)), "tiktok": (("RB-KOPI", 3),),
              "lazada": (("RB-KOPI", 3), ("RB-GULA", 400))}
TWO_WAREHOUSES = "RB-TEH"  # on Shopee and TikTok (the Lazada practice shop has one warehouse)
SECOND_WAREHOUSE = {"shopee": ("IDW2", 40), "tiktok": ("7068517275539719943", 200)}


def set_up(state: PracticeState) -> dict[tuple[str, str], int]:
    """Promotions and second warehouses on the practice shops; returns (platform, seller SKU) → units locked."""
    locks: dict[tuple[str, str], int] = {}
    for platform, promotions in PROMOTIONS.items():
        for sku, units in promotions:
            listing = state.listing_by_sku(platform, sku)
            if platform == "shopee":
                shopee.reserve_for_promotion(state, int(listing["id"]), units)
            elif platform == "tiktok":
                tiktok.lock_for_promotion(state, str(listing["model_id"]), units)
            else:
                lazada.put_in_campaign(state, sku, units)
            locks[(platform, sku)] = units
    teh = state.listing_by_sku("shopee", TWO_WAREHOUSES)
    shopee.add_warehouse(state, int(teh["id"]), *SECOND_WAREHOUSE["shopee"])
    teh = state.listing_by_sku("tiktok", TWO_WAREHOUSES)
    second, units = SECOND_WAREHOUSE["tiktok"]
    tiktok.set_warehouses(state, str(teh["model_id"]), {tiktok.WAREHOUSE_ID: max(1, int(teh["stock"]) - units),
                                                        second: units})
    return locks


def cancel_parts(state: PracticeState, rng: random.Random, how_many: int) -> int:
    """Up to `how_many` paid orders lose some units of one line of the shop's own products (the practice catalogue's
    other items are not mapped here), each keeping at least one live unit (a partial cancellation, as when the
    seller runs out of one item); returns how many were cut."""
    done = 0
    for _ in range(how_many):
        platform = rng.choice(tuple(PROMOTIONS))
        statuses = state.channel(platform).statuses
        orders = state.orders(platform, status=statuses.open)
        cuttable = [(o, line, live) for o in orders for line, live in _live_lines(state, platform, o)
                    if live >= 1 and line["seller_sku"] in PRODUCTS
                    and sum(n for _, n in _live_lines(state, platform, o)) >= 2]
        if not cuttable:
            continue
        order, line, live = rng.choice(cuttable)
        units = rng.randint(1, min(live, sum(n for _, n in _live_lines(state, platform, order)) - 1))
        if platform == "shopee":
            shopee.cancel_line(state, str(order["ref"]), int(line["id"]), units)
        elif platform == "tiktok":
            tiktok.cancel_units(state, str(order["ref"]), str(line["seller_sku"]), units)
        else:
            lazada.cancel_items(state, str(order["ref"]), str(line["seller_sku"]), units)
        done += 1
    return done


def _live_lines(state: PracticeState, platform: str, order: dict[str, object]) -> list[tuple[dict[str, int], int]]:
    """Each line of a marketplace order with its live units (its quantity less what the platform cancelled)."""
    lines: list[dict[str, int]] = order["lines"]  # type: ignore[assignment]
    if order["status"] == state.channel(platform).statuses.cancelled:
        return [(line, 0) for line in lines]
    ref = str(order["ref"])
    if platform == "shopee":
        gone = {str(line["id"]): shopee.cancelled(state, int(line["id"])) for line in lines}
    elif platform == "tiktok":
        gone = tiktok.cancelled_units(state, ref)
    else:
        gone = lazada.cancelled_units(state, ref)
    return [(line, int(line["quantity"]) - int(gone.get(str(line["id"]), 0))) for line in lines]


def market_lines(state: PracticeState, product_by_sku: dict[str, str]
                 ) -> dict[tuple[str, str], dict[str, MarketLine]]:
    """(platform, order ref) → product id → units ordered and still live, from the marketplace's own orders."""
    found: dict[tuple[str, str], dict[str, MarketLine]] = {}
    for platform in PROMOTIONS:
        for order in state.orders(platform):
            mine = found.setdefault((platform, str(order["ref"])), {})
            for line, live in _live_lines(state, platform, order):
                pid = product_by_sku.get(str(line["seller_sku"]).lower())
                if pid is not None:
                    was = mine.get(pid, MarketLine(0, 0))
                    mine[pid] = MarketLine(was.ordered + int(line["quantity"]), was.live + live)
    return found


def refusal_due(platform: str, lock: int, should: int, shown: int | None) -> bool:
    """Whether the platform was right to refuse showing `should` on a listing whose promotion locks `lock` units:
    Shopee refuses a total under the reserved stock, Lazada a sellable number under the campaign's lock, TikTok any
    number under what the locked SKU shows now."""
    if lock <= 0:
        return False
    if platform == "tiktok":
        return shown is not None and should < shown
    return should < lock
