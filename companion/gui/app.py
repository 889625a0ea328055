"""Starting the desktop app: language, database checks, the start-up backup, the main window."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from companion import i18n
from companion.domain.settings_keys import LANGUAGE
from companion.gui.fonts import ensure_a_font, point_offscreen_at_bundled_fonts, style_font_rule
from companion.gui.style import STYLE
from companion.resources import resource_path

if TYPE_CHECKING:
    from companion.gui.context import AppContext
    from companion.gui.main_window import MainWindow
    from companion.gui.practice_mode import PracticeMode

DAILY_BACKUP_CHECK_MS = 60 * 60 * 1000  # look hourly whether today's backup is due


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
    app = application()
    from companion.gui.error_dialog import install_error_handling

    install_error_handling(data_dir)  # the log file and the "Salin detail" dialog, before anything can fail
    from companion.gui.startup import check_database_or_recover

    if not check_database_or_recover(data_dir):
        return 1
    from companion.gui.cashier_login import log_in
    from companion.gui.context import AppContext
    from companion.gui.main_window import MainWindow, show_fitted

    ctx = AppContext(data_dir)
    i18n.set_language(lang or ctx.setting(LANGUAGE) or i18n.DEFAULT_LANGUAGE)
    from companion.gui.welcome_wizard import greet_new_shop, open_first_task

    start = greet_new_shop(ctx)  # a new shop's welcome, before practice mode is decided
    window = MainWindow(ctx, start_page)
    practice = start_online(ctx, window)
    show_fitted(window)
    QTimer.singleShot(0, lambda: open_first_task(window, start))
    if not exit_when_ready:  # with cashiers set up, who is at the counter is asked first (gui/cashier_login.py)
        QTimer.singleShot(0, lambda: log_in(window, ctx))
    if exit_when_ready:
        _exit_after_first_paint(app, window)
    QTimer.singleShot(0, lambda: start_alerts(ctx, window))
    QTimer.singleShot(0, lambda: _backup_in_background(ctx, "start"))
    timer = QTimer(window)
    timer.timeout.connect(lambda: _backup_in_background(ctx, "daily"))
    timer.start(DAILY_BACKUP_CHECK_MS)
    code = app.exec()
    stop_online(ctx, practice)
    ctx.close()
    return code


def _exit_after_first_paint(app: QApplication, window: QWidget) -> None:
    """For the start-up bench (`--exit-when-ready`): print "ready" once the window has painted, then quit."""

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if (event.type() == QEvent.Type.Paint and isinstance(watched, QWidget)
                    and watched.window() is window):
                app.removeEventFilter(self)
                QTimer.singleShot(0, done)  # after the rest of this paint pass
            return False

    def done() -> None:
        print("ready", flush=True)
        app.quit()

    app.installEventFilter(FirstPaint(window))


def start_online(ctx: AppContext, window: MainWindow) -> PracticeMode:
    """The practice banner, practice mode for a shop with no real online shop yet, and the sync engine."""
    from companion.domain.settings_keys import PRACTICE_DECLINED
    from companion.gui.practice_banner import PracticeBanner
    from companion.gui.practice_mode import practice_mode
    from companion.gui.sync_bridge import SyncBridge
    from companion.store.accounts import has_real_accounts

    practice = practice_mode(ctx)
    practice.move_mixed_rows()  # once: a shop from before the practice book has its practice rows moved out
    window.add_banner(PracticeBanner(practice))
    ctx.sync = SyncBridge(ctx, practice.credentials_source)
    practice.state_changed.connect(lambda: _sync_when_practice_ready(ctx, practice))
    if not has_real_accounts(ctx.db) and not ctx.setting(PRACTICE_DECLINED):
        practice.start(remember=False)  # the sync starts once the practice server answers
    else:
        ctx.sync.start()
    return practice


def start_alerts(ctx: AppContext, window: MainWindow) -> None:
    """The tray icon counting waiting buyers and the new-question / near-deadline notifications, once the
    window is on screen (they read the inbox, which the first paint should not wait for)."""
    from companion.gui.alerts import install_alerts

    install_alerts(ctx, window)  # parented to the window: it lives and ends with it


def _sync_when_practice_ready(ctx: AppContext, practice: PracticeMode) -> None:
    """Practice shops need a round as soon as their server answers, not after the first poll interval."""
    if practice.busy or ctx.sync is None:
        return
    if not ctx.sync.running:
        ctx.sync.start()
    elif practice.running:
        ctx.sync.sync_now()


def stop_online(ctx: AppContext, practice: PracticeMode) -> None:
    """On quit: the sync thread first (it may be talking to the practice server), then the server."""
    if ctx.sync is not None:
        ctx.sync.stop()
    practice.shutdown()


def _backup_in_background(ctx: object, reason: str) -> None:
    from companion.gui.context import AppContext
    from companion.store import backup

    assert isinstance(ctx, AppContext)
    ctx.work.run(lambda _db, _progress: backup.backup_if_due(ctx.data_dir, reason))
