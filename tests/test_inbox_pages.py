"""Kotak Masuk a screenful at a time (services/inbox_pages.py over the schema v13 indexes): the pages follow the
inbox's order exactly (waiting buyers by deadline, then the rest newest first), each chat once even when the record
changes between pages, counts as a plain count gives them, search paged the same way, the indexes really used, and
the page's model reading more as the list is scrolled — on real SQLite files."""

from __future__ import annotations

import random
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from companion.domain.clock import stamp
from companion.domain.deadlines import urgency_key
from companion.gui.context import AppContext
from companion.gui.pages.inbox import PAGE_ROWS, InboxPage
from companion.services import inbox as inbox_service
from companion.services.inbox_pages import InboxPager
from companion.store import inbox as inbox_store
from companion.store.database import Database

NOW = datetime(2026, 3, 10, 5, 30, tzinfo=UTC)
CHANNELS = ("shopee", "tiktok", "lazada", "manual", "kiosk")  # kiosk: a channel this version does not know
WORDS = ("Kak, ready stok?", "Ongkir ke Medan berapa?", "Varian pedas masih ada?", "Bisa COD?")


def fill(db: Database, count: int, seed: int = 21) -> None:
    """`count` conversations straight into the tables: every rule kind (fixed window, daily cycle, shop target with
    three targets, holiday mode excluded, no rule), half waiting, many sharing a daily-cycle deadline."""
    rng = random.Random(seed)
    with db.write():
        for channel in CHANNELS[:3]:
            db.execute("INSERT INTO accounts (id, channel, name, base_url, created_at) VALUES (?, ?, ?, ?, ?)",
                       (f"acc-{channel}", channel, f"Toko {channel}", "http://127.0.0.1:1", stamp(NOW)))
        for n in range(count):
            channel = CHANNELS[n % len(CHANNELS)]
            created = NOW - timedelta(seconds=rng.randint(3600, 40 * 86400))
            last = created + timedelta(seconds=rng.randint(0, 3000)) if n % 7 else None
            waiting = stamp(NOW - timedelta(seconds=rng.randint(60, 3 * 86400))) if n % 2 else None
            db.execute(
                "INSERT INTO conversations (id, account_id, channel, platform_conversation_id, buyer_name, source,"
                " target_minutes, holiday_mode, last_text, last_message_at, waiting_since, unread, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (f"c{n:04d}", f"acc-{channel}" if channel in CHANNELS[:3] else None, channel,
                 f"pc{n}" if channel in CHANNELS[:3] else None, f"pembeli {n}",
                 "whatsapp" if channel == "manual" else None,
                 (30, 60, None)[n % 3] if channel == "manual" else None, int(channel == "tiktok" and n % 3 == 0),
                 WORDS[n % 4], stamp(last) if last else None, waiting, int(bool(waiting)), stamp(created)))
            db.execute("INSERT INTO messages (id, conversation_id, from_buyer, text, sent_at, status)"
                       " VALUES (?, ?, 1, ?, ?, 'received')", (f"m{n:04d}", f"c{n:04d}", WORDS[n % 4],
                                                                stamp(last or created)))


def reference(db: Database, channel: str | None = None, state: str = "all",
              only: set[str] | None = None) -> list[str]:
    """The inbox's order worked out the plain way: every conversation, its clock, one sort (the order before v13)."""
    rows = [r for r in inbox_store.conversations(db, limit=1_000_000)
            if (channel is None or r.channel == channel) and (only is None or r.id in only)]
    clocks = [(r, inbox_service.clock_of(r, "WIB")) for r in rows]
    waiting = [(r, c) for r, c in clocks if c is not None and (state != "overdue" or c.overdue(NOW))]
    waiting.sort(key=lambda rc: (*urgency_key(rc[1], NOW), rc[0].waiting_since, rc[0].id))
    answered = sorted((r for r, c in clocks if c is None), key=lambda r: r.answered_key, reverse=True)
    return [r.id for r, _c in waiting] + ([r.id for r in answered] if state == "all" else [])


def paged(pager: InboxPager, size: int) -> list[str]:
    out: list[str] = []
    while not pager.exhausted:
        out += [row.id for row, _clock in pager.next(size)]
    return out


