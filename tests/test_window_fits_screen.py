"""The main window opens inside the screen: maximised on a 1366×768 laptop (or 1280×720 at 150 %), its preferred size
centred on a large screen, never larger than the screen's free area."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from pytestqt.qtbot import QtBot

from companion.gui import main_window
from companion.gui.context import AppContext
from companion.gui.main_window import MINIMUM_SIZE, PREFERRED_SIZE, MainWindow, fitted_geometry, show_fitted


@pytest.fixture
def ctx(data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


def test_the_minimum_size_fits_the_smallest_laptop_screen() -> None:
    # 1280×720 to Qt at 150 %, less a 40-pixel taskbar and a 30-pixel title bar: the client area 1280×650 that
    # tests/test_layout_fits.py checks every page at
    assert MINIMUM_SIZE[0] <= 1280 and MINIMUM_SIZE[1] <= 720 - 40 - 30


def test_the_window_never_opens_larger_than_the_screen(qtbot: QtBot, ctx: AppContext) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    show_fitted(window)
    screen = window.screen()
    assert screen is not None
    free = screen.availableGeometry()
    if free.width() < main_window.MAXIMISE_BELOW[0] or free.height() < main_window.MAXIMISE_BELOW[1]:
        assert window.isMaximized()
    else:
        assert not window.isMaximized()
        assert window.width() <= free.width() and window.height() <= free.height()
        assert free.contains(window.frameGeometry().topLeft())
    assert window.minimumWidth() <= free.width() and window.minimumHeight() <= free.height()  # a netbook too


@pytest.mark.parametrize("free", [QRect(0, 0, 1366, 728), QRect(0, 0, 1280, 680), QRect(0, 0, 1024, 560)])
def test_small_screens_get_the_whole_screen(free: QRect) -> None:
    assert fitted_geometry(free) is None


@pytest.mark.parametrize("free", [QRect(0, 0, 1920, 1040), QRect(1920, 0, 2560, 1400), QRect(0, 0, 1440, 860)])
def test_large_screens_get_the_preferred_size_centred_inside(free: QRect) -> None:
    place = fitted_geometry(free)
    assert place is not None and free.contains(place)
    assert (place.width(), place.height()) == PREFERRED_SIZE
    assert abs((place.left() - free.left()) - (free.right() - place.right())) <= 1
