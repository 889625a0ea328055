"""The export guide's pictures: a schematic seller-centre screen drawn with QPainter from the channel's own words
(its ExportGuide), the step's word circled. Drawn by us, never a copied screenshot, so nothing goes stale in a
resource file and every channel gets pictures from its spec alone."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

from companion.connectors.spec import ExportGuide, ExportStep

SIZE = (500, 270)
MARK = QColor("#f59e0b")  # the circle around what to click
INK, FAINT, LINE = QColor("#333333"), QColor("#e6e9ec"), QColor("#c9d6ce")
MENU_WIDTH = 150
TOP = 86  # title bar + address bar + the seller centre's header strip


def draw_step(guide: ExportGuide, step: ExportStep, color: str, title: str, ratio: float = 1.0) -> QPixmap:
    """The step's picture as a pixmap of SIZE logical pixels (sharp at the screen's `ratio`)."""
    width, height = SIZE
    pixmap = QPixmap(int(width * ratio), int(height * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    target = _frame(painter, guide, step, QColor(color), title)
    target = _menu(painter, guide, step) or target
    target = _list(painter, guide, step) or target
    if target is not None:
        _circle(painter, target)
    painter.end()
    return pixmap


def _font(size: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(size)
    font.setBold(bold)
    return font


def _frame(painter: QPainter, guide: ExportGuide, step: ExportStep, color: QColor, title: str) -> QRectF | None:
    """The browser window, its address bar and the seller centre's coloured header; the address when pointed at."""
    width, height = SIZE
    painter.setPen(QPen(LINE, 2))
    painter.setBrush(QColor("#ffffff"))
    painter.drawRoundedRect(QRectF(1, 1, width - 2, height - 2), 8, 8)
    painter.setPen(Qt.PenStyle.NoPen)
    for n, dot in enumerate(("#ef4444", "#f59e0b", "#22c55e")):
        painter.setBrush(QColor(dot))
        painter.drawEllipse(QPointF(16 + n * 16, 15), 5, 5)
    address = QRectF(70, 6, width - 90, 20)
    painter.setBrush(FAINT)
    painter.drawRoundedRect(address, 10, 10)
    painter.setPen(INK)
    painter.setFont(_font(12))
    painter.drawText(address.adjusted(12, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, guide.address)
    header = QRectF(2, 32, width - 4, 30)
    painter.fillRect(header, color)
    painter.setPen(QColor("#ffffff"))
    painter.setFont(_font(14, bold=True))
    painter.drawText(header.adjusted(14, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, title)
    return address if step.place == "address" else None


def _menu(painter: QPainter, guide: ExportGuide, step: ExportStep) -> QRectF | None:
    """The left menu: each word on its own line, the step's word shaded when it is a menu word."""
    height = SIZE[1]
    painter.fillRect(QRectF(2, TOP - 22, MENU_WIDTH, height - TOP + 20), QColor("#f6f7f8"))
    found = None
    for n, word in enumerate(guide.menu):
        row = QRectF(10, TOP - 16 + n * 26, MENU_WIDTH - 16, 22)
        if row.bottom() > height - 6:
            break
        pointed = step.place == "menu" and word == step.point_at
        if pointed:
            painter.fillRect(row, QColor("#fff4dc"))
            found = row
        painter.setPen(INK)
        painter.setFont(_font(12, bold=pointed))
        painter.drawText(row.adjusted(8, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, word)
    return found


def _list(painter: QPainter, guide: ExportGuide, step: ExportStep) -> QRectF | None:
    """The order list (grey rows), its buttons above it, and the file-ready panel of the download step."""
    width = SIZE[0]
    left = MENU_WIDTH + 18
    found = None
    x = float(width - 16)
    for word in reversed(guide.buttons):
        painter.setFont(_font(12, bold=True))
        box = QRectF(0, TOP - 14, painter.fontMetrics().horizontalAdvance(word) + 28, 26)
        x -= box.width()
        box.moveLeft(x)
        x -= 8
        _button(painter, box, word)
        if step.place == "button" and word == step.point_at:
            found = box
    painter.setPen(Qt.PenStyle.NoPen)
    for n in range(5):
        painter.setBrush(FAINT if n else QColor("#d5dadf"))
        painter.drawRoundedRect(QRectF(left, TOP + 22 + n * 30, width - left - 16, 20), 4, 4)
    if step.place == "download":
        found = _download_panel(painter, step.point_at)
    return found


def _button(painter: QPainter, box: QRectF, word: str) -> None:
    painter.setPen(QPen(LINE, 1))
    painter.setBrush(QColor("#ffffff"))
    painter.drawRoundedRect(box, 5, 5)
    painter.setPen(INK)
    painter.setFont(_font(12, bold=True))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, word)


def _download_panel(painter: QPainter, word: str) -> QRectF:
    """A small panel over the list: a spreadsheet file and its download button."""
    width = SIZE[0]
    panel = QRectF(width - 250, TOP + 40, 230, 96)
    painter.setPen(QPen(LINE, 2))
    painter.setBrush(QColor("#ffffff"))
    painter.drawRoundedRect(panel, 8, 8)
    sheet = QRectF(panel.left() + 16, panel.top() + 18, 40, 52)
    painter.setBrush(QColor("#1b7a43"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(sheet, 4, 4)
    painter.setPen(QPen(QColor("#ffffff"), 2))
    for n in range(1, 4):
        y = sheet.top() + n * 13
        painter.drawLine(QPointF(sheet.left() + 6, y), QPointF(sheet.right() - 6, y))
    painter.setPen(INK)
    painter.setFont(_font(12))
    painter.drawText(QRectF(sheet.right() + 10, sheet.top(), 150, 20), Qt.AlignmentFlag.AlignVCenter, ".xlsx")
    painter.setFont(_font(12, bold=True))
    box = QRectF(sheet.right() + 10, sheet.bottom() - 26, painter.fontMetrics().horizontalAdvance(word) + 28, 26)
    _button(painter, box, word)
    return box


def _circle(painter: QPainter, target: QRectF) -> None:
    """An orange ring around what to click and an arrow pointer just below its right end."""
    painter.setPen(QPen(MARK, 3))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(target.adjusted(-5, -5, 5, 5), 10, 10)
    tip = QPointF(target.right() - 10, target.bottom() + 2)
    arrow = QPolygonF([tip, tip + QPointF(0, 22), tip + QPointF(6, 16), tip + QPointF(11, 26),
                       tip + QPointF(15, 24), tip + QPointF(10, 14), tip + QPointF(18, 14)])
    path = QPainterPath()
    path.addPolygon(arrow)
    path.closeSubpath()
    painter.setPen(QPen(QColor("#ffffff"), 1.5))
    painter.setBrush(INK)
    painter.drawPath(path)
