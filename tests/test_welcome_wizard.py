"""The first-run welcome: shown to a new shop only, saved in one go, and each start choice leads to its action."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from companion import i18n
from companion.domain import settings_keys
from companion.domain.errors import UserError
from companion.domain.product import ProductInput
from companion.gui.context import AppContext
from companion.gui.import_dialog import ImportDialog
from companion.gui.link_shop_dialog import LinkShopDialog
from companion.gui.welcome_wizard import WelcomeWizard, greet_new_shop, open_first_task
from companion.services.first_use import Start, finish_welcome
from companion.services.products import add_product
from companion.services.settings import save_settings
from companion.store import settings as settings_store
from companion.store.database import Database

BLANK_NAME_EN = "Type the shop's name first: it shows at the top of the app and on the daily recap."


@pytest.fixture
def ctx(qtbot: QtBot, data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


class WhenModal:
    """Calls `act` once for each modal window that opens (a dialog's own exec() loop keeps running timers)."""

    def __init__(self, act: Callable[[QWidget], None]) -> None:
        self.act = act
        self.seen: list[QWidget] = []
        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)
        self.timer.start(20)

    def _tick(self) -> None:
        widget = QApplication.activeModalWidget()
        if widget is None or any(widget is w for w in self.seen):
            return
        self.seen.append(widget)
        self.act(widget)

    def stop(self) -> None:
        self.timer.stop()


def finish_with(start: Start, name: str = "Toko Maju") -> Callable[[QWidget], None]:
    """Drives the wizard's real buttons: Indonesian kept, the name typed, `start` chosen, Start pressed."""
    def act(widget: QWidget) -> None:
        assert isinstance(widget, WelcomeWizard)
        widget.next_button.click()
        widget.name_step.name.setText(name)
        widget.next_button.click()
        widget.start_step.choices[start].click()
        widget.next_button.click()
    return act


def settings(db: Database, *keys: str) -> dict[str, object]:
    return {key: settings_store.get(db, settings_keys.find(key)) for key in keys}


def test_a_new_shop_gets_the_wizard_and_finishing_saves_name_language_and_choice(ctx: AppContext) -> None:
    seen: dict[str, str] = {}

    def act(widget: QWidget) -> None:
        assert isinstance(widget, WelcomeWizard)
        seen["counter"] = widget.counter.text()
        widget.language_step.buttons["en"].click()  # re-labels the wizard at once
        seen["title"] = widget.language_step.title.text()
        seen["next"] = widget.next_button.text()
        widget.next_button.click()
        widget.name_step.name.setText("   ")
        widget.next_button.click()  # refused: still on the name step
        seen["error"] = widget.error.text()
        seen["still"] = str(widget.steps.currentWidget() is widget.name_step)
        widget.name_step.name.setText("  Toko   Maju  ")
        widget.next_button.click()
        seen["last"] = widget.next_button.text()
        widget.start_step.choices[Start.IMPORT].click()
        widget.next_button.click()

    watcher = WhenModal(act)
    try:
        start = greet_new_shop(ctx)
    finally:
        watcher.stop()
    assert len(watcher.seen) == 1
    assert seen == {"counter": "Langkah 1 dari 3", "title": "Welcome to Seller Companion", "next": "Next",
                    "error": BLANK_NAME_EN, "still": "True", "last": "Start"}
    assert start is Start.IMPORT
    assert settings(ctx.db, "shop_name", "language", "welcome_start", "welcome_done", "practice_declined") == {
        "shop_name": "Toko Maju", "language": "en", "welcome_start": "import", "welcome_done": True,
        "practice_declined": True}
    assert i18n.language() == "en"


@pytest.mark.parametrize("in_use", ["product", "shop_name"])
def test_a_shop_already_in_use_is_marked_done_without_the_wizard(ctx: AppContext, in_use: str) -> None:
    if in_use == "product":
        add_product(ctx.db, ProductInput(sku="A-1", name="Sabun", sell_price=3_000), 10)
    else:
        save_settings(ctx.db, {"shop_name": "Warung Lama"})
    watcher = WhenModal(lambda w: w.close())  # a wizard would be seen (and closed) here
    try:
        assert greet_new_shop(ctx) is None
    finally:
        watcher.stop()
    assert watcher.seen == []
    assert settings_store.get(ctx.db, settings_keys.WELCOME_DONE) is True


