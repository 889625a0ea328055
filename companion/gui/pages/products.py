"""Produk & Stok: find a product as you type, add or edit it, count, adjust, see its history, import a list."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from companion.domain.errors import UserError
from companion.domain.money import format_quantity
from companion.domain.settings_keys import LOW_STOCK_THRESHOLD
from companion.gui.adjust_dialog import AdjustDialog
from companion.gui.barcode_label_dialog import BarcodeLabelDialog
from companion.gui.categories_dialog import CategoriesDialog
from companion.gui.category_filter import CategoryFilter
from companion.gui.context import AppContext
from companion.gui.duplicate_products import DuplicateBanner
from companion.gui.flow_layout import flow_row
from companion.gui.import_dialog import ImportDialog
from companion.gui.messages import show_error
from companion.gui.movement_history import MovementHistoryDialog
from companion.gui.outlet_picker import OutletPicker
from companion.gui.outlet_stock_model import OutletStockModel
from companion.gui.pages.base import Page
from companion.gui.product_dialog import ProductDialog
from companion.gui.product_table_model import CATEGORY_COLUMN
from companion.gui.stocktake_dialog import StocktakeDialog
from companion.gui.transfer_dialog import TransferDialog
from companion.i18n import N_, tr
from companion.services import products as product_service
from companion.services.change import Change
from companion.services.reports import export_catalogue
from companion.store import products as product_store
from companion.store.products import ProductRow

ROW_REFRESH_LIMIT = 200  # more changed products than this: reading the whole list is as cheap
FILTER_DELAY_MS = 120


class ProductsPage(Page):
    title_msgid = N_("Products & Stock")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self._loaded = False
        title = QLabel(tr("Products & Stock"))
        title.setProperty("role", "title")
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Search by name, SKU or barcode…"))
        self.search.setClearButtonEnabled(True)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._filter_timer.start())
        self.category_filter = CategoryFilter(ctx)
        self.category_filter.chosen.connect(self._choose_category)
        self.model = OutletStockModel(self._threshold())  # + the chosen outlet's stock with several outlets
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)  # labels for many
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(34)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 130), (2, 100), (3, 70), (4, 110), (5, 110), (6, 80), (7, 70), (CATEGORY_COLUMN, 120)):
            self.table.setColumnWidth(col, width)
        header.moveSection(CATEGORY_COLUMN, 3)  # after Variant
        self.table.doubleClicked.connect(lambda _i: self.edit_product())
        enter = QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, context=Qt.ShortcutContext.WidgetShortcut)
        enter.activated.connect(self.edit_product)
        self.search.returnPressed.connect(self._to_table)
        self.count_label = QLabel()
        self.count_label.setProperty("role", "hint")
        self.low_label = QLabel()
        self.low_label.setProperty("role", "hint")
        self.add_button = self._button(tr("Add product"), self.add_product, primary=True)
        self.edit_button = self._button(tr("Edit"), self.edit_product)
        self.stocktake_button = self._button(tr("Stocktake"), self.stocktake)
        self.adjust_button = self._button(tr("Adjust stock"), self.adjust_stock)
        self.history_button = self._button(tr("Stock history"), self.show_history)
        self.transfer_button = self._button(tr("Move stock"), self.transfer_stock)  # only with several outlets
        self.import_button = self._button(tr("Import"), self.import_products)
        self.export_button = self._button(tr("Export catalogue"), self.ask_export_catalogue)
        self.categories_button = self._button(tr("Categories"), self.manage_categories)
        self.labels_button = self._button(tr("Print barcode labels"), self.print_labels)
        self.active_button = self._button(tr("Deactivate"), self.toggle_active)
        # a narrow window wraps the buttons onto a second row instead of cutting their words ("ambah produ")
        buttons = flow_row([self.add_button, self.edit_button, self.stocktake_button, self.adjust_button,
                            self.transfer_button, self.history_button, self.import_button, self.export_button,
                            self.categories_button, self.labels_button], [self.active_button])
        footer = QHBoxLayout()
        footer.addWidget(self.count_label)
        footer.addStretch(1)
        footer.addWidget(self.low_label)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.category_filter)
        self.outlets = OutletPicker(ctx, self.model, self.table, [self.transfer_button])
        search_row.addWidget(self.outlets)
        layout.addLayout(search_row)
        self.duplicates = DuplicateBanner(ctx)  # "2 produk ganda dari laptop lain", after a hub merge
        layout.addWidget(self.duplicates)
        layout.addWidget(buttons)
        layout.addWidget(self.table, 1)
        layout.addLayout(footer)
        selection = self.table.selectionModel()
        selection.selectionChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()

    def _button(self, text: str, slot: Callable[[], None], primary: bool = False) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda: slot())
        if primary:
            button.setProperty("primary", True)
        return button

    def _threshold(self) -> int:
        try:
            return self.ctx.setting(LOW_STOCK_THRESHOLD)
        except ValueError:
            return 5

    # --- data --------------------------------------------------------------------------------------------
    def reload(self) -> None:
        self.model.low_threshold = self._threshold()
        self.model.set_products(product_store.all_products(self.ctx.db))
        self.outlets.reload()
        self.duplicates.reload()
        self._loaded = True
        self._update_counts()

    def on_shown(self) -> None:
        self.reload()
        self.search.setFocus()

    def on_change(self, change: Change) -> None:
        if not self._loaded:
            return
        if change.settings or len(change.products) > ROW_REFRESH_LIMIT:
            self.reload()
            return
        for product_id in change.products:
            product = product_store.get(self.ctx.db, product_id)
            if product is not None:
                self.model.upsert(product)
        self.outlets.follow(change.products)
        if change.products:
            self.duplicates.reload()
        self._update_counts()
        self._update_buttons()

    def apply_filter(self) -> None:
        self._filter_timer.stop()
        self.model.set_filter(self.search.text())
        self._update_counts()

    def _choose_category(self, category_id: object) -> None:
        self.model.set_category(category_id if isinstance(category_id, str) else None)
        self._update_counts()
        self._update_buttons()

    def _update_counts(self) -> None:
        shown, total = self.model.rowCount(), self.model.total()
        if shown != total:
            counted = tr("{shown} of {total} products", shown=format_quantity(shown), total=format_quantity(total))
        else:  # "20.000 produk", and "1 product" in English
            counted = tr("1 product") if total == 1 else tr("{total} products", total=format_quantity(total))
        self.count_label.setText(counted)
        low = sum(1 for p in self.model.visible_products() if p.active and p.on_hand <= self.model.low_threshold)
        self.low_label.setText(tr("{count} running low (red rows)", count=format_quantity(low)) if low else "")

    def _to_table(self) -> None:
        """Enter in the search box moves to the first match, so the keyboard alone can find and edit."""
        self.apply_filter()
        if self.model.rowCount():
            self.table.setFocus()
            self.table.selectRow(0)

    def selected(self) -> ProductRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.product(rows[0].row()) if rows else None

    def selected_products(self) -> list[ProductRow]:
        """Every selected row's product, in the list's order."""
        rows = sorted(r.row() for r in self.table.selectionModel().selectedRows())
        return [p for p in (self.model.product(r) for r in rows) if p is not None]

    def select_product(self, product_id: str) -> None:
        row = self.model.row_of(product_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def _update_buttons(self) -> None:
        product = self.selected()
        for b in (self.edit_button, self.adjust_button, self.history_button, self.active_button):
            b.setEnabled(product is not None)
        self.stocktake_button.setEnabled(self.model.rowCount() > 0)
        self.labels_button.setEnabled(product is not None)
        self.active_button.setText(tr("Activate") if product is not None and not product.active
                                   else tr("Deactivate"))

    # --- actions -----------------------------------------------------------------------------------------
    def add_product(self) -> None:
        dialog = ProductDialog(self.ctx, None, self)
        if dialog.exec() and dialog.saved_id:
            self.select_product(dialog.saved_id)

    def edit_product(self, _index: QModelIndex | None = None) -> None:
        product = self.selected()
        if product is None:
            return
        ProductDialog(self.ctx, product_store.get(self.ctx.db, product.id) or product, self).exec()

    def stocktake(self) -> None:
        products = [p for p in self.model.visible_products() if p.active]
        StocktakeDialog(self.ctx, products, self).exec()

    def adjust_stock(self) -> None:
        product = self.selected()
        if product is not None:
            AdjustDialog(self.ctx, product_store.get(self.ctx.db, product.id) or product, self).exec()

    def transfer_stock(self) -> None:
        product = self.selected()
        TransferDialog(self.ctx, product_store.get(self.ctx.db, product.id) if product else None, self).exec()

    def show_history(self) -> None:
        product = self.selected()
        if product is not None:
            MovementHistoryDialog(self.ctx, product_store.get(self.ctx.db, product.id) or product, self).exec()

    def manage_categories(self) -> None:
        CategoriesDialog(self.ctx, self).exec()

    def print_labels(self) -> None:
        """Barcode labels for the selected products (their state now, not the list's)."""
        chosen = [product_store.get(self.ctx.db, p.id) or p for p in self.selected_products()]
        if chosen:
            BarcodeLabelDialog(self.ctx, chosen, self).exec()

    def import_products(self) -> None:
        ImportDialog(self.ctx, self).exec()

    def ask_export_catalogue(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, tr("Export catalogue"), str(Path.home() / "katalog.xlsx"),
                                                tr("Excel files (*.xlsx)"))
        if chosen:
            self.export_catalogue(Path(chosen).with_suffix(".xlsx"))

    def export_catalogue(self, path: Path) -> Path | None:
        """Products, prices and stock counts as XLSX that Import reads back unchanged."""
        try:
            return export_catalogue(self.ctx.db, path)
        except UserError as exc:
            show_error(self, exc)
            return None

    def toggle_active(self) -> None:
        product = self.selected()
        if product is None:
            return
        try:
            change = product_service.set_active(self.ctx.db, product.id, not product.active)
        except UserError as exc:
            show_error(self, exc)
            return
        self.ctx.announce(change)
