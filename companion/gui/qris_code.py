"""The QRIS code on screen: segno's module matrix painted square and sharp, as big as the widget allows.

Painted from the matrix (not a scaled picture) so every module is a whole number of pixels and a phone reads it
from a laptop screen; the amount and the merchant's name sit under it so the customer checks both.
"""

from __future__ import annotations

import segno
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from companion.domain.errors import UserError
from companion.domain.money import format_rupiah
from companion.domain.qris import read_qris

QUIET = 4  # modules of white around the code (ISO/IEC 18004 asks for four)
MIN_MODULE = 6  # pixels a module needs at least for a phone camera across a counter
CAPTION_PX = (34, 18)  # the amount, then the merchant's name, in pixels
CAPTION_HEIGHT = sum(px + 8 for px in CAPTION_PX)  # what the caption takes under the code when both lines show


class QrisCode(QWidget):
    """Shows one QRIS payload (`set_payload`), with its amount and merchant under it; empty text shows nothing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._matrix: tuple[bytearray, ...] = ()
        self._caption: tuple[str, str] = ("", "")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAutoFillBackground(False)

    def set_payload(self, text: str) -> None:
        """Draw `text` (a QRIS payload) from now on; the caption comes from its tags 54 and 59."""
        self._matrix = tuple(segno.make(text, error="m", micro=False).matrix) if text else ()
        self._caption = _caption(text) if text else ("", "")
        self.update()

    def module_pixels(self) -> int:
        """Pixels per module at the widget's present size (0 when nothing is shown)."""
        return self._layout()[0]

    def sizeHint(self) -> QSize:
        side = (len(self._matrix) + 2 * QUIET) * MIN_MODULE if self._matrix else 240
        return QSize(side, side + self._caption_height())

    def minimumSizeHint(self) -> QSize:
        return QSize(160, 160)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        if not self._matrix:
            painter.end()
            return
        unit, left, top = self._layout()
        side = (len(self._matrix) + 2 * QUIET) * unit
        painter.fillRect(QRect(left, top, side, side), QColor("white"))
        black = QColor("black")
        origin_x, origin_y = left + QUIET * unit, top + QUIET * unit
        for row, modules in enumerate(self._matrix):
            for col, dark in enumerate(modules):
                if dark:
                    painter.fillRect(origin_x + col * unit, origin_y + row * unit, unit, unit, black)
        self._paint_caption(painter, top + side)
        painter.end()

    def _layout(self) -> tuple[int, int, int]:
        """(pixels per module, left, top): whole pixels, centred, leaving room for the caption."""
        if not self._matrix:
            return 0, 0, 0
        modules = len(self._matrix) + 2 * QUIET
        room = min(self.width(), self.height() - self._caption_height())
        unit = max(1, room // modules)
        side = modules * unit
        return unit, (self.width() - side) // 2, max(0, (self.height() - self._caption_height() - side) // 2)

    def _caption_height(self) -> int:
        return sum(self._font(i).pixelSize() + 8 for i, text in enumerate(self._caption) if text)

    def _font(self, line: int) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(CAPTION_PX[line])
        font.setBold(line == 0)
        return font

    def _paint_caption(self, painter: QPainter, top: int) -> None:
        painter.setPen(QColor("#1b1b1b"))
        for line, text in enumerate(self._caption):
            if not text:
                continue
            font = self._font(line)
            painter.setFont(font)
            height = font.pixelSize() + 8
            painter.drawText(QRect(0, top, self.width(), height), Qt.AlignmentFlag.AlignCenter, text)
            top += height


def _caption(payload: str) -> tuple[str, str]:
    """("Rp15.000", merchant name) read back from the payload itself, so the words match what the phone shows."""
    try:
        facts = read_qris(payload)
    except UserError:
        return "", ""
    amount = format_rupiah(int(facts.amount)) if facts.amount.isdigit() else ""
    return amount, facts.merchant_name
