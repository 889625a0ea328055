"""Kategori: the shop's categories with how many products each holds; add, rename or remove one. Removing a
category keeps its products (they are left without a category), and the dialog says so before it does."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.domain.money import format_quantity
from companion.gui.context import AppContext
from companion.gui.messages import confirm, show_error
from companion.i18n import tr
from companion.services import categories as category_service
from companion.services.change import Change
from companion.store import categories as category_store

ID_ROLE = Qt.ItemDataRole.UserRole


class CategoriesDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("Categories"))
        self.resize(520, 480)
        hint = QLabel(tr("Categories group products for the counter's search and for the reports. Removing a "
                         "category keeps its products."))
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText(tr("New category, e.g. Minuman"))
        self.new_name.returnPressed.connect(self.add)
        self.add_button = QPushButton(tr("Add"))
        self.add_button.setProperty("primary", True)
        self.add_button.clicked.connect(self.add)
        self.list = QListWidget()
        self.list.itemDoubleClicked.connect(lambda _i: self.rename())
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.rename_button = QPushButton(tr("Rename"))
        self.rename_button.clicked.connect(self.rename)
        self.delete_button = QPushButton(tr("Remove"))
        self.delete_button.clicked.connect(self.delete)
        close = QPushButton(tr("Close"))
        close.clicked.connect(self.accept)
        adding = QHBoxLayout()
        adding.addWidget(self.new_name, 1)
        adding.addWidget(self.add_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.rename_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(adding)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.reload()

    def reload(self, select: str | None = None) -> None:
        self.list.clear()
        for c in category_store.list_all(self.ctx.db):
            count = tr("1 product") if c.products == 1 else tr("{total} products",
                                                               total=format_quantity(c.products))
            item = QListWidgetItem(f"{c.name}  ({count})")
            item.setData(ID_ROLE, c.id)
            self.list.addItem(item)
            if c.id == select:
                self.list.setCurrentItem(item)
        self._update_buttons()

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(ID_ROLE)) if item is not None else None

    def _update_buttons(self) -> None:
        for b in (self.rename_button, self.delete_button):
            b.setEnabled(self.chosen() is not None)

    def _done(self, change: Change, select: str | None) -> None:
        self.ctx.announce(change)
        self.reload(select)

    def add(self) -> None:
        try:
            category_id, change = category_service.add_category(self.ctx.db, self.new_name.text())
        except UserError as exc:
            show_error(self, exc)
            return
        self.new_name.clear()
        self._done(change, category_id)

    def rename(self) -> None:
        category_id = self.chosen()
        row = category_store.get(self.ctx.db, category_id) if category_id else None
        if row is None:
            return
        name, ok = QInputDialog.getText(self, tr("Rename category"), tr("New name"), text=row.name)
        if not ok:
            return
        try:
            change = category_service.rename_category(self.ctx.db, row.id, name)
        except UserError as exc:
            show_error(self, exc)
            return
        self._done(change, row.id)

    def delete(self) -> None:
        category_id = self.chosen()
        row = category_store.get(self.ctx.db, category_id) if category_id else None
        if row is None:
            return
        text = tr("Remove the category \"{name}\"? Its {count} products stay and will have no category.",
                  name=row.name, count=format_quantity(row.products))
        if not confirm(self, tr("Remove category"), text, tr("Remove")):
            return
        try:
            change = category_service.delete_category(self.ctx.db, row.id)
        except UserError as exc:
            show_error(self, exc)
            return
        self._done(change, None)
