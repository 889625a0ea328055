"""Cetak label barcode: the chosen products' labels (name, barcode, price), a count for each, on an A4 sheet (3×8
or 4×10), one label a page for a label printer installed in the system, or on the counter's thermal printer.

Sheets are drawn by gui/barcode_sheet.py and printed through the system print dialog or saved as a PDF; the
thermal printer gets a PrintDoc through gui/receipt_printing.print_document (printed in the background; a failure
offers to print again). Without a thermal printer set up that choice says where to set one up: the system printer's
copy of a PrintDoc shows a barcode's digits only. A product that cannot have a label is named above the buttons.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeySequence, QPixmap, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from companion.domain.barcode_labels import (
    EAN13_CODE,
    FORMATS,
    MAX_COPIES,
    Label,
    SheetLayout,
    copies,
    fits_thermal,
    label_doc,
    pages,
    product_label,
    readable,
)
from companion.domain.errors import UserError
from companion.domain.print_doc import plain_lines
from companion.gui.barcode_sheet import PAD_MM, paint, preview, setup_device, write_pdf
from companion.gui.context import AppContext
from companion.gui.messages import error_text, show_error
from companion.gui.receipt_printing import print_document
from companion.i18n import N_, tr
from companion.services.printer_setup import printer_config
from companion.store.products import ProductRow

THERMAL = "thermal"
PAPERS = (
    (SheetLayout.A4_3X8.value, N_("A4 sheet, 3 × 8 labels (70 × 37 mm)")),
    (SheetLayout.A4_4X10.value, N_("A4 sheet, 4 × 10 labels (52.5 × 29.7 mm)")),
    (SheetLayout.LABEL_50X30.value, N_("Label printer, 50 × 30 mm (one label per page)")),
    (THERMAL, N_("Counter's thermal printer (receipt paper)")),
)
PREVIEW_HEIGHT = 430
TOO_LONG_LABEL = N_("The code of \"{name}\" is too long for these labels: choose bigger labels or give it a shorter "
                    "SKU.")
TOO_LONG_ROLL = N_("The code of \"{name}\" is too long for the {paper} mm roll: choose the label printer or an A4 "
                   "sheet, or give it a shorter SKU.")
NO_THERMAL = N_("No thermal printer is set up yet: set it up in Pengaturan → Printer struk, or choose the label "
                "printer or an A4 sheet.")
COUNT_COLUMN = 3


class BarcodeLabelDialog(QDialog):
    """Counts per product, the paper, a preview of the first page; Print (Ctrl+P) or Save PDF."""

    def __init__(self, ctx: AppContext, products: list[ProductRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("Print barcode labels"))
        self.resize(980, 640)
        self.labels: list[Label] = []
        refused: list[str] = []
        for p in products:
            try:
                self.labels.append(product_label(p.id, p.display_name, p.sell_price, p.barcode, p.sku))
            except UserError as exc:
                refused.append(error_text(exc))
        self.refused = refused
        self.paper = QComboBox()
        for value, name in PAPERS:
            self.paper.addItem(tr(name), value)
        self.paper.currentIndexChanged.connect(lambda _i: self.compose())
        self.table = self._table()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.problems = QLabel()
        self.problems.setProperty("role", "error")
        self.problems.setWordWrap(True)
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._build()
        self.compose()

    def _table(self) -> QTableWidget:
        table = QTableWidget(len(self.labels), 4)
        table.setHorizontalHeaderLabels([tr("Product"), tr("Code"), tr("Price"), tr("Labels")])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for row, label in enumerate(self.labels):
            kind = "EAN-13" if label.code.symbology == EAN13_CODE else "Code 128"
            for col, text in enumerate((label.name, f"{kind}: {label.code.data}", label.price_text)):
                table.setItem(row, col, QTableWidgetItem(text))
            count = QSpinBox()
            count.setRange(0, MAX_COPIES)
            count.setValue(1)
            count.valueChanged.connect(lambda _v: self.compose())
            table.setCellWidget(row, COUNT_COLUMN, count)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COUNT_COLUMN, QHeaderView.ResizeMode.Fixed)
        table.setColumnWidth(COUNT_COLUMN, 110)
        table.verticalHeader().setDefaultSectionSize(40)  # a spin box's arrows need the height
        return table

    def _build(self) -> None:
        self.print_button = QPushButton(tr("Print (Ctrl+P)"))
        self.print_button.setProperty("primary", True)
        self.pdf_button = QPushButton(tr("Save PDF"))
        close = QPushButton(tr("Close"))
        self.print_button.clicked.connect(self.print_now)
        self.pdf_button.clicked.connect(self.ask_save_pdf)
        close.clicked.connect(self.accept)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self, self.print_now)
        paper_row = QHBoxLayout()
        paper_row.addWidget(QLabel(tr("Paper")))
        paper_row.addWidget(self.paper, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.picture)
        left = QVBoxLayout()
        left.addLayout(paper_row)
        left.addWidget(self.table, 1)
        left.addWidget(self.summary)
        left.addWidget(self.problems)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addWidget(scroll, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addLayout(buttons)

    # --- reading ---------------------------------------------------------------------------------------------
    def set_count(self, row: int, count: int) -> None:
        widget = self.table.cellWidget(row, COUNT_COLUMN)
        if isinstance(widget, QSpinBox):
            widget.setValue(count)

    def choose_paper(self, value: str) -> None:
        self.paper.setCurrentIndex(self.paper.findData(value))

    def layout_chosen(self) -> SheetLayout | None:
        value = self.paper.currentData()
        return None if value == THERMAL else SheetLayout(value)

    def wanted(self) -> list[Label]:
        counts = []
        for row, label in enumerate(self.labels):
            widget = self.table.cellWidget(row, COUNT_COLUMN)
            counts.append((label, widget.value() if isinstance(widget, QSpinBox) else 1))
        return copies(counts)

    # --- showing ---------------------------------------------------------------------------------------------
    def compose(self) -> None:
        """Summary, problems and the first page's picture for the counts and paper chosen now."""
        labels, layout = self.wanted(), self.layout_chosen()
        config = printer_config(self.ctx.db) if layout is None else None
        ready = layout is not None or config is not None
        if layout is None:
            self.summary.setText(tr("{labels} labels on the thermal printer.", labels=len(labels)))
            self.picture.setPixmap(QPixmap())
            self.picture.setFont(QFont("monospace"))
            self.picture.setText("\n".join(plain_lines(label_doc(labels[:3]), 32)))
        else:
            count = len(pages(labels, layout))
            self.summary.setText(tr("{labels} labels on 1 page.", labels=len(labels)) if count == 1 else
                                 tr("{labels} labels on {pages} pages.", labels=len(labels), pages=count))
            self.picture.setPixmap(QPixmap.fromImage(preview(labels, layout, PREVIEW_HEIGHT)))
        problems = self._problems(layout, config.paper_mm if config else None)
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))
        self.print_button.setEnabled(bool(labels) and ready)
        self.pdf_button.setEnabled(bool(labels) and layout is not None)

    def _problems(self, layout: SheetLayout | None, paper_mm: int | None) -> list[str]:
        """What will not come out right: products without a code, no thermal printer, codes too long for the
        labels or the roll chosen."""
        found = list(self.refused)
        if layout is not None:
            width = FORMATS[layout].label_w - 2 * PAD_MM
            return found + [tr(TOO_LONG_LABEL, name=label.name) for label in self.labels
                            if not readable(label.code, width)]
        if paper_mm is None:
            return [*found, tr(NO_THERMAL)]
        return found + [tr(TOO_LONG_ROLL, name=label.name, paper=paper_mm) for label in self.labels
                        if not fits_thermal(label.code, paper_mm)]

    # --- doing -----------------------------------------------------------------------------------------------
    def print_now(self) -> None:
        labels, layout = self.wanted(), self.layout_chosen()
        if not labels:
            return
        if layout is None:
            print_document(self, self.ctx, label_doc(labels, tr("Barcode labels")))
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        setup_device(printer, layout)
        printer.setFullPage(True)
        if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
            return
        try:
            paint(printer, labels, layout, float(printer.resolution()))
        except UserError as exc:
            show_error(self, exc)

    def ask_save_pdf(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, tr("Save PDF"), str(Path.home() / "label-barcode.pdf"),
                                                tr("PDF files (*.pdf)"))
        if chosen:
            self.save_pdf(Path(chosen).with_suffix(".pdf"))

    def save_pdf(self, path: Path) -> Path | None:
        layout = self.layout_chosen()
        if layout is None:
            return None
        try:
            return write_pdf(path, self.wanted(), layout)
        except (UserError, OSError) as exc:
            show_error(self, exc)
            return None
