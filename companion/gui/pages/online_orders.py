"""Pesanan Online: orders from every linked shop as a packer works through them — filters "Perlu dikemas",
"Siap dikirim", "Dalam pengiriman", "Selesai", "Dibatalkan/Dikembalikan" with their counts, each order with its items,
total, buyer, courier and where its shipment stands, the most urgent first with the time left to ship.

Tick many and "Kirim semua yang dipilih" (each shop's remembered choice, one click), print their labels, a picking
list or packing slips. Oversold orders (paid when the shelf was already empty) are listed on top until the owner says
how they were handled. Practice orders are labelled LATIHAN everywhere so nobody packs a parcel for a pretend buyer.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.domain.money import format_quantity
from companion.gui.channel_names import channel_labels
from companion.gui.context import AppContext
from companion.gui.departures_dialog import DeparturesDialog
from companion.gui.flow_layout import flow_row
from companion.gui.messages import show_error
from companion.gui.online_order_detail import OrderDetail
from companion.gui.order_actions import OrderActions
from companion.gui.order_filters import TO_PACK, FilterBar
from companion.gui.order_list_model import (
    BUYER_COL,
    DEADLINE_COL,
    ITEMS_COL,
    SHOP_COL,
    STATUS_COL,
    TOTAL_COL,
    OrderListModel,
    SecondLineDelegate,
    WrapDelegate,
)
from companion.gui.order_times import channel_name
from companion.gui.pages.base import Page
from companion.gui.resolve_dialog import ResolveDialog
from companion.i18n import N_, tr
from companion.services.change import Change
from companion.services.incidents import resolve_incident
from companion.store import order_desk, sync_state
from companion.store import products as product_store
from companion.store.online_orders import OnlineOrderRow
from companion.store.order_desk import DeskRow
from companion.store.sync_state import IncidentRow

__all__ = ["DEADLINE_COL", "SHOP_COL", "STATUS_COL", "IncidentPanel", "OnlineOrdersPage"]

COUNTDOWN_MS = 30_000  # the countdowns move on; only the column is repainted
# (wanted, least) width of each column beside the items, which take the rest but keep at least ITEMS_LEAST
COLUMN_WIDTHS = {DEADLINE_COL: (172, 128), SHOP_COL: (160, 120), TOTAL_COL: (84, 80), BUYER_COL: (150, 100),
                 STATUS_COL: (128, 100)}  # the deadline keeps "kirim dalam" / "5 jam 59 menit" whole
ITEMS_LEAST = 190

PAGE_STYLE = """
QFrame#incidents { background: #fff7ed; border: 1px solid #f3c892; border-radius: 6px; }
QLabel#incidentTitle { font-size: 13pt; font-weight: bold; color: #8a3b00; }
QTableView#orderList, QTableView#orderList QHeaderView { font-size: 10pt; }
QToolButton#shipAll { background: #1b7a43; color: white; font-weight: bold; border-radius: 4px; min-height: 38px;
                      padding: 4px 30px 4px 14px; }
