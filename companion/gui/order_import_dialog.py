"""Importing a seller-centre order export: choose the file, see what would change (with progress and Stop),
then import it all in one go. Nothing is written before "Import" is pressed."""

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

from companion.connectors import registry
from companion.domain.errors import UserError
from companion.domain.order_files import OrderFile
from companion.gui.background import Progress
from companion.gui.channel_names import channel_long_label, platforms_text
from companion.gui.context import AppContext
from companion.gui.file_import_dialog import FileImportDialog
from companion.i18n import N_, tr
from companion.services.change import Change
from companion.services.order_import import (
    ImportPreview,
    import_parsed,
    preview_parsed,
    read_order_file,
)
from companion.store.database import Database

MAX_ERRORS_SHOWN = 1000
COUNT_LABELS = (N_("New orders"), N_("Changed orders"), N_("Already the same"), N_("Rows with problems"))


def _keep_going(progress: Progress) -> Callable[[int, int], bool]:
    def report(done: int, total: int) -> bool:
        progress.report(done, total)
        return not progress.cancelled
    return report


def _read_and_preview(path: Path) -> Callable[[Database, Progress], tuple[OrderFile, ImportPreview]]:
    def work(db: Database, progress: Progress) -> tuple[OrderFile, ImportPreview]:
        parsed = read_order_file(path, _keep_going(progress))
        return parsed, preview_parsed(db, parsed)
    return work


class OrderImportDialog(FileImportDialog):
    """Choose → preview → import; the file is read once and the checked orders are what gets imported."""

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
        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(self.file_label, 1)
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
        self.errors.setHorizontalHeaderLabels([tr("Row"), tr("Problem")])
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
        layout.addLayout(busy)
        layout.addLayout(grid)
        layout.addWidget(self.summary)
        layout.addWidget(self.errors, 1)
        layout.addWidget(self.message)
        layout.addLayout(actions)
        self._update_buttons()

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, tr("Choose an orders export"), str(Path.home()),
                                              tr("Order exports (*.xlsx *.csv);;All files (*)"))
        if name:
            self.load_file(Path(name))

    def load_file(self, path: Path) -> None:
        """Read and check the file in the background; the preview appears when done."""
        self.parsed, self.preview = None, None
        self.file_label.setText(path.name)
        self._show_preview(None)
        self._set_message(tr("Reading the file…"), error=False)
        self._start(_read_and_preview(path), self._checked)

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
        errors = preview.errors[:MAX_ERRORS_SHOWN] if preview else []
        self.errors.setRowCount(len(errors))
        for n, (row, msgid, params) in enumerate(errors):
            self.errors.setItem(n, 0, QTableWidgetItem(str(row)))
            self.errors.setItem(n, 1, QTableWidgetItem(UserError(msgid, **params).message()))
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
        return "\n".join(lines)

    def start_import(self, skip_errors: bool) -> None:
        parsed = self.parsed
        if parsed is None:
            return
        self._set_message(tr("Importing…"), error=False)
        self._start(lambda db, progress: import_parsed(db, parsed, _keep_going(progress), skip_errors),
                    self._imported)

    def _imported(self, result: tuple[ImportPreview, Change]) -> None:
        self._stop()
        preview, change = result
        self.parsed, self.preview = None, None
        self.ctx.announce(change)
        self._set_message(tr("Saved: {new} new and {updated} changed orders.", new=preview.orders_new,
                             updated=preview.orders_updated), error=False)
        self.close_button.setText(tr("Finish"))
        self._update_buttons()
