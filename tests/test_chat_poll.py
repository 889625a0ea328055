"""The chat-only pull between sync rounds, against the practice marketplace over HTTP: a buyer's new message is
stored (once) by `SyncEngine.sync_chats` and announced by the runner as a "chats" event; nothing new means no
change; a shop whose chat is refused and a marketplace that is down are left for the full round."""

from __future__ import annotations

import queue
from pathlib import Path

from sync_child import account_ids, admin, credentials_source, engine, quick_connector, setup_shop

from companion.practice.server import PracticeMarketplace
from companion.services.change import Change
from companion.store import inbox as inbox_store
from companion.store.database import Database
from companion.store.location import db_path
from companion.sync.events import SyncEvent
from companion.sync.runner import SyncRunner

WAIT_S = 30.0  # generous: a chat pull against the local server takes milliseconds


def _texts(db: Database) -> list[str]:
    return sorted(m.text for c in inbox_store.conversations(db) for m in inbox_store.thread(db, c.id))


def test_sync_chats_pulls_new_messages_once(data_dir: Path, db: Database, market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    setup_shop(db, url)
    sync = engine(db_path(data_dir), url)
    sync.sync_once()  # Shopee chat is not whitelisted: the round records that problem
    assert [p.channel for p in inbox_store.chat_problems(db)] == ["shopee"]
    admin(url, "/messages", {"platform": "tiktok", "text": "Kak, kopi ready?", "buyer": 1})
    admin(url, "/messages", {"platform": "lazada", "text": "Gula aren ada?", "buyer": 2})  # on demand: not polled
    admin(url, "/messages", {"platform": "shopee", "text": "Teh ada?", "buyer": 3})  # refused chat: not read
    change = sync.sync_chats()
    assert len(change.conversations) == 1 and not change.orders and not change.products
    assert _texts(db) == ["Kak, kopi ready?"]
    assert len(sync.check_chats("lazada").conversations) == 1  # Lazada's chats when the person asks
    assert sync.sync_chats() == Change()  # nothing new: nothing announced, nothing stored twice
    assert _texts(db) == ["Gula aren ada?", "Kak, kopi ready?"]
    admin(url, "/messages", {"platform": "tiktok", "text": "Halo?", "buyer": 1})
    again = sync.sync_chats()
    assert again.conversations == {inbox_store.conversations(db, channel="tiktok")[0].id}
    assert _texts(db) == ["Gula aren ada?", "Halo?", "Kak, kopi ready?"]


def test_sync_chats_while_the_marketplace_fails_changes_nothing(data_dir: Path, db: Database,
                                                              market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    setup_shop(db, url)
    sync = engine(db_path(data_dir), url)
    sync.sync_once()
    admin(url, "/faults", {"rates": {"*": {"server_error": 1.0}}})
    admin(url, "/messages", {"platform": "tiktok", "text": "Masih buka?", "buyer": 1})
    assert sync.sync_chats() == Change()
    assert _texts(db) == []
    admin(url, "/faults", {"rates": {}})
    assert _texts(db) == [] and len(sync.sync_chats().conversations) == 1
    assert _texts(db) == ["Masih buka?"]


def test_runner_announces_new_messages_between_rounds(data_dir: Path, db: Database,
                                                      market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    setup_shop(db, url)
    events: queue.Queue[SyncEvent] = queue.Queue()
    runner = SyncRunner(db_path(data_dir), credentials_source(url), events.put, poll_seconds=3600,
                        connector_factory=quick_connector, chat_seconds=0.2)
    runner.start()
    try:
        while events.get(timeout=WAIT_S).kind != "round_finished":
            pass
        admin(url, "/messages", {"platform": "tiktok", "text": "Bisa COD?", "buyer": 4})  # a polled channel
        event = events.get(timeout=WAIT_S)
        while event.kind != "chats":  # no full round is due for an hour: only the chat pull can bring it
            assert event.kind != "round_started"
            event = events.get(timeout=WAIT_S)
        assert event.change is not None and len(event.change.conversations) == 1
        assert _texts(db) == ["Bisa COD?"]
        assert account_ids(db)["tiktok"] == inbox_store.conversations(db)[0].account_id
    finally:
        runner.stop()
