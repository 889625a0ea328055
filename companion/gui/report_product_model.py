"""The Laporan page's "by product" table as a model: a year of a big shop is 20 000 rows, and a table widget
would build 120 000 items on the GUI thread (seconds of a frozen window); a model formats only the rows on screen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from companion.domain.money import format_quantity, format_rupiah
from companion.i18n import N_, tr
from companion.services.reports import ProductSalesRow

SKU, PRODUCT, UNITS, TAKINGS, COST, MARGIN = range(6)
HEADERS = (N_("SKU"), N_("Product"), N_("Units"), N_("Takings"), N_("Cost"), N_("Gross margin"))

Index = QModelIndex | QPersistentModelIndex


def margin_text(row: ProductSalesRow) -> str:
    """"Rp13.200 (31%)", or "cost unknown" for a product without a cost price."""
    if row.margin is None:
        return tr("cost unknown")
    percent = f" ({row.margin_percent:.0f}%)" if row.margin_percent is not None else ""
    return format_rupiah(row.margin) + percent


class ProductSalesModel(QAbstractTableModel):
    """Read-only rows of `services.reports.sales_by_product`, best takings first as given."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[ProductSalesRow] = []

    def set_rows(self, rows: list[ProductSalesRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt name)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt name)
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return tr(HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(index.row(), index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= UNITS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def text(self, row: int, column: int) -> str:
        r = self.rows[row]
        if column == SKU:
            return r.sku
        if column == PRODUCT:
            return r.name
        if column == UNITS:
            return format_quantity(r.units)
        if column == TAKINGS:
            return format_rupiah(r.takings)
        if column == COST:
            return tr("cost unknown") if r.cost is None else format_rupiah(r.cost)
        return margin_text(r)
