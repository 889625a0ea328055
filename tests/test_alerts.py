"""Alerts offscreen: the notification layer gets the right words for a new question and a near deadline, once
each; the tray tooltip counts who waits and who is overdue; answered buyers drop out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from companion import i18n
from companion.domain.clock import now_utc
from companion.gui.alerts import InboxAlerts, Notifier, WaitingCounts, app_icon, tooltip_text
from companion.gui.context import AppContext
from companion.services.inbox import log_inquiry, mark_answered
from companion.store.database import Database


@pytest.fixture
def ctx(data_dir: Path, db: Database) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


@pytest.fixture
def alerts(ctx: AppContext, qtbot: QtBot) -> Iterator[tuple[InboxAlerts, list[tuple[str, str]]]]:
    watcher = InboxAlerts(ctx, tray=False)
    seen: list[tuple[str, str]] = []
    watcher.notifier.notified.connect(lambda title, text: seen.append((title, text)))
    yield watcher, seen
    watcher.close()


def _ask(ctx: AppContext, name: str, text: str, minutes: int = 120) -> str:
    conv, change = log_inquiry(ctx.db, "whatsapp", name, text, minutes)
    ctx.announce(change)
    return conv


def test_new_question_reaches_the_notification_layer_once(ctx: AppContext, alerts: tuple[InboxAlerts, list]) -> None:
    watcher, seen = alerts
    assert watcher.counts == WaitingCounts(0, 0)
    assert watcher.tooltip() == "Seller Companion: tidak ada pembeli yang menunggu"
    _ask(ctx, "Bu Rina", "Kak, gula aren masih ada?")
    assert seen == [("Pertanyaan baru dari Bu Rina", "Kak, gula aren masih ada?")]
    assert watcher.counts == WaitingCounts(1, 0)
    assert watcher.tooltip() == "Seller Companion: 1 pembeli menunggu jawaban"
    watcher.refresh()  # the minute timer and later changes do not repeat it
    ctx.announce(log_inquiry(ctx.db, "phone", "Pak Joko", "Kopi 500 g ready?", 120)[1])
    watcher.refresh()
    assert [title for title, _text in seen] == ["Pertanyaan baru dari Bu Rina", "Pertanyaan baru dari Pak Joko"]
    assert watcher.counts == WaitingCounts(2, 0)


def test_near_deadline_once_then_overdue_in_the_tooltip(ctx: AppContext, alerts: tuple[InboxAlerts, list]) -> None:
    watcher, seen = alerts
    _ask(ctx, "Bu Rina", "Bisa kirim hari ini?", minutes=120)
    seen.clear()
    soon = now_utc() + timedelta(minutes=70)  # 50 minutes left of 120
    watcher.refresh(soon)
    assert seen == [("Segera balas", "Bu Rina sudah lama menunggu: balas dalam satu jam ini agar nilai chat toko tetap"
                                      " baik.")]
    watcher.refresh(soon + timedelta(minutes=10))
    watcher.refresh(soon + timedelta(minutes=20))
    assert len(seen) == 1  # no duplicate while the same question waits
    late = now_utc() + timedelta(minutes=150)
    watcher.refresh(late)
    assert watcher.counts == WaitingCounts(1, 1)
    assert watcher.tooltip() == "Seller Companion: 1 pembeli menunggu, 1 sudah lewat batas waktu"
    assert len(seen) == 1  # overdue is counted, not announced again


def test_english_words(ctx: AppContext, alerts: tuple[InboxAlerts, list]) -> None:
    watcher, seen = alerts
    i18n.set_language("en")
    _ask(ctx, "Rina", "Still in stock?", minutes=30)  # new, and already within the hour of its target
    assert seen == [("New question from Rina", "Still in stock?"),
                    ("Answer soon", "Rina has waited a long time: answer within the hour so the shop's chat score"
                                    " stays good.")]
    assert watcher.tooltip() == "Seller Companion: 1 waiting for an answer"


def test_answered_buyers_leave_the_count(ctx: AppContext, alerts: tuple[InboxAlerts, list]) -> None:
    watcher, seen = alerts
    conv = _ask(ctx, "Bu Rina", "Ready?")
    ctx.announce(mark_answered(ctx.db, conv))
    assert watcher.counts == WaitingCounts(0, 0)
    assert len(seen) == 1


def test_waiting_before_start_is_counted_not_announced(ctx: AppContext, qtbot: QtBot) -> None:
    log_inquiry(ctx.db, "phone", "Bu Rina", "Ready?", 120)
    watcher = InboxAlerts(ctx, tray=False)
    seen: list[tuple[str, str]] = []
    watcher.notifier.notified.connect(lambda title, text: seen.append((title, text)))
    watcher.refresh()
    assert watcher.counts == WaitingCounts(1, 0) and seen == []
    watcher.close()


def test_many_at_once_become_one_summary(ctx: AppContext, alerts: tuple[InboxAlerts, list]) -> None:
    watcher, seen = alerts
    for n in range(5):
        log_inquiry(ctx.db, "phone", f"Pembeli {n}", "Ready?", 120)
    watcher.refresh()
    assert seen == [("Pertanyaan baru dari pembeli", "5 pembeli menunggu jawaban.")]


def test_notifier_without_tray_still_tells(qtbot: QtBot) -> None:
    notifier = Notifier(tray=None, sound=False)
    with qtbot.waitSignal(notifier.notified) as blocker:
        notifier.notify("Judul", "Isi")
    assert blocker.args == ["Judul", "Isi"]
    assert not app_icon().isNull() and not app_icon(overdue=2).isNull()
    assert tooltip_text(WaitingCounts(3, 2)) == "Seller Companion: 3 pembeli menunggu, 2 sudah lewat batas waktu"


def test_start_up_wiring_brings_the_window_forward(ctx: AppContext, qtbot: QtBot) -> None:
    from companion.gui.app import start_alerts
    from companion.gui.main_window import PAGES, MainWindow

    window = MainWindow(ctx, "home")
    qtbot.addWidget(window)
    start_alerts(ctx, window)
    [watcher] = window.findChildren(InboxAlerts)
    seen: list[tuple[str, str]] = []
    watcher.notifier.notified.connect(lambda title, text: seen.append((title, text)))
    _ask(ctx, "Bu Rina", "Ready?")
    assert seen == [("Pertanyaan baru dari Bu Rina", "Ready?")]
    watcher.open_inbox.emit()
    assert window.isVisible()
    if any(key == "inbox" for key, *_rest in PAGES):
        assert window.current_key() == "inbox"
