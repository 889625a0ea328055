"""Starting the desktop app: language, database checks, the start-up backup, the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from companion import i18n
from companion.gui.style import STYLE

DAILY_BACKUP_CHECK_MS = 60 * 60 * 1000  # look hourly whether today's backup is due


def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("Seller Companion")
    app.setStyleSheet(STYLE)
    return app


def run(data_dir: Path, lang: str | None = None, start_page: str = "counter") -> int:
    app = application()
    from companion.gui.startup import check_database_or_recover

    if not check_database_or_recover(data_dir):
        return 1
    from companion.gui.context import AppContext
    from companion.gui.main_window import MainWindow

    ctx = AppContext(data_dir)
    i18n.set_language(lang or ctx.setting("language") or i18n.DEFAULT_LANGUAGE)
    window = MainWindow(ctx, start_page)
    window.show()
    QTimer.singleShot(0, lambda: _backup_in_background(ctx, "start"))
    timer = QTimer(window)
    timer.timeout.connect(lambda: _backup_in_background(ctx, "daily"))
    timer.start(DAILY_BACKUP_CHECK_MS)
    code = app.exec()
    ctx.close()
    return code


def _backup_in_background(ctx: object, reason: str) -> None:
    from companion.gui.context import AppContext
    from companion.store import backup

    assert isinstance(ctx, AppContext)
    ctx.work.run(lambda _db, _progress: backup.backup_if_due(ctx.data_dir, reason))
