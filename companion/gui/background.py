"""The one helper for long work: runs a function on a pool thread with a connection of its own,
and brings the result (or a UserError) back to the GUI thread by signal.

Each job opens and closes its own connection: jobs are few and long, and no connection is left
open on an idle pool thread (a restore must be able to replace the file, which Windows refuses
while any connection holds it)."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from companion.domain.errors import UserError
from companion.store.database import Database, open_database

log = logging.getLogger(__name__)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)  # done, total


class Progress:
    """Handed to background functions that report progress and may be cancelled."""

    def __init__(self, signals: _Signals) -> None:
        self._signals = signals
        self.cancelled = False

    def report(self, done: int, total: int) -> None:
        self._signals.progress.emit(done, total)


class _Job(QRunnable):
    def __init__(self, path: Path, fn: Callable[[Database, Progress], Any], signals: _Signals,
                 progress: Progress) -> None:
        super().__init__()
        self.path, self.fn, self.signals, self.progress = path, fn, signals, progress

    def run(self) -> None:
        try:
            db = open_database(self.path)
            try:
                result = self.fn(db, self.progress)
            finally:
                db.close()
        except BaseException as exc:  # brought back to the GUI thread, never lost on a pool thread
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


class BackgroundWork(QObject):
    """Runs jobs off the GUI thread; `busy_changed` drives the busy indicator in the status bar."""

    busy_changed = Signal(int)

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self._running = 0
        self._keep: set[_Signals] = set()
        self._stopped = False

    def run(
        self,
        fn: Callable[[Database, Progress], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Progress:
        signals = _Signals()
        progress = Progress(signals)
        self._keep.add(signals)
        if on_progress:
            signals.progress.connect(on_progress)

        def finish(callback: Callable[[Any], None] | None, value: Any) -> None:
            self._keep.discard(signals)
            self._running -= 1
            self.busy_changed.emit(self._running)
            if callback and not self._stopped:
                callback(value)

        signals.done.connect(lambda value: finish(on_done, value))
        signals.failed.connect(lambda exc: self._failed(exc, lambda e: finish(on_error, e), on_error is None))
        self._running += 1
        self.busy_changed.emit(self._running)
        self.pool.start(_Job(self.db_path, fn, signals, progress))
        return progress

    def _failed(self, exc: BaseException, finish: Callable[[BaseException], None], unheard: bool) -> None:
        """A UserError, a marketplace's refusal or a disk problem is the caller's to show (one sentence, no
        details). Anything else is logged and, after the caller had its say (show_error shows it there), shown
        with "Salin detail". (Imported here: they cost ~40 ms at start-up, and a failure is rare.)"""
        from companion.connectors.errors import ConnectorError
        from companion.error_log import log_unexpected
        from companion.gui.error_dialog import reporter

        if isinstance(exc, UserError | ConnectorError):
            if unheard:
                log.warning("A background job stopped: %s: %s", type(exc).__name__, exc)
            finish(exc)
            return
        details = log_unexpected(exc, "a background job")
        finish(exc)
        if not isinstance(exc, OSError):
            reporter().present(exc, details)

    def wait(self, msecs: int = 30_000) -> bool:
        return self.pool.waitForDone(msecs)

    def stop(self) -> None:
        """Before the database closes for good: the running jobs end, and an answer still on its way to the GUI
        thread (a queued signal) is dropped instead of reaching a page whose database is gone."""
        self.wait()
        self._stopped = True