def test_welcome_done_means_no_wizard_even_for_an_empty_shop(ctx: AppContext) -> None:
    finish_welcome(ctx.db, "Toko Maju", "id", Start.PRACTICE)
    watcher = WhenModal(lambda w: w.close())
    try:
        assert greet_new_shop(ctx) is None
    finally:
        watcher.stop()
    assert watcher.seen == []


@pytest.mark.parametrize("how", ["later", "escape", "close"])
def test_closing_the_wizard_saves_nothing_restores_the_language_and_it_comes_back(ctx: AppContext, qtbot: QtBot,
                                                                                   how: str) -> None:
    def later(widget: QWidget) -> None:
        assert isinstance(widget, WelcomeWizard)
        widget.language_step.buttons["en"].click()
        widget.next_button.click()
        widget.name_step.name.setText("Toko Setengah")
        if how == "later":
            widget.later_button.click()
        elif how == "escape":
            qtbot.keyClick(widget.name_step.name, Qt.Key.Key_Escape)
        else:
            widget.close()  # the window's X

    watcher = WhenModal(later)
    try:
        assert greet_new_shop(ctx) is None
    finally:
        watcher.stop()
    assert len(watcher.seen) == 1
    assert i18n.language() == "id"
    assert settings(ctx.db, "shop_name", "welcome_done", "language") == {"shop_name": "", "welcome_done": False,
                                                                         "language": "id"}
    again = WhenModal(finish_with(Start.PRACTICE))
    try:
        assert greet_new_shop(ctx) is Start.PRACTICE  # the next start asks again
    finally:
        again.stop()
    assert len(again.seen) == 1


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_a_blank_shop_name_is_refused_and_nothing_is_saved(db: Database, name: str) -> None:
    with pytest.raises(UserError, match="nama toko"):
        finish_welcome(db, name, "id", Start.PRACTICE)
    assert settings(db, "welcome_done", "shop_name") == {"welcome_done": False, "shop_name": ""}


def test_a_too_long_name_or_an_unknown_language_is_refused(db: Database) -> None:
    with pytest.raises(UserError, match="80"):
        finish_welcome(db, "x" * 81, "id", Start.LINK)
    with pytest.raises(UserError):
        finish_welcome(db, "Toko Maju", "fr", Start.LINK)
    assert settings_store.get(db, settings_keys.WELCOME_DONE) is False


def test_the_practice_choice_starts_practice_mode(ctx: AppContext, qtbot: QtBot) -> None:
    from companion.gui.app import start_online, stop_online
    from companion.gui.main_window import MainWindow

    watcher = WhenModal(finish_with(Start.PRACTICE))
    try:
        start = greet_new_shop(ctx)
    finally:
        watcher.stop()
    assert start is Start.PRACTICE and settings_store.get(ctx.db, settings_keys.PRACTICE_DECLINED) is False
    window = MainWindow(ctx, "home")
    qtbot.addWidget(window)
    practice = start_online(ctx, window)
    try:
        open_first_task(window, start)  # nothing to open: practice mode is the start
        qtbot.waitUntil(lambda: practice.running and not practice.busy, timeout=20_000)
        assert window.current_key() == "home"
    finally:
        stop_online(ctx, practice)


@pytest.mark.parametrize(("start", "dialog", "page"), [(Start.IMPORT, ImportDialog, "products"),
                                                       (Start.LINK, LinkShopDialog, "settings")])
def test_import_and_link_open_their_dialog_without_practice_mode(ctx: AppContext, qtbot: QtBot, start: Start,
                                                                 dialog: type, page: str) -> None:
    from companion.gui.app import start_online, stop_online
    from companion.gui.main_window import MainWindow

    watcher = WhenModal(finish_with(start))
    try:
        assert greet_new_shop(ctx) is start
    finally:
        watcher.stop()
    window = MainWindow(ctx, "counter")
    qtbot.addWidget(window)
    window.show()
    practice = start_online(ctx, window)
    opened = WhenModal(lambda w: w.close())
    try:
        open_first_task(window, start)  # returns when the dialog was closed
        assert [type(w) for w in opened.seen] == [dialog]
        assert window.current_key() == page
        assert not practice.running and not practice.busy
    finally:
        opened.stop()
        stop_online(ctx, practice)
