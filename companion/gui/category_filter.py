"""A box to narrow a product list to one category ("Semua kategori" = every product), for the counter's search
and the products page. It follows the shop's categories as they are added, renamed or removed."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QSizePolicy, QWidget

from companion.gui.context import AppContext
from companion.i18n import tr
from companion.services.change import Change
from companion.store import categories as category_store


class CategoryFilter(QComboBox):
    """`chosen` carries the category id picked, or None for every category; `category_id()` reads it."""

    chosen = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.setMaximumWidth(260)
        self.setToolTip(tr("Show only the products of one category"))
        self.reload()
        self.currentIndexChanged.connect(lambda _i: self.chosen.emit(self.category_id()))
        ctx.changed.connect(self._on_change)

    def category_id(self) -> str | None:
        data = self.currentData()
        return str(data) if data else None

    def choose(self, category_id: str | None) -> None:
        """Pick a category by id (None: every category); an id no longer there picks every category."""
        index = self.findData(category_id) if category_id else 0
        self.setCurrentIndex(max(index, 0))

    def reload(self) -> None:
        """The shop's categories again, keeping the one picked while it exists (chosen is told if it went)."""
        keep = self.category_id()
        self.blockSignals(True)
        self.clear()
        self.addItem(tr("All categories"), None)
        for c in category_store.list_all(self.ctx.db):
            self.addItem(c.name, c.id)
        index = self.findData(keep) if keep else 0
        self.setCurrentIndex(max(index, 0))
        self.blockSignals(False)
        if keep and index < 0:
            self.chosen.emit(None)

    def _on_change(self, change: Change) -> None:
        if change.people or change.settings:
            self.reload()
