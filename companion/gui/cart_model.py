"""The counter's cart as a table: quantity, unit price and line discount are edited in place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from companion.domain.cart import Cart
from companion.domain.errors import UserError
from companion.domain.money import format_quantity, format_rupiah, parse_quantity, parse_rupiah
from companion.i18n import N_, tr

PRODUCT, STOCK, QUANTITY, PRICE, DISCOUNT, TOTAL = range(6)
HEADERS = (N_("Product"), N_("In stock"), N_("Qty"), N_("Unit price"), N_("Discount"), N_("Line total"))
EDITABLE = (QUANTITY, PRICE, DISCOUNT)
_SHORT = QColor("#b45309")

Index = QModelIndex | QPersistentModelIndex


class CartModel(QAbstractTableModel):
    """Shows a `Cart` and applies edits to it; `failed` carries the one-sentence reason an edit was refused."""

    cart_changed = Signal()
    failed = Signal(str)

    def __init__(self, cart: Cart | None = None) -> None:
        super().__init__()
        self.cart = cart or Cart()
        # asked before a typed unit price replaces the line's (row, new price): False refuses it for now (the
        # counter asks for the owner's PIN, then calls `set_price`)
        self.price_guard: Callable[[int, int], bool] | None = None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt name)
        return 0 if parent.isValid() else len(self.cart.lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt name)
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return tr(HEADERS[section])
        if role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if index.column() in EDITABLE else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line = self.cart.lines[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(index.row(), col)
        if role == Qt.ItemDataRole.EditRole:
            return {QUANTITY: str(line.quantity), PRICE: format_rupiah(line.unit_price),
                    DISCOUNT: format_rupiah(line.line_discount)}.get(col, self._display(index.row(), col))
        if role == Qt.ItemDataRole.TextAlignmentRole and col != PRODUCT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col == STOCK and line.short:
            return QBrush(_SHORT)
        if role == Qt.ItemDataRole.ToolTipRole and line.short:
            return tr("The record shows only {on_hand} in stock: the sale is still allowed.",
                      on_hand=format_quantity(line.on_hand))
        return None

    def _display(self, row: int, col: int) -> str:
        line = self.cart.lines[row]
        if col == PRODUCT:
            return f"{line.name}  ·  {line.sku}"
        if col == STOCK:
            return format_quantity(line.on_hand) + (" ⚠" if line.short else "")
        if col == QUANTITY:
            return format_quantity(line.quantity)
        if col == PRICE:
            return format_rupiah(line.unit_price)
        if col == DISCOUNT:
            return format_rupiah(line.line_discount) if line.line_discount else "–"
        return format_rupiah(line.total)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or index.column() not in EDITABLE:
            return False
        row, col = index.row(), index.column()
        try:
            if col == QUANTITY:
                self.cart.set_quantity(row, parse_quantity(value))
            elif col == PRICE:
                price = parse_rupiah(value, N_("Unit price"))
                if price != self.cart.lines[row].unit_price and self.price_guard is not None \
                        and not self.price_guard(row, price):
                    return False
                self.cart.set_unit_price(row, price)
            else:
                text = str(value).strip()
                self.cart.set_line_discount(row, parse_rupiah(text, N_("Discount")) if text not in ("", "–") else 0)
        except UserError as exc:
            self.failed.emit(exc.message())
            return False
        self._row_changed(row)
        return True

    # --- actions the page calls; each refreshes the view and tells the page ---

    def add(self, product_id: str, sku: str, name: str, unit_price: int, on_hand: int) -> int:
        """One more unit of a product; returns its row."""
        before = len(self.cart.lines)
        row = self.cart.add(product_id, sku, name, unit_price, on_hand)
        if len(self.cart.lines) > before:
            self.beginInsertRows(QModelIndex(), row, row)
            self.endInsertRows()
            self.cart_changed.emit()
        else:
            self._row_changed(row)
        return row

    def set_price(self, row: int, price: int) -> None:
        """A unit price the owner allowed (no guard asked again)."""
        try:
            self.cart.set_unit_price(row, price)
        except UserError as exc:
            self.failed.emit(exc.message())
            return
        self._row_changed(row)

    def change_quantity(self, row: int, delta: int) -> None:
        self.cart.change_quantity(row, delta)
        self._row_changed(row)

    def remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        self.cart.remove(row)
        self.endRemoveRows()
        self.cart_changed.emit()

    def clear(self) -> None:
        self.beginResetModel()
        self.cart.clear()
        self.endResetModel()
        self.cart_changed.emit()

    def update_product(self, product_id: str, name: str, unit_price: int, on_hand: int) -> None:
        if self.cart.update_product(product_id, name, unit_price, on_hand):
            self.refresh()

    def refresh(self) -> None:
        if self.cart.lines:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.cart.lines) - 1, len(HEADERS) - 1))
        self.cart_changed.emit()

    def _row_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))
        self.cart_changed.emit()
