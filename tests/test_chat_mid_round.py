"""A long sync round still brings a buyer's question in on time: the engine stops at pause points (between its steps,
between pieces of a stock push) where nothing is half-written, and the runner pulls the chats that are due there.
Against the practice marketplace over HTTP, with its per-call latency switched on so a round takes seconds."""

from __future__ import annotations

import queue
from pathlib import Path

import pytest
from sync_child import PLATFORMS, admin, credentials_source, engine, platform_stock, quick_connector, setup_shop

from companion.domain.marketplace import ListingRef
from companion.practice.network import NetworkConfig
from companion.practice.server import PracticeMarketplace
from companion.services.online_stock import PlannedPush
from companion.store import inbox as inbox_store
from companion.store.database import Database, thread_database
from companion.store.location import db_path
from companion.sync import stock_sending
from companion.sync.events import SyncEvent
from companion.sync.runner import SyncRunner

WAIT_S = 60.0


def _plan(item: str, sku: str) -> PlannedPush:
    return PlannedPush(listing_id=f"{item}-{sku}", ref=ListingRef(item, sku), quantity=1, product_id="p")


def test_pieces_keep_the_plans_order_and_an_items_listings_together(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stock_sending, "PUSH_PIECE", 2)
    plans = [_plan("9", "1"), _plan("3", "1"), _plan("3", "2"), _plan("3", "3"), _plan("9", "2"), _plan("5", "1")]
    pieces = stock_sending._pieces(plans)
    assert [[(p.ref.item_id, p.ref.sku_id) for p in piece] for piece in pieces] == [
        [("9", "1"), ("9", "2")], [("3", "1"), ("3", "2"), ("3", "3")], [("5", "1")]]
    assert stock_sending._pieces([]) == []


def test_a_push_in_pieces_stops_between_them_and_lands_every_number(data_dir: Path, db: Database,
                                                                   market: PracticeMarketplace,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Platform stock differs everywhere: the first round's full check pushes every listing, one per piece; at
    each pause point the pieces before it are recorded (nothing is held for the end of the push)."""
    monkeypatch.setattr(stock_sending, "PUSH_PIECE", 1)
    url = market.base_urls["admin"]
    ids = setup_shop(db, url, listed_stock=99)
    sync = engine(db_path(data_dir), url)
    pushed_at_pauses: list[int] = []

    def count_pushed() -> None:
        stock = platform_stock(url)
        pushed_at_pauses.append(sum(1 for n in stock.values() if n != 99))

    sync.between_steps = count_pushed
    sync.sync_once()
    expected = {(platform, sku): n for platform in PLATFORMS for sku, n in
                (("SC-KOPI", 20), ("SC-TEH", 10), ("SC-GULA", 5))}
    assert platform_stock(url) == expected and len(ids) == 3
    # Within each shop's push the count grows piece by piece: some pause saw one, then two numbers landed.
    assert 1 in pushed_at_pauses and 2 in pushed_at_pauses and pushed_at_pauses == sorted(pushed_at_pauses)


def test_no_pause_inside_an_open_transaction(data_dir: Path, db: Database, market: PracticeMarketplace) -> None:
    sync = engine(db_path(data_dir), market.base_urls["admin"])
    calls: list[str] = []
    sync.between_steps = lambda: calls.append("pulled")
    shop = thread_database(db_path(data_dir))
    with shop.write():
        sync._between()  # a transaction is open on the engine thread's connection: nothing may write in between
    assert calls == []
    sync._between()
    assert calls == ["pulled"]


def test_a_question_arrives_during_a_long_round(data_dir: Path, db: Database, market: PracticeMarketplace) -> None:
    """Every call takes 150 ms, so the first round (three shops' listings, orders, pushes) takes seconds; a buyer
    writes as it starts; the runner announces the message (a "chats" event, which only a chat pull makes) before
    the round ends."""
    url = market.base_urls["admin"]
    setup_shop(db, url, listed_stock=99)
    market.network.configure(NetworkConfig(latency_ms=150, jitter_ms=0, seed=1))
    events: queue.Queue[SyncEvent] = queue.Queue()
    runner = SyncRunner(db_path(data_dir), credentials_source(url), events.put, poll_seconds=3600,
                        connector_factory=quick_connector, chat_seconds=0.3)
    runner.start()
    try:
        assert events.get(timeout=WAIT_S).kind == "round_started"
        admin(url, "/messages", {"platform": "tiktok", "text": "Masih buka, Kak?", "buyer": 7})
        kinds = []
        event = events.get(timeout=WAIT_S)
        while event.kind not in ("chats", "round_finished"):
            kinds.append(event.kind)
            event = events.get(timeout=WAIT_S)
        assert event.kind == "chats", kinds
        assert event.change is not None and len(event.change.conversations) == 1
        texts = [m.text for c in inbox_store.conversations(db) for m in inbox_store.thread(db, c.id)]
        assert "Masih buka, Kak?" in texts
        while events.get(timeout=WAIT_S).kind != "round_finished":
            pass
    finally:
        runner.stop()
