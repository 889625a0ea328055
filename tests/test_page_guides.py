"""The first-use guide above each page: shown until "Mengerti", remembered across restarts, back from Settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from companion import i18n
from companion.gui.context import AppContext
from companion.gui.main_window import PAGES, MainWindow
from companion.gui.page_guide import GUIDES, PageGuide
from companion.gui.pages.settings import SettingsPage
from companion.i18n import catalog
from companion.services.first_use import dismiss_guide, guide_done, show_guides_again
from companion.store.database import Database

KEYS = [key for key, *_rest in PAGES]


@pytest.fixture
def ctx(qtbot: QtBot, data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


def open_window(ctx: AppContext, qtbot: QtBot, start: str = "home") -> MainWindow:
    window = MainWindow(ctx, start)
    qtbot.addWidget(window)
    window.resize(1200, 760)
    window.show()
    QApplication.processEvents()
    return window


def guide_of(window: MainWindow, key: str) -> PageGuide:
    page = window.open_page(key)
    QApplication.processEvents()
    assert page.guide is not None, key
    return page.guide


def test_every_page_has_a_short_guide_in_both_languages() -> None:
    assert set(GUIDES) == set(KEYS)
    for msgid in GUIDES.values():
        sentences = [s for s in msgid.replace(";", ".").split(". ") if s.strip()]
        assert 2 <= len(sentences) <= 4 and len(msgid) <= 200, msgid
        assert catalog("id")[msgid] != msgid and catalog("en")[msgid] == msgid


def test_each_page_shows_its_guide_above_its_content(ctx: AppContext, qtbot: QtBot) -> None:
    window = open_window(ctx, qtbot)
    for key in KEYS:
        guide = guide_of(window, key)
        page = window.pages[key]
        assert guide.isVisible(), key
        assert guide.text.text() == catalog("id")[GUIDES[key]]
        assert guide.got_it.text() == "Mengerti" and guide.got_it.height() >= 38
        box = guide.geometry().translated(guide.mapTo(page, guide.rect().topLeft()) - guide.pos())
        under = [w for w in page.findChildren(QWidget) if w.isVisible() and w is not guide
                 and not guide.isAncestorOf(w) and not w.isAncestorOf(guide)]
        assert under, key
        for widget in under:
            place = widget.rect().translated(widget.mapTo(page, widget.rect().topLeft()))
            if place.left() < box.right() and place.right() > box.left():  # in the guide's column
                assert place.top() >= box.bottom(), (key, widget)


def test_the_counter_guide_sits_over_the_cart_and_leaves_the_pay_side_alone(ctx: AppContext, qtbot: QtBot) -> None:
    window = open_window(ctx, qtbot, "counter")
    guide = guide_of(window, "counter")
    page = window.pages["counter"]
    search = page.findChild(QLineEdit)
    assert search is not None
    guide_bottom = guide.mapTo(page, guide.rect().bottomLeft()).y()
    assert search.mapTo(page, search.rect().topLeft()).y() > guide_bottom
    guide_right = guide.mapTo(page, guide.rect().topRight()).x()
    pay = [b for b in page.findChildren(QPushButton) if b.text().startswith("Selesai")]
    assert pay and all(b.mapTo(page, b.rect().topLeft()).x() > guide_right for b in pay)


def test_got_it_hides_the_guide_for_good_across_a_restart(ctx: AppContext, qtbot: QtBot, data_dir: Path) -> None:
    window = open_window(ctx, qtbot, "products")
    guide = guide_of(window, "products")
    qtbot.mouseClick(guide.got_it, Qt.MouseButton.LeftButton)
    assert not guide.isVisible()
    assert guide_done(ctx.db, "products") and not guide_done(ctx.db, "counter")
    window.close()
    ctx.close()
    again = AppContext(data_dir)
    try:
        restarted = open_window(again, qtbot, "products")
        assert not guide_of(restarted, "products").isVisible()
        assert guide_of(restarted, "counter").isVisible()
        restarted.close()
    finally:
        again.close()


def test_show_again_in_settings_brings_every_guide_back_at_once(ctx: AppContext, qtbot: QtBot) -> None:
    window = open_window(ctx, qtbot, "counter")
    for key in ("counter", "settings"):
        guide_of(window, key).got_it.click()
    counter_guide = window.pages["counter"].guide
    assert counter_guide is not None and counter_guide.isHidden()
    settings = window.open_page("settings")
    assert isinstance(settings, SettingsPage)
    settings.guides_button.click()
    assert not counter_guide.isHidden()  # a page already built shows it again without a restart
    assert guide_of(window, "settings").isVisible()
    assert settings.saved_note.text() == "Panduan tampil lagi di setiap halaman."
    assert not any(guide_done(ctx.db, key) for key in KEYS)


def test_guides_follow_a_language_change(ctx: AppContext, qtbot: QtBot) -> None:
    window = open_window(ctx, qtbot, "counter")
    i18n.set_language("en")
    ctx.language_changed.emit("en")  # what Settings does after saving another language: every page is rebuilt
    QApplication.processEvents()
    guide = guide_of(window, "counter")
    assert guide.text.text() == GUIDES["counter"] and guide.got_it.text() == "Got it"


def test_a_dismissed_guide_stays_dismissed_when_the_window_is_rebuilt(ctx: AppContext, qtbot: QtBot) -> None:
    window = open_window(ctx, qtbot, "reports")
    guide_of(window, "reports").got_it.click()
    ctx.language_changed.emit("id")
    QApplication.processEvents()
    assert guide_of(window, "reports").isHidden()


@pytest.mark.parametrize("bad", ["", "../x", "home page", "kasir;DROP", "é"])
def test_a_bad_page_key_is_refused_before_anything_is_written(db: Database, bad: str) -> None:
    with pytest.raises(ValueError):
        dismiss_guide(db, bad)
    with pytest.raises(ValueError):
        show_guides_again(db, ["home", bad])
    assert db.scalar("SELECT COUNT(*) FROM settings WHERE key LIKE 'guide_done_%'") == 0
