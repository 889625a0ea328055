"""The start's second half, once the main window has painted: practice mode and the sync, the first task the
welcome chose, who is at the counter, the inbox alerts, the start-up backup and the shop file's full check.

The owner waits for none of these before seeing the counter; each runs in its own turn of the event loop, in the
order the start always ran them. The heavy modules load here, not before the first paint.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from companion.gui.context import AppContext
    from companion.gui.main_window import MainWindow
    from companion.gui.practice_mode import PracticeMode
    from companion.gui.startup_first import HeldErrors
    from companion.services.first_use import Start

DAILY_BACKUP_CHECK_MS = 60 * 60 * 1000  # look hourly whether today's backup is due
UNPAINTED_START_MS = 3000  # a window that does not paint (started minimised) still gets its sync, backup and checks
# What the counter's first sale, receipt, QRIS, split payment, shift and typed number need: loaded one module per turn
# of the event loop once the start is done, so the first sale is not the one that pays for loading them.
FIRST_SALE_MODULES = (
    "companion.services.sales", "companion.store.sales", "companion.store.customers", "companion.domain.print_doc",
    "companion.services.printer_setup", "companion.gui.receipt_printing", "companion.gui.receipt",
    "companion.services.receipts", "companion.gui.split_payment_dialog", "companion.gui.qris_pay_dialog",
    "companion.gui.shift_dialogs", "companion.gui.shift_words", "babel.numbers", "babel.dates",
)


class LaterStart(QObject):
    """Waits for the window's first paint, then starts the rest; `stop` ends what it started (on quit).
    `exit_when_ready` (the start-up bench and the self-test): "ready" is printed at the first paint, and the app
    quits once the rest of the start has run."""

    def __init__(self, ctx: AppContext, window: MainWindow, start: Start | None, exit_when_ready: bool,
                 held: HeldErrors | None = None) -> None:
        """`held`: the start's errors so far, for the error dialog set up after the paint (gui/startup_first.py)."""
        super().__init__(window)
        self.held = held
        self.ctx = ctx
        self.window = window
        self.start = start
        self.exit_when_ready = exit_when_ready
        self.practice: PracticeMode | None = None
        self.painted = False
        # On the window alone: the window is painted first in its paint pass, its pages after it. (A filter on the
        # whole application would hand every Qt-made object to Python, and naming each one's class costs PySide
        # the set-up of every QObject class it might be: a fifth of the start.)
        window.installEventFilter(self)
        QTimer.singleShot(UNPAINTED_START_MS, self, lambda: self._begin(painted=False))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.painted and watched is self.window and event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self, lambda: self._begin(painted=True))  # after the rest of this paint pass
        return False

    def _begin(self, painted: bool) -> None:
        """Once: at the first paint, or after UNPAINTED_START_MS without one ("ready" is said only for a paint)."""
        if self.painted:
            return
        self.painted = True
        self.window.removeEventFilter(self)
        self._after_paint(painted)

    def _after_paint(self, painted: bool) -> None:
        ctx, window = self.ctx, self.window
        if self.exit_when_ready and painted:
            print("ready", flush=True)
        if self.held is not None:
            self.held.release(ctx.data_dir)  # the "Salin detail" dialog from now on, with any error held until now
        window.finish_start()
        self.practice = start_online(ctx, window)
        if self.start is not None:
            start = self.start
            QTimer.singleShot(0, window, lambda: _open_first_task(window, start))
        if not self.exit_when_ready:  # with cashiers set up, who is at the counter is asked first
            QTimer.singleShot(0, window, lambda: _log_in(window, ctx))
        QTimer.singleShot(0, window, lambda: start_alerts(ctx, window))
        QTimer.singleShot(0, window, lambda: backup_in_background(ctx, "start"))
        QTimer.singleShot(0, window, lambda: check_file_in_background(ctx, window))
        timer = QTimer(window)
        timer.timeout.connect(lambda: backup_in_background(ctx, "daily"))
        timer.start(DAILY_BACKUP_CHECK_MS)
        QTimer.singleShot(0, window, lambda: warm_up(list(FIRST_SALE_MODULES), window))
        if self.exit_when_ready:
            app = QApplication.instance()
            if app is not None:
                QTimer.singleShot(0, app.quit)  # after the turns queued above

    def stop(self) -> None:
        """On quit: the sync and practice mode, when they were started."""
        if self.practice is not None:
            stop_online(self.ctx, self.practice)


def warm_up(modules: list[str], owner: QObject) -> None:
    """Import `modules` one per turn of the event loop (a click in between waits for one module at most); Babel's
    locale data is read once its module is in."""
    if not modules:
        return
    name = modules.pop(0)
    importlib.import_module(name)
    if name == "babel.numbers":
        from companion.i18n import babel_locale

        importlib.import_module("babel.numbers").parse_decimal("1", babel_locale())  # reads the locale data
    QTimer.singleShot(0, owner, lambda: warm_up(modules, owner))


def _open_first_task(window: MainWindow, start: Start) -> None:
    from companion.gui.welcome_wizard import open_first_task

    open_first_task(window, start)


def _log_in(window: MainWindow, ctx: AppContext) -> None:
    from companion.gui.cashier_login import log_in

    log_in(window, ctx)


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


def backup_in_background(ctx: AppContext, reason: str) -> None:
    from companion.store import backup

    ctx.work.run(lambda _db, _progress: backup.backup_if_due(ctx.data_dir, reason))


def check_file_in_background(ctx: AppContext, window: MainWindow) -> None:
    """The shop file's full `quick_check` on a pool thread; a damaged file is offered the newest good backup."""
    from companion.store import backup

    path = ctx.shop_path
    ctx.work.run(lambda _db, _progress: backup.quick_check(path),
                 on_done=lambda ok: None if ok else offer_restore(ctx, window))


def offer_restore(ctx: AppContext, window: MainWindow) -> None:
    """The damaged-file question over the window: the sync stops and the file closes first; restored, every page is
    read again from the good copy; "Quit" (or no good backup) ends the app, leaving the file as it was."""
    from companion.gui.startup import recover
    from companion.store.database import close_thread_databases

    bridge = ctx.sync
    syncing = bridge is not None and bridge.running
    if bridge is not None:
        bridge.stop()
    ctx.work.wait()
    ctx.db.close()
    close_thread_databases()
    if not recover(ctx.data_dir, window):
        window.close()
        app = QApplication.instance()
        if app is not None:
            app.quit()
        return
    ctx.reopen_database()
    if bridge is not None and syncing:
        bridge.start()
