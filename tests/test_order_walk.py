"""The overlapped order walk (sync/order_walk.py) against the practice marketplace over real HTTP, with the
platforms' call limits enforced (practice/network.py): sliced and concurrent it brings exactly what one walk at a
time brings, a walk stopped or failing at any page resumes without losing an order, the progress events come in
order and end with finished=True, and client-side pacing (connectors/call_pacing.py) keeps a burst of calls under
the limit that the same burst without pacing goes over."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sync_child import admin, credentials_source, market_credentials

from companion.connectors import call_pacing
from companion.connectors.base import Connector, Credentials
from companion.connectors.errors import Permanent, Throttled
from companion.connectors.factory import build_connector
from companion.practice.network import NetworkConfig
from companion.practice.server import PracticeMarketplace
from companion.services.accounts import link_practice_accounts
from companion.store.database import Database, open_database
from companion.sync import order_walk
from companion.sync.backoff import Backoff
from companion.sync.engine import SyncEngine
from companion.sync.progress import ShopProgress

PER_PLATFORM = 14        # orders placed on each practice platform, spread over the last 2.5 days
PAGE = 2                 # the connectors' page size here, so each slice walks several pages
HOUR = 3600


@pytest.fixture
def placed(market: PracticeMarketplace) -> dict[str, set[str]]:
    """PER_PLATFORM paid orders on each platform, their update times moved back over 60 hours (the practice
    record is the platform: its clock is real time here), so the 3-day first window's slices all have some."""
    url = market.base_urls["admin"]
    refs: dict[str, set[str]] = {}
    for platform in ("shopee", "tiktok", "lazada"):
        admin(url, "/listings", {"platform": platform, "name": "Kopi", "seller_sku": "W-KOPI", "price": 2500,
                                 "stock": 1000})
        refs[platform] = {str(admin(url, "/orders", {"platform": platform, "paid": True,
                                                     "lines": [{"seller_sku": "W-KOPI", "quantity": 1}]})["ref"])
                          for _ in range(PER_PLATFORM)}
    now = int(market.state.now())
    with market.state.tx() as c:
        rows = c.execute("SELECT id FROM orders ORDER BY id").fetchall()
        for n, (order_id,) in enumerate(rows):
            when = now - 600 - (n * 60 * HOUR) // len(rows)
            c.execute("UPDATE orders SET update_time = ?, create_time = ? WHERE id = ?", (when, when, order_id))
    return refs


def small_pages(credentials: Credentials) -> Connector:
    link = build_connector(credentials)
    link.order_page_size = PAGE  # type: ignore[attr-defined]
    return link


def shop(folder: Path, url: str, channels: tuple[str, ...],
         factory: Callable[[Credentials], Connector] = small_pages) -> tuple[Database, SyncEngine]:
    """A new shop file with the practice shops of `channels` linked, and its engine (quick retries)."""
    folder.mkdir(parents=True, exist_ok=True)
    db = open_database(folder / "shop.sqlite3")
    creds = market_credentials(url)
    link_practice_accounts(db, {ch: creds[ch] for ch in channels})
    engine = SyncEngine(folder / "shop.sqlite3", credentials_source(url), factory,
                        quick_backoff=Backoff(base_seconds=0.01, cap_seconds=0.05))
    return db, engine


def stored(db: Database) -> dict[str, list[str]]:
    """channel → platform order ids stored (a list: a doubled order would show twice)."""
    rows = db.query("SELECT a.channel, o.platform_order_id FROM online_orders o JOIN accounts a"
                    " ON a.id = o.account_id ORDER BY 1, 2")
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(str(row[0]), []).append(str(row[1]))
    return found


def by_set(found: dict[str, list[str]]) -> dict[str, set[str]]:
    return {ch: set(ids) for ch, ids in found.items()}


