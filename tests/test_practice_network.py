"""The practice marketplace's wire (practice/network.py): each platform's published call limit enforced with its own
throttle answer, counted per API or per shop as the platform documents, turned off only for a named purpose; and a
seeded per-call latency. Real HTTP on 127.0.0.1; the limit's clock is held still where a count must be exact (a
loaded machine cannot make a burst land inside one second), never a timed upper bound."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from test_practice_calls import admin, lazada, shopee, start_market, tiktok

from companion.connectors import call_pacing
from companion.connectors.errors import Throttled
from companion.connectors.factory import build_connector, practice_credentials
from companion.practice import cli
from companion.practice.network import NetworkConfig
from companion.practice.server import PracticeMarketplace

ROOT = Path(__file__).resolve().parents[1]
Call = Callable[..., requests.Response]
SINCE = "2024-01-01T00:00:00+07:00"


def _shopee(m: PracticeMarketplace, api: str = "/api/v2/shop/get_shop_info") -> requests.Response:
    return shopee(m, "GET", api)


def _tiktok(m: PracticeMarketplace, api: str = "/order/202309/orders") -> requests.Response:
    return tiktok(m, "GET", api, {"ids": "1"} if api == "/order/202309/orders" else {})


def _lazada(m: PracticeMarketplace, api: str = "/orders/get") -> requests.Response:
    return lazada(m, api, {"update_after": SINCE} if api == "/orders/get" else {})


def _shopee_throttled(r: requests.Response) -> bool:
    return r.status_code == 200 and r.json()["error"] == "error_rate_limit"


def _tiktok_throttled(r: requests.Response) -> bool:
    return r.status_code == 429 and r.json()["code"] == 36009002 and "Retry-After" not in r.headers


def _lazada_throttled(r: requests.Response) -> bool:
    return r.status_code == 200 and r.json()["code"] == "901"


# platform: (its caller, its throttle answer's shape, its published limit, another API on the same host)
PLATFORMS: dict[str, tuple[Call, Callable[[requests.Response], bool], int, str]] = {
    "shopee": (_shopee, _shopee_throttled, 10, "/api/v2/product/get_item_list"),
    "tiktok": (_tiktok, _tiktok_throttled, 50, "/customer_service/202309/conversations"),
    "lazada": (_lazada, _lazada_throttled, 30, "/products/get"),
}


@pytest.fixture
def market(tmp_path: Path) -> Iterator[PracticeMarketplace]:
    """A practice marketplace, and no client-side pacing meanwhile: these tests are the unpaced client the limits
    exist for (should the raw callers of test_practice_calls ever pace themselves)."""
    was = call_pacing.enabled()
    call_pacing.set_enabled(False)
    m = start_market(tmp_path / "practice")
    try:
        yield m
    finally:
        m.stop()
        call_pacing.set_enabled(was)


def _hold_clock(m: PracticeMarketplace, at: float = 1000.0) -> list[float]:
    """The limit's clock stands at `at` until the test moves it (now[0] = ...)."""
    now = [at]
    m.network.clock = lambda: now[0]
    return now


def _burst(m: PracticeMarketplace, call: Callable[[], requests.Response], count: int) -> list[requests.Response]:
    """`count` calls as fast as plain requests in eight threads can send them."""
    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(lambda _: call(), range(count)))


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_burst_over_the_limit_gets_the_platforms_throttle_answer(market: PracticeMarketplace,
                                                                   platform: str) -> None:
    call, throttled, limit, _ = PLATFORMS[platform]
    assert market.network.describe()["call_limits"][platform]["calls"] == limit  # the spec's figure is enforced
    _hold_clock(market)
    answers = _burst(market, lambda: call(market), limit + 3)
    assert sum(throttled(r) for r in answers) == 3
    assert all(r.status_code in (200, 429) for r in answers)
    assert market.network.describe()["throttled"] == {platform: 3}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_up_to_the_limit_nothing_is_throttled(market: PracticeMarketplace, platform: str) -> None:
    call, throttled, limit, _ = PLATFORMS[platform]
    _hold_clock(market)
    answers = _burst(market, lambda: call(market), limit)
    assert not any(throttled(r) for r in answers)
    assert market.network.describe()["throttled"] == {}


