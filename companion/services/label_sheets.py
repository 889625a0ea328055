"""The shipping labels of many orders as ONE PDF, to print in one sitting: a thermal label printer (100×150 mm or
A6, one label a page) or plain A4 paper with four labels a page.

The platforms' own label PDFs (kept with each order by services/shipping_labels.py) are placed page by page, scaled
to fit their place with the aspect kept, turned a quarter when that makes them bigger, never cropped and never
re-drawn (the barcode stays the platform's). An order whose label is not here, or cannot be read, is named with one
sentence instead of being left out silently. Qt-free: the GUI prints the result (gui/label_printing.py).
"""

from __future__ import annotations

import ctypes
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from companion.i18n import N_, tr
from companion.store import label_files
from companion.store import online_orders as order_store
from companion.store.database import Database

MM = 72 / 25.4  # PDF points in a millimetre
GUIDE_GREY, GUIDE_WIDTH, GUIDE_DASH = 160, 0.5, (4.0, 3.0)  # thin dashed cut lines between an A4 page's labels

NO_LABEL = N_("Order {number} has no shipping label yet: arrange the shipment first, or wait a moment and sync "
              "again (the platform makes labels a little later).")
FILE_GONE = N_("The label of order {number} is missing from this computer: press Sync now to fetch it again.")
UNREADABLE = N_("The label of order {number} cannot be read: press Sync now to fetch it again.")


class SheetLayout(StrEnum):
    """The paper the labels go on."""

    THERMAL = "thermal_100x150"   # the common thermal label roll
    A6 = "a6"                     # A6 label printers and A6 paper
    A4 = "a4_four"                # an office printer: four labels per A4 sheet, to cut


@dataclass(frozen=True)
class PageFormat:
    width: float                  # points
    height: float
    columns: int = 1
    rows: int = 1
    margin: float = 0.0           # around the page's places
    gap: float = 0.0              # between places (room to cut)

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


FORMATS = {
    SheetLayout.THERMAL: PageFormat(100 * MM, 150 * MM),
    SheetLayout.A6: PageFormat(105 * MM, 148 * MM),
    SheetLayout.A4: PageFormat(210 * MM, 297 * MM, columns=2, rows=2, margin=8 * MM, gap=6 * MM),
}


@dataclass(frozen=True)
class LabelSource:
    """One order's stored label file (None: the platform has not given one yet)."""

    order_id: str
    number: str                   # the platform's order number, as the packer knows it
    path: Path | None


@dataclass(frozen=True)
class Unprinted:
    """An order whose label is not on the sheet, and why (a msgid taking {number})."""

    order_id: str
    number: str
    problem: str

    def text(self) -> str:
        return tr(self.problem, number=self.number)


@dataclass(frozen=True)
class LabelSheet:
    pdf: bytes                    # b"" when no label could be placed
    pages: int
    labels: int                   # label pages placed (a platform may give more than one page per order)
    placed: tuple[str, ...]       # order ids on the sheet
    unprinted: tuple[Unprinted, ...]
    layout: SheetLayout


Matrix = tuple[float, float, float, float, float, float]  # PDF (a, b, c, d, e, f)


def _times(first: Matrix, then: Matrix) -> Matrix:
    """`first` applied, then `then` (row-vector convention, as PDF's cm operator)."""
    a, b, c, d, e, f = first
    A, B, C, D, E, F = then
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _turn(quarters: int, width: float, height: float) -> Matrix:
    """Turn a width×height box at the origin clockwise by quarter turns, landing back at the origin."""
    return [(1, 0, 0, 1, 0, 0), (0, -1, 1, 0, 0, width), (-1, 0, 0, -1, width, height),
            (0, 1, -1, 0, height, 0)][quarters % 4]


def _places(fmt: PageFormat) -> list[tuple[float, float, float, float]]:
    """(x, y, width, height) of each place on a page, left to right from the top row."""
    w = (fmt.width - 2 * fmt.margin - (fmt.columns - 1) * fmt.gap) / fmt.columns
    h = (fmt.height - 2 * fmt.margin - (fmt.rows - 1) * fmt.gap) / fmt.rows
    return [(fmt.margin + col * (w + fmt.gap), fmt.height - fmt.margin - (row + 1) * h - row * fmt.gap, w, h)
            for row in range(fmt.rows) for col in range(fmt.columns)]


