"""Each practice fault is observable by a client, in the affected platform's own shape."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from test_practice_calls import admin, lazada, shopee, start_market, tiktok

from companion.practice.server import PracticeMarketplace


@pytest.fixture
def market(tmp_path: Path) -> Iterator[PracticeMarketplace]:
    m = start_market(tmp_path / "practice")
    yield m
    m.stop()


def _faults(m: PracticeMarketplace, platform: str, kind: str, **extra: float) -> None:
    admin(m, "/faults", {"rates": {platform: {kind: 1.0}}, "seed": 7, **extra})


def _shop_info(m: PracticeMarketplace, timeout: float = 5) -> requests.Response:
    return shopee(m, "GET", "/api/v2/shop/get_shop_info", timeout=timeout)


def test_server_error_only_on_chosen_platform(market: PracticeMarketplace) -> None:
    _faults(market, "shopee", "server_error")
    assert _shop_info(market).status_code in (500, 502, 503)
    assert tiktok(market, "GET", "/authorization/202309/shops").json()["code"] == 0


def test_throttling_shapes(market: PracticeMarketplace) -> None:
    admin(market, "/faults", {"rates": {"*": {"throttle": 1.0}}})
    r = tiktok(market, "GET", "/authorization/202309/shops")
    # TikTok's rate-limit page documents HTTP 429 and code 36009002 but no Retry-After (docs/RATE_LIMITS.md)
    assert r.status_code == 429 and "Retry-After" not in r.headers and r.json()["code"] == 36009002
    s = _shop_info(market)
    assert s.status_code == 200 and s.json()["error"] == "error_rate_limit"  # issue 14: the reference's code
    z = lazada(market, "/orders/get", {"update_after": "2024-01-01T00:00:00+07:00"})
    assert z.status_code == 200 and z.json()["code"] == "901"


def test_timeout_and_slow(market: PracticeMarketplace) -> None:
    _faults(market, "shopee", "timeout", timeout_seconds=0.6)
    with pytest.raises(requests.exceptions.RequestException):
        _shop_info(market, timeout=0.2)
    _faults(market, "shopee", "slow", slow_seconds=0.05)
    assert _shop_info(market).json()["error"] == ""


def test_lost_response_after_commit(market: PracticeMarketplace) -> None:
    listing = market.state.listing_by_sku("shopee", "SABUN-800")
    _faults(market, "shopee", "lost_response")
    body = {"item_id": int(listing["item_id"]), "stock_list": [  # issue 14: location_id when the stock has one
        {"model_id": 0, "seller_stock": [{"location_id": "IDZ", "stock": 2}]}]}
    with pytest.raises(requests.exceptions.ConnectionError):
        shopee(market, "POST", "/api/v2/product/update_stock", body=body)
    assert market.state.listing_by_sku("shopee", "SABUN-800")["stock"] == 2  # committed all the same


def test_repeated_page_overlaps_previous(market: PracticeMarketplace) -> None:
    for _ in range(6):
        admin(market, "/orders", {"platform": "lazada", "lines": [{"seller_sku": "TEH-MLT-25", "quantity": 1}]})
    since = "2020-01-01T00:00:00+07:00"
    first = lazada(market, "/orders/get", {"update_after": since, "limit": 3}).json()["data"]["orders"]
    _faults(market, "lazada", "repeat_page")
    second = lazada(market, "/orders/get", {"update_after": since, "limit": 3, "offset": 3}).json()["data"]["orders"]
    assert {o["order_id"] for o in first} & {o["order_id"] for o in second}


def test_expired_token_and_bad_timestamp(market: PracticeMarketplace) -> None:
    _faults(market, "tiktok", "expired_token")
    assert tiktok(market, "GET", "/authorization/202309/shops").json()["code"] == 105002
    _faults(market, "shopee", "bad_timestamp")
    assert "timestamp" in _shop_info(market).json()["message"]
    admin(market, "/faults", {"rates": {}})
    assert _shop_info(market).json()["error"] == ""


def test_same_seed_same_faults(market: PracticeMarketplace) -> None:
    def run() -> list[int]:
        admin(market, "/faults", {"rates": {"shopee": {"server_error": 0.5}}, "seed": 3})
        return [_shop_info(market).status_code for _ in range(8)]

    assert run() == run()


def test_unknown_fault_kind_is_refused(market: PracticeMarketplace) -> None:
    r = requests.post(market.base_urls["admin"] + "/faults", json={"rates": {"shopee": {"meteor": 1}}}, timeout=5)
    assert r.status_code == 400
