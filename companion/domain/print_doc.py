"""A printable document (receipt, shift report, kasbon note, test page) as plain records, no I/O.

The same document goes to a thermal printer as ESC/POS, to the system printer, to a PDF and into a WhatsApp text,
so every maker (receipts, shift reports) builds one of these and never talks to a printer. Widths are in
characters of the printer's normal font: 32 on 58 mm paper, 48 on 80 mm.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

COLUMNS = {58: 32, 80: 48}  # paper width in mm → characters per line (font A, 12×24 dots)


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True)
class Text:
    text: str
    align: Align = Align.LEFT
    bold: bool = False
    big: bool = False  # double width and height (the total, the shop's name)


@dataclass(frozen=True)
class Pair:
    """A label on the left and an amount on the right of one line (wrapped when both do not fit)."""

    left: str
    right: str
    bold: bool = False


@dataclass(frozen=True)
class Rule:
    char: str = "-"


@dataclass(frozen=True)
class Feed:
    lines: int = 1


@dataclass(frozen=True)
class QrCode:
    data: str
    caption: str = ""


@dataclass(frozen=True)
class Barcode:
    data: str
    symbology: str = "CODE128"  # or "EAN13"


@dataclass(frozen=True)
class Logo:
    """The shop's logo picture, where the printer side finds it (it reads the file; this layer does not)."""


Item = Text | Pair | Rule | Feed | QrCode | Barcode | Logo


@dataclass(frozen=True)
class PrintDoc:
    items: tuple[Item, ...]
    cut: bool = True  # cut the paper at the end when the printer has a cutter and the shop wants it
    open_drawer: bool = False  # kick the cash drawer (a cash payment)
    title: str = ""  # what the document is, for the print queue and the PDF's file name


def columns(paper_mm: int) -> int:
    """Characters per line for a paper width; unknown widths take the narrow paper's 32."""
    return COLUMNS.get(paper_mm, COLUMNS[58])


def plain_lines(doc: PrintDoc, width: int) -> list[str]:
    """The document as lines of text `width` characters wide (what the paper shows, without styles or pictures).

    Used for WhatsApp receipts, the PDF and by tests that read back what a printer received."""
    out: list[str] = []
    for item in doc.items:
        if isinstance(item, Text):
            out.extend(_aligned(chunk, width // 2 if item.big else width, item.align)
                       for chunk in _wrap(item.text, width // 2 if item.big else width))
        elif isinstance(item, Pair):
            out.extend(_pair(item.left, item.right, width))
        elif isinstance(item, Rule):
            out.append((item.char * width)[:width])
        elif isinstance(item, Feed):
            out.extend([""] * item.lines)
        elif isinstance(item, QrCode) and item.caption:
            out.extend(_aligned(chunk, width, Align.CENTER) for chunk in _wrap(item.caption, width))
        elif isinstance(item, Barcode):
            out.append(_aligned(item.data, width, Align.CENTER))
    return out


def _wrap(text: str, width: int) -> list[str]:
    """Words onto lines of at most `width` characters; a word longer than a line is cut."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            while len(word) > width:
                if line:
                    lines.append(line)
                    line = ""
                lines.append(word[:width])
                word = word[width:]
            if not line:
                line = word
            elif len(line) + 1 + len(word) <= width:
                line += " " + word
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def _aligned(text: str, width: int, align: Align) -> str:
    if align is Align.CENTER:
        return text.center(width).rstrip()
    if align is Align.RIGHT:
        return text.rjust(width)
    return text


def _pair(left: str, right: str, width: int) -> list[str]:
    if len(left) + 1 + len(right) <= width:
        return [left + " " * (width - len(left) - len(right)) + right]
    lines = _wrap(left, width)
    if len(lines[-1]) + 1 + len(right) <= width:
        last = lines.pop()
        return [*lines, last + " " * (width - len(last) - len(right)) + right]
    return [*lines, right.rjust(width)]