def test_sliced_concurrent_walk_brings_what_one_walk_at_a_time_brings(
        market: PracticeMarketplace, placed: dict[str, set[str]], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    url = market.base_urls["admin"]
    db, engine = shop(tmp_path / "overlapped", url, ("shopee", "tiktok", "lazada"))
    summary = engine.sync_once()
    assert summary.ok, summary
    overlapped = stored(db)

    monkeypatch.setattr(order_walk, "MAX_SLICES", 1)  # the old walk: one window, one page after another
    monkeypatch.setattr(order_walk, "WORKERS", 1)
    db1, engine1 = shop(tmp_path / "sequential", url, ("shopee", "tiktok", "lazada"))
    assert engine1.sync_once().ok
    assert overlapped == stored(db1)
    assert by_set(overlapped) == placed
    assert all(len(ids) == len(set(ids)) for ids in overlapped.values())
    # (whether pacing keeps clear of the enforced limits is the pacing test's question: a loaded machine can bunch
    # arrivals past the margin, and a throttled call is only waited for and asked again, never a lost order)


class Killing:
    """A real connector whose `pull_orders` fails (Permanent: no quick retry) at its `kill_at`-th call."""

    def __init__(self, kill_at: int) -> None:
        self.kill_at, self.calls = kill_at, 0
        self.lock = threading.Lock()

    def __call__(self, credentials: Credentials) -> Connector:
        link = small_pages(credentials)
        inner = link.pull_orders

        def pull(*args: Any) -> Any:
            with self.lock:
                self.calls += 1
                fail = self.calls == self.kill_at
            if fail:
                raise Permanent("killed", "the walk is killed here on purpose")
            return inner(*args)

        link.pull_orders = pull  # type: ignore[method-assign,assignment]
        return link


@pytest.mark.parametrize("channel", ["tiktok", "shopee"])
def test_a_walk_failing_at_any_page_resumes_without_losing_an_order(
        market: PracticeMarketplace, placed: dict[str, set[str]], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, channel: str) -> None:
    monkeypatch.setattr(order_walk, "MAX_SLICES", 4)  # 4 slices, several pages each: every kind of boundary
    url = market.base_urls["admin"]
    pages = 0
    for kill_at in range(1, 40):
        killer = Killing(kill_at)
        db, engine = shop(tmp_path / f"kill-{kill_at}", url, (channel,), killer)
        first = engine.sync_once()
        if killer.calls < kill_at:  # the walk needed fewer pages than this: every boundary was tried
            pages = killer.calls
            assert first.ok
            assert by_set(stored(db)) == {channel: placed[channel]}
            break
        assert not first.ok and first.accounts[0].problem is not None
        again = engine.sync_once()
        assert again.ok, again
        found = stored(db)
        assert by_set(found) == {channel: placed[channel]}, kill_at
        assert len(found[channel]) == len(placed[channel])
        db.close()
    assert pages > 6  # the walk really had several pages in several slices


@pytest.mark.parametrize("kill_at", [1, 4, 9, 15])
def test_shops_walking_at_once_one_failing_walks_again_alone_in_the_same_round(
        market: PracticeMarketplace, placed: dict[str, set[str]], tmp_path: Path, kill_at: int) -> None:
    """Three shops walk at once; one of them has a page fail: its walk starts again alone, from what it recorded,
    in the same round (the engine's remedies), and every shop ends with exactly its orders."""
    killer = Killing(kill_at)
    db, engine = shop(tmp_path / "together", market.base_urls["admin"], ("shopee", "tiktok", "lazada"), killer)
    summary = engine.sync_once()
    assert killer.calls > kill_at  # the failure happened, and the walk went on after it
    assert summary.ok, summary
    found = stored(db)
    assert by_set(found) == placed
    assert all(len(ids) == len(set(ids)) for ids in found.values())


def test_a_walk_stopped_after_any_recorded_page_resumes_without_losing_an_order(
        market: PracticeMarketplace, placed: dict[str, set[str]], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(order_walk, "MAX_SLICES", 4)
    url = market.base_urls["admin"]
    stop_after = 1
    while True:
        db, engine = shop(tmp_path / f"stop-{stop_after}", url, ("tiktok",))
        seen: list[ShopProgress] = []

        def listen(p: ShopProgress, engine: SyncEngine = engine, seen: list[ShopProgress] = seen,
                   stop_after: int = stop_after) -> None:
            seen.append(p)
            if len(seen) == stop_after:
                engine.stop_event.set()  # as the runner's stop() does, right after this page was recorded

        engine.on_progress = listen
        engine.sync_once()
        walked = not engine.stop_event.is_set()
        engine.stop_event.clear()
        engine.on_progress = None
        assert engine.sync_once().ok
        assert by_set(stored(db)) == {"tiktok": placed["tiktok"]}, stop_after
        db.close()
        if walked:  # the first walk had fewer pages than stop_after: every boundary was tried
            break
        stop_after += 1
    assert stop_after > 5


def test_progress_comes_in_order_and_ends_finished(market: PracticeMarketplace, placed: dict[str, set[str]],
                                                   tmp_path: Path) -> None:
    url = market.base_urls["admin"]
    _, engine = shop(tmp_path / "progress", url, ("shopee", "tiktok", "lazada"))
    seen: list[ShopProgress] = []
    engine.on_progress = seen.append
    assert engine.sync_once().ok
    for account_id in {p.account_id for p in seen}:
        mine = [p for p in seen if p.account_id == account_id]
        assert len(mine) > 3 and mine[-1].finished and not any(p.finished for p in mine[:-1])
        assert [p.recorded for p in mine] == sorted(p.recorded for p in mine)
        assert [p.fraction for p in mine] == sorted(p.fraction for p in mine)
        assert mine[-1].fraction == 1.0 and mine[-1].total == mine[-1].recorded
        assert all(0.0 <= p.fraction <= 1.0 for p in mine)
    assert sorted(p.recorded for p in seen if p.finished) == [PER_PLATFORM] * 3


def burst(link: Connector, calls: int) -> int:
    """`calls` order-list calls from 5 threads at once; how many came back throttled."""
    start = int(time.time()) - 3600
    refused = [0]
    lock = threading.Lock()

    def one(_: int) -> None:
        try:
            link.pull_orders(*_window(start))
        except Throttled:
            with lock:
                refused[0] += 1

    def five(n: int) -> None:
        for _ in range(calls // 5):
            one(n)

    threads = [threading.Thread(target=five, args=(n,)) for n in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return refused[0]


def _window(start: int) -> tuple[Any, Any]:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(start + 60, UTC)


def test_pacing_keeps_a_burst_under_the_enforced_limit(market: PracticeMarketplace) -> None:
    """TikTok's published 50 calls a second per API: 75 order searches from 5 threads. Paced, none is throttled;
    the same burst unpaced is (so this test can fail)."""
    link = build_connector(market_credentials(market.base_urls["admin"])["tiktok"])
    call_pacing.forget()
    market.network.configure(NetworkConfig())
    assert burst(link, 75) == 0
    assert market.network.throttled.get("tiktok", 0) == 0
    time.sleep(1.1)
    market.network.configure(NetworkConfig())
    call_pacing.set_enabled(False)
    try:
        assert burst(link, 75) > 0
    finally:
        call_pacing.set_enabled(True)
    assert market.network.throttled["tiktok"] > 0
