"""Product barcode labels as plain records: which code a product's label carries, the bars of that code, where the
labels sit on a sheet, and the same labels as a PrintDoc for a thermal printer.

A label carries EAN-13 when the product's barcode is a valid one (13 digits, check digit right: what the
manufacturer printed, so the shop's scanner reads the same number from the label and the pack); anything else is
Code 128, from the barcode when there is one, else from the SKU. The product rules require a SKU (letters, digits,
- _ . /), so every product has a code; a row without one (made outside the app) is named, never printed blank.
The bars come from python-barcode's encoders (the standards' tables, not ours); the GUI only draws them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from barcode.codex import Code128
from barcode.ean import EAN13

from companion.domain.errors import UserError
from companion.domain.money import format_rupiah
from companion.domain.print_doc import Align, Barcode, Feed, Item, PrintDoc, Rule, Text
from companion.i18n import N_

EAN13_CODE = "EAN13"
CODE128_CODE = "CODE128"
MIN_MODULE_MM = 0.19  # the narrowest bar most counter scanners read reliably (Code 128 and EAN-13 at ~60 %)
MAX_COPIES = 500  # labels of one product in one go: more is a typo in the count


@dataclass(frozen=True)
class LabelCode:
    symbology: str  # EAN13_CODE or CODE128_CODE
    data: str  # what the bars hold (EAN-13: all 13 digits)

    @property
    def quiet_modules(self) -> tuple[int, int]:
        """Blank modules the standard asks for left and right of the bars."""
        return (11, 7) if self.symbology == EAN13_CODE else (10, 10)


@dataclass(frozen=True)
class Label:
    product_id: str
    name: str
    price: int
    code: LabelCode

    @property
    def price_text(self) -> str:
        return format_rupiah(self.price)


class NoCode(UserError):
    """A product with neither a barcode nor a SKU: nothing to put in bars."""


def ean13_check_digit(first12: str) -> int:
    """GS1's check digit: weights 1 and 3 from the left over the first twelve digits."""
    if len(first12) != 12 or not first12.isdigit():
        raise ValueError("an EAN-13 check digit needs twelve digits")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return (10 - total % 10) % 10


def is_ean13(code: str) -> bool:
    """Thirteen digits whose last is the right check digit."""
    code = code.strip()
    return len(code) == 13 and code.isdigit() and ean13_check_digit(code[:12]) == int(code[12])


def label_code(barcode: str | None, sku: str, name: str = "") -> LabelCode:
    """EAN-13 for a valid EAN-13 barcode, else Code 128 from the barcode or, without one, the SKU."""
    barcode = (barcode or "").strip()
    if barcode and is_ean13(barcode):
        return LabelCode(EAN13_CODE, barcode)
    text = barcode or sku.strip()
    if not text:
        raise NoCode(N_("\"{name}\" has no barcode and no SKU: give it a SKU in the product form first."),
                     name=name)
    if not text.isascii() or not text.isprintable():
        raise UserError(N_("The code \"{code}\" of \"{name}\" has letters a barcode cannot hold: use only "
                           "letters, digits and - _ . /"), code=text, name=name)
    return LabelCode(CODE128_CODE, text)


def product_label(product_id: str, name: str, price: int, barcode: str | None, sku: str) -> Label:
    return Label(product_id, name, price, label_code(barcode, sku, name))


def bar_modules(code: LabelCode) -> str:
    """The code as modules, "1" a bar and "0" a space, from python-barcode's encoder (quiet zones not included).
    EAN-13 is built from its first twelve digits, so its encoder works the check digit out again (the same one)."""
    if code.symbology == EAN13_CODE:
        return "".join(EAN13(code.data[:12]).build())
    return "".join(Code128(code.data).build())


def module_mm(code: LabelCode, width_mm: float) -> float:
    """The widest module that lets the code and its quiet zones fit `width_mm`."""
    left, right = code.quiet_modules
    return width_mm / (len(bar_modules(code)) + left + right)


def readable(code: LabelCode, width_mm: float) -> bool:
    """Whether the bars come out wide enough for a scanner on a label `width_mm` wide."""
    return module_mm(code, width_mm) >= MIN_MODULE_MM


THERMAL_DOTS = {58: 384, 80: 576}  # printable dots across the roll at 203 dpi
THERMAL_MODULE_DOTS = 2  # the narrowest bar a thermal printer draws cleanly (what the receipt side asks for)


def fits_thermal(code: LabelCode, paper_mm: int) -> bool:
    """Whether the printer's own barcode fits the roll: EAN-13 always; Code 128 as the printer encodes it (code set
    B, eleven modules a character, plus start, check and stop) with its quiet zones."""
    if code.symbology == EAN13_CODE:
        modules = 95 + sum(code.quiet_modules)
    else:
        modules = 11 * (len(code.data) + 2) + 13 + sum(code.quiet_modules)
    return modules * THERMAL_MODULE_DOTS <= THERMAL_DOTS.get(paper_mm, THERMAL_DOTS[58])


class SheetLayout(StrEnum):
    A4_3X8 = "a4_3x8"
    A4_4X10 = "a4_4x10"
    LABEL_50X30 = "label_50x30"  # a label printer installed as a system printer: one 50×30 mm label a page


@dataclass(frozen=True)
class SheetFormat:
    page_w: float  # mm
    page_h: float
    columns: int
    rows: int
    label_w: float
    label_h: float
    left: float  # the first label's corner on the page
    top: float

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


FORMATS = {
    SheetLayout.A4_3X8: SheetFormat(210, 297, 3, 8, 70, 37, 0, 0.5),
    SheetLayout.A4_4X10: SheetFormat(210, 297, 4, 10, 52.5, 29.7, 0, 0),
    SheetLayout.LABEL_50X30: SheetFormat(50, 30, 1, 1, 50, 30, 0, 0),
}


@dataclass(frozen=True)
class Cell:
    """Where one label goes on its page, in mm from the page's top left."""

    x: float
    y: float
    w: float
    h: float


def cells(layout: SheetLayout) -> list[Cell]:
    """The label places of one page, row by row."""
    f = FORMATS[layout]
    return [Cell(f.left + c * f.label_w, f.top + r * f.label_h, f.label_w, f.label_h)
            for r in range(f.rows) for c in range(f.columns)]


def copies(wanted: list[tuple[Label, int]]) -> list[Label]:
    """Each label as many times as asked, in order; a count below 0 or past MAX_COPIES is refused."""
    out: list[Label] = []
    for label, count in wanted:
        if count < 0 or count > MAX_COPIES:
            raise UserError(N_("The number of labels for \"{name}\" must be from 0 to {max}."), name=label.name,
                            max=MAX_COPIES)
        out.extend([label] * count)
    return out


def pages(labels: list[Label], layout: SheetLayout) -> list[list[tuple[Label, Cell]]]:
    """The labels placed page by page, filling each page row by row."""
    places = cells(layout)
    n = len(places)
    return [list(zip(labels[i:i + n], places, strict=False)) for i in range(0, len(labels), n)]


def label_doc(labels: list[Label], title: str = "") -> PrintDoc:
    """The labels for a thermal printer: per label the name, the barcode (the printer draws it, digits below) and
    the price, a dashed line to cut along between them, one cut at the end."""
    items: list[Item] = []
    for n, label in enumerate(labels):
        if n:
            items += [Rule("- "), Feed(1)]
        items += [Text(label.name, Align.CENTER, bold=True),
                  Barcode(label.code.data, label.code.symbology),
                  Text(label.price_text, Align.CENTER, bold=True, big=True), Feed(1)]
    return PrintDoc(tuple(items), cut=True, open_drawer=False, title=title)
