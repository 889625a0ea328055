"""Printing the chosen orders' shipping labels in one go: on a thermal label printer (100×150 mm or A6, one label a
page) or on A4 paper with four labels a page, through the system printer or saved as one PDF.

The sheet is composed by services/label_sheets.py from the platforms' own label PDFs; each page is rasterized with
PDFium at the printer's resolution (at most MAX_DPI) and painted on the QPrinter, so every printer driver gets a
plain picture and the barcode stays sharp. Orders without a label yet are named above the buttons, never skipped
silently. A printed or saved sheet marks its labels printed (the order list shows it).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QImage, QKeySequence, QPageLayout, QPageSize, QPainter, QPixmap, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.gui.context import AppContext
from companion.gui.messages import error_text
from companion.i18n import N_, tr
from companion.services.label_sheets import FORMATS, MM, LabelSheet, SheetLayout, label_sheet
from companion.services.shipping_labels import mark_printed

LAYOUT_NAMES = {
    SheetLayout.THERMAL: N_("Thermal label printer, 100×150 mm (one label per page)"),
    SheetLayout.A6: N_("A6 label printer or A6 paper (one label per page)"),
    SheetLayout.A4: N_("A4 paper, four labels per page (cut along the gaps)"),
}
MAX_DPI = 300          # thermal printers print 203 or 300 dpi; more only costs memory (an A4 page at 300 dpi: 26 MB)
PREVIEW_HEIGHT = 430   # pixels of the first page's picture in the dialog
PRINTER_FAILED = N_("The printer could not start printing: check it is switched on and chosen, then try again.")


def page_size(layout: SheetLayout) -> QPageSize:
    """The paper of a layout, as the print dialog names it."""
    if layout is SheetLayout.A4:
        return QPageSize(QPageSize.PageSizeId.A4)
    if layout is SheetLayout.A6:
        return QPageSize(QPageSize.PageSizeId.A6)
    fmt = FORMATS[layout]
    return QPageSize(QSizeF(fmt.width / MM, fmt.height / MM), QPageSize.Unit.Millimeter, "100 × 150 mm")


def setup_printer(printer: QPrinter, layout: SheetLayout) -> None:
    """The layout's paper, upright, edge to edge (the label PDFs carry their own white border)."""
    printer.setPageSize(page_size(layout))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    printer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)


def page_image(page: pdfium.PdfPage, dpi: float, grey: bool = False) -> QImage:
    """One page as a picture at `dpi` on white: in colour, or in grey for the printer (labels are black on
    white, thermal printers have no colour, and a grey page is a third of the data to spool)."""
    bitmap = page.render(scale=dpi / 72, grayscale=grey, rev_byteorder=not grey)
    try:
        kind = QImage.Format.Format_Grayscale8 if grey else QImage.Format.Format_RGB888
        image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride, kind)
        return image.copy()  # own the pixels: the buffer goes with the bitmap
    finally:
        bitmap.close()


def first_page_image(pdf: bytes, height: int) -> QImage:
    """The sheet's first page, `height` pixels tall (the dialog's preview, the screenshots)."""
    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[0]
        dpi = height / (page.get_height() / 72)
        try:
            return page_image(page, dpi)
        finally:
            page.close()
    finally:
        doc.close()


def fitted(paper: QRectF, width: float, height: float) -> QRectF:
    """The biggest width×height rectangle centred on the paper: another paper chosen in the print dialog
    shrinks the label, never stretches or crops it."""
    scale = min(paper.width() / width, paper.height() / height)
    w, h = width * scale, height * scale
    return QRectF(paper.x() + (paper.width() - w) / 2, paper.y() + (paper.height() - h) / 2, w, h)


def paint_sheet(printer: QPrinter, pdf: bytes) -> int:
    """Paint every page of the sheet on `printer` (already set up); returns the pages painted."""
    doc = pdfium.PdfDocument(pdf)
    painter = QPainter()
    try:
        if not painter.begin(printer):
            raise UserError(PRINTER_FAILED)
        dpi = min(float(printer.resolution()), MAX_DPI)
        target = QRectF(printer.paperRect(QPrinter.Unit.DevicePixel))
        for index in range(len(doc)):
            if index and not printer.newPage():
                raise UserError(PRINTER_FAILED)
            page = doc[index]
            try:
                painter.drawImage(fitted(target, *page.get_size()), page_image(page, dpi, grey=True))
            finally:
                page.close()
        return len(doc)
    finally:
        if painter.isActive():
            painter.end()
        doc.close()


