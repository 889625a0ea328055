"""What the product import and the order-file import dialogs share: reading or writing on a pool thread with a
progress bar and Stop, one message line, and buttons that follow the preview."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QPushButton

from companion.gui.background import Progress
from companion.gui.context import AppContext
from companion.gui.messages import error_text
from companion.store.database import Database


class _Preview(Protocol):
    @property
    def errors(self) -> Any: ...
    @property
    def to_write(self) -> Any: ...


class FileImportDialog(QDialog):
    """Subclasses build the widgets named below and set `preview` after reading a file."""

    ctx: AppContext
    progress: QProgressBar
    stop_button: QPushButton
    message: QLabel
    choose_button: QPushButton
    import_button: QPushButton  # everything, only when the file has no problem rows
    import_valid_button: QPushButton  # only the rows without problems
    close_button: QPushButton
    preview: _Preview | None = None
    running: Progress | None = None

    def _start(self, fn: Callable[[Database, Progress], Any], on_done: Callable[[Any], None]) -> None:
        self.progress.setRange(0, 0)
        self.progress.show()
        self.stop_button.show()
        self.running = self.ctx.work.run(fn, on_done, self._failed, self._progressed)
        self._update_buttons()

    def _progressed(self, done: int, total: int) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def _failed(self, exc: BaseException) -> None:
        self._stop()
        self._set_message(error_text(exc), error=True)
        self._update_buttons()

    def _stop(self) -> None:
        self.running = None
        self.progress.hide()
        self.stop_button.hide()

    def cancel_work(self) -> None:
        if self.running is not None:
            self.running.cancelled = True

    def is_busy(self) -> bool:
        return self.running is not None

    def _set_message(self, text: str, error: bool) -> None:
        self.message.setText(text)
        self.message.setProperty("role", "error" if error else "hint")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def _update_buttons(self) -> None:
        p = self.preview
        idle = self.running is None
        self.choose_button.setEnabled(idle)
        self.import_button.setEnabled(idle and p is not None and not p.errors and bool(p.to_write))
        self.import_valid_button.setEnabled(idle and p is not None and bool(p.errors) and bool(p.to_write))
        self.close_button.setEnabled(idle)

    def reject(self) -> None:
        if self.running is None:
            super().reject()
