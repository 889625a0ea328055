"""The product form's category box: choose one of the shop's categories, type a new one (made when the product is
saved), or leave it empty for none."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from companion.gui.context import AppContext
from companion.i18n import tr
from companion.store import categories as category_store


class CategoryField(QComboBox):
    """An editable box whose list is the shop's categories; `text()` is what will be saved ("" = none)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)  # a typed name is made on save, not now
        self.addItem("")
        self.addItems([c.name for c in category_store.list_all(ctx.db)])
        line = self.lineEdit()
        if line is not None:
            line.setPlaceholderText(tr("optional: choose or type a new one"))
        completer = self.completer()
        if completer is not None:
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)

    def text(self) -> str:
        return self.currentText().strip()

    def set_text(self, name: str) -> None:
        index = self.findText(name, Qt.MatchFlag.MatchFixedString) if name else 0
        if index >= 0:
            self.setCurrentIndex(index)
        else:
            self.setEditText(name)
