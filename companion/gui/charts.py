"""Small charts drawn with QPainter: horizontal bars (shop vs each channel) and stacked columns (takings per
day, week or month, one colour per channel).

Why not QtCharts: it ships in pyside6-addons, which would add 100+ MB to the installed app on the modest
laptops this runs on, for two kinds of simple chart; matplotlib or pyqtgraph would add tens of MB and their own
look. A few dozen lines of QPainter draw exactly what is needed, scale with the font, and print the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from babel.numbers import format_compact_decimal
from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from companion.domain.money import format_rupiah
from companion.i18n import babel_locale

GRID = QColor("#e3e8e5")
TEXT = QColor("#333333")
MUTED = QColor("#666666")


def compact_rupiah(amount: int) -> str:
    """Short money for axes and bar ends: Rp1,2 jt, Rp15 rb (Rp1.2M, Rp15K in English)."""
    return "Rp" + format_compact_decimal(amount, locale=babel_locale(), fraction_digits=1).replace("\xa0", " ")


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    color: str


@dataclass(frozen=True)
class Series:
    label: str
    color: str
    values: Sequence[int]  # one per category


class BarChart(QWidget):
    """Labelled horizontal bars, longest = widest; the value is written at the end of each bar."""

    def __init__(self, fmt: Callable[[int], str] = format_rupiah, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[Bar] = []
        self.fmt = fmt
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_bars(self, bars: Sequence[Bar]) -> None:
        self.bars = list(bars)
        self.updateGeometry()
        self.update()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:  # a style sheet arriving later changes the row height
            self.updateGeometry()
        super().changeEvent(event)

    def _row_height(self) -> int:
        return QFontMetrics(self.font()).height() + 12

    def sizeHint(self) -> QSize:
        return QSize(320, max(len(self.bars), 1) * self._row_height() + 4)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.font())
        label_w = max((metrics.horizontalAdvance(b.label) for b in self.bars), default=0) + 12
        value_w = max((metrics.horizontalAdvance(self.fmt(b.value)) for b in self.bars), default=0) + 10
        top = max((b.value for b in self.bars), default=0)
        room = max(self.width() - label_w - value_w - 4, 10)
        row = self._row_height()
        for n, bar in enumerate(self.bars):
            y = n * row + 2
            p.setPen(TEXT)
            p.drawText(QRectF(0, y, label_w - 8, row - 4), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                       bar.label)
            width = room * bar.value / top if top > 0 and bar.value > 0 else 0
            p.fillRect(QRectF(label_w, y + 3, max(width, 2.0), row - 10),
                       QColor(bar.color) if bar.value > 0 else GRID)
            p.setPen(TEXT if bar.value else MUTED)
            p.drawText(QRectF(label_w + width + 6, y, value_w, row - 4),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, self.fmt(bar.value))
        p.end()


class ColumnChart(QWidget):
    """Stacked columns, one per category (a day, week or month), with a legend on top and a light grid."""

    def __init__(self, parent: QWidget | None = None, height: int = 220) -> None:
        super().__init__(parent)
        self.categories: list[str] = []
        self.series: list[Series] = []
        self._height = height
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_data(self, categories: Sequence[str], series: Sequence[Series]) -> None:
        self.categories = list(categories)
        self.series = [s for s in series if len(s.values) == len(self.categories)]
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(480, self._height)

    def minimumSizeHint(self) -> QSize:
        return QSize(240, self._height)

    def totals(self) -> list[int]:
        return [sum(max(s.values[i], 0) for s in self.series) for i in range(len(self.categories))]

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        legend_bottom = self._legend(p, metrics)
        top_value = max(self.totals(), default=0)
        axis_w = max(metrics.horizontalAdvance(compact_rupiah(top_value * step // 4)) for step in (0, 2, 4)) + 10
        plot_top = legend_bottom + line / 2 + 8  # room for the top axis label under the legend
        plot = QRectF(axis_w, plot_top, max(self.width() - axis_w - 4, 10),
                      max(self.height() - plot_top - line - 8, 10))
        for step in range(5):  # grid lines at 0, ¼, ½, ¾ and the top
            y = plot.bottom() - plot.height() * step / 4
            p.setPen(GRID)
            p.drawLine(int(plot.left()), int(y), int(plot.right()), int(y))
            if top_value and step in (0, 2, 4):
                p.setPen(MUTED)
                p.drawText(QRectF(0, y - line / 2, axis_w - 6, line), Qt.AlignmentFlag.AlignRight,
                           compact_rupiah(top_value * step // 4))
        self._columns(p, plot, top_value, metrics)
        p.end()

    def _legend(self, p: QPainter, metrics: QFontMetrics) -> float:
        x, y, line = 0.0, 2.0, metrics.height()
        for s in self.series:
            w = metrics.horizontalAdvance(s.label) + line + 18
            if x + w > self.width() and x > 0:
                x, y = 0.0, y + line + 4
            p.fillRect(QRectF(x, y + 3, line - 6, line - 6), QColor(s.color))
            p.setPen(TEXT)
            p.drawText(QRectF(x + line, y, w, line), Qt.AlignmentFlag.AlignVCenter, s.label)
            x += w
        return y + line

    def _columns(self, p: QPainter, plot: QRectF, top_value: int, metrics: QFontMetrics) -> None:
        n = len(self.categories)
        if not n:
            return
        slot = plot.width() / n
        width = max(min(slot * 0.62, 64.0), 2.0)
        label_every = max(1, int((metrics.horizontalAdvance("00 Mmm") + 8) // slot) + 1)
        for i, category in enumerate(self.categories):
            x = plot.left() + slot * i + (slot - width) / 2
            bottom = plot.bottom()
            for s in self.series:
                value = max(s.values[i], 0)
                if not value or not top_value:
                    continue
                h = plot.height() * value / top_value
                p.fillRect(QRectF(x, bottom - h, width, h), QColor(s.color))
                bottom -= h
            if i % label_every == 0:
                p.setPen(MUTED)
                p.drawText(QRectF(plot.left() + slot * i - 20, plot.bottom() + 4, slot + 40, metrics.height()),
                           Qt.AlignmentFlag.AlignHCenter, category)
