"""Starting the desktop app: the folder lock, the language, the main window with its first page painted; the rest
of the start (practice mode, sync, alerts, backup, the full file check) follows the paint (gui/startup_later.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from companion import i18n
from companion.domain.settings_keys import LANGUAGE
from companion.gui.fonts import ensure_a_font, point_offscreen_at_bundled_fonts, style_font_rule
from companion.gui.startup_later import DAILY_BACKUP_CHECK_MS, LaterStart, start_alerts, start_online, stop_online
from companion.gui.style import STYLE
from companion.resources import resource_path

if TYPE_CHECKING:
    from companion.gui.context import AppContext
    from companion.services.first_use import Start

__all__ = ["DAILY_BACKUP_CHECK_MS", "app_icon", "application", "run", "start_alerts", "start_online", "stop_online"]


def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        point_offscreen_at_bundled_fonts()
        app = QApplication(sys.argv[:1])
        ensure_a_font()
    app.setApplicationName("Seller Companion")
    app.setStyleSheet(style_font_rule() + STYLE)
    app.setWindowIcon(app_icon())
    return app


def app_icon() -> QIcon:
    """The shop-bag icon in every size drawn (resources/icons/, made by build_scripts/make_icons.py)."""
    icon = QIcon()
    for png in sorted(resource_path("icons").glob("companion-*.png")):
        icon.addFile(str(png))
    return icon


def run(data_dir: Path, lang: str | None = None, start_page: str = "counter", exit_when_ready: bool = False) -> int:
    """The app shares its data folder while it runs (a restore in another process waits, then refuses)."""
    from companion.store import folder_lock

    with folder_lock.shared(data_dir, folder_lock.APP):
        return _run(data_dir, lang, start_page, exit_when_ready)


def _run(data_dir: Path, lang: str | None, start_page: str, exit_when_ready: bool) -> int:
    """Only what the first page shows comes before the first paint; the rest of the start (gui/startup_later.py)
    runs once the window is on screen: nothing the owner waits for is done before it must be."""
    app = application()
    from companion.gui.startup_first import HeldErrors, open_if_current

    held = HeldErrors()  # errors before the paint are logged (cli.py set up the log) and shown once it is done
    from companion.store.location import db_path

    first = open_if_current(data_dir)  # opened once: this handle becomes the window's
    if first is None and db_path(data_dir).exists():  # does not open, or needs a migration: the full check first
        from companion.gui.startup import check_database_or_recover

        held.release(data_dir)  # its questions are dialogs: an error in them is shown at once
        if not check_database_or_recover(data_dir):
            return 1
    from companion.gui.context import AppContext
    from companion.gui.main_window import MainWindow, show_fitted

    ctx = AppContext(data_dir, db=first)
    i18n.set_language(lang or ctx.setting(LANGUAGE) or i18n.DEFAULT_LANGUAGE)
    from companion.services.first_use import welcome_done

    start = None
    if not welcome_done(ctx.db):  # a new shop's welcome, before practice mode is decided
        held.release(data_dir)  # the welcome is a dialog: an error in it is shown at once
        start = _greet(ctx)
    window = MainWindow(ctx, start_page, strip_after_paint=True)
    show_fitted(window)
    later = LaterStart(ctx, window, start, exit_when_ready, held)
    code = app.exec()
    later.stop()
    ctx.close()
    # The windows closing at quit post one more Quit; left queued, it would end the next event loop at once in a
    # process that goes on (the tests run the app in theirs).
    QCoreApplication.removePostedEvents(app, QEvent.Type.Quit)
    return code


def _greet(ctx: AppContext) -> Start | None:
    """The welcome wizard (and the channel registry its pages name) loads only for a shop that has not had it."""
    from companion.gui.welcome_wizard import greet_new_shop

    return greet_new_shop(ctx)
