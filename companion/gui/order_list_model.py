"""The packer's order table: a tick box and the ship-by countdown, the shop and order number, the items, total,
buyer and city, courier and tracking number, and where the shipment stands (the platform's refusal in one line).

Rows are read once per reload (store/order_desk.py); the countdown column is worked out from `now` at paint time.
Ticks are kept by order id, so a reload keeps what the packer ticked if the order is still listed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from companion.domain.clock import now_utc
from companion.domain.money import format_rupiah
from companion.gui.countdown_model import CountdownTableModel, Index
from companion.gui.order_times import SOON, deadline_text, shop_text, time_left, urgency_key
from companion.gui.order_words import buyer_courier_cell, items_cell, items_tooltip, status_cell
from companion.i18n import N_
from companion.store.online_orders import OnlineOrderRow
from companion.store.order_desk import DeskRow

HEADERS = (N_("Ship by"), N_("Order"), N_("Items"), N_("Total"), N_("Buyer · courier"), N_("Status"))
DEADLINE_COL, SHOP_COL, ITEMS_COL, TOTAL_COL, BUYER_COL, STATUS_COL = range(len(HEADERS))
RED, AMBER, PRACTICE_BG = QColor("#b00020"), QColor("#a14a00"), QColor("#fff1c2")
SECOND_LINE_ROLE = Qt.ItemDataRole.UserRole + 1  # the order number under the shop (SecondLineDelegate draws it)


class OrderListModel(CountdownTableModel[DeskRow]):
    """Orders in urgency order, each with a tick box in the first column."""

    headers = HEADERS
    countdown_col = DEADLINE_COL
    ticks_changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.ticked: set[str] = set()
        self._orders: list[OnlineOrderRow] = []

    @property
    def orders(self) -> list[OnlineOrderRow]:
        """The stored orders, row by row (the same list until the next reload)."""
        return self._orders

    def set_rows(self, rows: list[DeskRow]) -> None:
        now = now_utc()
        ordered = sorted(rows, key=lambda r: urgency_key(r.order, now))
        self._orders = [row.order for row in ordered]
        self.replace_rows(ordered, now)
        listed = {row.id for row in self.rows}
        if not self.ticked <= listed:
            self.ticked &= listed
        self.ticks_changed.emit()

    def order(self, row: int) -> OnlineOrderRow | None:
        found = self.row_at(row)
        return found.order if found is not None else None

    def row_of(self, order_id: str) -> int:
        return next((n for n, r in enumerate(self.rows) if r.id == order_id), -1)

    # --- ticks -------------------------------------------------------------------------------------------
    def ticked_rows(self) -> list[DeskRow]:
        return [row for row in self.rows if row.id in self.ticked]

    def tick_all(self, on: bool) -> None:
        self.ticked = {row.id for row in self.rows} if on else set()
        if self.rows:
            self.dataChanged.emit(self.index(0, DEADLINE_COL), self.index(len(self.rows) - 1, DEADLINE_COL))
        self.ticks_changed.emit()

    def set_ticked(self, order_ids: set[str]) -> None:
        self.ticked = order_ids & {row.id for row in self.rows}
        if self.rows:
            self.dataChanged.emit(self.index(0, DEADLINE_COL), self.index(len(self.rows) - 1, DEADLINE_COL))
        self.ticks_changed.emit()

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsUserCheckable if index.column() == DEADLINE_COL else base

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != DEADLINE_COL or not index.isValid():
            return False
        order_id = self.rows[index.row()].id
        on = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value)
        (self.ticked.add if on else self.ticked.discard)(order_id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.ticks_changed.emit()
        return True

    # --- painting ----------------------------------------------------------------------------------------
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, col)
        if role == SECOND_LINE_ROLE and col == SHOP_COL:
            return row.order.platform_order_id
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == SHOP_COL:
                return f"{self._text(row, col)}\n{row.order.platform_order_id}"
            return items_tooltip(row) if col == ITEMS_COL else self._text(row, col)
        if role == Qt.ItemDataRole.CheckStateRole and col == DEADLINE_COL:
            return Qt.CheckState.Checked if row.id in self.ticked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole and col == TOTAL_COL:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._colour(row, col)
        if role == Qt.ItemDataRole.FontRole:
            return self._font(row, col)
        if role == Qt.ItemDataRole.BackgroundRole and col == SHOP_COL and row.order.practice:
            return QBrush(PRACTICE_BG)
        return None

    def _text(self, row: DeskRow, col: int) -> str:
        order = row.order
        if col == DEADLINE_COL:
            return deadline_text(order, self.now)
        if col == SHOP_COL:
            return shop_text(order)
        if col == ITEMS_COL:
            return items_cell(row)
        if col == TOTAL_COL:
            return format_rupiah(order.total)
        if col == BUYER_COL:
            return buyer_courier_cell(row)
        return status_cell(row)

    def _colour(self, row: DeskRow, col: int) -> QBrush | None:
        if col == DEADLINE_COL:
            left = time_left(row.order, self.now)
            if left is not None and left.total_seconds() < 0:
                return QBrush(RED)
            if left is not None and left < SOON:
                return QBrush(AMBER)
        if col == STATUS_COL and (row.ship_state == "failed"
                                  or (row.cancel_request is not None and row.cancel_request.needs_answer)):
            return QBrush(RED)
        return None

    def _font(self, row: DeskRow, col: int) -> QFont | None:
        left = time_left(row.order, self.now) if col == DEADLINE_COL else None
        if left is not None and left < SOON:
            font = QFont()
            font.setBold(True)
            return font
        return None


class WrapDelegate(QStyledItemDelegate):
    """Wraps a column's text onto the row's two lines while the rest of the table elides."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText


class SecondLineDelegate(QStyledItemDelegate):
    """Draws a cell's SECOND_LINE_ROLE under its text: the shop, and under it the order number."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        second = index.data(SECOND_LINE_ROLE)
        if second:
            option.text = f"{option.text}\u2028{second}"  # the line break Qt's item views draw