def test_a_burst_in_real_time_is_throttled(market: PracticeMarketplace) -> None:
    """No held clock: 40 calls to one Shopee shop cannot spread over the four seconds 10 a second would need."""
    answers = _burst(market, lambda: _shopee(market), 40)
    assert sum(_shopee_throttled(r) for r in answers) >= 1


def test_the_window_frees_one_span_after_the_calls(market: PracticeMarketplace) -> None:
    now = _hold_clock(market)
    assert not any(_shopee_throttled(_shopee(market)) for _ in range(10))
    assert _shopee_throttled(_shopee(market))
    now[0] += 0.5
    assert _shopee_throttled(_shopee(market))
    now[0] += 0.5  # one second after the first ten: they no longer count
    assert not _shopee_throttled(_shopee(market))


@pytest.mark.parametrize("platform", ["tiktok", "lazada"])
def test_per_api_platforms_count_each_api_apart(market: PracticeMarketplace, platform: str) -> None:
    call, throttled, limit, other_api = PLATFORMS[platform]
    _hold_clock(market)
    _burst(market, lambda: call(market), limit)
    assert throttled(call(market))
    assert not throttled(call(market, other_api))


def test_shopee_counts_every_api_of_a_shop_together(market: PracticeMarketplace) -> None:
    _hold_clock(market)
    _burst(market, lambda: _shopee(market), 10)
    assert _shopee_throttled(_shopee(market, PLATFORMS["shopee"][3]))


def test_another_shop_is_counted_apart(market: PracticeMarketplace) -> None:
    """Per (app, shop) on every platform: a full window of one shop does not throttle another shop's calls (their
    answers are refusals of the made-up shop, not throttling)."""
    _hold_clock(market)
    _burst(market, lambda: _shopee(market), 10)
    _burst(market, lambda: _tiktok(market), 50)
    _burst(market, lambda: _lazada(market), 30)
    assert _shopee_throttled(_shopee(market))
    assert not _shopee_throttled(shopee(market, "GET", "/api/v2/shop/get_shop_info", {"shop_id": 42}))
    assert _tiktok_throttled(_tiktok(market))
    other = tiktok(market, "GET", "/order/202309/orders", {"ids": "1", "shop_cipher": "ROW_other"})
    assert other.status_code != 429 and other.json()["code"] != 36009002
    assert _lazada_throttled(_lazada(market))
    assert not _lazada_throttled(lazada(market, "/orders/get", {"update_after": SINCE}, token="another-seller"))


def _connector(market: PracticeMarketplace, platform: str) -> Any:
    return build_connector(practice_credentials(market.credentials(), market.base_urls)[platform])


@pytest.mark.parametrize("platform", PLATFORMS)
def test_each_connector_reads_the_throttle_answer_as_throttled(market: PracticeMarketplace, platform: str) -> None:
    """The connector keeps calling the same API until the held window is full: its answer is Throttled, with a wait
    no shorter than the span the platform counts over (None: the platform named none, the sync backs off)."""
    link = _connector(market, platform)
    _hold_clock(market)
    with pytest.raises(Throttled) as caught:
        for _ in range(PLATFORMS[platform][2] + 1):
            link.list_listings()
    wait = caught.value.retry_after_seconds
    assert wait is None or wait >= 1.0
    if platform != "tiktok":  # Shopee's and Lazada's clients name their wait; TikTok's page asks for a backoff
        assert wait is not None


def test_latency_holds_each_platform_call_but_not_the_admin(market: PracticeMarketplace) -> None:
    market.network.configure(NetworkConfig(latency_ms=120, jitter_ms=40, seed=5))
    for call in (_shopee, _tiktok, _lazada):
        started = time.monotonic()
        call(market)
        assert time.monotonic() - started >= market.network.delays[-1] >= 0.080
    drawn = len(market.network.delays)
    admin(market, "/listings")
    assert len(market.network.delays) == drawn  # the admin calls are not on the wire