QToolButton#shipAll:disabled { background: #9cbfa9; }
QToolButton#shipAll::menu-button { width: 26px; border-left: 1px solid #5fa57c; }
"""
TABLE_POINTS = 10  # the packer's list is dense: a point smaller than the rest of the app


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
        self.order_actions = OrderActions(self, ctx)
        self.incidents = IncidentPanel(self)
        self.filters = FilterBar(TO_PACK)
        self.filters.changed.connect(lambda _key: self.reload())
        self.model = OrderListModel()
        self.model.ticks_changed.connect(self._ticks_changed)
        self.table = self._table()
        self.empty_label = QLabel()
        self.empty_label.setProperty("role", "hint")
        self.empty_label.setWordWrap(True)
        self.detail = self._detail()
        layout = QVBoxLayout(self)
        layout.addLayout(self._top_bar())
        layout.addWidget(self.incidents)
        layout.addWidget(self.filters)
        layout.addLayout(self._action_bar())
        layout.addWidget(self.order_actions.results)
        layout.addWidget(self._split(), 1)
        self._timer = self.ctx.every(self, COUNTDOWN_MS, self._tick)

    # --- building ----------------------------------------------------------------------------------------
    def _top_bar(self) -> QHBoxLayout:
        title = QLabel(tr("Online Orders"))
        title.setProperty("role", "title")
        self.channel = QComboBox()
        self.channel.addItem(tr("All shops"), None)
        for key, name in channel_labels().items():
            self.channel.addItem(tr(name), key)
        self.channel.currentIndexChanged.connect(lambda _i: self.reload())
        self.returns_button = QPushButton(tr("Returns"))
        self.returns_button.clicked.connect(lambda: self.order_actions.open_returns())
        self.departures_button = QPushButton(tr("Parcels sent"))
        self.departures_button.setToolTip(tr("Every parcel that left the shop: online orders and counter sales"))
        self.departures_button.clicked.connect(self.open_departures)
        self.import_button = QPushButton(tr("Import order file"))
        self.import_button.clicked.connect(self.open_order_import)
        self.mapping_button = QPushButton(tr("Map listings…"))
        self.mapping_button.setToolTip(tr("Map listings to products…"))
        self.mapping_button.clicked.connect(lambda: self.open_mapping(None))
        top = QHBoxLayout()
        top.addWidget(title)
        # on the right, wrapping onto a second line in a narrow window rather than cutting the buttons' words
        top.addWidget(flow_row([], [self.channel, self.departures_button, self.returns_button, self.import_button,
                                    self.mapping_button]), 1)
        return top

    def open_departures(self) -> DeparturesDialog:
        """The one list of what left the building (online orders and counter sales sent by courier)."""
        dialog = DeparturesDialog(self.ctx, self)
        self.departures_dialog = dialog
        dialog.open()
        return dialog

    def _action_bar(self) -> QHBoxLayout:
        self.tick_all = QCheckBox(tr("Select all"))
        self.tick_all.clicked.connect(lambda on: self.model.tick_all(bool(on)))
        self.ticked_label = QLabel()
        self.ticked_label.setProperty("role", "hint")
        self.ship_button = QToolButton()  # "Kirim semua yang dipilih", its arrow "Pilih cara kirim…"
        self.ship_button.setObjectName("shipAll")
        self.ship_button.setText(tr("Ship all selected"))
        self.ship_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.ship_button.clicked.connect(lambda: self.ship_ticked())
        menu = QMenu(self.ship_button)
        self.choose_action = menu.addAction(tr("Choose how…"))
        self.choose_action.setToolTip(tr("Choose how the selected orders are sent (pickup, drop-off or your own "
                                         "courier)"))
        self.choose_action.triggered.connect(lambda: self.ship_ticked(choose=True))
        self.ship_button.setMenu(menu)
        self.labels_button = QPushButton(tr("Print labels"))
        self.labels_button.clicked.connect(lambda: self.order_actions.print_labels(self.ticked_or_current()))
        self.picking_button = QPushButton(tr("Picking list"))
        self.picking_button.clicked.connect(lambda: self.order_actions.picking_list(self.ticked_or_current()))
        self.slips_button = QPushButton(tr("Pack slips"))
        self.slips_button.clicked.connect(lambda: self.order_actions.packing_slips(self.ticked_or_current()))
        bar = QHBoxLayout()
        bar.addWidget(self.tick_all)
        bar.addWidget(self.ticked_label)
        bar.addStretch(1)
        bar.addWidget(self.ship_button)
        for button in (self.labels_button, self.picking_button, self.slips_button):
            bar.addWidget(button)
        return bar

    def _table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("orderList")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.verticalHeader().hide()
        font = QFont(table.font())
        font.setPointSize(TABLE_POINTS)
        table.verticalHeader().setDefaultSectionSize(2 * QFontMetrics(font).height() + 12)  # two lines a row
        table.setAlternatingRowColors(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(ITEMS_COL, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        table.viewport().installEventFilter(self)  # the columns share out the width on each resize
        table.setItemDelegateForColumn(DEADLINE_COL, WrapDelegate(table))  # "kirim dalam / 1 hari 23 jam"
        table.setItemDelegateForColumn(SHOP_COL, SecondLineDelegate(table))  # the order number under the shop
        table.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        return table

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.table.viewport():
            self._fit_columns(self.table.viewport().width())
        return super().eventFilter(watched, event)

    def _fit_columns(self, width: int) -> None:
        """Each column its wanted width while the items keep ITEMS_LEAST; on a small screen the others give up
        width in proportion, down to their least (then the table scrolls sideways)."""
        wanted = sum(w for w, _ in COLUMN_WIDTHS.values())
        spare = sum(w - least for w, least in COLUMN_WIDTHS.values())
        short = max(0, wanted + ITEMS_LEAST - width)
        share = min(1.0, short / spare) if spare else 0.0
        for col, (w, least) in COLUMN_WIDTHS.items():
            self.table.setColumnWidth(col, round(w - (w - least) * share))

    def _detail(self) -> OrderDetail:
        detail = OrderDetail(self.ctx)
        acts = self.order_actions
        detail.map_requested.connect(self.open_mapping)
        detail.ship_requested.connect(lambda oid: self._with_row(oid, lambda r: acts.ship([r], choose=True)))
        detail.cancel_requested.connect(lambda oid: self._with_row(oid, acts.cancel))
        detail.answer_requested.connect(lambda oid, yes: self._with_row(oid, lambda r: acts.answer(r, yes)))
        detail.returns_requested.connect(acts.open_returns)
        detail.label_requested.connect(lambda oid: acts.print_labels([oid]))
        detail.slip_requested.connect(lambda oid: acts.packing_slips([oid]))
        detail.setMinimumWidth(290)  # its buttons side by side; the orders need the width; the rest wraps and scrolls
        return detail

    def _split(self) -> QSplitter:
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
        split.setSizes([860, 290])
        return split

    # --- data --------------------------------------------------------------------------------------------
    def reload(self) -> None:
        selected = self.selected()
        channel = self.channel.currentData()
        rows = order_desk.desk_rows(self.ctx.db, self.filters.current(), channel)
        self.model.set_rows(rows)
        self.filters.set_counts(order_desk.filter_counts(self.ctx.db, channel))
        self.incidents.show_incidents(sync_state.incidents(self.ctx.db))
        self.order_actions.results_done()
        waiting = order_desk.returns_waiting(self.ctx.db)
        self.returns_button.setText(tr("Returns ({count})", count=waiting) if waiting else tr("Returns"))
        self.empty_label.setVisible(not rows)
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

    def selected_row(self) -> DeskRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def ticked_or_current(self) -> list[str]:
        """The ticked orders, or the one in the detail when none is ticked."""
        ticked = [row.id for row in self.model.ticked_rows()]
        current = self.selected_row()
        return ticked or ([current.id] if current is not None else [])

    def _show_selected(self) -> None:
        current = self.selected_row()
        self.detail.show_order(order_desk.desk_row(self.ctx.db, current.id) if current else None)

    def _ticks_changed(self) -> None:
        count, listed = len(self.model.ticked), len(self.model.rows)
        self.ticked_label.setText(tr("{count} selected", count=count) if count else "")
        self.tick_all.setChecked(listed > 0 and count == listed)
        self.ship_button.setEnabled(count > 0)
        self.choose_action.setEnabled(count > 0)
        self.ship_button.setText(tr("Ship all selected ({count})", count=count) if count else tr("Ship all selected"))

    def _with_row(self, order_id: str, act: Callable[[DeskRow], object]) -> None:
        """Act on the order as stored now (the detail may show an older copy)."""
        row = order_desk.desk_row(self.ctx.db, order_id)
        if row is not None:
            act(row)

    # --- actions -----------------------------------------------------------------------------------------
    def ship_ticked(self, choose: bool = False) -> None:
        """"Kirim semua yang dipilih": the ticked orders, each shop's remembered choice (or the ship dialog)."""
        rows = self.model.ticked_rows()
        if not rows:
            return
        self.order_actions.ship(rows, choose=choose)  # the queued ones leave "Perlu dikemas" with the reload

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
