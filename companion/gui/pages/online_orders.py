"""Pesanan Online: orders from every linked shop, the most urgent first, with the time left to ship each one.

Oversold orders (paid when the shelf was already empty) are listed on top until the owner says how they were
handled. Practice orders are labelled LATIHAN everywhere so nobody packs a parcel for a pretend buyer.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from companion.domain.clock import now_utc
from companion.domain.errors import UserError
from companion.domain.money import format_quantity
from companion.gui.channel_names import channel_labels
from companion.gui.context import AppContext
from companion.gui.countdown_model import CountdownTableModel, Index
from companion.gui.messages import show_error
from companion.gui.online_order_detail import OrderDetail
from companion.gui.order_times import (
    SOON,
    STATUS_NAMES,
    TO_SHIP,
    channel_name,
    deadline_text,
    shop_text,
    time_left,
    urgency_key,
)
from companion.gui.pages.base import Page
from companion.gui.resolve_dialog import ResolveDialog
from companion.i18n import N_, tr
from companion.services.change import Change
from companion.services.incidents import resolve_incident
from companion.store import online_orders as order_store
from companion.store import products as product_store
from companion.store import sync_state
from companion.store.online_orders import OnlineOrderRow
from companion.store.sync_state import IncidentRow

COUNTDOWN_MS = 30_000  # the countdowns move on; only the column is repainted
STATUS_FILTERS: list[tuple[str, tuple[str, ...] | None]] = [
    (N_("To ship"), TO_SHIP), (N_("Not paid yet"), ("unpaid",)), (N_("Shipped"), ("shipped",)),
    (N_("Completed"), ("completed",)), (N_("Cancelled"), ("cancelled",)), (N_("All"), None),
]
HEADERS = (N_("Ship by"), N_("Shop"), N_("Order no."), N_("Status"))  # the total is in the detail
DEADLINE_COL, SHOP_COL, STATUS_COL = 0, 1, 3
RED, AMBER, PRACTICE_BG = QColor("#b00020"), QColor("#a14a00"), QColor("#fff1c2")

PAGE_STYLE = """
QFrame#incidents { background: #fff7ed; border: 1px solid #f3c892; border-radius: 6px; }
QLabel#incidentTitle { font-size: 13pt; font-weight: bold; color: #8a3b00; }
"""


class OrderTableModel(CountdownTableModel[OnlineOrderRow]):
    """Orders in urgency order; the deadline column is worked out from `now` at paint time."""

    headers = HEADERS
    countdown_col = DEADLINE_COL

    @property
    def orders(self) -> list[OnlineOrderRow]:
        return self.rows

    def set_orders(self, orders: list[OnlineOrderRow]) -> None:
        now = now_utc()
        self.replace_rows(sorted(orders, key=lambda o: urgency_key(o, now)), now)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        order, col = self.orders[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(order, col)
        if role == Qt.ItemDataRole.ForegroundRole and col == DEADLINE_COL:
            left = time_left(order, self.now)
            if left is not None and left.total_seconds() < 0:
                return QBrush(RED)
            if left is not None and left < SOON:
                return QBrush(AMBER)
        if role == Qt.ItemDataRole.FontRole and (col == DEADLINE_COL or (col == SHOP_COL and order.practice)):
            left = time_left(order, self.now)
            if col == SHOP_COL or (left is not None and left < SOON):
                font = QFont()
                font.setBold(True)
                return font
        if role == Qt.ItemDataRole.BackgroundRole and col == SHOP_COL and order.practice:
            return QBrush(PRACTICE_BG)
        return None

    def _text(self, order: OnlineOrderRow, col: int) -> str:
        if col == SHOP_COL:
            return shop_text(order)
        if col == 2:
            return order.platform_order_id
        if col == STATUS_COL:
            return tr(STATUS_NAMES.get(order.status, order.status))
        return deadline_text(order, self.now)

    def order(self, row: int) -> OnlineOrderRow | None:
        return self.row_at(row)

    def row_of(self, order_id: str) -> int:
        return next((n for n, o in enumerate(self.orders) if o.id == order_id), -1)


class IncidentPanel(QFrame):
    """Open oversells: what ran short for which order, with "count the shelf" and "handled" next to each."""

    def __init__(self, page: OnlineOrdersPage) -> None:
        super().__init__()
        self.page = page
        self.setObjectName("incidents")
        self.rows: list[tuple[IncidentRow, QPushButton, QPushButton]] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(14, 10, 14, 10)
        self.title = QLabel()
        self.title.setObjectName("incidentTitle")
        self.hint = QLabel(tr("These orders were paid when there was not enough stock: cancel the order on the "
                              "marketplace or add stock, then mark it handled."))
        self.hint.setWordWrap(True)
        self._layout.addWidget(self.title)
        self._layout.addWidget(self.hint)
        self._body = QWidget()
        self._layout.addWidget(self._body)

    def show_incidents(self, incidents: list[IncidentRow]) -> None:
        self.setVisible(bool(incidents))
        self.title.setText(tr("Sold more than in stock ({count})", count=len(incidents)))
        fresh = QWidget()
        body = QVBoxLayout(fresh)
        body.setContentsMargins(0, 4, 0, 0)
        self.rows = []
        for incident in incidents:
            body.addLayout(self._row(incident))
        self._layout.replaceWidget(self._body, fresh)
        self._body.hide()
        self._body.deleteLater()
        self._body = fresh

    def _row(self, incident: IncidentRow) -> QHBoxLayout:
        text = tr("{product}: {short} short for {shop} order {order} (stock now {on_hand}).",
                  product=incident.product_name, short=format_quantity(incident.shortfall),
                  shop=channel_name(incident.channel or ""), order=incident.platform_order_id or "—",
                  on_hand=format_quantity(incident.on_hand_after))
        label = QLabel(text)
        label.setWordWrap(True)
        count = QPushButton(tr("Count stock"))
        count.clicked.connect(lambda: self.page.count_stock(incident.product_id))
        handled = QPushButton(tr("Handled"))
        handled.clicked.connect(lambda: self.page.handle_incident(incident.id))
        self.rows.append((incident, count, handled))
        row = QHBoxLayout()
        row.addWidget(label, 1)
        row.addWidget(count)
        row.addWidget(handled)
        return row


class OnlineOrdersPage(Page):
    title_msgid = N_("Online Orders")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.setStyleSheet(PAGE_STYLE)
        self._loaded = False
        title = QLabel(tr("Online Orders"))
        title.setProperty("role", "title")
        self.mapping_button = QPushButton(tr("Map listings to products…"))
        self.mapping_button.clicked.connect(lambda: self.open_mapping(None))
        self.import_button = QPushButton(tr("Import order file"))
        self.import_button.clicked.connect(self.open_order_import)
        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(self.import_button)
        top.addWidget(self.mapping_button)
        self.incidents = IncidentPanel(self)
        self.channel = QComboBox()
        self.channel.addItem(tr("All shops"), None)
        for key, name in channel_labels().items():
            self.channel.addItem(tr(name), key)
        self.status = QComboBox()
        for label, statuses in STATUS_FILTERS:
            self.status.addItem(tr(label), statuses)
        self.channel.currentIndexChanged.connect(lambda _i: self.reload())
        self.status.currentIndexChanged.connect(lambda _i: self.reload())
        self.count_label = QLabel()
        self.count_label.setProperty("role", "hint")
        filters = QHBoxLayout()
        filters.addWidget(QLabel(tr("Shop")))
        filters.addWidget(self.channel)
        filters.addSpacing(12)
        filters.addWidget(QLabel(tr("Status")))
        filters.addWidget(self.status)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        self.model = OrderTableModel()
        self.table = self._table()
        self.empty_label = QLabel()
        self.empty_label.setProperty("role", "hint")
        self.empty_label.setWordWrap(True)
        self.detail = OrderDetail(ctx)
        self.detail.map_requested.connect(self.open_mapping)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty_label)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        self.detail.setMinimumWidth(220)  # the orders need the width; the detail wraps
        split.setSizes([880, 220])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.incidents)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        self._timer = self.ctx.every(self, COUNTDOWN_MS, self._tick)

    def _table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(34)
        table.setAlternatingRowColors(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        table.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        return table

    # --- data --------------------------------------------------------------------------------------------
    def reload(self) -> None:
        selected = self.selected()
        orders = order_store.listing(self.ctx.db, self.status.currentData(), self.channel.currentData())
        self.model.set_orders(orders)
        self.incidents.show_incidents(sync_state.incidents(self.ctx.db))
        self.count_label.setText(tr("{count} orders", count=len(orders)))
        self.empty_label.setVisible(not orders)
        self.empty_label.setText(tr("No orders here. New orders appear by themselves after each sync."))
        self._loaded = True
        row = self.model.row_of(selected.id) if selected else -1
        if row >= 0:
            self.table.selectRow(row)
        self._show_selected()

    def on_change(self, change: Change) -> None:
        if self._loaded and (change.orders or change.sync or change.settings or change.products):
            self.reload()

    def _tick(self) -> None:
        self.model.tick()
        self.detail.tick()

    def selected(self) -> OnlineOrderRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.order(rows[0].row()) if rows else None

    def _show_selected(self) -> None:
        order = self.selected()
        self.detail.show_order(order_store.get(self.ctx.db, order.id) if order else None)

    # --- actions -----------------------------------------------------------------------------------------
    def open_order_import(self) -> None:
        from companion.gui.order_import_dialog import OrderImportDialog

        OrderImportDialog(self.ctx, self).exec()

    def open_mapping(self, account_id: str | None) -> None:
        from companion.gui.mapping_dialog import MappingDialog

        MappingDialog(self.ctx, self, account_id).exec()

    def count_stock(self, product_id: str) -> None:
        """Straight to a stocktake of the product that ran short."""
        from companion.gui.stocktake_dialog import StocktakeDialog

        product = product_store.get(self.ctx.db, product_id)
        if product is not None:
            StocktakeDialog(self.ctx, [product], self).exec()

    def handle_incident(self, incident_id: str) -> None:
        dialog = ResolveDialog(self)
        if dialog.exec() and dialog.resolution:
            self.resolve(incident_id, dialog.resolution)

    def resolve(self, incident_id: str, resolution: str) -> bool:
        try:
            change = resolve_incident(self.ctx.db, incident_id, resolution)
        except UserError as exc:
            show_error(self, exc)
            return False
        self.ctx.announce(change)
        return True
