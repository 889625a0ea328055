"""Chats through the sync engine against the practice marketplace over HTTP: pulled once, replies delivered
exactly once — also when the answer is lost, the network is cut, or the syncing process is killed mid-send."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sync_child import account_ids, admin, engine, setup_shop

from companion.connectors.shopee.spec import SPEC as SHOPEE_SPEC
from companion.practice.server import PracticeMarketplace
from companion.services import inbox as inbox_service
from companion.store import inbox as inbox_store
from companion.store import sync_state
from companion.store.database import Database
from companion.store.location import db_path

TESTS_DIR = Path(__file__).resolve().parent


def _buyer_side(url: str, platform: str, text: str) -> int:
    """How many times the buyer sees `text` from the shop (admin GET /messages)."""
    convs = admin(url, f"/messages?platform={platform}")["conversations"]
    return sum(1 for c in convs for m in c["messages"] if m["sender"] == "seller" and m["text"] == text)


def _conversation(db: Database, channel: str) -> inbox_store.ConversationRow:
    [row] = inbox_store.conversations(db, channel=channel)
    return row


def _status(db: Database, message_id: str) -> str:
    msg = inbox_store.message(db, message_id)
    assert msg is not None
    return msg.status


def _ask_and_pull(db: Database, url: str, data_dir: Path, platform: str, text: str) -> str:
    setup_shop(db, url)
    admin(url, "/messages", {"platform": platform, "text": text, "buyer": 1})
    sync = engine(db_path(data_dir), url)
    sync.sync_once()
    sync.check_chats(platform)  # an on-demand channel (Lazada) is read only when asked; a polled one again, harmlessly
    return _conversation(db, platform).id


def test_pull_is_incremental_and_a_reply_arrives_once(data_dir: Path, db: Database,
                                                      market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    admin(url, "/chat", {"enabled": True})
    conv_id = _ask_and_pull(db, url, data_dir, "tiktok", "Kak, kopi sachet ready?")
    sync = engine(db_path(data_dir), url)
    admin(url, "/messages", {"platform": "lazada", "text": "Gula ada?", "buyer": 2})
    admin(url, "/messages", {"platform": "shopee", "text": "Teh botol ada?", "buyer": 3})
    sync.sync_once()
    sync.check_chats("lazada")  # Lazada forbids polling its chats: read when the person asks
    sync.sync_once()
    sync.check_chats("lazada")
    assert db.scalar("SELECT COUNT(*) FROM messages") == 3  # pulled twice, stored once
    assert {r.channel for r in inbox_store.conversations(db, state="waiting")} == {"tiktok", "lazada", "shopee"}
    assert sync_state.cursor(db, account_ids(db)["tiktok"], "chat")
    assert inbox_store.chat_problems(db) == []
    message_id, _ = inbox_service.queue_reply(db, conv_id, "Ready Kak, stok 20.")
    sync.sync_once()
    sync.sync_once()
    assert _buyer_side(url, "tiktok", "Ready Kak, stok 20.") == 1
    assert _status(db, message_id) == "sent"
    row = _conversation(db, "tiktok")
    assert row.waiting_since is None and row.queued_replies == 0
    assert [m.text for m in inbox_store.thread(db, conv_id)].count("Ready Kak, stok 20.") == 1
    assert db.scalar("SELECT state FROM outbox WHERE idempotency_key = ?", (f"reply:{message_id}",)) == "sent"


def test_lost_answer_is_read_back_not_resent(data_dir: Path, db: Database, market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    conv_id = _ask_and_pull(db, url, data_dir, "tiktok", "Halo, bisa COD?")
    message_id, _ = inbox_service.queue_reply(db, conv_id, "Bisa Kak.")
    admin(url, "/faults", {"rates": {"tiktok": {"lost_response": 1.0}}})
    engine(db_path(data_dir), url).sync_once()
    assert _status(db, message_id) == "sending"  # it left; whether it landed is unknown
    assert _buyer_side(url, "tiktok", "Bisa Kak.") == 1
    admin(url, "/faults", {"rates": {}})
    sync = engine(db_path(data_dir), url)
    sync.sync_once()
    sync.sync_once()
    assert _status(db, message_id) == "sent"
    assert _buyer_side(url, "tiktok", "Bisa Kak.") == 1


def test_network_cut_keeps_the_reply_queued_until_back(tmp_path: Path, data_dir: Path, db: Database) -> None:
    market = PracticeMarketplace(tmp_path / "practice").start()
    url = market.base_urls["admin"]
    conv_id = _ask_and_pull(db, url, data_dir, "lazada", "Ready warna merah?")
    sync = engine(db_path(data_dir), url)
    market.stop()
    message_id, _ = inbox_service.queue_reply(db, conv_id, "Ready Kak, merah tinggal 3.")
    summary = sync.sync_once()
    assert not summary.ok
    assert _status(db, message_id) == "queued"
    again = PracticeMarketplace(tmp_path / "practice").start()  # the same practice data, a new server
    try:
        url = again.base_urls["admin"]
        sync = engine(db_path(data_dir), url)
        sync.sync_once()
        sync.sync_once()
        assert _status(db, message_id) == "sent"
        assert _buyer_side(url, "lazada", "Ready Kak, merah tinggal 3.") == 1
    finally:
        again.stop()


def test_killed_during_the_send_and_restarted(data_dir: Path, db: Database, market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    conv_id = _ask_and_pull(db, url, data_dir, "tiktok", "Kirim hari ini?")
    message_id, _ = inbox_service.queue_reply(db, conv_id, "Bisa, Kak, sebelum jam 3.")
    admin(url, "/faults", {"rates": {"tiktok": {"slow": 1.0}}, "slow_seconds": 0.4})
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "crash_child.MemoryKeyring", "PYTHONPATH": str(TESTS_DIR)}
    child = subprocess.Popen([sys.executable, str(TESTS_DIR / "sync_child.py"), str(data_dir), url],
                             stdout=subprocess.PIPE, text=True, env=env)
    try:
        for _ in range(1000):  # the child's round is paced under the platforms' call limits (issue 21)
            if _status(db, message_id) != "queued":
                break
            time.sleep(0.02)
        assert _status(db, message_id) == "sending"  # committed before the request left
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=10)
        assert child.stdout is not None
        child.stdout.close()
    admin(url, "/faults", {"rates": {}})
    time.sleep(0.6)  # the server finishes the request it was holding when the child died
    restarted = subprocess.Popen([sys.executable, str(TESTS_DIR / "sync_child.py"), str(data_dir), url],
                                 stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert restarted.stdout is not None
        assert restarted.stdout.readline().strip() == "ready"
        restarted.stdout.readline()
        restarted.stdout.readline()
    finally:
        restarted.kill()
        restarted.wait(timeout=10)
        assert restarted.stdout is not None
        restarted.stdout.close()
    assert _status(db, message_id) == "sent"
    assert _buyer_side(url, "tiktok", "Bisa, Kak, sebelum jam 3.") == 1


def test_shopee_without_chat_permission_says_why(data_dir: Path, db: Database, market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    setup_shop(db, url)
    sync = engine(db_path(data_dir), url)
    summary = sync.sync_once()
    assert summary.ok  # orders and stock are fine; only the chats are off
    [problem] = inbox_store.chat_problems(db)
    assert (problem.channel, problem.sentence_msgid) == ("shopee", SHOPEE_SPEC.chat_permission_sentence)
    assert "Seller In-house System" in problem.sentence_msgid and problem.detail
    admin(url, "/chat", {"enabled": True})
    sync.sync_once()
    assert inbox_store.chat_problems(db) == []


def test_a_reply_quoting_changed_numbers_waits_for_the_owner(data_dir: Path, db: Database,
                                                            market: PracticeMarketplace) -> None:
    """Queued while offline with 'stok 20'; the counter sold some since: the sync holds it until the owner
    confirms it; a withdrawn answer never leaves."""
    from companion.domain.product import ProductInput
    from companion.services.products import edit_product
    from companion.store import products as product_store

    url = market.base_urls["admin"]
    conv_id = _ask_and_pull(db, url, data_dir, "tiktok", "Kak, kopi sachet ready?")
    kopi = product_store.by_sku(db, "SC-KOPI")
    assert kopi is not None
    quoted = {kopi.id: (kopi.sell_price, kopi.on_hand)}
    held, _ = inbox_service.queue_reply(db, conv_id, "Ready Kak, Rp2.500.", quoted)
    withdrawn, _ = inbox_service.queue_reply(db, conv_id, "Ada Kak, Rp2.500.", quoted)
    edit_product(db, kopi.id, ProductInput(sku="SC-KOPI", name=kopi.name, sell_price=3_000))
    sync = engine(db_path(data_dir), url)
    sync.sync_once()
    assert _status(db, held) == "queued" and _buyer_side(url, "tiktok", "Ready Kak, Rp2.500.") == 0
    text, _ = inbox_service.withdraw_reply(db, withdrawn)
    assert text == "Ada Kak, Rp2.500." and _status(db, withdrawn) == "failed"
    inbox_service.confirm_reply(db, held)
    sync.sync_once()
    assert _buyer_side(url, "tiktok", "Ready Kak, Rp2.500.") == 1
    assert _buyer_side(url, "tiktok", "Ada Kak, Rp2.500.") == 0
