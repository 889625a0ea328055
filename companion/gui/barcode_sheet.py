"""Product barcode labels drawn with Qt: on an A4 sheet (3×8 or 4×10), or one label a page for a label printer
installed as a system printer; saved as a PDF or painted on a QPrinter.

The bars are the encoder's modules (domain/barcode_labels.py) drawn as filled rectangles in device pixels, each
module the same whole number of device dots where the resolution allows (a thermal label printer at 203 dpi has
8 dots a millimetre: uneven bars would misread), so the PDF stays sharp at any zoom and a printer gets exact bars.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)

from companion.domain.barcode_labels import (
    FORMATS,
    Cell,
    Label,
    SheetLayout,
    bar_modules,
    cells,
    pages,
)
from companion.domain.errors import UserError
from companion.i18n import N_

PDF_DPI = 600
PAD_MM = 3.0  # blank edge inside each label: sheets are cut edge to edge and printers miss the very edge
PRINTER_FAILED = N_("The printer could not start printing: check it is switched on and chosen, then try again.")


def page_size(layout: SheetLayout) -> QPageSize:
    f = FORMATS[layout]
    if layout is not SheetLayout.LABEL_50X30:
        return QPageSize(QPageSize.PageSizeId.A4)
    return QPageSize(QSizeF(f.page_w, f.page_h), QPageSize.Unit.Millimeter, "50 × 30 mm")


def setup_device(device: QPagedPaintDevice, layout: SheetLayout) -> None:
    """The layout's paper, upright, margins none (labels keep their own blank edge)."""
    device.setPageSize(page_size(layout))
    device.setPageOrientation(QPageLayout.Orientation.Portrait)
    device.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)


def pdf_bytes(labels: list[Label], layout: SheetLayout) -> bytes:
    """The labels on as many pages as they need, as a PDF."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_DPI)
    writer.setTitle("Label barcode")
    setup_device(writer, layout)
    paint(writer, labels, layout, float(PDF_DPI))
    del writer  # the writer finishes the file when it goes
    return bytes(buffer.data().data())


def write_pdf(path: Path, labels: list[Label], layout: SheetLayout) -> Path:
    """The PDF written to `path` (an OSError when the folder refuses it)."""
    Path(path).write_bytes(pdf_bytes(labels, layout))
    return path


def paint(device: QPagedPaintDevice, labels: list[Label], layout: SheetLayout, dpi: float,
          origin: tuple[float, float] = (0.0, 0.0)) -> int:
    """Paint every page of labels on `device` (set up already); `origin` is where the paper's corner is in the
    device's pixels (a printer's printable area starts inside the paper). Returns the pages painted."""
    placed = pages(labels, layout)
    painter = QPainter()
    if not painter.begin(device):
        raise UserError(PRINTER_FAILED)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        for index, page in enumerate(placed):
            if index and not device.newPage():
                raise UserError(PRINTER_FAILED)
            paint_page(painter, page, dpi, origin)
        return len(placed)
    finally:
        painter.end()


def paint_page(painter: QPainter, page: list[tuple[Label, Cell]], dpi: float,
               origin: tuple[float, float] = (0.0, 0.0)) -> None:
    """One page's labels on any paint device (a printer's page, a PDF's, the dialog's preview picture)."""
    for label, cell in page:
        paint_label(painter, label, _pixels(cell, dpi, origin), dpi)


def preview(labels: list[Label], layout: SheetLayout, height: int) -> QImage:
    """The first page as a picture `height` pixels tall, on white (the dialog's preview, the screenshots)."""
    f = FORMATS[layout]
    dpi = height / (f.page_h / 25.4)
    image = QImage(max(1, round(f.page_w / 25.4 * dpi)), height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    placed = pages(labels, layout)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        if placed:
            paint_page(painter, placed[0], dpi)
        painter.setPen(QColor("#c8c8c8"))  # the label edges, on screen only
        for cell in cells(layout):
            painter.drawRect(_pixels(cell, dpi, (0.0, 0.0)).adjusted(0, 0, -1, -1))
    finally:
        painter.end()
    return image


def _pixels(cell: Cell, dpi: float, origin: tuple[float, float]) -> QRectF:
    k = dpi / 25.4
    return QRectF(origin[0] + cell.x * k, origin[1] + cell.y * k, cell.w * k, cell.h * k)


def paint_label(painter: QPainter, label: Label, box: QRectF, dpi: float) -> None:
    """One label: the name (bold, cut with … when long), the bars, the code's digits and the price."""
    k = dpi / 25.4
    inner = box.adjusted(PAD_MM * k, PAD_MM * 0.7 * k, -PAD_MM * k, -PAD_MM * 0.7 * k)
    name_h, code_h, price_h = inner.height() * 0.15, inner.height() * 0.12, inner.height() * 0.2
    painter.setPen(QColor("black"))
    name_box = QRectF(inner.left(), inner.top(), inner.width(), name_h)
    _text(painter, label.name, name_box, bold=True, elide=True)
    bars_box = QRectF(inner.left(), name_box.bottom() + 0.05 * name_h, inner.width(),
                      inner.height() - name_h - code_h - price_h - 0.1 * name_h)
    paint_bars(painter, label, bars_box)
    code_box = QRectF(inner.left(), bars_box.bottom(), inner.width(), code_h)
    _text(painter, label.code.data, code_box, bold=False, elide=True)
    price_box = QRectF(inner.left(), code_box.bottom(), inner.width(), price_h)
    _text(painter, label.price_text, price_box, bold=True, elide=False)


def paint_bars(painter: QPainter, label: Label, box: QRectF) -> None:
    """The modules as black rectangles, centred, each a whole number of device pixels when one or more fit."""
    modules = bar_modules(label.code)
    left, right = label.code.quiet_modules
    width = box.width() / (len(modules) + left + right)
    if width >= 1:
        width = float(int(width))
    start = box.left() + (box.width() - width * (len(modules) + left + right)) / 2 + left * width  # quiet zones
    if width >= 1:
        start = float(round(start))
    run = 0
    for i, bit in enumerate(modules + "0"):
        if bit == "1":
            run += 1
            continue
        if run:
            painter.fillRect(QRectF(start + (i - run) * width, box.top(), run * width, box.height()),
                             QColor("black"))
            run = 0


def _text(painter: QPainter, text: str, box: QRectF, bold: bool, elide: bool) -> None:
    font = QFont()
    font.setBold(bold)
    font.setPixelSize(max(1, int(box.height() * 0.82)))
    metrics = QFontMetricsF(font, painter.device())
    shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, box.width()) if elide else text
    while not elide and metrics.horizontalAdvance(shown) > box.width() and font.pixelSize() > 4:
        font.setPixelSize(font.pixelSize() - 1)  # the price always whole: smaller rather than cut
        metrics = QFontMetricsF(font, painter.device())
    painter.setFont(font)
    painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), shown)