def _delays(market: PracticeMarketplace, seed: int) -> list[float]:
    market.network.configure(NetworkConfig(latency_ms=20, jitter_ms=10, seed=seed))
    for _ in range(6):
        _shopee(market)
    return list(market.network.delays)


def test_jitter_is_seeded_and_reproducible(market: PracticeMarketplace) -> None:
    first, again, other = _delays(market, 7), _delays(market, 7), _delays(market, 8)
    assert first == again and first != other
    assert all(0.010 <= d <= 0.030 for d in first + other) and len(set(first)) > 1


def test_admin_sets_the_wire_and_limits_go_off_only_for_a_named_purpose(market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"] + "/network"
    shown = admin(market, "/network", {"latency_ms": 30, "jitter_ms": 10, "seed": 2})
    assert (shown["latency_ms"], shown["jitter_ms"], shown["seed"], shown["limits"]) == (30, 10, 2, True)
    assert admin(market, "/network")["latency_ms"] == 30
    for refused in ({"limits": False}, {"limits": False, "limits_off_for": "faster tests"}, {"jitter_ms": 40},
                    {"latency": 5}, {"limits": "no"}):
        assert requests.post(url, json=refused, timeout=5).status_code == 400, refused
    assert admin(market, "/network")["limits"] is True
    off = admin(market, "/network", {"limits": False, "limits_off_for": "server-handling", "latency_ms": 0,
                                      "jitter_ms": 0})
    assert off["limits"] is False and off["limits_off_for"] == "server-handling"
    _hold_clock(market)
    assert not any(_shopee_throttled(r) for r in _burst(market, lambda: _shopee(market), 14))
    on = admin(market, "/network", {"limits": True})
    assert on["limits"] is True and on["limits_off_for"] == ""
    assert sum(_shopee_throttled(r) for r in _burst(market, lambda: _shopee(market), 14)) == 4


def test_the_fault_drill_throttle_still_answers_under_the_limit(market: PracticeMarketplace) -> None:
    admin(market, "/faults", {"rates": {"lazada": {"throttle": 1.0}}})
    assert _lazada_throttled(_lazada(market))
    assert market.network.describe()["throttled"] == {}


def test_the_config_refuses_limits_off_without_a_purpose() -> None:
    assert NetworkConfig().limits is True and NetworkConfig().latency_ms == 0
    for bad in ({"limits": False}, {"limits": False, "limits_off_for": "speed"},
                {"limits_off_for": "server-handling"}, {"latency_ms": -1}, {"latency_ms": 10, "jitter_ms": 11}):
        with pytest.raises(ValueError):
            NetworkConfig(**bad)


def test_cli_flags_make_the_wire() -> None:
    args = cli.parser().parse_args(["--latency-ms", "150", "--jitter-ms", "50", "--network-seed", "3"])
    assert cli.network_config(args) == NetworkConfig(latency_ms=150, jitter_ms=50, seed=3)
    off = cli.network_config(cli.parser().parse_args(["--no-limits", "server-handling"]))
    assert not off.limits and off.limits_off_for == "server-handling"
    with pytest.raises(SystemExit):
        cli.parser().parse_args(["--no-limits", "speed"])


def test_the_practice_server_command_serves_the_flags(tmp_path: Path) -> None:
    server = subprocess.Popen([sys.executable, "-m", "companion", "practice-server", "--data-dir", str(tmp_path),
                               "--latency-ms", "40", "--jitter-ms", "10", "--network-seed", "4"],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        credentials = json.loads(server.stdout.readline())
        admin_url = credentials["shopee"]["base_url"].rsplit("/shopee", 1)[0] + "/_practice/network"
        shown = requests.get(admin_url, timeout=10).json()
        assert (shown["latency_ms"], shown["jitter_ms"], shown["seed"], shown["limits"]) == (40, 10, 4, True)
    finally:
        server.terminate()
        server.wait(timeout=10)
