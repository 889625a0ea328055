"""A PrintDoc as a QTextDocument: the same document the thermal printer gets, for the screen, a system printer and
PDF (a receipt, a shift report, a test page), on a page as wide as the shop's roll.

Pairs are two-cell rows (the amount right), big text is a larger bold line, rules are lines, the logo and QR codes
are pictures (QR drawn from segno's matrix), a barcode shows its digits: paper from an office printer is not scanned.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path

import segno
from PySide6.QtCore import QMarginsF, QSizeF, QUrl
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter

from companion.domain.print_doc import Align, Barcode, Feed, Item, Logo, Pair, PrintDoc, QrCode, Rule, Text, columns

PAGE_HEIGHT_MM = 200  # long documents continue on the next page of the roll
MARGIN_MM = 3
_QR_PX = 110
_POINTS_PER_MM = 72 / 25.4


def roll_page(paper_mm: int, height_mm: float = PAGE_HEIGHT_MM) -> Callable[[QPrinter], None]:
    """A page setup for QPrinter as narrow as the roll and as long as the document (one piece, as a receipt)."""
    def setup(printer: QPrinter) -> None:
        printer.setPageSize(QPageSize(QSizeF(paper_mm, height_mm), QPageSize.Unit.Millimeter))
        printer.setPageMargins(QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Unit.Millimeter)
    return setup


def doc_document(doc: PrintDoc, logo: str = "", paper_mm: int = 80, screen_pt: float = 0) -> QTextDocument:
    """The document laid out on the roll's printable width, its pictures attached as resources; `logo` is the logo
    file ("" = none shown). The page size is set, so printing keeps this layout (no page numbers added).
    `screen_pt` > 0: for reading on screen instead, in that font size, as wide as the window."""
    document = QTextDocument()
    document.setDocumentMargin(0)
    printable = (paper_mm - 2 * MARGIN_MM) * _POINTS_PER_MM
    document.setPageSize(QSizeF(printable, 5000 * _POINTS_PER_MM))  # one long page while laying out
    parts: list[str] = []
    width = int(printable)
    for n, item in enumerate(doc.items):
        parts.append(_html(document, item, n, logo, width))
    # a line of the paper's characters (32 on 58 mm, 48 on 80 mm) fills the printable width: monospace is 0.6 em
    size = screen_pt or printable / columns(paper_mm) / 0.6
    document.setHtml(_PAGE.format(body="".join(parts), size=f"{size:.2f}", big=f"{size * 1.6:.2f}"))
    if screen_pt:
        document.setDocumentMargin(12)
        return document
    document.setPageSize(QSizeF(printable, document.size().height() + 1))
    return document


def page_height_mm(document: QTextDocument) -> float:
    """The paper a laid-out document needs, margins included."""
    return document.pageSize().height() / _POINTS_PER_MM + 2 * MARGIN_MM


def _html(document: QTextDocument, item: Item, n: int, logo: str, width: int) -> str:
    """One item as HTML; pictures at most `width` (the printable width, in the document's units)."""
    if isinstance(item, Text):
        body = _spaced(item.text).replace("\n", "<br/>")
        if item.bold or item.big:
            body = f"<b>{body}</b>"
        size = " class='big'" if item.big else ""
        return f"<p align='{_ALIGN[item.align]}'{size}>{body}</p>"
    if isinstance(item, Pair):
        left, right = _spaced(item.left), escape(item.right)
        if item.bold:
            left, right = f"<b>{left}</b>", f"<b>{right}</b>"
        return (f"<table width='100%' cellspacing='0' cellpadding='0'><tr><td>{left}</td>"
                f"<td align='right'>{right}</td></tr></table>")
    if isinstance(item, Rule):
        return "<hr/>"
    if isinstance(item, Feed):
        return "<br/>" * item.lines
    if isinstance(item, QrCode):
        name = f"qr-{n}"
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), _qr_image(item.data))
        caption = f"<br/>{escape(item.caption)}" if item.caption else ""
        side = min(_QR_PX, width * 3 // 4)
        return f"<p align='center'><img src='{name}' width='{side}' height='{side}'/>{caption}</p>"
    if isinstance(item, Barcode):
        return f"<p align='center'>{escape(item.data)}</p>"
    if isinstance(item, Logo) and logo and Path(logo).is_file():
        image = QImage(logo)
        if not image.isNull():
            document.addResource(QTextDocument.ResourceType.ImageResource, QUrl("logo"), image)
            shown = min(image.width(), width)
            return f"<p align='center'><img src='logo' width='{shown}'/></p>"
    return ""


def _spaced(text: str) -> str:
    """Escaped, with leading spaces kept (an indented line under an item, as on the paper)."""
    stripped = text.lstrip(" ")
    return "&nbsp;" * (len(text) - len(stripped)) + escape(stripped)


def _qr_image(data: str) -> QImage:
    """The QR code from segno's module matrix, one pixel a module with a quiet zone (scaled by the page)."""
    matrix = segno.make(data, error="m").matrix
    quiet = 4
    size = len(matrix) + 2 * quiet
    image = QImage(size, size, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    black = QColor("black").rgb()
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                image.setPixel(x + quiet, y + quiet, black)
    return image.scaled(_QR_PX, _QR_PX)


_ALIGN = {Align.LEFT: "left", Align.CENTER: "center", Align.RIGHT: "right"}
_PAGE = """<html><head><style>
 body {{ font-family: 'DejaVu Sans Mono', 'Consolas', monospace; font-size: {size}pt; }}
 p {{ margin: 0; }}
 .big {{ font-size: {big}pt; }}
</style></head><body>{body}</body></html>"""