@pytest.mark.parametrize(("channel", "state"), [(None, "all"), (None, "waiting"), (None, "overdue"),
                                                ("lazada", "waiting"), ("tiktok", "all"), ("manual", "overdue"),
                                                ("kiosk", "all")])
def test_pages_follow_the_inbox_order_and_count_as_a_plain_count(db: Database, channel: str | None,
                                                                  state: str) -> None:
    fill(db, 230)
    expected = reference(db, channel, state)
    assert len(expected) > 10
    for size in (1, 7, PAGE_ROWS):
        pager = InboxPager(db, NOW, channel, state)
        assert paged(pager, size) == expected
    plain = {"all": "1", "waiting": "waiting_since IS NOT NULL", "overdue": "waiting_since IS NOT NULL"}[state]
    counted = db.scalar(f"SELECT COUNT(*) FROM conversations WHERE {plain} AND (? IS NULL OR channel = ?)",
                        (channel, channel))
    total = InboxPager(db, NOW, channel, state).total()
    assert total == len(expected)
    assert total == counted if state != "overdue" else total < counted  # overdue: the rule decides, not SQL


def test_the_whole_view_is_the_pages_joined(db: Database) -> None:
    fill(db, 120)
    assert [r.id for r, _c in inbox_service.inbox_view(db, NOW)] == reference(db)
    assert [r.id for r, _c in inbox_service.inbox_view(db, NOW, state="overdue")] == reference(db, state="overdue")


def test_a_chat_that_moves_mid_scroll_is_shown_once(db: Database) -> None:
    """Within one scroll no chat shows twice and no unchanged chat is lost; a chat that moved above the point
    reached shows at its new place when the list is read again (the page reloads on every change)."""
    fill(db, 150)
    pager = InboxPager(db, NOW, None, "all")
    first = [row.id for row, _clock in pager.next(10)]
    shown_waiting = first[0]  # most urgent; answered now, it belongs further down with the answered ones
    inbox_service.mark_answered(db, shown_waiting)
    # the oldest answered phone question, not read yet: a note of the answer moves it to the answered ones' top
    later = next(i for i in reversed(reference(db)) if i not in first and i.endswith(("3", "8")))
    inbox_service.queue_reply(db, later, "Sudah kami telepon.")
    new_id, _change = inbox_service.log_inquiry(db, "phone", "Bu Tini", "Ada gula?", 45)  # a new question
    rest = paged(pager, 10)
    scrolled = first + rest
    assert len(scrolled) == len(set(scrolled))  # never twice (the answered one is not repeated further down)
    moved = {shown_waiting, later, new_id}
    untouched = {r[0] for r in db.query("SELECT id FROM conversations")} - moved
    assert untouched <= set(scrolled)  # every chat that did not change is there, once
    again = paged(InboxPager(db, NOW, None, "all"), 10)
    assert again == reference(db) and moved <= set(again)  # read again: each at its new place


def test_search_is_paged_in_the_same_order(db: Database) -> None:
    fill(db, 200)
    ongkir = {r[0] for r in db.query("SELECT conversation_id FROM messages WHERE text LIKE '%ongkir%'")}
    expected = reference(db, only=ongkir)
    assert len(expected) == 50
    for size in (3, PAGE_ROWS):
        assert paged(InboxPager(db, NOW, search="ongk"), size) == expected  # a prefix, as the person types
    assert InboxPager(db, NOW, search="ongkir").total() == 50
    assert paged(InboxPager(db, NOW, "lazada", "waiting", search="ongkir"), 4) == reference(
        db, "lazada", "waiting", only=ongkir)
    named = {"c0017", *(f"c{n:04d}" for n in range(170, 180))}  # "pembeli 17", "pembeli 170" … "pembeli 179"
    assert paged(InboxPager(db, NOW, search="pembeli 17"), 5) == reference(db, only=named)  # the buyer's name
    assert InboxPager(db, NOW, search='teh" OR *').total() == 0  # operators are inert


