"""Replies to reviews exactly once when things go wrong, per platform that takes them (Shopee, Lazada): the answer
lost after the platform kept the reply, replies queued while the marketplace is unreachable and the app then killed
(a child process) while a reply call is on the wire, and a read-back the platform refuses. Every reply ends on the
platform once and its command 'sent'; no reply call is repeated for a review the platform already answered."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from review_reply_child import (
    REPLY_CALLS,
    REVIEW_PLATFORMS,
    ReplyWire,
    account_ids,
    engine,
    leave,
    on_platform,
    reviewed_shop,
)

from companion.connectors import registry
from companion.connectors.lazada import practice_reply as lazada_answers
from companion.connectors.shopee import practice_answers as shopee_answers
from companion.practice.exchange import Reply
from companion.practice.server import PracticeMarketplace
from companion.services import reviews as review_service
from companion.store import outbox
from companion.store import reviews as review_store
from companion.store.database import Database
from companion.store.location import db_path
from companion.sync.engine import SyncEngine

TESTS_DIR = Path(__file__).resolve().parent
TEXT = "Mohon maaf, Kak, kami ganti barangnya."


def _queue_all(db: Database, platform: str, ids: list[str]) -> None:
    account = account_ids(db)[platform]
    for n, ref in enumerate(ids):
        row = review_store.by_platform_id(db, account, ref)
        assert row is not None
        review_service.queue_review_reply(db, row.id, f"{TEXT} ({n})")


def _queued(db: Database, data_dir: Path, market: PracticeMarketplace, platform: str,
            count: int) -> tuple[SyncEngine, list[str]]:
    """`count` low reviews pulled and a reply queued to each; the engine and the reviews' platform ids."""
    refs = reviewed_shop(db, market, platform, count)
    sync = engine(db_path(data_dir), market.base_urls["admin"])
    ids = [leave(market, platform, ref, 1, "Rusak", minutes_ago=20) for ref in refs]
    assert sync.sync_once().ok
    _queue_all(db, platform, ids)
    return sync, ids


def _states(db: Database) -> list[str]:
    return [r["state"] for r in db.query("SELECT state FROM outbox WHERE kind = ?",
                                         (review_service.REVIEW_REPLY_KIND,))]


def _replied_once(db: Database, market: PracticeMarketplace, platform: str, ids: list[str]) -> None:
    assert set(_states(db)) == {outbox.SENT}
    account = account_ids(db)[platform]
    for n, ref in enumerate(ids):
        assert on_platform(market, platform, ref)["reply"] == f"{TEXT} ({n})"
        row = review_store.by_platform_id(db, account, ref)
        assert row is not None and row.reply_state == "sent" and row.reply_text == f"{TEXT} ({n})"


def _calls(platform: str, replies: int) -> int:
    """Reply calls that carry `replies` replies once each, in the platform's batches."""
    rules = registry.get(platform).reviews
    assert rules is not None
    return -(-replies // rules.replies_per_call)


def _repeated(wire: ReplyWire) -> list[str]:
    """Answers saying a review was already replied to (a reply sent twice)."""
    return [a for a in wire.answers() if "already" in a.lower() or "duplicate" in a.lower() or "sudah" in a.lower()]


def lose_answers(market: PracticeMarketplace, platform: str, times: int) -> list[str]:
    """The first `times` reply calls reach the platform, and their answers never come back."""
    inner = market.handle
    seen: list[str] = []

    def handle(method: str, raw_path: str, body: bytes, headers: dict[str, str]) -> Any:
        if raw_path.split("?", 1)[0].endswith(REPLY_CALLS[platform]) and len(seen) < times:
            seen.append("lost")
            inner(method, raw_path, body, headers)   # kept on the platform ...
            return Reply(drop=True)                  # ... the answer is lost
        return inner(method, raw_path, body, headers)

    market.handle = handle  # type: ignore[method-assign]
    return seen


@pytest.mark.parametrize("platform", REVIEW_PLATFORMS)
def test_a_lost_answer_is_looked_for_not_sent_again(platform: str, data_dir: Path, db: Database,
                                                    market: PracticeMarketplace) -> None:
    sync, ids = _queued(db, data_dir, market, platform, 3)
    wire = ReplyWire(platform)
    market.recorders.append(wire)
    seen = lose_answers(market, platform, 1)
    first = sync.sync_once()
    assert seen == ["lost"] and not first.ok                 # the trouble was real and said
    # it may have landed: neither failed nor back to waiting (to be sent blind); the next round looks for it
    assert outbox.SENDING in _states(db) and set(_states(db)) <= {outbox.SENDING, outbox.SENT}
    sync.sync_once()
    sync.sync_once()
    _replied_once(db, market, platform, ids)
    assert len(wire.calls) == _calls(platform, len(ids))      # the lost one was found by looking, never sent again
    assert not _repeated(wire)


def _run_child_until_killed(data_dir: Path, market: PracticeMarketplace, platform: str, wire: ReplyWire) -> int:
    """Sync rounds in a child process, killed (SIGKILL) once the first reply call has reached the platform and
    before its answer is back; the child's exit code."""
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "crash_child.MemoryKeyring", "PYTHONPATH": str(TESTS_DIR)}
    child = subprocess.Popen([sys.executable, str(TESTS_DIR / "review_reply_child.py"), str(data_dir),
                              market.base_urls["admin"]], stdout=subprocess.PIPE, text=True, env=env)

    def kill_on_the_wire(channel: str, request: Any, reply: Any) -> None:
        if channel == platform and len(wire.calls) == 1 and child.poll() is None:
            child.send_signal(signal.SIGKILL)

    market.recorders += [wire, kill_on_the_wire]
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        return child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)
        if child.stdout is not None:
            child.stdout.close()


