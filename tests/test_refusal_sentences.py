"""A refusal the person can act on: the practice marketplace refuses Warungku's calls with each reason code
(tests/notice_channel), the connector sets NotPermitted.reason, and one sentence saying what to ask the platform for
shows in the sync strip (also after a restart, from the stored status), on the shop's row in Pengaturan → Toko
online, and for chat in Kotak Masuk. A channel's own words (its spec) come before the shared ones."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fourth_channel.connector import NAME
from notice_channel import RULES, spec
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from companion.connectors import registry
from companion.connectors.errors import NotPermitted
from companion.gui.context import AppContext
from companion.gui.online_shops_card import OnlineShopsCard
from companion.gui.sync_bridge import SyncBridge
from companion.gui.sync_status import SyncStatusStrip
from companion.i18n import tr
from companion.store import accounts as account_store
from companion.store import inbox as inbox_store
from companion.store import sync_state
from companion.store.database import Database
from companion.sync.composition import sync_engine
from companion.sync.events import (
    CHAT_NOT_APPROVED_SENTENCE,
    IP_NOT_ALLOWED_SENTENCE,
    NOT_ALLOWED,
    NOT_PERMITTED,
    SCOPE_SENTENCE,
)
from companion.sync.practice_session import PracticeSession
from companion.sync.problems import problem_for, refusal_sentence, stored_sentence

OWN_IP_WORDS = "Warungku only answers addresses on the app's list: add this one in Warungku Partner Center."


@pytest.fixture
def market(data_dir: Path, db: Database, request: pytest.FixtureRequest) -> Iterator[PracticeSession]:
    registry.register(spec(**getattr(request, "param", {})))
    RULES.clear()
    practice = PracticeSession(data_dir, pace_seconds=0)
    practice.open(db)
    yield practice
    practice.close()
    RULES.clear()
    registry.unregister(NAME)


def _shop(db: Database) -> str:
    [account] = [a for a in account_store.active(db) if a.channel == NAME]
    return account.id


def _labels(card: OnlineShopsCard, account_id: str) -> str:
    """What the shop's row says under it (the sentence of its refusal)."""
    return "\n".join(label.text() for label in card.findChildren(QLabel) if label.property("refusal") == account_id)


def _strip_text(ctx: AppContext, qtbot: QtBot, session: PracticeSession) -> str:
    """The strip as after a restart: no round result yet, only the stored status."""
    ctx.sync = SyncBridge(ctx, session)
    strip = SyncStatusStrip(ctx)
    qtbot.addWidget(strip)
    strip.refresh()
    return strip.state_label.text()


@pytest.mark.parametrize(("reason", "sentence"), [("ip_not_allowed", IP_NOT_ALLOWED_SENTENCE),
                                                  ("scope_missing", SCOPE_SENTENCE)])
def test_a_refused_shop_says_what_to_ask_for(market: PracticeSession, db: Database, data_dir: Path, qtbot: QtBot,
                                             reason: str, sentence: str) -> None:
    RULES["refuse"] = reason
    summary = sync_engine(data_dir / "companion.sqlite3", market).sync_once()
    shop = _shop(db)
    [mine] = [r for r in summary.accounts if r.account_id == shop]
    assert mine.problem is not None and mine.problem.kind == NOT_PERMITTED
    assert mine.problem.sentence_msgid == sentence
    assert mine.problem.detail == f"{reason}: refused: {reason} [{reason}]"   # the platform's words, for help
    status = sync_state.status(db, shop)
    assert stored_sentence(status.problem_kind or "", status.problem_detail, NAME) == sentence
    ctx = AppContext(data_dir)
    try:
        assert _strip_text(ctx, qtbot, market) == f"Warungku Latihan: {tr(sentence)}"
        assert _labels(_card(ctx, qtbot), shop) == tr(sentence)
    finally:
        ctx.close()


def _card(ctx: AppContext, qtbot: QtBot) -> OnlineShopsCard:
    card = OnlineShopsCard(ctx)
    qtbot.addWidget(card)
    return card


def test_chat_not_approved_is_the_shops_chat_problem(market: PracticeSession, db: Database, data_dir: Path,
                                                     qtbot: QtBot) -> None:
    RULES.update(refuse="chat_not_approved", refuse_paths=("/conversations",))
    summary = sync_engine(data_dir / "companion.sqlite3", market).sync_once()
    shop = _shop(db)
    [mine] = [r for r in summary.accounts if r.account_id == shop]
    assert mine.ok   # orders go on; only chat is refused
    [problem] = [p for p in inbox_store.chat_problems(db) if p.account_id == shop]
    assert problem.kind == NOT_PERMITTED and problem.sentence_msgid == CHAT_NOT_APPROVED_SENTENCE
    ctx = AppContext(data_dir)
    try:
        assert _labels(_card(ctx, qtbot), shop) == tr(CHAT_NOT_APPROVED_SENTENCE)
    finally:
        ctx.close()
    RULES.clear()   # approved: the next round clears it
    sync_engine(data_dir / "companion.sqlite3", market).sync_once()
    assert [p for p in inbox_store.chat_problems(db) if p.account_id == shop] == []


@pytest.mark.parametrize("market", [{"ip_allowlist_sentence": OWN_IP_WORDS}], indirect=True)
def test_a_channel_says_it_in_its_own_words(market: PracticeSession, db: Database, data_dir: Path) -> None:
    RULES["refuse"] = "ip_not_allowed"
    summary = sync_engine(data_dir / "companion.sqlite3", market).sync_once()
    [mine] = [r for r in summary.accounts if r.account_id == _shop(db)]
    assert mine.problem is not None and mine.problem.sentence_msgid == OWN_IP_WORDS


def test_a_refusal_without_a_reason_reads_as_before() -> None:
    plain = NotPermitted("forbidden", "no")
    assert plain.reason == "" and problem_for(plain).sentence_msgid == NOT_ALLOWED
    assert refusal_sentence(plain) == NOT_ALLOWED
    assert stored_sentence(NOT_PERMITTED, "forbidden: no") == NOT_ALLOWED
