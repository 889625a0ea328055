"""Importing a seller-centre order export: choose the file (and the sheet, when several carry orders), see what
would change (with progress and Stop; problems and identical repeated rows listed in reading order), then import.
Nothing is written before "Import" is pressed; a Stop keeps the pages already saved and says so."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from companion.connectors import registry
from companion.domain.errors import UserError
from companion.domain.order_files import ImportCancelled, OrderFile
from companion.gui.background import Progress
from companion.gui.channel_names import channel_long_label, platforms_text
from companion.gui.context import AppContext
from companion.gui.export_guide import ExportGuideDialog
from companion.gui.file_import_dialog import FileImportDialog, SheetChoice, Stopped, stopped_after_saving
from companion.i18n import N_, tr
from companion.services.change import Change
from companion.services.order_import import (
    ImportPreview,
    SeveralSheets,
    import_parsed,
    preview_parsed,
    read_order_file,
)
from companion.store.database import Database

MAX_ERRORS_SHOWN = 1000
ERROR_COLOR = QColor("#b00020")  # as QLabel[role="error"] in style.py
COUNT_LABELS = (N_("New orders"), N_("Changed orders"), N_("Already the same"), N_("Rows with problems"))


def _keep_going(progress: Progress) -> Callable[[int, int], bool]:
    def report(done: int, total: int) -> bool:
        progress.report(done, total)
        return not progress.cancelled
    return report


def _read_and_preview(path: Path, sheet: str | None
                      ) -> Callable[[Database, Progress], tuple[OrderFile, ImportPreview]]:
    def work(db: Database, progress: Progress) -> tuple[OrderFile, ImportPreview]:
        parsed = read_order_file(path, _keep_going(progress), sheet=sheet)
        return parsed, preview_parsed(db, parsed)
    return work


def _import(parsed: OrderFile, skip_errors: bool
            ) -> Callable[[Database, Progress], tuple[ImportPreview, Change] | Stopped]:
    """Import in pages; a Stop after some pages answers with what is saved and the file checked again."""
    def work(db: Database, progress: Progress) -> tuple[ImportPreview, Change] | Stopped:
        try:
            return import_parsed(db, parsed, _keep_going(progress), skip_errors)
        except ImportCancelled as stop:
            stopped = stopped_after_saving(db, stop, preview_parsed(db, parsed), sync=True)
            if stopped is None:
                raise
            return stopped
    return work


def notes(preview: ImportPreview) -> list[tuple[int, str, bool]]:
    """(row, sentence, is a problem) for every identical repeated row and the first problems, in reading order."""
    found = [(row, tr("Row {row} is the same as row {first}: counted once.", row=row, first=first), False)
             for row, first in preview.duplicates]
    found += [(row, UserError(msgid, **params).message(), True)
              for row, msgid, params in preview.errors[:MAX_ERRORS_SHOWN]]
    return sorted(found, key=lambda note: note[0])


class OrderImportDialog(FileImportDialog):
    """Choose → (sheet →) preview → import; the file is read once and the checked orders are what gets imported."""

    sheet_error = SeveralSheets
    sheet_question = N_("\"{name}\" has orders on several sheets. Which sheet do you want to import?")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.parsed: OrderFile | None = None
        self.preview: ImportPreview | None = None
        self.running: Progress | None = None
        self.setWindowTitle(tr("Import order file"))
        self.resize(860, 620)
        exporters = [spec for spec in registry.channels() if spec.export_layouts]
        intro = QLabel(tr("Choose an orders export downloaded from the seller centre of {platforms}, as .xlsx or "
                          "CSV. You see what would change before anything is saved; orders already in the app are "
                          "matched by their order number.", platforms=platforms_text(exporters, long=True)))
        intro.setWordWrap(True)
        self.choose_button = QPushButton(tr("Choose file…"))
        self.choose_button.clicked.connect(self.choose_file)
        self.file_label = QLabel(tr("No file chosen yet."))
        self.guide_button = QPushButton(tr("How do I download this file?"))
        self.guide_button.clicked.connect(self.show_export_guide)
        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(self.file_label, 1)
        top.addWidget(self.guide_button)
        self.sheet_choice = SheetChoice()
        self.sheet_choice.chosen.connect(self._sheet_chosen)
        self.progress = QProgressBar()
        self.progress.hide()
        self.stop_button = QPushButton(tr("Stop"))
        self.stop_button.hide()
        self.stop_button.clicked.connect(self.cancel_work)
        busy = QHBoxLayout()
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.stop_button)
        self.counts: list[QLabel] = []
        grid = QGridLayout()
        for col, label in enumerate(COUNT_LABELS):
            number = QLabel("–")
            number.setProperty("role", "title")
            self.counts.append(number)
            grid.addWidget(number, 0, col)
            grid.addWidget(QLabel(tr(label)), 1, col)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.errors = QTableWidget(0, 2)
        self.errors.setHorizontalHeaderLabels([tr("Row"), tr("What the check found")])
        self.errors.verticalHeader().hide()
        self.errors.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.errors.setWordWrap(True)
        header = self.errors.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.import_button = QPushButton(tr("Import"))
        self.import_button.setProperty("primary", True)
        self.import_button.clicked.connect(lambda: self.start_import(skip_errors=False))
        self.import_valid_button = QPushButton(tr("Import only orders without problems"))
        self.import_valid_button.clicked.connect(lambda: self.start_import(skip_errors=True))
        self.close_button = QPushButton(tr("Close"))
        self.close_button.clicked.connect(self.reject)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.import_valid_button)
        actions.addWidget(self.import_button)
        actions.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.sheet_choice)
        layout.addLayout(busy)
        layout.addLayout(grid)
        layout.addWidget(self.summary)
        layout.addWidget(self.errors, 1)
        layout.addWidget(self.message)
        layout.addLayout(actions)
        self._update_buttons()

    def show_export_guide(self) -> None:
        """Each seller centre's download in pictures (gui/export_guide.py); "choose the file" comes back here."""
        if ExportGuideDialog(self).exec() == ExportGuideDialog.DialogCode.Accepted:
            self.choose_file()

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, tr("Choose an orders export"), str(Path.home()),
                                              tr("Order exports (*.xlsx *.csv);;All files (*)"))
        if name:
            self.load_file(Path(name))

    def load_file(self, path: Path, sheet: str | None = None) -> None:
        """Read and check the file (or its sheet) in the background; the preview, or the question which sheet,
        appears when done."""
        self.parsed, self.preview = None, None
        self._choose_sheet(path, sheet)
        self._show_preview(None)
        self._set_message(tr("Reading the file…"), error=False)
        self._start(_read_and_preview(path, sheet), self._checked)

    def _sheet_chosen(self, sheet: str) -> None:
        if self.path is not None:
            self.load_file(self.path, sheet)

    def _checked(self, result: tuple[OrderFile, ImportPreview]) -> None:
        self._stop()
        self.parsed, self.preview = result
        preview = self.preview
        self._show_preview(preview)
        if preview.errors:
            self._set_message(tr("Some rows have a problem. Fix them in the file and choose it again, or import "
                                 "only the orders without problems."), error=True)
        elif not preview.to_write:
            self._set_message(tr("Every order in this file is already in the app: nothing to import."), error=False)
        else:
            self._set_message(tr("The file is fine. Press \"Import\" to save the orders."), error=False)

    def _show_preview(self, preview: ImportPreview | None) -> None:
        numbers = ((preview.orders_new, preview.orders_updated, preview.orders_unchanged, len(preview.errors))
                   if preview else None)
        for n, label in enumerate(self.counts):
            label.setText(str(numbers[n]) if numbers else "–")
        self.summary.setText(self._summary(preview) if preview else "")
        found = notes(preview) if preview else []
        self.errors.setRowCount(len(found))
        for n, (row, sentence, problem) in enumerate(found):
            for col, text in enumerate((str(row), sentence)):
                item = QTableWidgetItem(text)
                if problem:
                    item.setForeground(ERROR_COLOR)
                self.errors.setItem(n, col, item)
        self.errors.resizeRowsToContents()
        self._update_buttons()

    @staticmethod
    def _summary(preview: ImportPreview) -> str:
        lines = [tr("{channel} export, {rows} rows. The orders go to the shop \"{shop}\".",
                    channel=channel_long_label(preview.channel), rows=preview.rows,
                    shop=preview.account_name)]
        if preview.unmapped_skus:
            shown = ", ".join(preview.unmapped_skus[:15]) + (" …" if len(preview.unmapped_skus) > 15 else "")
            lines.append(tr("Not matched to a product yet (no stock change until you match them): {skus}.",
                            skus=shown))
        if preview.duplicates:
            lines.append(tr("{count} rows repeat an earlier row exactly: each is counted once (listed below).",
                            count=len(preview.duplicates)))
        return "\n".join(lines)

    def start_import(self, skip_errors: bool) -> None:
        parsed = self.parsed
        if parsed is None:
            return
        self._set_message(tr("Importing…"), error=False)
        self._start(_import(parsed, skip_errors), self._imported)

    def _imported(self, result: tuple[ImportPreview, Change] | Stopped) -> None:
        self._stop()
        if isinstance(result, Stopped):
            self._show_stopped(result)
            return
        preview, change = result
        self.parsed, self.preview = None, None
        self.ctx.announce(change)
        self._set_message(tr("Saved: {new} new and {updated} changed orders.", new=preview.orders_new,
                             updated=preview.orders_updated), error=False)
        self.close_button.setText(tr("Finish"))
        self._update_buttons()