def fit(width: float, height: float, rotation: int, place: tuple[float, float, float, float]) -> Matrix:
    """Where a page of width×height points (its own /Rotate in degrees) goes in `place`: as big as fits, aspect
    kept, centred; a quarter turn more when the label then comes out bigger (a landscape label on a roll)."""
    x, y, pw, ph = place
    quarters = (rotation // 90) % 4
    best: tuple[float, int] | None = None
    for extra in (0, 1):
        turns = quarters + extra
        w, h = (height, width) if turns % 2 else (width, height)
        scale = min(pw / w, ph / h)
        if best is None or scale > best[0] * 1.0001:
            best = (scale, turns)
    assert best is not None
    scale, turns = best
    w, h = (height, width) if turns % 2 else (width, height)
    dx, dy = x + (pw - w * scale) / 2, y + (ph - h * scale) / 2
    return _times(_turn(turns, width, height), (scale, 0, 0, scale, dx, dy))


def _open(source: LabelSource) -> pdfium.PdfDocument | str:
    """The label's PDF, or the msgid saying why it cannot be placed."""
    if source.path is None:
        return NO_LABEL
    try:
        data = source.path.read_bytes()
    except OSError:
        return FILE_GONE
    try:
        doc = pdfium.PdfDocument(data)
    except (pdfium.PdfiumError, ValueError):
        return UNREADABLE
    if len(doc) == 0:
        doc.close()
        return UNREADABLE
    return doc


class _Sheet:
    """The output document, filled place by place."""

    def __init__(self, layout: SheetLayout) -> None:
        self.fmt = FORMATS[layout]
        self.places = _places(self.fmt)
        self.doc = pdfium.PdfDocument.new()
        self.page: pdfium.PdfPage | None = None
        self.used = 0

    def add(self, source: pdfium.PdfDocument, index: int) -> None:
        page = source[index]
        left, bottom, right, top = page.get_mediabox()
        rotation = page.get_rotation()
        page.close()
        where = self.used % self.fmt.per_page
        if where == 0:
            self._finish_page()
            self.page = self.doc.new_page(self.fmt.width, self.fmt.height)
            self._cut_guides()
        assert self.page is not None
        label = source.page_as_xobject(index, self.doc)
        shape = label.as_pageobject()
        to_origin: Matrix = (1, 0, 0, 1, -left, -bottom)
        shape.transform(pdfium.PdfMatrix(*_times(to_origin, fit(right - left, top - bottom, rotation,
                                                                 self.places[where]))))
        self.page.insert_obj(shape)
        label.close()
        self.used += 1

    def _cut_guides(self) -> None:
        """Dashed lines through the gaps between places, to cut along (pages with more than one place)."""
        fmt, page = self.fmt, self.page
        assert page is not None
        lines = [((fmt.margin + c * (self.places[0][2] + fmt.gap) - fmt.gap / 2, fmt.margin),
                  (fmt.margin + c * (self.places[0][2] + fmt.gap) - fmt.gap / 2, fmt.height - fmt.margin))
                 for c in range(1, fmt.columns)]
        lines += [((fmt.margin, fmt.height - fmt.margin - r * (self.places[0][3] + fmt.gap) + fmt.gap / 2),
                   (fmt.width - fmt.margin, fmt.height - fmt.margin - r * (self.places[0][3] + fmt.gap) + fmt.gap / 2))
                  for r in range(1, fmt.rows)]
        for (x0, y0), (x1, y1) in lines:
            raw = pdfium_c.FPDFPageObj_CreateNewPath(x0, y0)
            pdfium_c.FPDFPath_LineTo(raw, x1, y1)
            pdfium_c.FPDFPageObj_SetStrokeColor(raw, GUIDE_GREY, GUIDE_GREY, GUIDE_GREY, 255)
            pdfium_c.FPDFPageObj_SetStrokeWidth(raw, GUIDE_WIDTH)
            pdfium_c.FPDFPageObj_SetDashArray(raw, (ctypes.c_float * 2)(*GUIDE_DASH), 2, 0)
            pdfium_c.FPDFPath_SetDrawMode(raw, pdfium_c.FPDF_FILLMODE_NONE, True)
            page.insert_obj(pdfium.PdfObject(raw))

    def _finish_page(self) -> None:
        if self.page is not None:
            self.page.gen_content()
            self.page.close()
            self.page = None

    def pdf(self) -> tuple[bytes, int]:
        self._finish_page()
        pages = len(self.doc)
        if not pages:
            self.doc.close()
            return b"", 0
        out = io.BytesIO()
        self.doc.save(out)
        self.doc.close()
        return out.getvalue(), pages


def compose(sources: Sequence[LabelSource], layout: SheetLayout) -> LabelSheet:
    """Every readable label of `sources`, in their order, on one PDF of `layout` pages."""
    sheet = _Sheet(layout)
    opened: list[pdfium.PdfDocument] = []
    placed: list[str] = []
    unprinted: list[Unprinted] = []
    try:
        for source in sources:
            doc = _open(source)
            if isinstance(doc, str):
                unprinted.append(Unprinted(source.order_id, source.number, doc))
                continue
            opened.append(doc)
            for index in range(len(doc)):
                sheet.add(doc, index)
            placed.append(source.order_id)
        pdf, pages = sheet.pdf()
    finally:
        for doc in opened:
            doc.close()
    return LabelSheet(pdf, pages, sheet.used, tuple(placed), tuple(unprinted), layout)


def label_path(db: Database, order_id: str) -> Path | None:
    """Where the order's stored label file is (None: no label fetched yet)."""
    row = label_files.get(db, order_id)
    return label_files.folder(db) / row.file_name if row else None


def label_sources(db: Database, order_ids: Iterable[str]) -> list[LabelSource]:
    """The chosen orders' label files, in the order chosen (an order no longer stored is left out)."""
    sources = []
    for order_id in dict.fromkeys(order_ids):
        order = order_store.get(db, order_id)
        if order is not None:
            sources.append(LabelSource(order_id, order.platform_order_id, label_path(db, order_id)))
    return sources


def label_sheet(db: Database, order_ids: Iterable[str], layout: SheetLayout) -> LabelSheet:
    """The chosen orders' labels on one PDF (reads only: services.shipping_labels.mark_printed marks them)."""
    return compose(label_sources(db, order_ids), layout)