def plan_problems(db: Database) -> list[str]:
    """Every statement the list runs, explained: an ordered read that sorts in a temporary tree or scans the whole
    table is a problem (the order must come from an index)."""
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        for channel, state in ((None, "all"), ("lazada", "waiting"), (None, "overdue"), ("manual", "all")):
            pager = InboxPager(db, NOW, channel, state)
            paged(pager, PAGE_ROWS)  # to the end: the answered ones too
            pager.total()
    finally:
        db.conn.set_trace_callback(None)
    problems = []
    fresh = sqlite3.connect(db.scalar("SELECT file FROM pragma_database_list WHERE name = 'main'"))  # no cached plans
    for sql in dict.fromkeys(s for s in statements if "FROM conversations c" in s):
        plan = " | ".join(str(r[3]) for r in fresh.execute("EXPLAIN QUERY PLAN " + sql))
        if "TEMP B-TREE" in plan or re.search(r"SCAN c(?! USING)", plan) or "conversations_inbox" not in plan:
            problems.append(f"{plan}  <=  {sql.strip()[:160]}")
    fresh.close()
    return problems


def test_the_list_reads_its_order_from_the_indexes(db: Database) -> None:
    fill(db, 300)
    assert plan_problems(db) == []
    with db.write():
        db.execute("DROP INDEX conversations_inbox_waiting")
        db.execute("DROP INDEX conversations_inbox_answered")
    assert any("TEMP B-TREE" in p for p in plan_problems(db))  # the check sees a missing index


# -- the page -------------------------------------------------------------------------------------------------------
@pytest.fixture
def ctx(qtbot: QtBot, data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


def test_the_page_reads_more_as_the_list_is_scrolled(qtbot: QtBot, ctx: AppContext) -> None:
    fill(ctx.db, 130)
    page = InboxPage(ctx)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    page.on_shown()
    page.state.setCurrentIndex(page.state.findData("all"))
    assert page.model.rowCount() == PAGE_ROWS and page.model.canFetchMore()
    assert page.count_label.text() == "130 percakapan"  # the count of the whole list, not of the rows read
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2 * PAGE_ROWS)
    wanted = reference(ctx.db)
    assert [r.id for r, _c in page.model.entries] == wanted[:2 * PAGE_ROWS]
    assert page.open_conversation(wanted[-1])  # a chat far down: read up to it and selected
    assert page.model.rowCount() == 130 and not page.model.canFetchMore()
    page.reload()  # a refresh keeps the rows read and the chat open
    assert page.model.rowCount() == 130 and page.selected() is not None
    assert page.selected()[0].id == wanted[-1]  # type: ignore[index]
    page.state.setCurrentIndex(page.state.findData("waiting"))  # another filter starts from its first page
    assert page.model.rowCount() == PAGE_ROWS


def test_every_rule_keeps_the_order_the_list_relies_on() -> None:
    """A later question is never due earlier, nor due before it was asked: for every registered channel's rule and
    the shop target, over a week in steps that cross every shop-time cut-off."""
    from companion.domain.deadlines import MANUAL_RULE, clock_for
    from companion.services.reply_rules import reply_rules

    rules = {**reply_rules(), "manual": MANUAL_RULE}
    assert {"shopee", "tiktok", "lazada", "manual"} <= set(rules)
    for name, rule in rules.items():
        for zone in ("WIB", "WITA", "WIT"):
            for holiday in (False, True):
                before = None
                for step in range(7 * 24 * 12):
                    since = NOW + timedelta(minutes=5 * step, seconds=step % 7)
                    due = clock_for(rule, since, zone, 45, holiday).deadline
                    assert due is None or due >= since, name
                    if due is not None and before is not None:
                        assert due >= before, (name, zone, since)
                    before = due if due is not None else before


def test_a_search_keeps_paging_when_a_found_chat_is_answered(db: Database) -> None:
    fill(db, 600)  # 150 chats mention "ongkir", all waiting; 30 of them Shopee's
    ongkir = {r[0] for r in db.query("SELECT conversation_id FROM messages WHERE text LIKE '%ongkir%'")}
    pager = InboxPager(db, NOW, search="ongkir")
    first = [row.id for row, _clock in pager.next(2)]
    shopee = [i for i in reference(db, state="waiting", only=ongkir) if i.endswith(("0", "5"))]
    inbox_service.mark_answered(db, shopee[-1])  # found while waiting, answered before its page is read
    rest = paged(pager, 2)
    scrolled = first + rest
    assert shopee[-1] not in scrolled and len(scrolled) == len(set(scrolled)) == 149
