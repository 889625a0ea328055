"""The product list with one more column when the shop has several outlets: the stock at the chosen outlet.

With one outlet (most shops) the model is exactly the product list. With an outlet chosen the column "Di Cabang
Pasar" sits beside the total; "Semua outlet" removes it again. The column is added and removed as a column (not by
a model reset), so the view keeps its order of the other columns.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

from companion.domain.money import format_quantity
from companion.gui.product_table_model import COLUMNS, Index, ProductTableModel
from companion.i18n import tr

OUTLET_COLUMN = len(COLUMNS)  # after the product list's own columns; the page shows it after "On hand"
ON_HAND_COLUMN = 6


class OutletStockModel(ProductTableModel):
    """`show_outlet(name, levels)` adds or refreshes the outlet column; `show_outlet(None, None)` takes it away."""

    def __init__(self, low_threshold: int = 5) -> None:
        super().__init__(low_threshold)
        self.outlet_name: str | None = None
        self._levels: dict[str, int] = {}

    def show_outlet(self, name: str | None, levels: dict[str, int] | None) -> None:
        had = self.outlet_name is not None
        if name is None or levels is None:
            if had:
                self.beginRemoveColumns(QModelIndex(), OUTLET_COLUMN, OUTLET_COLUMN)
                self.outlet_name, self._levels = None, {}
                if self._sort[0] == OUTLET_COLUMN:
                    self._sort = (1, Qt.SortOrder.AscendingOrder)
                self.endRemoveColumns()
            return
        if not had:
            self.beginInsertColumns(QModelIndex(), OUTLET_COLUMN, OUTLET_COLUMN)
        self.outlet_name, self._levels = name, dict(levels)
        if had:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, OUTLET_COLUMN, OUTLET_COLUMN)
            if self.rowCount():
                self.dataChanged.emit(self.index(0, OUTLET_COLUMN), self.index(self.rowCount() - 1, OUTLET_COLUMN))
        else:
            self.endInsertColumns()

    def update_levels(self, levels: dict[str, int]) -> None:
        """Some products' stock at the chosen outlet changed (a sale, a transfer): their cells show it."""
        if self.outlet_name is None:
            return
        self._levels.update(levels)
        for product_id in levels:
            row = self.row_of(product_id)
            if row >= 0:
                cell = self.index(row, OUTLET_COLUMN)
                self.dataChanged.emit(cell, cell)

    def level(self, product_id: str) -> int:
        return self._levels.get(product_id, 0)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        base = super().columnCount(parent)
        return base + 1 if base and self.outlet_name is not None else base

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if section == OUTLET_COLUMN and orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:  # the outlet's name alone: the chooser above says "Outlet"
                return self.outlet_name or ""
            if role == Qt.ItemDataRole.ToolTipRole:
                return tr("Stock at {outlet}; \"On hand\" is the whole shop's.", outlet=self.outlet_name or "")
            return None
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.column() != OUTLET_COLUMN:
            return super().data(index, role)
        product = self.product(index.row())
        if product is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return format_quantity(self.level(product.id))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole:
            return None
        return super().data(self.index(index.row(), ON_HAND_COLUMN), role)  # the row's colour and tooltip

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column != OUTLET_COLUMN:
            super().sort(column, order)
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._apply_sort()
        self.layoutChanged.emit()

    def _apply_sort(self) -> None:
        column, order = self._sort
        if column != OUTLET_COLUMN:
            super()._apply_sort()
            return
        rows = self._all
        self._visible.sort(key=lambda i: self.level(rows[i].id), reverse=order == Qt.SortOrder.DescendingOrder)