class LabelPrintDialog(QDialog):
    """Choose the paper, see the first page, then Print (Ctrl+P) or Save PDF."""

    def __init__(self, ctx: AppContext, order_ids: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.order_ids = list(dict.fromkeys(order_ids))
        self.sheet: LabelSheet | None = None
        self.setWindowTitle(tr("Print shipping labels"))
        self.resize(720, 700)
        self.paper = QComboBox()
        for layout, name in LAYOUT_NAMES.items():
            self.paper.addItem(tr(name), layout.value)
        self.paper.currentIndexChanged.connect(lambda _index: self.compose())
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.problems = QLabel()
        self.problems.setProperty("role", "error")
        self.problems.setWordWrap(True)
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status = QLabel()
        self.status.setProperty("role", "hint")
        self.status.setWordWrap(True)
        self._build()
        self.compose()

    def _build(self) -> None:
        self.print_button = QPushButton(tr("Print (Ctrl+P)"))
        self.print_button.setProperty("primary", True)
        self.pdf_button = QPushButton(tr("Save PDF"))
        self.close_button = QPushButton(tr("Close"))
        self.print_button.clicked.connect(self.print_now)
        self.pdf_button.clicked.connect(self.ask_save_pdf)
        self.close_button.clicked.connect(self.accept)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self, self.print_now)
        paper_row = QHBoxLayout()
        paper_row.addWidget(QLabel(tr("Paper")))
        paper_row.addWidget(self.paper, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.preview)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(paper_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    def layout_chosen(self) -> SheetLayout:
        return SheetLayout(self.paper.currentData())

    def choose_layout(self, layout: SheetLayout) -> None:
        self.paper.setCurrentIndex(self.paper.findData(layout.value))

    def compose(self) -> None:
        """Put the chosen orders' labels on the chosen paper and show the first page."""
        self.sheet = sheet = label_sheet(self.ctx.db, self.order_ids, self.layout_chosen())
        self.summary.setText(tr("{labels} of {orders} labels on {pages} pages.", labels=len(sheet.placed),
                                orders=len(self.order_ids), pages=sheet.pages))
        self.problems.setText("\n".join(u.text() for u in sheet.unprinted))
        self.problems.setVisible(bool(sheet.unprinted))
        ready = bool(sheet.pdf)
        self.print_button.setEnabled(ready)
        self.pdf_button.setEnabled(ready)
        if ready:
            self.preview.setPixmap(QPixmap.fromImage(first_page_image(sheet.pdf, PREVIEW_HEIGHT)))
        else:
            self.preview.clear()
            self.preview.setText(tr("No label to print yet."))

    def print_now(self) -> None:
        """Ask which printer (the paper already chosen), then print; a cancelled dialog prints nothing."""
        if self.sheet is None or not self.sheet.pdf:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        setup_printer(printer, self.sheet.layout)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(tr("Print shipping labels"))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> bool:
        """Paint the sheet on a chosen printer, then mark its labels printed."""
        assert self.sheet is not None
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # ~50 ms a page at 300 dpi
        try:
            paint_sheet(printer, self.sheet.pdf)
        except (UserError, OSError, pdfium.PdfiumError) as exc:
            self.status.setText(error_text(exc))
            return False
        finally:
            QApplication.restoreOverrideCursor()
        return self._printed(tr("{count} labels were sent to the printer.", count=len(self.sheet.placed)))

    def ask_save_pdf(self) -> None:
        start = str(Path.home() / "label-pengiriman.pdf")
        path, _ = QFileDialog.getSaveFileName(self, tr("Save the labels as one PDF"), start, tr("PDF files (*.pdf)"))
        if path:
            self.save_pdf(Path(path))

    def save_pdf(self, path: Path) -> bool:
        """The whole sheet as one PDF file (to print elsewhere or from another program)."""
        if self.sheet is None or not self.sheet.pdf:
            return False
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        try:
            path.write_bytes(self.sheet.pdf)
        except OSError as exc:
            self.status.setText(error_text(exc))
            return False
        return self._printed(tr("Saved: {path}", path=str(path)))

    def _printed(self, text: str) -> bool:
        assert self.sheet is not None
        try:
            change = mark_printed(self.ctx.db, self.sheet.placed)
        except Exception as exc:  # the labels left anyway; only the mark is missing
            self.status.setText(error_text(exc))
            return True
        self.status.setText(text)
        self.ctx.announce(change)
        return True


def print_labels(parent: QWidget | None, ctx: AppContext, order_ids: Sequence[str]) -> LabelPrintDialog:
    """The entry point for the order list: opens the label dialog for the chosen orders (not modal)."""
    dialog = LabelPrintDialog(ctx, order_ids, parent)
    dialog.open()
    return dialog
