"""A channel whose chat must not be polled (`chat_pull="on_demand"`): rounds and the between-round chat pull never
list its conversations; the person asking does (opening its filter in Kotak Masuk, or its "Periksa chat" button),
once per asking; replies still go out every round. Over the practice marketplace, counting the wire."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from fourth_channel.connector import NAME
from fourth_channel.spec import SPEC
from notice_channel import RULES, spec
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from companion import i18n
from companion.connectors import registry
from companion.gui.context import AppContext
from companion.gui.pages.inbox import InboxPage
from companion.gui.sync_bridge import SyncBridge
from companion.i18n import N_
from companion.practice.exchange import Reply, Request
from companion.services.inbox import queue_reply
from companion.store import inbox as inbox_store
from companion.store import outbox
from companion.store.database import Database
from companion.sync.composition import sync_engine
from companion.sync.practice_session import PracticeSession

NOTE = N_("Warungku counts every chat-list call against the shop: chats are read when you ask.")
WAIT_MS = 30_000  # generous: a check against the local server takes milliseconds


@pytest.fixture
def session(data_dir: Path, db: Database) -> Iterator[PracticeSession]:
    registry.register(spec(chat_pull="on_demand", chat_pull_note=NOTE))
    RULES.clear()
    practice = PracticeSession(data_dir, pace_seconds=0)
    practice.open(db)
    yield practice
    practice.close()
    registry.unregister(NAME)


@pytest.fixture
def listed(session: PracticeSession) -> list[str]:
    """Every conversation-list call Warungku's practice shop answered."""
    calls: list[str] = []

    def record(channel: str, request: Request, reply: Reply) -> None:
        if channel == NAME and request.method == "GET" and request.path.rstrip("/").endswith("/conversations"):
            calls.append(request.path)

    assert session.market is not None
    session.market.recorders.append(record)
    return calls


def _buyer_says(session: PracticeSession, text: str, buyer: int = 1) -> None:
    assert session.market is not None
    reply = requests.post(session.market.base_urls["admin"] + "/messages",
                          json={"platform": NAME, "text": text, "buyer": buyer}, timeout=10)
    assert reply.status_code == 200, reply.text


def test_rounds_never_list_an_on_demand_channels_chats(session: PracticeSession, listed: list[str], db: Database,
                                                       data_dir: Path) -> None:
    _buyer_says(session, "Kak, teh melatinya ada?")
    engine = sync_engine(data_dir / "companion.sqlite3", session)
    engine.sync_once()
    engine.sync_chats()
    engine.sync_once()
    assert listed == [] and inbox_store.conversations(db, NAME) == []

    change = engine.check_chats(NAME)   # the person asked
    assert len(listed) == 1
    [conv] = inbox_store.conversations(db, NAME)
    assert conv.id in change.conversations
    assert [m.text for m in inbox_store.thread(db, conv.id)] == ["Kak, teh melatinya ada?"]

    # replies still go out with the rounds, and the rounds still do not list chats
    message_id, _ = queue_reply(db, conv.id, "Ada, Kak.")
    engine.sync_once()
    assert outbox.by_key(db, f"reply:{message_id}").state == "sent"  # type: ignore[union-attr]
    assert session.market is not None
    assert [m["text"] for m in session.market.state.messages(NAME, conv.platform_conversation_id)
            if m["sender"] == "seller"] == ["Ada, Kak."]
    engine.sync_chats()
    assert len(listed) == 1


def test_a_polled_channel_is_listed_every_round(data_dir: Path, db: Database) -> None:
    """The same channel as it ships (chat_pull="poll"): a round lists its conversations (the contrast)."""
    registry.register(spec())
    practice = PracticeSession(data_dir, pace_seconds=0)
    try:
        practice.open(db)
        calls: list[str] = []
        assert practice.market is not None
        practice.market.recorders.append(
            lambda channel, request, reply: calls.append(request.path)
            if channel == NAME and request.path.rstrip("/").endswith("/conversations") else None)
        sync_engine(data_dir / "companion.sqlite3", practice).sync_once()
        assert len(calls) == 1
    finally:
        practice.close()
        registry.unregister(NAME)
    assert SPEC.chat_pull == "poll"


