"""The practice marketplace's shipping labels: a real one-page 100×150 mm PDF (the thermal label size) with the
courier, the tracking number as a Code 128 barcode, the order number, the buyer and the items, written by hand so
the practice part needs no PDF library. Text is Helvetica (a standard PDF font, nothing embedded); the barcode is
filled rectangles, so any PDF reader (and pypdfium2, which the app prints with) shows and prints it."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

from companion.practice.code128 import bars

MM = 72 / 25.4
WIDTH, HEIGHT = 100 * MM, 150 * MM
MARGIN = 5 * MM
BARCODE_HEIGHT = 22 * MM
MAX_ITEM_LINES = 9


@dataclass(frozen=True)
class Label:
    """What a label shows."""

    courier: str
    tracking: str
    order_ref: str
    buyer: str
    city: str
    address: str = ""
    sender: str = "Toko Latihan"
    service: str = ""            # how it goes: "Pickup 08-12 09:00-12:00", "Drop-off: <branch>", …
    items: tuple[tuple[str, int], ...] = field(default=())  # (name with variant, quantity)


def label_pdf(label: Label) -> bytes:
    """The label as PDF bytes: one 100×150 mm page."""
    return _document(_content(label))


def _content(label: Label) -> bytes:
    """The page's drawing commands, top to bottom."""
    top = HEIGHT - MARGIN
    ops: list[str] = []
    ops += _text(MARGIN, top - 16, 16, label.courier, bold=True)
    service = label.service[:28]
    ops += _text(WIDTH - MARGIN - 0.56 * 9 * len(service), top - 14, 9, service)  # about right-aligned
    ops.append(_rule(top - 24))
    ops += _barcode(label.tracking, top - 30 - BARCODE_HEIGHT)
    ops += _text(MARGIN, top - 44 - BARCODE_HEIGHT, 12, label.tracking, bold=True)
    ops.append(_rule(top - 52 - BARCODE_HEIGHT))
    y = top - 66 - BARCODE_HEIGHT
    for size, bold, words in ((10, True, f"No. Pesanan: {label.order_ref}"),
                              (10, True, f"Penerima: {label.buyer}"), (9, False, label.address),
                              (10, False, label.city), (9, False, f"Pengirim: {label.sender}")):
        if words:
            ops += _text(MARGIN, y, size, words, bold=bold)
            y -= size + 5
    ops.append(_rule(y + 4))
    y -= 10
    ops += _text(MARGIN, y, 9, "Isi paket:", bold=True)
    for line in _item_lines(label.items):
        y -= 12
        ops += _text(MARGIN, y, 9, line)
    return "\n".join(ops).encode("cp1252", errors="replace")


def _item_lines(items: tuple[tuple[str, int], ...]) -> list[str]:
    lines = [f"{qty} x {name}"[:60] for name, qty in items[:MAX_ITEM_LINES]]
    if len(items) > MAX_ITEM_LINES:
        lines.append(f"... dan {len(items) - MAX_ITEM_LINES} lagi")
    return lines


def _text(x: float, y: float, size: float, words: str, *, bold: bool = False) -> list[str]:
    if not words:
        return []
    return ["BT", f"/{'F2' if bold else 'F1'} {size} Tf", f"{x:.2f} {y:.2f} Td", f"({_escape(words)}) Tj", "ET"]


def _escape(words: str) -> str:
    """A PDF string literal's body; characters Helvetica's encoding lacks become '?'."""
    safe = words.encode("cp1252", errors="replace").decode("cp1252")
    return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").replace("\r", " ").replace("\n", " ")


def _rule(y: float) -> str:
    return f"0.8 w {MARGIN:.2f} {y:.2f} m {WIDTH - MARGIN:.2f} {y:.2f} l S"


def _barcode(tracking: str, y: float) -> list[str]:
    """The tracking number's Code 128 bars as filled rectangles across the label's width."""
    found, modules = bars(tracking)
    module = (WIDTH - 2 * MARGIN) / modules
    return ["0 g", *(f"{MARGIN + x * module:.3f} {y:.2f} {w * module:.3f} {BARCODE_HEIGHT:.2f} re f"
                     for x, w in found)]


def _document(content: bytes) -> bytes:
    """A minimal PDF 1.4 file around one page's content, with a correct cross-reference table."""
    stream = zlib.compress(content)
    font = "<< /Type /Font /Subtype /Type1 /BaseFont /{} /Encoding /WinAnsiEncoding >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {WIDTH:.2f} {HEIGHT:.2f}] "
         "/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>").encode(),
        font.format("Helvetica").encode(),
        font.format("Helvetica-Bold").encode(),
        f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode() + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{at:010d} 00000 n \n".encode() for at in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
