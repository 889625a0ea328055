"""A row of buttons that wraps onto a second line when the window is narrow, instead of cutting their words.

Each widget keeps its own size hint (its whole text); a row breaks where the next widget would not fit. Widgets added
with `add_widget(w, right=True)` go to the end of the last line, like a stretch before them in a QHBoxLayout.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QSizePolicy, QWidget, QWidgetItem


class FlowLayout(QLayout):
    """Left-to-right rows of widgets at their size hints, wrapped at the layout's width."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._right: set[int] = set()  # ids of the items pushed to the right end
        self._gap = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def add_widget(self, widget: QWidget, right: bool = False) -> None:
        self.addChildWidget(widget)
        item = QWidgetItem(widget)
        self._items.append(item)
        if right:
            self._right.add(id(item))
        self.invalidate()

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        if 0 <= index < len(self._items):
            item = self._items.pop(index)
            self._right.discard(id(item))
            return item
        return None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:
        shown = self._shown()
        width = sum(i.sizeHint().width() for i in shown) + self._gap * max(len(shown) - 1, 0)
        return QSize(width, max((i.sizeHint().height() for i in shown), default=0))

    def minimumSize(self) -> QSize:
        """As narrow as the widest widget: the rest wraps."""
        shown = self._shown()
        return QSize(max((i.sizeHint().width() for i in shown), default=0),
                     max((i.sizeHint().height() for i in shown), default=0))

    def _shown(self) -> list[QLayoutItem]:
        return [i for i in self._items if not i.isEmpty()]

    def _place(self, rect: QRect, move: bool) -> int:
        """Lay the widgets out in rows inside `rect` (when `move`); returns the height the rows take."""
        rows: list[list[QLayoutItem]] = [[]]
        used = 0
        for item in self._shown():
            width = item.sizeHint().width()
            if rows[-1] and used + self._gap + width > rect.width():
                rows.append([])
                used = 0
            used += (self._gap if rows[-1] else 0) + width
            rows[-1].append(item)
        y = rect.y()
        for row in rows:
            height = max((i.sizeHint().height() for i in row), default=0)
            if move:
                self._place_row(row, QPoint(rect.x(), y), rect.right(), height)
            y += height + (self._gap if row else 0)
        return max(y - rect.y() - self._gap, 0)

    def _place_row(self, row: list[QLayoutItem], at: QPoint, right_edge: int, height: int) -> None:
        left = [i for i in row if id(i) not in self._right]
        x = at.x()
        for item in left:
            item.setGeometry(QRect(QPoint(x, at.y()), QSize(item.sizeHint().width(), height)))
            x += item.sizeHint().width() + self._gap
        x = right_edge + 1
        for item in reversed([i for i in row if id(i) in self._right]):
            x -= item.sizeHint().width()
            item.setGeometry(QRect(QPoint(x, at.y()), QSize(item.sizeHint().width(), height)))
            x -= self._gap


def flow_row(widgets: list[QWidget], right: list[QWidget] | None = None) -> QWidget:
    """A widget holding `widgets` (and `right` at the end) in a wrapping row, ready for a QVBoxLayout."""
    holder = QWidget()
    flow = FlowLayout(holder)
    for widget in widgets:
        flow.add_widget(widget)
    for widget in right or []:
        flow.add_widget(widget, right=True)
    policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
    policy.setHeightForWidth(True)
    holder.setSizePolicy(policy)
    return holder
