"""Pemetaan listing: which shop product each marketplace listing is, so an online sale takes the right stock.

Listings whose seller SKU equals a shop SKU are mapped by themselves; the rest are mapped here by searching
the shop's products and picking one. Unmapping is allowed: the listing then stops following stock.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.domain.money import format_quantity
from companion.gui.context import AppContext
from companion.gui.messages import show_error
from companion.gui.sync_status import account_label
from companion.i18n import N_, tr
from companion.services.mapping import map_listing
from companion.store import accounts as account_store
from companion.store import listings as listing_store
from companion.store import products as product_store
from companion.store.listings import ListingRow

HEADERS = (N_("Listing"), N_("Seller SKU"), N_("Shop product"), N_("How mapped"))
SEARCH_DELAY_MS = 150
UNMAPPED = QColor("#a14a00")


class MappingDialog(QDialog):
    """Listings of one linked shop on the left, the shop's products to choose from on the right."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, account_id: str | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.listings: list[ListingRow] = []
        self.setWindowTitle(tr("Map listings to shop products"))
        self.resize(1080, 640)
        explain = QLabel(tr("A listing that is not mapped never changes stock: pick the shop product for each "
                            "listing so online orders take the right stock."))
        explain.setWordWrap(True)
        self.account = QComboBox()
        for account in account_store.active(ctx.db):
            self.account.addItem(account_label(account), account.id)
        if account_id is not None and self.account.findData(account_id) >= 0:
            self.account.setCurrentIndex(self.account.findData(account_id))
        self.only_unmapped = QCheckBox(tr("Only listings not mapped yet"))
        self.account.currentIndexChanged.connect(lambda _i: self.reload())
        self.only_unmapped.toggled.connect(lambda _on: self.reload())
        self.table = self._listing_table()
        self.count_label = QLabel()
        self.count_label.setProperty("role", "hint")
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Search shop products by name, SKU or barcode…"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.find_products)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.results = QListWidget()
        self.results.itemSelectionChanged.connect(self._update_buttons)
        self.results.itemDoubleClicked.connect(lambda _item: self.use_product())
        self.use_button = QPushButton(tr("Use this product"))
        self.use_button.setProperty("primary", True)
        self.use_button.clicked.connect(self.use_product)
        self.unmap_button = QPushButton(tr("Unmap"))
        self.unmap_button.clicked.connect(self.unmap)
        close = QPushButton(tr("Close"))
        close.clicked.connect(self.accept)
        self._lay_out(explain, close)
        self.reload()

    def _listing_table(self) -> QTableWidget:
        table = QTableWidget(0, len(HEADERS))
        table.setHorizontalHeaderLabels([tr(h) for h in HEADERS])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.setColumnWidth(1, 120)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        table.itemSelectionChanged.connect(self._on_listing_picked)
        return table

    def _lay_out(self, explain: QLabel, close: QPushButton) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Online shop")))
        top.addWidget(self.account, 1)
        top.addSpacing(12)
        top.addWidget(self.only_unmapped)
        left = QVBoxLayout()
        left.addLayout(top)
        left.addWidget(self.table, 1)
        left.addWidget(self.count_label)
        right = QVBoxLayout()
        pick = QLabel(tr("Shop product for the chosen listing"))
        pick.setStyleSheet("font-weight: bold;")
        right.addWidget(pick)
        right.addWidget(self.search)
        right.addWidget(self.results, 1)
        right.addWidget(self.use_button)
        right.addWidget(self.unmap_button)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addSpacing(8)
        body.addLayout(right, 2)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addLayout(body, 1)
        layout.addLayout(bottom)

    # --- data --------------------------------------------------------------------------------------------
    def account_id(self) -> str | None:
        data = self.account.currentData()
        return str(data) if data else None

    def reload(self, keep: str | None = None) -> None:
        account_id = self.account_id()
        if account_id is None:
            self.listings = []
        elif self.only_unmapped.isChecked():
            self.listings = listing_store.unmapped(self.ctx.db, account_id)
        else:
            self.listings = listing_store.for_account(self.ctx.db, account_id)
        self.table.setRowCount(len(self.listings))
        for n, listing in enumerate(self.listings):
            self._fill_row(n, listing)
        unmapped = sum(1 for x in self.listings if x.product_id is None)
        self.count_label.setText(tr("{count} listings, {unmapped} not mapped yet", count=len(self.listings),
                                    unmapped=unmapped) if account_id else tr("No online shop is linked yet."))
        row = next((n for n, x in enumerate(self.listings) if x.id == keep), -1)
        if row >= 0:
            self.table.selectRow(row)
        self._update_buttons()

    def _fill_row(self, row: int, listing: ListingRow) -> None:
        product = product_store.get(self.ctx.db, listing.product_id) if listing.product_id else None
        name = f"{listing.name} – {listing.variant}" if listing.variant else listing.name
        how = {"auto": tr("Automatic (same SKU)"), "manual": tr("Chosen by hand")}.get(listing.mapped_by or "", "")
        cells = (name, listing.seller_sku, product.display_name if product else tr("not mapped yet"), how)
        for col, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if col == 2 and product is None:
                item.setForeground(QBrush(UNMAPPED))
            self.table.setItem(row, col, item)

    def selected_listing(self) -> ListingRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.listings[rows[0].row()] if rows else None

    def _on_listing_picked(self) -> None:
        """Start the search from the listing's own words, so the likely product is already in the list."""
        listing = self.selected_listing()
        if listing is not None and listing.product_id is None:
            self.search.setText(listing.seller_sku or listing.name)
            self.find_products()
        self._update_buttons()

    def find_products(self) -> None:
        self._search_timer.stop()
        self.results.clear()
        text = self.search.text().strip()
        found = product_store.search(self.ctx.db, text) if text else []
        if text and not found:  # the platform's name rarely matches word for word: try its first word
            found = product_store.search(self.ctx.db, text.split()[0])
        for product in found:
            label = tr("{name} ({sku}) – {quantity} in stock", name=product.display_name, sku=product.sku,
                       quantity=format_quantity(product.on_hand))
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, product.id)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        listing = self.selected_listing()
        self.use_button.setEnabled(listing is not None and self.results.currentItem() is not None)
        self.unmap_button.setEnabled(listing is not None and listing.product_id is not None)

    # --- actions -----------------------------------------------------------------------------------------
    def use_product(self) -> None:
        listing, item = self.selected_listing(), self.results.currentItem()
        if listing is not None and item is not None:
            self.map_to(listing.id, str(item.data(Qt.ItemDataRole.UserRole)))

    def unmap(self) -> None:
        listing = self.selected_listing()
        if listing is not None:
            self.map_to(listing.id, None)

    def map_to(self, listing_id: str, product_id: str | None) -> bool:
        try:
            change = map_listing(self.ctx.db, listing_id, product_id)
        except UserError as exc:
            show_error(self, exc)
            return False
        self.ctx.announce(change)
        self.reload(keep=listing_id)
        return True
