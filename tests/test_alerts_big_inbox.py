"""The tray alerts on a big inbox (issue 21): the counts are what a plain count over every waiting chat gives (more
than 500 of them, the oldest included), a new question and a near deadline are announced once each, a question
pulled late (older than one already seen) is still announced, and a refresh reads a bounded number of rows however
many buyers wait — the rows the connection hands to Python are counted, on real SQLite files."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from companion.domain.clock import now_utc, stamp
from companion.domain.deadlines import urgency_key
from companion.domain.marketplace import Conversation, Message
from companion.gui.alerts import NEAR_DEADLINE, InboxAlerts, WaitingCounts, chat_counts, counts, waiting_buyers
from companion.gui.context import AppContext
from companion.services import inbox as inbox_service
from companion.services.inbox import apply_chat_page, log_inquiry, mark_answered
from companion.services.inbox_pages import due_soon
from companion.store import inbox as inbox_store
from companion.store.database import Database, open_database

ROW_BUDGET = 150  # rows one refresh may read: a constant, far below the waiting chats of these inboxes
CHANNELS = ("shopee", "lazada", "manual", "tiktok")


def fill(db: Database, count: int, now: datetime, start: int = 0, calm: bool = True) -> None:
    """`count` conversations straight into the tables, each with its buyer's message at `waiting_since`; one in
    eight answered. Calm: each either long overdue or more than two hours from its deadline at `now` and 100
    minutes later (so only the chats a test adds come close); else spread over three days, every rule kind."""
    rng = random.Random(start + 21)
    with db.write():
        for channel in CHANNELS:
            db.execute("INSERT OR IGNORE INTO accounts (id, channel, name, base_url, created_at)"
                       " VALUES (?, ?, ?, ?, ?)", (f"acc-{channel}", channel, f"Toko {channel}",
                                                   "http://127.0.0.1:1", stamp(now)))
        for n in range(start, start + count):
            channel = CHANNELS[n % len(CHANNELS)]
            target = (60, 600)[n % 2] if channel == "manual" else None
            if calm:
                hours = {"shopee": rng.choice((rng.uniform(14, 72), rng.uniform(2, 9))),
                         "lazada": rng.uniform(48, 72), "tiktok": rng.uniform(1, 72),
                         "manual": rng.uniform(3, 72) if target == 60 else rng.uniform(1, 5)}[channel]
            else:
                hours = rng.uniform(0.02, 72)
            since = stamp(now - timedelta(hours=hours))
            waiting = since if n % 8 else None
            db.execute(
                "INSERT INTO conversations (id, account_id, channel, platform_conversation_id, buyer_name, source,"
                " target_minutes, holiday_mode, last_text, last_message_at, waiting_since, unread, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'Kak, ready?', ?, ?, ?, ?)",
                (f"c{n:05d}", None if channel == "manual" else f"acc-{channel}", channel,
                 None if channel == "manual" else f"pc{n}", f"pembeli {n}",
                 "whatsapp" if channel == "manual" else None, target, int(channel == "tiktok"), since, waiting,
                 int(bool(waiting)), since))
            db.execute("INSERT INTO messages (id, conversation_id, from_buyer, text, sent_at, status)"
                       " VALUES (?, ?, 1, 'Kak, ready?', ?, 'received')", (f"m{n:05d}", f"c{n:05d}", since))


def plain(db: Database, now: datetime) -> WaitingCounts:
    """Who waits and who is overdue the plain way: every conversation read, its clock worked out, counted."""
    clocks = [inbox_service.clock_of(r, "WIB") for r in inbox_store.conversations(db, limit=1_000_000)]
    return WaitingCounts(sum(1 for c in clocks if c is not None),
                         sum(1 for c in clocks if c is not None and c.overdue(now)))


class RowCounter:
    """Counts the rows the shop connection hands to Python (its row factory), so a test sees what a read costs."""

    def __init__(self, db: Database) -> None:
        self.rows = 0
        db.conn.row_factory = self._row

    def _row(self, cursor: sqlite3.Cursor, values: tuple[object, ...]) -> sqlite3.Row:
        self.rows += 1
        return sqlite3.Row(cursor, values)


@pytest.fixture
def ctx(data_dir: Path, db: Database) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


def _watch(ctx: AppContext) -> tuple[InboxAlerts, list[tuple[str, str]]]:
    watcher = InboxAlerts(ctx, tray=False)
    seen: list[tuple[str, str]] = []
    watcher.notifier.notified.connect(lambda title, text: seen.append((title, text)))
    return watcher, seen


def _chat(db: Database, cid: str, buyer: str, text: str, at: datetime, n: int) -> None:
    """A Shopee buyer's message as a chat pull stores it."""
    apply_chat_page(db, "acc-shopee", [Conversation(cid, "b-" + cid, buyer, text, at, 1)],
                    {cid: [Message(f"m-{cid}-{n}", cid, "b-" + cid, text, "text", at, True, False)]})


