"""A shop's long order walk on the sync strip: real SyncEvent("progress") records fed into the bridge from another
thread (as the runner sends them), shown only once a walk has run a couple of seconds, with an estimate only when the
engine has one, and gone when the walk finishes or the round ends."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from companion.connectors.base import Credentials
from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.connectors.tiktok.credentials import TikTokCredentials
from companion.gui.context import AppContext
from companion.gui.sync_bridge import SyncBridge
from companion.gui.sync_progress import SHOW_AFTER, left_text, progress_line
from companion.gui.sync_status import SyncStatusStrip
from companion.i18n import language, set_language
from companion.services.accounts import link_practice_accounts
from companion.store.accounts import AccountRow
from companion.sync.events import AccountResult, RoundSummary, SyncEvent
from companion.sync.progress import ShopProgress

T0 = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)


class Clock:
    """The bridge's monotonic clock, moved by hand: "has this walk run two seconds" without waiting two seconds."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ctx(qtbot: QtBot, data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    if context.sync is not None:
        context.sync.stop()
    context.close()


@pytest.fixture
def english() -> Iterator[None]:
    before = language()
    set_language("en")
    yield
    set_language(before)


def _no_credentials(account: AccountRow) -> Credentials:
    raise AssertionError("this test never starts the runner")


Shop = tuple[SyncStatusStrip, SyncBridge, Clock, list[str]]


@pytest.fixture
def shop(ctx: AppContext, qtbot: QtBot) -> Iterator[Shop]:
    """Two practice shops, a bridge that is never started (the events are fed in) and the strip following it."""
    ids, _ = link_practice_accounts(ctx.db, {
        "shopee": ShopeeCredentials(1, "k", 2, base_url="http://127.0.0.1:1"),
        "tiktok": TikTokCredentials("a", "s", "c", base_url="http://127.0.0.1:1")})
    bridge = SyncBridge(ctx, _no_credentials)
    clock = Clock()
    bridge.clock = clock
    ctx.sync = bridge
    strip = SyncStatusStrip(ctx)
    qtbot.addWidget(strip)
    strip.show()
    yield strip, bridge, clock, ids
    strip.detach()  # as the window does when it drops a strip: a later timer of the bridge finds nobody


def _send(bridge: SyncBridge, event: SyncEvent) -> None:
    """What the runner does: its callback on its own thread; the event reaches the strip on the GUI thread."""
    thread = threading.Thread(target=bridge._relay.emit, args=(event,))
    thread.start()
    thread.join()


def _walk(qtbot: QtBot, bridge: SyncBridge, account: str, recorded: int, left: float | None,
          finished: bool = False) -> None:
    progress = ShopProgress(account, "orders", recorded, None, 0.3, left, finished)
    with qtbot.waitSignal(bridge.progress_changed, timeout=2000):
        _send(bridge, SyncEvent("progress", progress=progress))


def test_a_long_walk_shows_count_and_estimate_then_goes(shop: Shop, qtbot: QtBot) -> None:
    strip, bridge, clock, (shopee, _tiktok) = shop
    _walk(qtbot, bridge, shopee, 100, None)
    assert not strip.progress_label.isVisibleTo(strip)  # a walk younger than SHOW_AFTER: nothing, no flicker
    clock.now += SHOW_AFTER
    _walk(qtbot, bridge, shopee, 3200, None)
    assert strip.progress_label.isVisibleTo(strip)
    assert strip.progress_label.text() == "Shopee Latihan: 3.200 pesanan"  # no pace yet: no estimate
    _walk(qtbot, bridge, shopee, 3300, 65.0)
    assert strip.progress_label.text() == "Shopee Latihan: 3.300 pesanan · ±1 menit lagi"
    _walk(qtbot, bridge, shopee, 10_000, 0.0, finished=True)
    assert not strip.progress_label.isVisibleTo(strip) and strip.progress_label.text() == ""


def test_a_short_walk_never_shows(shop: Shop, qtbot: QtBot) -> None:
    strip, bridge, clock, (shopee, _tiktok) = shop
    shown: list[bool] = []
    def look() -> None:
        shown.append(strip.progress_label.isVisibleTo(strip))

    bridge.progress_changed.connect(look)
    for n in range(1, 6):
        clock.now += 0.3
        _walk(qtbot, bridge, shopee, 100 * n, 1.0)
    _walk(qtbot, bridge, shopee, 600, 0.0, finished=True)
    clock.now += SHOW_AFTER  # the walk is over: its age no longer matters
    bridge.progress_changed.emit()
    bridge.progress_changed.disconnect(look)  # the walk's own timer fires after this test
    assert shown and not any(shown)


def test_each_shop_has_its_line_and_a_round_end_drops_them(english: None, shop: Shop, qtbot: QtBot) -> None:
    strip, bridge, clock, (shopee, tiktok) = shop
    _walk(qtbot, bridge, shopee, 1, None)
    _walk(qtbot, bridge, tiktok, 0, None)
    clock.now += SHOW_AFTER + 1
    _walk(qtbot, bridge, shopee, 12_400, 4000.0)
    _walk(qtbot, bridge, tiktok, 1, 5.0)
    text = strip.progress_label.text()
    assert text.startswith("Practice Shopee: 12.400 orders · about 1 hour 7 minutes left")
    assert text.endswith("Practice TikTok Shop: 1 order · almost done")
    summary = RoundSummary(T0, T0, (AccountResult(shopee, False, orders_new=0),), 0)
    with qtbot.waitSignal(bridge.progress_changed, timeout=2000):  # the walk stopped on a problem: no finished record
        _send(bridge, SyncEvent("round_finished", summary=summary))
    assert not strip.progress_label.isVisibleTo(strip)


def test_a_walk_is_mentioned_after_two_seconds_without_a_new_page(shop: Shop, qtbot: QtBot) -> None:
    strip, bridge, _clock, (shopee, _tiktok) = shop
    bridge.clock = time.monotonic  # the real clock: the bridge looks again by itself
    _walk(qtbot, bridge, shopee, 100, None)
    assert not strip.progress_label.isVisibleTo(strip)
    qtbot.waitUntil(lambda: strip.progress_label.isVisibleTo(strip), timeout=int(SHOW_AFTER * 1000) + 3000)
    assert strip.progress_label.text() == "Shopee Latihan: 100 pesanan"


def test_the_estimate_is_said_the_way_a_person_says_it() -> None:
    assert left_text(4) == "sebentar lagi"
    assert left_text(41) == "±50 detik lagi"
    assert left_text(50.5) == "±50 detik lagi"
    assert left_text(56) == "±1 menit lagi"
    assert left_text(65) == "±1 menit lagi"
    assert left_text(11 * 60 + 40) == "±12 menit lagi"
    assert left_text(2 * 3600 + 5 * 60) == "±2 jam 5 menit lagi"


def test_a_listing_walk_counts_listings() -> None:
    listings = ShopProgress("a", "listings", 1200, None, 0.5, 30.0)
    assert progress_line("Shopee · Toko Maju", listings) == "Shopee · Toko Maju: 1.200 listing · ±30 detik lagi"
    one = ShopProgress("a", "orders", 1, None, 0.0, None)
    assert progress_line("Shopee · Toko Maju", one) == "Shopee · Toko Maju: 1 pesanan"
