"""Messages the platform blocked or hid, over the practice marketplace (Warungku with rules, tests/notice_channel):
a blocked message keeps its text and shows the platform's words under it; a hidden one is not stored at all; a
reply of ours that comes back blocked says so and does not count as an answer; schema v8 holds the notice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from fourth_channel.connector import NAME
from notice_channel import RULES, spec
from pytestqt.qtbot import QtBot

from companion import i18n
from companion.connectors import registry
from companion.domain.product import ProductInput
from companion.gui.context import AppContext
from companion.gui.conversation_view import ConversationView, status_text
from companion.services.inbox import queue_reply
from companion.services.products import add_product
from companion.store import inbox as inbox_store
from companion.store.database import Database
from companion.sync.composition import sync_engine
from companion.sync.engine import SyncEngine
from companion.sync.practice_session import PracticeSession

BLOCKED_WORDS = "Pesan berisi nomor telepon, melanggar kebijakan platform"


@pytest.fixture
def session(data_dir: Path, db: Database) -> Iterator[PracticeSession]:
    registry.register(spec())
    RULES.clear()
    add_product(db, ProductInput(sku="TEH-MLT-25", name="Teh Celup Melati", sell_price=8_000), 30)
    practice = PracticeSession(data_dir, pace_seconds=0)
    practice.open(db)
    yield practice
    practice.close()
    RULES.clear()
    registry.unregister(NAME)


def _engine(data_dir: Path, session: PracticeSession) -> SyncEngine:
    return sync_engine(data_dir / "companion.sqlite3", session)


def _buyer_says(session: PracticeSession, text: str, buyer: int = 1) -> tuple[str, str]:
    """(conversation ref, message ref) of a new buyer message in Warungku's practice shop."""
    assert session.market is not None
    state = session.market.state
    reply = requests.post(session.market.base_urls["admin"] + "/messages",
                          json={"platform": NAME, "text": text, "buyer": buyer}, timeout=10)
    assert reply.status_code == 200, reply.text
    [conv] = [c for c in state.conversations(NAME) if any(m["text"] == text for m in state.messages(NAME, c["ref"]))]
    [msg] = [m for m in state.messages(NAME, conv["ref"]) if m["text"] == text]
    return str(conv["ref"]), str(msg["ref"])


def test_a_blocked_buyer_message_keeps_its_text_and_the_platforms_words(session: PracticeSession, db: Database,
                                                                       data_dir: Path, qtbot: QtBot) -> None:
    _conv_ref, ref = _buyer_says(session, "Hubungi saya di 0812-3456-7890 ya kak")
    RULES["blocked"] = {ref: BLOCKED_WORDS}
    _engine(data_dir, session).sync_once()
    [conv] = inbox_store.conversations(db, NAME)
    [msg] = inbox_store.thread(db, conv.id)
    assert msg.text == "Hubungi saya di 0812-3456-7890 ya kak" and msg.platform_notice == BLOCKED_WORDS
    assert msg.status == "received" and not msg.blocked   # a buyer's message: still a question waiting
    assert conv.waiting_since is not None
    ctx = AppContext(data_dir)
    try:
        view = ConversationView(ctx)
        qtbot.addWidget(view)
        view.show_conversation(conv, None)
        [shown] = view.thread_texts()
        assert f"Marketplace memblokir pesan ini: {BLOCKED_WORDS}" in shown
    finally:
        ctx.close()


def test_a_hidden_message_is_not_stored(session: PracticeSession, db: Database, data_dir: Path) -> None:
    _buyer_says(session, "Kak, teh melatinya ada?")
    _c, hidden = _buyer_says(session, "pesan yang ditarik pembeli")
    RULES["hidden"] = {hidden}
    _engine(data_dir, session).sync_once()
    [conv] = inbox_store.conversations(db, NAME)
    assert [m.text for m in inbox_store.thread(db, conv.id)] == ["Kak, teh melatinya ada?"]


def test_a_reply_that_comes_back_blocked_is_not_shown_as_delivered(session: PracticeSession, db: Database,
                                                                  data_dir: Path) -> None:
    engine = _engine(data_dir, session)
    conv_ref, _ = _buyer_says(session, "Kak, bisa transfer langsung?")
    engine.sync_once()
    [conv] = inbox_store.conversations(db, NAME)
    message_id, _ = queue_reply(db, conv.id, "Boleh, WA saya 0812-3456-7890")
    engine.sync_once()
    sent = inbox_store.message(db, message_id)
    assert sent is not None and sent.status == "sent" and sent.platform_message_id and not sent.blocked
    assert inbox_store.conversation(db, conv.id).waiting_since is None  # type: ignore[union-attr]
    RULES["blocked"] = {sent.platform_message_id: BLOCKED_WORDS}
    _buyer_says(session, "Halo kak?")   # the conversation moves on: the next pull reads it again
    engine.sync_once()
    again = inbox_store.message(db, message_id)
    assert again is not None and again.blocked and again.platform_notice == BLOCKED_WORDS
    assert status_text(again) == "diblokir marketplace"
    i18n.set_language("en")
    assert status_text(again) == "blocked by the marketplace"
    after = inbox_store.conversation(db, conv.id)
    assert after is not None and after.waiting_since is not None   # a blocked answer did not answer the buyer
    assert conv_ref == after.platform_conversation_id


def test_schema_v8_holds_the_notice(db: Database) -> None:
    columns = {r["name"]: r for r in db.query("PRAGMA table_info(messages)")}
    assert columns["platform_notice"]["dflt_value"] == "''" and columns["platform_notice"]["notnull"] == 1
