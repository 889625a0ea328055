"""connectors/overlap.py: a few calls at once, answers in the callers' order, the first failure raised and the calls
not yet started dropped; and Shopee's listing read and stock push through it against the practice marketplace."""

from __future__ import annotations

import threading
import time

import pytest
from sync_child import admin, market_credentials

from companion.connectors.factory import build_connector
from companion.connectors.overlap import overlapped
from companion.domain.marketplace import StockUpdate
from companion.practice.server import PracticeMarketplace


def test_answers_come_back_in_the_keys_order() -> None:
    assert overlapped(lambda k: k * k, [5, 1, 4, 2], 3) == {5: 25, 1: 1, 4: 16, 2: 4}
    assert list(overlapped(lambda k: k, [5, 1, 4, 2], 3)) == [5, 1, 4, 2]
    assert overlapped(lambda k: k, [], 4) == {}


def test_calls_really_overlap() -> None:
    """Two calls that each wait for the other can only both finish when they run at the same time."""
    meet = threading.Barrier(2, timeout=30)
    assert overlapped(lambda k: meet.wait() >= 0 and k, ["a", "b"], 2) == {"a": "a", "b": "b"}


def test_one_worker_runs_on_the_callers_thread() -> None:
    caller = threading.get_ident()
    assert set(overlapped(lambda _k: threading.get_ident(), [1, 2, 3], 1).values()) == {caller}


def test_the_first_failure_is_raised_and_the_rest_are_not_started() -> None:
    started: list[int] = []

    def call(k: int) -> int:
        if k == 0:
            raise ValueError("refused")
        started.append(k)
        time.sleep(0.05)
        return k

    with pytest.raises(ValueError, match="refused"):
        overlapped(call, list(range(10)), 2)
    time.sleep(0.2)  # nothing goes on after the caller has the error
    assert len(started) < 9


def test_shopee_reads_and_pushes_items_with_variants(market: PracticeMarketplace) -> None:
    """12 items of two variants each: every model listed once, every pushed number lands, in the updates' order."""
    url = market.base_urls["admin"]
    for i in range(12):
        first = admin(url, "/listings", {"platform": "shopee", "name": f"Kaos {i}", "seller_sku": f"K{i}-S",
                                         "stock": 5, "variant": "S"})
        admin(url, "/listings", {"platform": "shopee", "name": f"Kaos {i}", "seller_sku": f"K{i}-M", "stock": 5,
                                 "variant": "M", "item_id": first["item_id"]})
    shop = build_connector(market_credentials(url)["shopee"])
    wanted = {f"K{i}-{v}" for i in range(12) for v in "SM"}
    ours = [x for x in shop.list_listings() if x.seller_sku in wanted]
    assert sorted(x.seller_sku for x in ours) == sorted(wanted) and len({x.sku_id for x in ours}) == 24
    updates = [StockUpdate(x.ref, n) for n, x in enumerate(ours)]
    results = shop.push_stock(updates)
    assert [r.listing for r in results] == [u.listing for u in updates] and all(r.ok for r in results)
    shown = {x.seller_sku: x.stock for x in shop.list_listings()}
    assert all(shown[x.seller_sku] == n for n, x in enumerate(ours))