def test_counts_equal_a_plain_count_over_every_waiting_chat(ctx: AppContext, db: Database, qtbot: QtBot) -> None:
    now = now_utc()
    fill(db, 1_200, now, calm=False)
    watcher, _seen = _watch(ctx)
    expected = plain(db, now)
    assert expected.waiting == 1_050 > 500 and expected.overdue > 300  # beyond the newest 500 the tray once saw
    for moment in (now, now + timedelta(hours=5), now + timedelta(days=2), now - timedelta(days=1)):
        watcher.refresh(moment)
        assert watcher.counts == plain(db, moment)
        assert chat_counts(db, moment) == counts(waiting_buyers(db, moment), moment) == plain(db, moment)
    ctx.announce(mark_answered(ctx.db, "c00001"))  # answered: it leaves the count
    assert watcher.counts.waiting == 1_049
    watcher.close()


@pytest.mark.parametrize("hours", [0, 1, 5, 11.5, 30, 80])
def test_due_soon_is_exactly_the_waiting_chats_due_within_the_hour(db: Database, hours: float) -> None:
    now = now_utc()
    fill(db, 800, now, calm=False)
    moment = now + timedelta(hours=hours)
    rows = [(r, inbox_service.clock_of(r, "WIB")) for r in inbox_store.conversations(db, limit=1_000_000)]
    soon = [(r, c) for r, c in rows if c is not None and c.due_within(moment, NEAR_DEADLINE)]
    soon.sort(key=lambda rc: (*urgency_key(rc[1], moment), rc[0].waiting_since, rc[0].id))
    assert [r.id for r, _c in due_soon(db, moment, NEAR_DEADLINE)] == [r.id for r, _c in soon]


def test_new_questions_once_even_when_pulled_late(ctx: AppContext, db: Database, qtbot: QtBot) -> None:
    now = now_utc()
    fill(db, 700, now)
    watcher, seen = _watch(ctx)
    assert seen == [] and watcher.counts.waiting == 612  # waiting at start: counted, not announced
    ctx.announce(log_inquiry(ctx.db, "phone", "Bu Rina", "Gula aren ada?", 600)[1])
    # pulled now, asked three hours ago: older than Bu Rina's question, still new to the owner
    _chat(ctx.db, "C-LATE", "Pak Lambat", "Kak, bisa COD?", now - timedelta(hours=3), 1)
    watcher.refresh()
    watcher.refresh()
    _chat(ctx.db, "C-LATE", "Pak Lambat", "Halo kak?", now - timedelta(hours=2), 2)  # same stretch: not new
    watcher.refresh()
    assert seen == [("Pertanyaan baru dari Bu Rina", "Gula aren ada?"),
                    ("Pertanyaan baru dari Pak Lambat", "Kak, bisa COD?")]
    conv = ctx.db.scalar("SELECT id FROM conversations WHERE platform_conversation_id = 'C-LATE'")
    ctx.announce(mark_answered(ctx.db, conv))
    _chat(ctx.db, "C-LATE", "Pak Lambat", "Jadi kirim ya kak", now_utc() + timedelta(seconds=1), 3)  # asked again
    watcher.refresh()
    assert [t for t, _x in seen] == ["Pertanyaan baru dari Bu Rina", "Pertanyaan baru dari Pak Lambat",
                                     "Pertanyaan baru dari Pak Lambat"]
    assert watcher.counts.waiting == 614
    watcher.close()


