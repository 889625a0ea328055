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

from companion.domain.print_doc import Align, Barcode, Feed, Item, Logo, Pair, PrintDoc, QrCode, Rule, Text

PAGE_HEIGHT_MM = 200  # long documents continue on the next page of the roll
_QR_PX = 180


def roll_page(paper_mm: int) -> Callable[[QPrinter], None]:
    """A page setup for QPrinter as narrow as the roll."""
    def setup(printer: QPrinter) -> None:
        printer.setPageSize(QPageSize(QSizeF(paper_mm, PAGE_HEIGHT_MM), QPageSize.Unit.Millimeter))
        printer.setPageMargins(QMarginsF(3, 4, 3, 4), QPageLayout.Unit.Millimeter)
    return setup


def doc_document(doc: PrintDoc, logo: str = "") -> QTextDocument:
    """The document with its pictures attached as resources; `logo` is the logo file ("" = none shown)."""
    document = QTextDocument()
    parts: list[str] = []
    for n, item in enumerate(doc.items):
        parts.append(_html(document, item, n, logo))
    document.setHtml(_PAGE.format(body="".join(parts)))
    return document


def _html(document: QTextDocument, item: Item, n: int, logo: str) -> str:
    if isinstance(item, Text):
        body = escape(item.text).replace("\n", "<br/>")
        if item.bold or item.big:
            body = f"<b>{body}</b>"
        size = " class='big'" if item.big else ""
        return f"<p align='{_ALIGN[item.align]}'{size}>{body}</p>"
    if isinstance(item, Pair):
        left, right = escape(item.left), escape(item.right)
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
        return f"<p align='center'><img src='{name}' width='{_QR_PX}' height='{_QR_PX}'/>{caption}</p>"
    if isinstance(item, Barcode):
        return f"<p align='center'>{escape(item.data)}</p>"
    if isinstance(item, Logo) and logo and Path(logo).is_file():
        image = QImage(logo)
        if not image.isNull():
            document.addResource(QTextDocument.ResourceType.ImageResource, QUrl("logo"), image)
            width = min(image.width(), 220)
            return f"<p align='center'><img src='logo' width='{width}'/></p>"
    return ""


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
 body {{ font-family: 'DejaVu Sans Mono', 'Consolas', monospace; font-size: 9pt; }}
 p {{ margin: 0; }}
 .big {{ font-size: 13pt; }}
</style></head><body>{body}</body></html>"""
