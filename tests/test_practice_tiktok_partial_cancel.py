"""The practice TikTok gives a unit back to its listing once: a partial cancel, then the whole order cancelled, returns
each unit exactly once (it returned the partly cancelled units twice before)."""

from __future__ import annotations

from pathlib import Path

from companion.connectors.tiktok import practice_shop
from companion.practice.buyers import place_order
from companion.practice.channels import registered_channels
from companion.practice.state import PracticeState


def test_partial_then_whole_cancel_returns_each_unit_once(tmp_path: Path) -> None:
    state = PracticeState(tmp_path, [c for c in registered_channels()])
    try:
        state.seed_catalogue()
        listing = state.listings("tiktok")[0]
        start = listing["stock"]
        order = place_order(state, "tiktok", [(listing["id"], 3)])
        assert state.listing(listing["id"])["stock"] == start - 3
        practice_shop.cancel_units(state, order["ref"], listing["seller_sku"], 2)
        assert state.listing(listing["id"])["stock"] == start - 1
        assert practice_shop.cancelled_units(state, order["ref"]) == {str(order["lines"][0]["id"]): 2}
        practice_shop.cancel_units(state, order["ref"], listing["seller_sku"], 5)  # more than is left: only 1
        assert state.listing(listing["id"])["stock"] == start
        state.cancel_order("tiktok", order["ref"], state.channel("tiktok").statuses.cancelled, "seller")
        assert state.listing(listing["id"])["stock"] == start
    finally:
        state.close()
