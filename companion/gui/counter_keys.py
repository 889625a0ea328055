"""The counter's keyboard widgets: the code box, the search results and the cart table, each handing the keys the
cashier uses (arrows, +/-, Delete, Escape) to the counter page as signals."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QListWidget, QTableView, QWidget

from companion.gui import cart_model as cm


class KeyLineEdit(QLineEdit):
    """A line edit that hands Up, Down, Escape and (when empty) +/- to the page."""

    up = Signal()
    down = Signal()
    escaped = Signal()
    plus_minus = Signal(int)
    _placeholders: tuple[str, ...] = ()

    def set_placeholders(self, *texts: str) -> None:
        """Placeholders from the longest to the shortest: the longest that fits the box's width is shown (a narrow
        window gets the short words rather than cut ones)."""
        self._placeholders = texts
        self._fit_placeholder()

    def _fit_placeholder(self) -> None:
        if not self._placeholders:
            return
        room = self.contentsRect().width() - 24  # the frame's and the text margins' share
        metrics = self.fontMetrics()
        fits = [t for t in self._placeholders if metrics.horizontalAdvance(t) <= room]
        self.setPlaceholderText(fits[0] if fits else self._placeholders[-1])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_placeholder()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Down:
            self.down.emit()
        elif key == Qt.Key.Key_Up:
            self.up.emit()
        elif key == Qt.Key.Key_Escape:
            self.escaped.emit()
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Minus) and not self.text():
            self.plus_minus.emit(1 if key == Qt.Key.Key_Plus else -1)
        else:
            super().keyPressEvent(event)


class ResultList(QListWidget):
    """Search results under the code box: Enter chooses, Escape or Up on the first row goes back."""

    chosen = Signal(str)
    back = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        item = self.currentItem()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and item is not None:
            self.chosen.emit(item.data(Qt.ItemDataRole.UserRole))
        elif key == Qt.Key.Key_Escape or (key == Qt.Key.Key_Up and self.currentRow() <= 0):
            self.back.emit()
        else:
            super().keyPressEvent(event)


class CartTable(QTableView):
    """The cart: +/- change the quantity, Delete removes, digits start editing the quantity, Escape goes back."""

    plus_minus = Signal(int)
    delete = Signal()
    back = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._viewport = _own_viewport()
        self.setViewport(self._viewport)

    def event(self, event: QEvent) -> bool:
        # F2 edits the cell here, even though the window also uses F2 to open the counter page.
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and event.key() == Qt.Key.Key_F2 and self.state() != QAbstractItemView.State.EditingState:
            event.accept()
            return True
        return super().event(event)

    def fit_columns(self) -> None:
        """Numbers keep their full width; the product name takes what is left (Qt's Stretch mode squeezed Total)."""
        header = self.horizontalHeader()
        numbers = 0
        for col in range(1, self.model().columnCount()):
            width = max(self.sizeHintForColumn(col), header.sectionSizeHint(col))
            header.resizeSection(col, width)
            numbers += width
        header.resizeSection(cm.PRODUCT, max(160, self._viewport.width() - numbers))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()
        if 0 < event.size().height() < event.oldSize().height():  # made smaller: the chosen line stays in sight
            current = self.currentIndex()
            if current.isValid():
                self.scrollTo(current)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if self.state() == QAbstractItemView.State.EditingState:
            super().keyPressEvent(event)
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Minus):
            self.plus_minus.emit(1 if key == Qt.Key.Key_Plus else -1)
        elif key == Qt.Key.Key_Delete:
            self.delete.emit()
        elif key in (Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.back.emit()
        else:
            current = self.currentIndex()
            if event.text().isdigit() and current.isValid() and current.column() not in cm.EDITABLE:
                self.setCurrentIndex(self.model().index(current.row(), cm.QUANTITY))
            super().keyPressEvent(event)


def _own_viewport() -> QWidget:
    """The viewport Qt would make (same name, base colour, filled), made here so the cart can read its width without
    `viewport()`: PySide names the class of a Qt-made widget by setting up every QWidget class it might be (53 enum
    types, ~10 ms of the window's start when the first resize asks for it)."""
    viewport = QWidget()
    viewport.setObjectName("qt_scrollarea_viewport")
    viewport.setBackgroundRole(QPalette.ColorRole.Base)
    viewport.setAutoFillBackground(True)
    return viewport
