"""Unexpected errors, shown as one plain sentence with "Salin detail" (copy details) for support.

Usable from any page and any thread: exceptions from other threads (and from slots, through
sys.excepthook) reach the dialog by a queued signal on an object living in the GUI thread. Identical
errors in a row are logged but shown once, so a failing timer cannot bury the shop under dialogs.
"""

from __future__ import annotations

import contextlib
import logging
import platform
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import PySide6
from PySide6.QtCore import QObject, Qt, Signal, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from companion import __version__
from companion.error_log import add_presenter, current_log_path, install_logging, log_unexpected
from companion.i18n import tr
from companion.log_scrubbing import scrub

log = logging.getLogger(__name__)

REPEAT_QUIET_S = 60.0  # the same error again within this time (counted from its last occurrence) is only logged
_SHOWN = "__companion_shown__"


def support_text(details: str, log_file: Path | None = None, now: datetime | None = None) -> str:
    """What "Salin detail" copies. In English on purpose: it is read by support, not by the shop."""
    when = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M:%S UTC")
    lines = [
        f"Seller Companion {__version__}",
        f"Time: {when}",
        f"OS: {platform.platform()}",
        f"Python: {platform.python_version()}; Qt: {qVersion()}; PySide6: {PySide6.__version__}",
        f"Log file: {log_file or current_log_path() or '-'}",
        "",
        details.rstrip(),
    ]
    return scrub("\n".join(lines)) + "\n"


class ErrorDialog(QMessageBox):
    """The sentence, "Salin detail" (copies the support text and stays open) and OK."""

    def __init__(self, details: str, parent: QWidget | None = None) -> None:
        super().__init__(QMessageBox.Icon.Warning, tr("Something went wrong"),
                         tr("Something went wrong and nothing was saved. Try again; if it keeps happening, press "
                            "Copy details and send them to support."), parent=parent)
        self.details = support_text(details)
        self.copy_button = self.addButton(tr("Copy details"), QMessageBox.ButtonRole.ActionRole)
        self.copy_button.clicked.disconnect()  # a message box closes on every button: this one must not
        self.copy_button.clicked.connect(self.copy_details)
        self.ok_button = self.addButton(tr("OK"), QMessageBox.ButtonRole.AcceptRole)
        self.setDefaultButton(self.ok_button)
        self.setEscapeButton(self.ok_button)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText(tr("Copied"))


def _signature(exc: BaseException, details: str) -> str:
    """What makes two errors "the same": the exception type and where it was raised."""
    frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else None
    if frames:
        return f"{type(exc).__name__}@{frames[-1].filename}:{frames[-1].lineno}"
    last_lines = details.strip().splitlines()
    return f"{type(exc).__name__}:{last_lines[-1] if last_lines else ''}"


class ErrorReporter(QObject):
    """Lives in the GUI thread; `present` may be called from any thread, `show` only from the GUI thread."""

    arrived = Signal(object, str)

    def __init__(self, parent: QObject | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.clock = clock
        self.showing: ErrorDialog | None = None
        self.not_shown = 0
        self._last: dict[str, float] = {}
        self.arrived.connect(self._arrived, Qt.ConnectionType.QueuedConnection)

    def present(self, exc: BaseException, details: str) -> None:
        """For the exception hooks: already logged; shown once the GUI thread gets to it."""
        self.arrived.emit(exc, details)

    def _arrived(self, exc: BaseException, details: str) -> None:
        self.show(None, exc, details)

    def show(self, parent: QWidget | None, exc: BaseException, details: str) -> None:
        if getattr(exc, _SHOWN, False):
            return
        with contextlib.suppress(AttributeError):  # an exception type with __slots__ may show twice
            setattr(exc, _SHOWN, True)
        key, now = _signature(exc, details), self.clock()
        last, self._last[key] = self._last.get(key), now
        if self.showing is not None or (last is not None and now - last < REPEAT_QUIET_S):
            self.not_shown += 1
            log.info("Not shown again (the same error, or a message is open): %s", key)
            return
        dialog = ErrorDialog(details, parent or QApplication.activeWindow())
        self.showing = dialog
        try:
            dialog.exec()
        finally:
            self.showing = None
            dialog.deleteLater()


_reporter: ErrorReporter | None = None


def reporter() -> ErrorReporter:
    """The process's reporter, made in (and parented to) the application on first use in the GUI thread."""
    global _reporter
    if _reporter is None:
        _reporter = ErrorReporter(QApplication.instance())
    add_presenter(_reporter.present)  # again after a test took it away
    return _reporter


def report_unexpected(parent: QWidget | None, exc: BaseException, where: str = "") -> None:
    """GUI thread: log `exc` (once) and show the sentence with "Salin detail" (once), waiting for OK."""
    reporter().show(parent, exc, log_unexpected(exc, where))


def install_error_handling(data_dir: Path) -> Path:
    """At start-up, once the QApplication exists: the log file, the exception hooks, and the dialog for them."""
    path = install_logging(data_dir)
    reporter()
    log.info("Seller Companion %s started (Python %s, Qt %s, %s)", __version__, platform.python_version(),
             qVersion(), sys.platform)
    return path
