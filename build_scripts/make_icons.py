"""Draws the app icon (a white shop bag with "SC" on the app's green) and writes resources/icons/.

Run once when the design changes and commit the output:

    QT_QPA_PLATFORM=offscreen .venv/bin/python build_scripts/make_icons.py

PNGs come from QPainter; the Windows .ico and macOS .icns are written here by hand around those PNGs
(both formats accept PNG entries), so no image library is needed at build time.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter, QPainterPath, QPen

GREEN = QColor("#1b7a43")  # the app's primary colour (companion/gui/style.py)
ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512),
              (b"ic10", 1024))


def draw(size: int) -> QImage:
    """One square icon; drawn on a 100-unit grid so every size has the same shapes."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 100, size / 100)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(GREEN)
    p.drawRoundedRect(QRectF(4, 4, 92, 92), 20, 20)
    handle = QPen(QColor("white"), 6.5)
    handle.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(handle)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawArc(QRectF(35, 17, 30, 30), 0, 180 * 16)  # the bag's handle
    bag = QPainterPath(QPointF(22, 34))
    for x, y in ((78, 34), (84, 86), (16, 86)):
        bag.lineTo(x, y)
    bag.closeSubpath()
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("white"))
    p.drawPath(bag)
    font = QFont("DejaVu Sans")
    font.setBold(True)
    font.setPixelSize(30)
    p.setFont(font)
    p.setPen(GREEN)
    p.drawText(QRectF(16, 40, 68, 44), Qt.AlignmentFlag.AlignCenter, "SC")
    p.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico: ICONDIR, one ICONDIRENTRY per size, then each PNG (width/height 0 means 256)."""
    sizes = [s for s in ICO_SIZES if s in pngs]
    offset = 6 + 16 * len(sizes)
    head = struct.pack("<HHH", 0, 1, len(sizes))
    entries, blobs = b"", b""
    for s in sizes:
        blob = pngs[s]
        entries += struct.pack("<BBBBHHII", s % 256, s % 256, 0, 0, 1, 32, len(blob), offset + len(blobs))
        blobs += blob
    return head + entries + blobs


def icns(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns: 'icns' + total length, then (type, length incl. 8-byte header, PNG) per size."""
    body = b"".join(kind + struct.pack(">I", 8 + len(pngs[s])) + pngs[s] for kind, s in ICNS_TYPES if s in pngs)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    ICONS.mkdir(parents=True, exist_ok=True)
    pngs = {s: png_bytes(draw(s)) for s in PNG_SIZES}
    for s, blob in pngs.items():
        (ICONS / f"companion-{s}.png").write_bytes(blob)
    (ICONS / "companion.ico").write_bytes(ico(pngs))
    (ICONS / "companion.icns").write_bytes(icns(pngs))
    print(f"wrote {len(pngs) + 2} files to {ICONS}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