def test_many_new_at_once_are_one_summary_with_their_count(ctx: AppContext, db: Database, qtbot: QtBot) -> None:
    now = now_utc()
    fill(db, 40, now)
    watcher, seen = _watch(ctx)
    fill(db, 600, now, start=40)  # a first chat pull after the start: 525 stretches begin at once
    watcher.refresh()
    assert seen == [("Pertanyaan baru dari pembeli", "525 pembeli menunggu jawaban.")]
    watcher.refresh()
    assert len(seen) == 1
    watcher.close()


def test_near_deadline_once_in_a_big_inbox(ctx: AppContext, db: Database, qtbot: QtBot) -> None:
    now = now_utc()
    fill(db, 700, now)
    watcher, seen = _watch(ctx)
    log_inquiry(ctx.db, "whatsapp", "Bu Sari", "Bisa kirim sore ini?", 90)
    for minutes in (40, 45, 60, 80):
        watcher.refresh(now + timedelta(minutes=minutes))
    watcher.refresh(now + timedelta(minutes=100))  # overdue now: counted, not announced
    near = [text for title, text in seen if title == "Segera balas"]
    assert near == ["Bu Sari sudah lama menunggu: balas dalam satu jam ini agar nilai chat toko tetap baik."]
    assert watcher.counts.overdue == plain(db, now + timedelta(minutes=100)).overdue
    watcher.close()


def test_a_refresh_reads_a_bounded_number_of_rows(ctx: AppContext, db: Database, qtbot: QtBot) -> None:
    now = now_utc()
    watcher, _seen = _watch(ctx)
    counter = RowCounter(ctx.db)
    read: list[int] = []
    for start in (0, 700, 1_400):  # 612, then 1 225, then 1 837 buyers waiting
        fill(db, 700, now, start=start)
        log_inquiry(ctx.db, "phone", f"Bu Rina {start}", "Ready?", 600)  # new
        log_inquiry(ctx.db, "whatsapp", f"Bu Sari {start}", "Ready?", 30)  # new and due soon
        watcher.refresh(now + timedelta(minutes=1))  # the first after a fill announces its 614 as one summary
        counter.rows = 0
        log_inquiry(ctx.db, "phone", f"Pak Joko {start}", "Ready?", 45)
        watcher.refresh(now + timedelta(minutes=2))
        read.append(counter.rows)
    assert watcher.counts == plain(db, now + timedelta(minutes=2)) and watcher.counts.waiting > 1_800
    assert max(read) <= ROW_BUDGET, read
    watcher.close()


def test_each_book_keeps_its_own_mark(ctx: AppContext, db: Database, tmp_path: Path, qtbot: QtBot) -> None:
    """Mode Latihan reads another book: its waiting chats are counted at first sight, not announced; back in the
    shop's book, a question that came in while practising (the shop's sync goes on unseen) is announced."""
    log_inquiry(db, "phone", "Bu Rina", "Ready?", 600)
    watcher, seen = _watch(ctx)
    practice = open_database(tmp_path / "practice.sqlite3")
    for n in range(3):
        log_inquiry(practice, "phone", f"Latihan {n}", "Ready?", 600)  # numbered like the shop's, or higher
    ctx.use_book(tmp_path / "practice.sqlite3")
    ctx.rebuild_pages()
    assert seen == [] and watcher.counts.waiting == 3
    ctx.announce(log_inquiry(ctx.db, "whatsapp", "Latihan baru", "Ongkir?", 600)[1])
    log_inquiry(db, "phone", "Pak Joko", "Kopi ready?", 600)
    ctx.use_book(ctx.shop_path)
    ctx.rebuild_pages()
    assert seen == [("Pertanyaan baru dari Latihan baru", "Ongkir?"), ("Pertanyaan baru dari Pak Joko", "Kopi ready?")]
    assert watcher.counts.waiting == 2
    practice.close()
    watcher.close()