def _page(ctx: AppContext, qtbot: QtBot) -> InboxPage:
    page = InboxPage(ctx)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    page.on_shown()
    return page


def test_opening_its_filter_checks_its_chats_once(session: PracticeSession, listed: list[str], db: Database,
                                                 data_dir: Path, qtbot: QtBot) -> None:
    _buyer_says(session, "Kak, kopi ready?")
    ctx = AppContext(data_dir)
    ctx.sync = SyncBridge(ctx, session, poll_seconds=3600)
    rounds: list[object] = []
    ctx.sync.event.connect(lambda e: rounds.append(e) if e.kind == "round_finished" else None)
    try:
        ctx.sync.start()
        qtbot.waitUntil(lambda: bool(rounds), timeout=WAIT_MS)   # the round at start: it lists nothing
        page = _page(ctx, qtbot)
        assert listed == [] and page.model.entries == []
        button = page.check_buttons[NAME]
        assert button.isVisible() and button.text() == "Periksa chat Warungku"

        page.channel.setCurrentIndex(page.channel.findData(NAME))   # opening the channel's filter asks once
        qtbot.waitUntil(lambda: len(page.model.entries) == 1, timeout=WAIT_MS)
        assert len(listed) == 1
        [(row, _clock)] = page.model.entries
        assert row.channel == NAME and row.last_text == "Kak, kopi ready?"

        _buyer_says(session, "Halo?")
        button.click()   # "Periksa chat Warungku"
        qtbot.waitUntil(lambda: "Halo?" in page.model.entries[0][0].last_text, timeout=WAIT_MS)
        assert len(listed) == 2
    finally:
        ctx.sync.stop()
        ctx.close()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_render_the_inbox_with_a_blocked_message_and_the_check_button(session: PracticeSession, db: Database,
                                                                       data_dir: Path, qtbot: QtBot,
                                                                       lang: str) -> None:
    """For looking at: /tmp/inbox_platform_rules_<lang>.png at 1366×768."""
    i18n.set_language(lang)
    _buyer_says(session, "Hubungi saya di 0812-3456-7890 ya kak")
    assert session.market is not None
    [conv] = session.market.state.conversations(NAME)
    [msg] = session.market.state.messages(NAME, conv["ref"])
    ours = session.market.state.add_message(NAME, conv["ref"], "seller", "Boleh, WA saya 0813-1111-2222")
    RULES["blocked"] = {msg["ref"]: "Pesan berisi nomor telepon, melanggar kebijakan platform",
                        ours["ref"]: "Dilarang membagikan kontak di luar platform"}
    sync_engine(data_dir / "companion.sqlite3", session).check_chats(NAME)
    ctx = AppContext(data_dir)
    try:
        page = _page(ctx, qtbot)
        page.table.selectRow(0)
        page.state.setCurrentIndex(page.state.findData("all"))   # our blocked answer did not answer: still waiting
        page.table.selectRow(0)
        qtbot.waitUntil(lambda: page.view.row is not None and page.model.entries[0][0].unread == 0,
                        timeout=WAIT_MS)   # opened and marked read (the page does that right after)
        assert page.checks.isVisible()
        words = "Marketplace memblokir pesan ini" if lang == "id" else "The marketplace blocked this message"
        assert any(words in t for t in page.view.thread_texts())
        status = "diblokir marketplace" if lang == "id" else "blocked by the marketplace"
        assert status in page.view.thread_texts()[-1]
        for _ in range(3):   # let the thread lay its bubbles out before the picture
            QApplication.processEvents()
        page.grab().save(f"/tmp/inbox_platform_rules_{lang}.png")
    finally:
        ctx.close()