@pytest.mark.parametrize("platform", REVIEW_PLATFORMS)
def test_queued_offline_then_killed_mid_send_replies_once(platform: str, tmp_path: Path, data_dir: Path,
                                                          db: Database) -> None:
    first = PracticeMarketplace(tmp_path / "practice").start()
    refs = reviewed_shop(db, first, platform, 2)
    ids = [leave(first, platform, ref, 1, "Rusak", minutes_ago=20) for ref in refs]
    offline = engine(db_path(data_dir), first.base_urls["admin"])
    assert offline.sync_once().ok
    first.stop()                                              # the connection is gone
    _queue_all(db, platform, ids)                             # "menunggu dikirim"
    assert not offline.sync_once().ok
    assert set(_states(db)) == {outbox.WAITING}               # nothing left the laptop
    market = PracticeMarketplace(tmp_path / "practice").start()   # back: the same practice data, a new server
    try:
        wire = ReplyWire(platform)
        assert _run_child_until_killed(data_dir, market, platform, wire) == -signal.SIGKILL
        assert len(wire.calls) == 1
        assert outbox.SENDING in _states(db)                  # killed with a reply on the wire
        calm = engine(db_path(data_dir), market.base_urls["admin"])   # a fresh start
        calm.sync_once()
        calm.sync_once()
        _replied_once(db, market, platform, ids)
        # Shopee carried both replies in the call that landed; Lazada one a call: only the other one went after
        assert len(wire.calls) == _calls(platform, len(ids))
        assert not _repeated(wire)
    finally:
        market.stop()


READ_BACK = {"shopee": "/api/v2/product/get_comment", "lazada": "/review/seller/list/v2"}   # reviews read by id


def refuse_reading(market: PracticeMarketplace, platform: str) -> list[bool]:
    """The platform refuses to show the shop's reviews (the app's permission taken away) until the returned
    switch is turned off: the reviews pull and every read-back are refused in the platform's own shape."""
    inner = market.handle
    on = [True]

    def handle(method: str, raw_path: str, body: bytes, headers: dict[str, str]) -> Any:
        if on[0] and raw_path.split("?", 1)[0].endswith(READ_BACK[platform]):
            if platform == "shopee":
                return shopee_answers.err("error_permission", "Sorry you don't have the permission")
            return lazada_answers.err("Mp3SellerApiLimit", "MP3 sellers cannot call this API")
        return inner(method, raw_path, body, headers)

    market.handle = handle  # type: ignore[method-assign]
    return on


@pytest.mark.parametrize("platform", REVIEW_PLATFORMS)
def test_a_refused_read_back_leaves_the_reply_sending(platform: str, data_dir: Path, db: Database,
                                                      market: PracticeMarketplace) -> None:
    sync, ids = _queued(db, data_dir, market, platform, 1)
    wire = ReplyWire(platform)
    market.recorders.append(wire)
    refusing = refuse_reading(market, platform)
    lose_answers(market, platform, 1)
    sync.sync_once()
    assert _states(db) == [outbox.SENDING] and len(wire.calls) == 1   # landed, its answer lost
    sync.sync_once()                                          # cannot look: neither failed nor sent blind
    assert _states(db) == [outbox.SENDING] and len(wire.calls) == 1
    refusing[0] = False
    sync.sync_once()
    _replied_once(db, market, platform, ids)
    assert len(wire.calls) == 1
