"""The product list as a Qt table model, quick with 20.000 products.

All rows stay in memory; filtering builds a list of visible indexes from a pre-lowered search key, and
cell text is formatted only when the view asks for a visible cell (then kept until the row changes).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from companion.domain.money import format_quantity, format_rupiah
from companion.i18n import N_, tr
from companion.store.products import ProductRow

COLUMNS = (N_("SKU"), N_("Name"), N_("Variant"), N_("Unit"), N_("Sell price"), N_("Cost price"),
           N_("On hand"), N_("Active"), N_("Category"))
CATEGORY_COLUMN = 8  # last in the model (older columns keep their numbers); the page shows it after Variant
NUMERIC = {4, 5, 6}
ID_ROLE = Qt.ItemDataRole.UserRole
LOW_BACKGROUND = QColor("#fde2e1")
INACTIVE_FOREGROUND = QColor("#8a8a8a")
Index = QModelIndex | QPersistentModelIndex


def _key(p: ProductRow) -> str:
    return " ".join(x for x in (p.sku, p.name, p.variant_name or "", p.parent_name or "", p.barcode or "",
                                p.category_name)).lower()


class ProductTableModel(QAbstractTableModel):
    def __init__(self, low_threshold: int = 5) -> None:
        super().__init__()
        self.low_threshold = low_threshold
        self._all: list[ProductRow] = []
        self._keys: list[str] = []
        self._where: dict[str, int] = {}  # product id -> index in _all
        self._visible: list[int] = []  # indexes into _all, in display order
        self._text: dict[int, tuple[str, ...]] = {}
        self._filter = ""
        self._category: str | None = None  # only this category's products (None: every product)
        self._sort = (1, Qt.SortOrder.AscendingOrder)

    # --- loading and filtering ---------------------------------------------------------------------------
    def set_products(self, products: list[ProductRow]) -> None:
        self.beginResetModel()
        self._all = list(products)
        self._keys = [_key(p) for p in self._all]
        self._where = {p.id: i for i, p in enumerate(self._all)}
        self._text = {}
        self._visible = self._matching()
        self._apply_sort()
        self.endResetModel()

    def set_filter(self, text: str) -> None:
        self._filter = text.strip().lower()
        self.beginResetModel()
        self._visible = self._matching()
        self._apply_sort()
        self.endResetModel()

    def set_category(self, category_id: str | None) -> None:
        self._category = category_id
        self.beginResetModel()
        self._visible = self._matching()
        self._apply_sort()
        self.endResetModel()

    def _matching(self) -> list[int]:
        words = self._filter.split()
        rows, only = self._all, self._category
        if not words:
            return [i for i in range(len(rows)) if only is None or rows[i].category_id == only]
        keys = self._keys
        return [i for i in range(len(keys))
                if (only is None or rows[i].category_id == only) and all(w in keys[i] for w in words)]

    def upsert(self, product: ProductRow) -> None:
        """Show the new state of one product, adding it at the end when it is new."""
        index = self._where.get(product.id)
        if index is None:
            self.beginInsertRows(QModelIndex(), len(self._visible), len(self._visible))
            self._all.append(product)
            self._keys.append(_key(product))
            self._where[product.id] = len(self._all) - 1
            self._visible.append(len(self._all) - 1)
            self.endInsertRows()
            return
        self._all[index] = product
        self._keys[index] = _key(product)
        self._text.pop(index, None)
        try:
            row = self._visible.index(index)
        except ValueError:
            return
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    # --- reading -----------------------------------------------------------------------------------------
    def product(self, row: int) -> ProductRow | None:
        return self._all[self._visible[row]] if 0 <= row < len(self._visible) else None

    def visible_products(self) -> list[ProductRow]:
        return [self._all[i] for i in self._visible]

    def row_of(self, product_id: str) -> int:
        index = self._where.get(product_id)
        return self._visible.index(index) if index is not None and index in self._visible else -1

    def total(self) -> int:
        return len(self._all)

    # --- Qt model interface ------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        at = self._visible[index.row()]
        p = self._all[at]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts(at, p)[col]
        if role == ID_ROLE:
            return p.id
        if role == Qt.ItemDataRole.TextAlignmentRole and col in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and p.active and p.on_hand <= self.low_threshold:
            return QBrush(LOW_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and not p.active:
            return QBrush(INACTIVE_FOREGROUND)
        if role == Qt.ItemDataRole.ToolTipRole and p.active and p.on_hand <= self.low_threshold:
            return tr("Stock is low: {count} left.", count=format_quantity(p.on_hand))
        return None

    def _texts(self, at: int, p: ProductRow) -> tuple[str, ...]:
        cached = self._text.get(at)
        if cached is None:
            cached = (p.sku, p.name, p.variant_name or "", p.unit, format_rupiah(p.sell_price),
                      "" if p.cost_price is None else format_rupiah(p.cost_price), format_quantity(p.on_hand),
                      tr("Yes") if p.active else tr("No"), p.category_name)
            self._text[at] = cached
        return cached

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._apply_sort()
        self.layoutChanged.emit()

    def _apply_sort(self) -> None:
        column, order = self._sort
        rows = self._all
        fields = (lambda p: p.sku.lower(), lambda p: (p.name.lower(), (p.variant_name or "").lower()),
                  lambda p: (p.variant_name or "").lower(), lambda p: p.unit, lambda p: p.sell_price,
                  lambda p: p.cost_price or 0, lambda p: p.on_hand, lambda p: p.active,
                  lambda p: p.category_name.lower())
        get = fields[column]
        self._visible.sort(key=lambda i: get(rows[i]), reverse=order == Qt.SortOrder.DescendingOrder)
