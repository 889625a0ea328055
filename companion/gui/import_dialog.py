"""Importing products from a CSV or Excel file: choose (and pick the sheet when several carry products), check
(preview with per-row errors), then import; a Stop keeps the pieces already saved and says so."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

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

from companion.gui.background import Progress
from companion.gui.context import AppContext
from companion.gui.file_import_dialog import FileImportDialog, SheetChoice, Stopped, stopped_after_saving
from companion.i18n import N_, tr
from companion.services.product_import import (
    ImportCancelled,
    ImportPreview,
    ImportResult,
    RowStatus,
    SeveralSheets,
    apply_import,
    read_import,
)
from companion.store.database import Database

MAX_ERRORS_SHOWN = 1000
COUNT_LABELS = ((RowStatus.NEW, N_("New products")), (RowStatus.UPDATED, N_("Updated")),
                (RowStatus.UNCHANGED, N_("No change")), (RowStatus.ERROR, N_("Rows with errors")))


def _keep_going(progress: Progress) -> Callable[[int, int], bool]:
    """Progress reports from the service, answered with "stop" once Cancel was pressed."""
    def report(done: int, total: int) -> bool:
        progress.report(done, total)
        return not progress.cancelled
    return report


def _import(preview: ImportPreview, only_valid: bool, path: Path, sheet: str | None
            ) -> Callable[[Database, Progress], ImportResult | Stopped]:
    """Write in pieces; a Stop after some pieces answers with what is saved and the file checked again."""
    def work(db: Database, progress: Progress) -> ImportResult | Stopped:
        try:
            return apply_import(db, preview, only_valid, _keep_going(progress))
        except ImportCancelled as stop:
            stopped = stopped_after_saving(db, stop, read_import(db, path, sheet=sheet))
            if stopped is None:
                raise
            return stopped
    return work


class ImportDialog(FileImportDialog):
    """Nothing is written until one of the two import buttons is pressed, and then in pieces."""

    sheet_error = SeveralSheets
    sheet_question = N_("\"{name}\" has products on several sheets. Which sheet do you want to import?")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.preview: ImportPreview | None = None
        self.import_result: ImportResult | None = None
        self.running: Progress | None = None
        self.setWindowTitle(tr("Import products"))
        self.resize(860, 620)
        intro = QLabel(tr("Choose a CSV or Excel (.xlsx) file with one product per row. The first row names the "
                          "columns: SKU, Nama, Harga jual, and optionally Harga modal, Satuan, Barcode, Stok, "
                          "Induk, Variasi. Products with a SKU already in the shop are updated."))
        intro.setWordWrap(True)
        self.choose_button = QPushButton(tr("Choose file…"))
        self.choose_button.clicked.connect(self.choose_file)
        self.file_label = QLabel(tr("No file chosen yet."))
        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(self.file_label, 1)
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
        self.counts: dict[RowStatus, QLabel] = {}
        grid = QGridLayout()
        for col, (status, label) in enumerate(COUNT_LABELS):
            number = QLabel("–")
            number.setProperty("role", "title")
            self.counts[status] = number
            grid.addWidget(number, 0, col)
            grid.addWidget(QLabel(tr(label)), 1, col)
        self.errors = QTableWidget(0, 3)
        self.errors.setHorizontalHeaderLabels([tr("Row"), tr("SKU"), tr("Problem")])
        self.errors.verticalHeader().hide()
        self.errors.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.errors.setWordWrap(True)
        header = self.errors.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.import_button = self.import_all_button = QPushButton(tr("Import all"))
        self.import_all_button.setProperty("primary", True)
        self.import_all_button.clicked.connect(lambda: self.start_import(only_valid=False))
        self.import_valid_button = QPushButton(tr("Import only the valid rows"))
        self.import_valid_button.clicked.connect(lambda: self.start_import(only_valid=True))
        self.close_button = QPushButton(tr("Close"))
        self.close_button.clicked.connect(self.reject)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.import_valid_button)
        actions.addWidget(self.import_all_button)
        actions.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.sheet_choice)
        layout.addLayout(busy)
        layout.addLayout(grid)
        layout.addWidget(self.errors, 1)
        layout.addWidget(self.message)
        layout.addLayout(actions)
        self._update_buttons()

    # --- choosing and checking ---------------------------------------------------------------------------
    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, tr("Choose a product file"), str(Path.home()),
                                              tr("Product lists (*.csv *.xlsx *.txt);;All files (*)"))
        if name:
            self.load_file(Path(name))

    def load_file(self, path: Path, sheet: str | None = None) -> None:
        """Read and check `path` (or its sheet) in the background; the preview, or the question which sheet,
        appears when done."""
        self.preview = None
        self._choose_sheet(path, sheet)
        self._show_preview(None)
        self._set_message(tr("Checking the file…"), error=False)
        self._start(lambda db, progress: read_import(db, path, _keep_going(progress), sheet), self._checked)

    def _sheet_chosen(self, sheet: str) -> None:
        if self.path is not None:
            self.load_file(self.path, sheet)

    def _checked(self, preview: ImportPreview) -> None:
        self._stop()
        self.preview = preview
        self._show_preview(preview)
        if preview.errors:
            self._set_message(tr("Some rows have a problem. Fix them in the file and choose it again, or import "
                                 "only the valid rows."), error=True)
        elif not preview.to_write:
            self._set_message(tr("Everything in this file is already in the shop: nothing to import."), error=False)
        else:
            self._set_message(tr("The file is fine. Press \"Import all\" to save it."), error=False)

    def _show_preview(self, preview: ImportPreview | None) -> None:
        for status, label in self.counts.items():
            label.setText(str(preview.count(status)) if preview else "–")
        errors = preview.errors[:MAX_ERRORS_SHOWN] if preview else []
        self.errors.setRowCount(len(errors))
        for n, row in enumerate(errors):
            problem = row.error.message() if row.error else ""
            for col, text in enumerate((str(row.row_no), row.sku, problem)):
                self.errors.setItem(n, col, QTableWidgetItem(text))
        self.errors.resizeRowsToContents()
        self._update_buttons()

    # --- importing ---------------------------------------------------------------------------------------
    def start_import(self, only_valid: bool) -> None:
        preview, path = self.preview, self.path
        if preview is None or path is None:
            return
        self._set_message(tr("Importing…"), error=False)
        self._start(_import(preview, only_valid, path, self.sheet), self._imported)

    def _imported(self, result: ImportResult | Stopped) -> None:
        self._stop()
        if isinstance(result, Stopped):
            self._show_stopped(result)
            return
        self.import_result = result
        self.preview = None
        self.ctx.announce(result.change)
        self._set_message(tr("Done: {added} products added and {updated} updated.", added=result.added,
                             updated=result.updated), error=False)
        self.close_button.setText(tr("Finish"))
        self._update_buttons()

