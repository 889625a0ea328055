"""A first run without API keys: the wizard offers the seller centres' order files, a picture-led guide per channel
ends in the order-file import, and Beranda reminds a shop without linked shops to import today's file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from layout_check import check_layout
from order_files import shopee_file, shopee_line
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from companion import i18n
from companion.connectors import registry
from companion.domain.settings_keys import PRACTICE_DECLINED, WELCOME_START
from companion.gui.context import AppContext
from companion.gui.export_guide import ExportGuideDialog, guided_channels
from companion.gui.export_pictures import SIZE, draw_step
from companion.gui.main_window import MainWindow
from companion.gui.order_import_dialog import OrderImportDialog
from companion.gui.pages.home import HomePage
from companion.gui.welcome_wizard import WelcomeWizard, greet_new_shop, open_first_task
from companion.i18n import catalog
from companion.services.first_use import Start, finish_welcome
from companion.services.order_import import import_file
from companion.store import settings as settings_store


@pytest.fixture
def ctx(qtbot: QtBot, data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


class WhenModal:
    """Calls `act` once for each modal window that opens (inside its own exec() loop)."""

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


def close(widget: QWidget) -> None:
    widget.close()


def test_every_channel_with_an_export_explains_how_to_download_it() -> None:
    exporters = [spec for spec in registry.channels() if spec.export_layouts]
    assert exporters and [s.name for s in guided_channels()] == [s.name for s in exporters]
    for spec in exporters:
        guide = spec.export_guide
        assert guide is not None and guide.address and guide.menu and len(guide.steps) >= 3
        for step in guide.steps:
            assert step.text in catalog("id") and step.text in catalog("en"), step.text
            assert step.place in ("address", "menu", "button", "download")
            if step.place == "menu":
                assert step.point_at in guide.menu  # the picture shades the word the sentence names
            if step.place == "button":
                assert step.point_at in guide.buttons
            assert f'"{step.point_at}"' in step.text or step.point_at in step.text


def test_each_step_is_a_drawn_picture_with_its_word_circled(qtbot: QtBot) -> None:
    spec = guided_channels()[0]
    assert spec.export_guide is not None
    plain = draw_step(spec.export_guide, spec.export_guide.steps[0], spec.color, "x").toImage()
    for step in spec.export_guide.steps[1:]:
        image: QImage = draw_step(spec.export_guide, step, spec.color, "x").toImage()
        assert (image.width(), image.height()) == SIZE
        assert image != plain  # the circle moves to the step's own word


def test_the_guide_walks_each_channel_and_ends_in_choosing_the_file(qtbot: QtBot) -> None:
    guide = ExportGuideDialog()
    qtbot.addWidget(guide)
    for spec in guided_channels():
        assert spec.export_guide is not None
        guide.channel_buttons[spec.name].click()
        assert guide.counter.text() == f"Langkah 1 dari {len(spec.export_guide.steps)}"
        seen = [guide.sentence.text()]
        while guide.next_button.isEnabled():
            guide.next_button.click()
            seen.append(guide.sentence.text())
        assert len(seen) == len(spec.export_guide.steps) and all(seen)
        assert guide.import_button.isDefault()  # on the last step Enter chooses the file
        assert "kunci" not in " ".join(seen)  # the steps are about clicking, never about keys
    guide.import_button.click()
    assert guide.result() == ExportGuideDialog.DialogCode.Accepted


def test_the_wizard_offers_the_order_files_and_they_lead_to_the_import(ctx: AppContext, qtbot: QtBot) -> None:
    def finish(widget: QWidget) -> None:
        assert isinstance(widget, WelcomeWizard)
        widget.next_button.click()
        widget.name_step.name.setText("Toko Maju")
        widget.next_button.click()
        choice = widget.start_step.choices[Start.EXPORT]
        assert "Tanpa kunci aplikasi" in choice.sentence.text()
        assert "jarang toko" in widget.start_step.choices[Start.LINK].sentence.text()
        choice.click()
        widget.next_button.click()

    watcher = WhenModal(finish)
    try:
        assert greet_new_shop(ctx) is Start.EXPORT
    finally:
        watcher.stop()
    assert settings_store.get(ctx.db, WELCOME_START) == "export"
    assert settings_store.get(ctx.db, PRACTICE_DECLINED) is True  # pretend orders would mix with the real ones
    window = MainWindow(ctx, "counter")
    qtbot.addWidget(window)
    window.show()

    def through(widget: QWidget) -> None:
        if isinstance(widget, ExportGuideDialog):
            widget.import_button.click()
        else:
            widget.close()

    opened = WhenModal(through)
    try:
        open_first_task(window, Start.EXPORT)
    finally:
        opened.stop()
    assert [type(w) for w in opened.seen] == [ExportGuideDialog, OrderImportDialog]
    assert window.current_key() == "orders"


def test_a_shop_on_order_files_is_reminded_until_todays_file_is_in(ctx: AppContext, qtbot: QtBot,
                                                                   tmp_path: Path) -> None:
    page = HomePage(ctx)
    qtbot.addWidget(page)
    assert "order_file" not in page.checks  # a new shop that never chose the files: no reminder
    finish_welcome(ctx.db, "Toko Maju", "id", Start.EXPORT)
    page.reload()
    line = page.checks["order_file"]
    assert line.text().startswith("•") and "Impor file pesanan hari ini" in line.text()
    import_file(ctx.db, shopee_file(tmp_path / "Order.all.xlsx", [shopee_line("2612070001", "KOPI-250", 1, 35000)]))
    page.reload()
    assert page.checks["order_file"].text().startswith("✓")
    assert "beres" in page.checks["order_file"].text()


def test_the_reminder_opens_the_order_file_import(ctx: AppContext, qtbot: QtBot) -> None:
    finish_welcome(ctx.db, "Toko Maju", "id", Start.EXPORT)
    window = MainWindow(ctx, "home")
    qtbot.addWidget(window)
    window.show()
    home = window.open_page("home")
    assert isinstance(home, HomePage)
    opened = WhenModal(close)
    try:
        home.checks["order_file"].click()
    finally:
        opened.stop()
    assert [type(w) for w in opened.seen] == [OrderImportDialog]
    assert window.current_key() == "orders"


def test_the_order_file_import_shows_the_guide_on_asking(ctx: AppContext, qtbot: QtBot) -> None:
    dialog = OrderImportDialog(ctx)
    qtbot.addWidget(dialog)
    opened = WhenModal(close)  # closed: back in the import, no file dialog
    try:
        dialog.guide_button.click()
    finally:
        opened.stop()
    assert [type(w) for w in opened.seen] == [ExportGuideDialog]
    assert dialog.guide_button.text() == "Cara mengunduh file ini?"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_wizards_third_step_and_every_guide_step_fit_in_both_languages(ctx: AppContext, qtbot: QtBot,
                                                                          lang: str) -> None:
    """Both dialogs open at a size that fits a 1280×720 screen, nothing overlapping or clipped (tests/layout_check)."""
    i18n.set_language(lang)
    wizard = WelcomeWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.show_step(2)
    QApplication.processEvents()
    assert wizard.height() <= 640 and check_layout(wizard) == []
    guide = ExportGuideDialog()
    qtbot.addWidget(guide)
    guide.show()
    assert guide.height() <= 640 and guide.width() <= 1200
    for spec in guided_channels():
        guide.choose(spec.name)
        for n in range(len(spec.export_guide.steps) if spec.export_guide else 0):
            guide.show_step(n)
            QApplication.processEvents()  # laid out as on screen
            assert check_layout(guide) == [], (spec.name, n)


def test_enter_takes_the_wizard_one_step_at_a_time(ctx: AppContext, qtbot: QtBot) -> None:
    """Enter in the shop's name goes to the third step (not through it), and there Enter starts with the choice."""
    seen: list[int] = []

    def act(widget: QWidget) -> None:
        assert isinstance(widget, WelcomeWizard)
        qtbot.keyClick(widget.focusWidget() or widget, Qt.Key.Key_Return)
        seen.append(widget.steps.currentIndex())
        qtbot.keyClicks(widget.name_step.name, "Toko Maju")
        qtbot.keyClick(widget.focusWidget() or widget, Qt.Key.Key_Return)
        seen.append(widget.steps.currentIndex())
        widget.start_step.choices[Start.EXPORT].click()
        qtbot.keyClick(widget.focusWidget() or widget, Qt.Key.Key_Return)

    watcher = WhenModal(act)
    try:
        assert greet_new_shop(ctx) is Start.EXPORT
    finally:
        watcher.stop()
    assert seen == [1, 2]
