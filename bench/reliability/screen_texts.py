"""Every text the app shows on its pages, read from the widgets themselves (a PNG cannot be searched for text):
labels, fields, buttons, tooltips and every cell of every table and list, after `take_screenshots` rendered them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

MAX_ROWS = 500
ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.EditRole)


def _model_texts(model: QAbstractItemModel) -> list[str]:
    top = QModelIndex()
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(top)  # a list's is private
    texts = [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(columns)]
    for r in range(min(model.rowCount(top), MAX_ROWS)):
        for c in range(columns):
            index = model.index(r, c)
            texts += [str(v) for v in (model.data(index, role) for role in ROLES) if v is not None]
    return texts


def widget_texts(top: QWidget) -> list[str]:
    texts: list[str] = [top.windowTitle()]
    for w in top.findChildren(QWidget):
        texts += [w.toolTip(), w.windowTitle(), w.accessibleName()]
        if isinstance(w, QLabel | QLineEdit | QAbstractButton):
            texts.append(w.text())
        elif isinstance(w, QTextEdit | QPlainTextEdit):
            texts.append(w.toPlainText())
        elif isinstance(w, QComboBox):
            texts += [w.itemText(i) for i in range(w.count())]
        elif isinstance(w, QTabBar):
            texts += [w.tabText(i) for i in range(w.count())]
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            texts += _model_texts(w.model())
    return [t for t in texts if t]


def screen_texts(folder: Path, out: Path) -> list[str]:
    """Render every page to PNG with the app's own screenshot command, then read every page's widgets."""
    from companion.gui.app import application
    from companion.gui.context import AppContext
    from companion.gui.main_window import PAGES, MainWindow
    from companion.gui.screenshot import WINDOW_SIZE, take_screenshots

    take_screenshots(folder, out, "id")
    app = application()
    ctx = AppContext(folder)
    window = MainWindow(ctx, PAGES[0][0])
    window.resize(*WINDOW_SIZE)
    window.show()
    texts: list[str] = []
    try:
        for key, *_rest in PAGES:
            window.open_page(key)
            for _ in range(3):
                app.processEvents()
            texts += widget_texts(window)
    finally:
        window.close()
        window.deleteLater()
        ctx.close()
        app.processEvents()
    return texts
