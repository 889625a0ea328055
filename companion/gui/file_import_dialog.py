"""What the product import and the order-file import dialogs share: reading or writing on a pool thread with a
progress bar and Stop, one message line, buttons that follow the preview, the one-click question "which sheet?"
when a file carries its rows on several sheets, and what a Stop after some saved pieces says."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFrame, QGridLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from companion.domain.errors import UserError
from companion.gui.background import Progress
from companion.gui.context import AppContext
from companion.gui.layout_clearing import clear_layout
from companion.gui.messages import error_text
from companion.i18n import tr
from companion.services.change import Change
from companion.store import products as product_store
from companion.store.database import Database

SHEETS_PER_ROW = 3


@dataclass(frozen=True)
class Stopped:
    """Stop pressed after some pieces were saved: the service's sentence (how many, import the same file again),
    the file checked again against what is saved now, and a Change covering whatever the saved pieces touched."""

    sentence: str
    preview: Any
    change: Change


def stopped_after_saving(db: Database, stop: UserError, preview: Any, **change: Any) -> Stopped | None:
    """A Stop that kept saved pieces (its sentence counts them), else None. The service does not say which
    products the saved pieces touched, so every product is announced (a reload, as cheap as the import)."""
    if not stop.params.get("count"):
        return None
    products = frozenset(p.id for p in product_store.all_products(db))
    return Stopped(stop.message(), preview, Change(products=products, **change))


class SheetChoice(QFrame):
    """A file with rows on several sheets: the question and one big button per sheet (one click reads it)."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.buttons: list[QPushButton] = []
        self._grid = QGridLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addLayout(self._grid)
        self.hide()

    def ask(self, question: str, sheets: list[str]) -> None:
        clear_layout(self._grid)
        self.question.setText(question)
        self.buttons = []
        for n, name in enumerate(sheets):
            button = QPushButton(name)
            button.setMinimumHeight(40)
            button.clicked.connect(lambda _checked=False, name=name: self.chosen.emit(name))
            self._grid.addWidget(button, n // SHEETS_PER_ROW, n % SHEETS_PER_ROW)
            self.buttons.append(button)
        self.show()
        if self.buttons:
            self.buttons[0].setFocus()


class _Preview(Protocol):
    @property
    def errors(self) -> Any: ...
    @property
    def to_write(self) -> Any: ...


class FileImportDialog(QDialog):
    """Subclasses build the widgets named below, set `preview` after reading a file, and name the error their
    service raises for several sheets (it carries `sheets`) with the question to ask."""

    ctx: AppContext
    sheet_choice: SheetChoice
    file_label: QLabel
    sheet_error: type[UserError] = UserError
    sheet_question = ""  # a msgid with {name}
    path: Path | None = None
    sheet: str | None = None
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
        if isinstance(exc, self.sheet_error) and self.path is not None and self.sheet is None:
            self.sheet_choice.ask(tr(self.sheet_question, name=self.path.name), list(getattr(exc, "sheets", [])))
            self._set_message("", error=False)
        else:
            self._set_message(error_text(exc), error=True)
        self._update_buttons()

    def _choose_sheet(self, path: Path, sheet: str | None) -> None:
        """Remember what is being read; the file label names the sheet once one was picked."""
        self.path, self.sheet = path, sheet
        self.sheet_choice.hide()
        self.file_label.setText(tr("{file}, sheet \"{sheet}\"", file=path.name, sheet=sheet) if sheet
                                else path.name)

    def _show_preview(self, preview: Any) -> None:
        raise NotImplementedError

    def _show_stopped(self, stopped: Stopped) -> None:
        """The saved pieces are announced; the fresh check leaves only what is missing, one press away."""
        self.ctx.announce(stopped.change)
        self.preview = stopped.preview
        self._show_preview(stopped.preview)
        ready = next((b for b in (self.import_button, self.import_valid_button) if b.isEnabled()), None)
        more = (tr("Press \"{button}\" now: it adds only what is still missing.", button=ready.text())
                if ready is not None else "")
        self._set_message("\n".join(filter(None, (stopped.sentence, more))), error=False)

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
