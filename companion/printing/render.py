"""A PrintDoc as ESC/POS bytes for one printer's paper, made by python-escpos on its Dummy printer.

The bytes are made first and sent whole afterwards, so a document that cannot be laid out never half-prints, and
every connection (serial, network, USB, spooler, file) sends the same bytes. Text is laid out here (wrapped,
label/amount pairs padded) with the same rules as domain.print_doc.plain_lines, so the paper shows what the PDF and
WhatsApp receipts show; headings are aligned by the printer (ESC a) and big text is double width and height.
"""

from __future__ import annotations

import contextlib
import copy
import io
from pathlib import Path

from PIL import Image

from companion.domain.print_doc import (
    Align,
    Barcode,
    Feed,
    Item,
    Logo,
    Pair,
    PrintDoc,
    QrCode,
    Rule,
    Text,
    columns,
    plain_lines,
)
from companion.printing import escpos_loading  # noqa: F401  (before escpos: keeps its import harmless)
from companion.printing.config import PrinterConfig
from companion.printing.plain_text import ascii_text

from escpos.capabilities import get_profile  # isort: skip
from escpos.printer import Dummy  # isort: skip

INIT = b"\x1b@"  # ESC @: forget the last job's styles
QR_DOT = {58: 5, 80: 7}  # dots per QR module: a QRIS payload (~version 7) stays inside the paper


def render(doc: PrintDoc, config: PrinterConfig) -> bytes:
    """The document as the bytes to send; the drawer kick comes first (the change is given while it prints)."""
    printer = Dummy()
    printer.profile = _profile(config)
    printer._raw(INIT)
    if doc.open_drawer and config.drawer:
        printer.cashdraw(2)
    width = columns(config.paper_mm)
    with contextlib.redirect_stdout(io.StringIO()):  # escpos prints chatter ("Using hardware barcode renderer")
        for item in doc.items:
            _put(printer, item, width, config)
    printer.set(align="left", bold=False, normal_textsize=True)
    if doc.cut and config.cut:
        printer.cut()
    else:
        printer.ln(4)  # past the tear bar
    return printer.output


def _profile(config: PrinterConfig) -> object:
    """escpos's generic profile told this paper's dots and columns (its own lists name brands, not widths)."""
    profile = get_profile("default")
    data = copy.deepcopy(profile.profile_data)
    data["media"]["width"] = {"mm": config.paper_mm, "pixels": config.dots}
    data["fonts"]["0"]["columns"] = columns(config.paper_mm)
    profile.profile_data = data
    return profile


def _put(printer: Dummy, item: Item, width: int, config: PrinterConfig) -> None:
    if isinstance(item, Text):
        _text(printer, item, width)
    elif isinstance(item, (Pair, Rule, Feed)):
        printer.set(align="left", bold=isinstance(item, Pair) and item.bold)
        for line in plain_lines(PrintDoc((item,)), width):
            printer.textln(ascii_text(line))
        printer.set(bold=False)
    elif isinstance(item, QrCode):
        printer.set(align="center")
        printer.qr(ascii_text(item.data), native=True, size=QR_DOT.get(config.paper_mm, 5))
        if item.caption:
            _text(printer, Text(item.caption, Align.CENTER), width)
    elif isinstance(item, Barcode):
        _barcode(printer, item)
    elif isinstance(item, Logo):
        _logo(printer, config)


def _text(printer: Dummy, item: Text, width: int) -> None:
    left = Text(item.text, Align.LEFT, item.bold, item.big)
    printer.set(align=item.align.value, bold=item.bold, double_width=item.big, double_height=item.big,
                normal_textsize=not item.big)
    for line in plain_lines(PrintDoc((left,)), width):
        printer.textln(ascii_text(line))
    printer.set(bold=False, normal_textsize=True)


def _barcode(printer: Dummy, item: Barcode) -> None:
    data = ascii_text(item.data)
    if item.symbology.upper() == "EAN13":
        printer.barcode(data, "EAN13", height=80, width=2, pos="BELOW", align_ct=True)
    else:
        printer.barcode("{B" + data, "CODE128", height=80, width=2, pos="BELOW", align_ct=True, function_type="B")
    printer.set(align="left")


def _logo(printer: Dummy, config: PrinterConfig) -> None:
    """The shop's logo scaled to at most the paper's width (and a third of it high); no logo file, no logo."""
    picture = logo_picture(config)
    if picture is not None:
        printer.image(picture, center=True)
        printer.set(align="left")


def logo_picture(config: PrinterConfig) -> Image.Image | None:
    """The logo in black and white at the printer's size, or None when there is none or it cannot be read."""
    if not config.logo:
        return None
    try:
        with Image.open(Path(config.logo)) as img:
            img.load()
            picture = _flatten(img)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    picture.thumbnail((config.dots, config.dots // 2))
    return picture.convert("1")


def _flatten(img: Image.Image) -> Image.Image:
    """Transparent parts become white paper, not black ink."""
    rgba = img.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, rgba).convert("L")
