"""The counter (Kasir): scan or search, adjust the cart, take payment, print the receipt, next buyer.

Keyboard first: the code box has the focus after every action; Enter adds, Down goes into the
search results, Up into the cart, +/- change the selected line, F12 or Ctrl+Enter finishes.
Ctrl+1..4 pick one way to pay, Ctrl+5 several ways at once, Ctrl+6 kasbon (gui/payment_panel.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from companion.domain.errors import UserError
from companion.domain.ids import new_id
from companion.domain.money import format_quantity, format_rupiah
from companion.domain.payments import Payment
from companion.domain.sale import PaymentMethod, totals
from companion.gui import cart_model as cm
from companion.gui.after_sale import AfterSaleBar
from companion.gui.cashier_login import CashierBadge
from companion.gui.category_filter import CategoryFilter
from companion.gui.checkout import Checkout, SaleRequest, cash_taken, no_qris_note
from companion.gui.context import AppContext
from companion.gui.counter_keys import CartTable, KeyLineEdit, ResultList
from companion.gui.flow_layout import flow_row
from companion.gui.messages import confirm
from companion.gui.pages.base import Page
from companion.gui.payment_panel import CREDIT_KEYS, METHOD_KEYS, SPLIT_KEYS, PaymentPanel
from companion.gui.scanner_burst import ScannerBurstFilter
from companion.gui.shift_bar import ShiftBar
from companion.i18n import N_, tr
from companion.services.cashiers import owner_pin_set
from companion.services.change import Change
from companion.store import products as product_store
from companion.store.products import ProductRow

if TYPE_CHECKING:  # imported when first opened: printing support is not needed to show the counter
    from companion.gui.receipt import ReceiptDialog
    from companion.gui.sale_history import SaleHistoryDialog
    from companion.gui.split_payment_dialog import SplitPaymentDialog
    from companion.services.sales import SaleResult

SEARCH_DELAY_MS = 120  # a scanner types a whole code within this; a person sees results at once


class CounterPage(Page):
    """Where the cashier records every sale."""

    title_msgid = N_("Counter")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.model = cm.CartModel()
        self.model.price_guard = self._price_allowed
        self.sale_id = new_id()  # made when the cart opens: a second Enter finds the saved sale
        self.last_sale: SaleResult | None = None  # the sale just finished, until the next product is added
        self.receipt_dialog: ReceiptDialog | None = None
        self.history_dialog: SaleHistoryDialog | None = None
        self.split_dialog: SplitPaymentDialog | None = None
        self.checkout = Checkout(self, ctx, self.show_error, self._sale_done, self.focus_code)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._search)
        self.pay = self._build_pay_side()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(16)
        layout.addLayout(self._build_cart_side(), 1)
        layout.addWidget(self.pay)
        self.model.cart_changed.connect(self._cart_changed)
        self.model.failed.connect(self.show_error)
        self._shortcuts()
        self.scanner = ScannerBurstFilter(self.scanned, self)
        for edit in (self.cash, self.discount):
            self.scanner.watch(edit)
        self.choose_method(PaymentMethod.CASH, focus=False)
        self._cart_changed()

    # --- building ---

    def _build_cart_side(self) -> QVBoxLayout:
        title = QLabel(tr("Counter"))
        title.setProperty("role", "title")
        self.history_button = QPushButton(tr("Today's sales (Ctrl+H)"))
        self.history_button.clicked.connect(self.open_history)
        self.clear_button = QPushButton(tr("Empty cart"))
        self.clear_button.clicked.connect(self.ask_clear)
        self.shift_bar = ShiftBar(self.ctx)
        self.cashier_badge = CashierBadge(self.ctx)
        people = QHBoxLayout()
        people.addWidget(self.shift_bar, 1)
        people.addWidget(self.cashier_badge)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addWidget(flow_row([], [self.history_button, self.clear_button]), 1)  # wraps in a narrow window
        self.code = KeyLineEdit()
        self.code.setObjectName("code")
        self.code.set_placeholders(tr("Scan a barcode or type a code or name"), tr("Scan or type a code or name"))
        self.code.setStyleSheet("QLineEdit#code { font-size: 16pt; min-height: 46px; padding: 0 8px; }")
        self.code.returnPressed.connect(self.enter_code)
        self.code.textEdited.connect(lambda _text: self._search_timer.start())
        self.code.down.connect(self._into_results)
        self.code.up.connect(self._into_cart)
        self.code.escaped.connect(self.clear_code)
        self.code.plus_minus.connect(self.change_quantity)
        self.category = CategoryFilter(self.ctx)
        self.category.setStyleSheet("QComboBox { min-height: 46px; }")
        self.category.chosen.connect(lambda _id: self._search())
        search_row = QHBoxLayout()
        search_row.addWidget(self.category)
        search_row.addWidget(self.code, 1)
        self.results = ResultList()
        self.results.setStyleSheet("QListWidget::item { min-height: 34px; }")
        self.results.hide()
        self.results.chosen.connect(self.add_product_id)
        self.results.itemActivated.connect(lambda item: self.add_product_id(item.data(Qt.ItemDataRole.UserRole)))
        self.results.back.connect(self.focus_code)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.after_sale = AfterSaleBar(self.ctx, self)
        self.after_sale.receipt_asked.connect(lambda sale_id: self.show_receipt(sale_id, after_sale=False))
        self.stock_warning = QLabel()
        self.stock_warning.setWordWrap(True)
        self.stock_warning.setStyleSheet("color: #8a4b00;")
        self.table = self._build_table()
        keys = QLabel(tr("Enter: add · ↓: search results · ↑: cart · + / −: quantity · F2: edit · Delete: remove"
                         " · F12 or Ctrl+Enter: finish"))
        keys.setProperty("role", "hint")
        keys.setWordWrap(True)
        box = QVBoxLayout()
        box.addLayout(people)
        box.addLayout(top)
        box.addLayout(search_row)
        box.addWidget(self.results)
        message_row = QHBoxLayout()
        message_row.addWidget(self.message, 1)
        message_row.addWidget(self.after_sale)
        box.addLayout(message_row)
        box.addWidget(self.table, 1)
        box.addWidget(self.stock_warning)
        box.addWidget(keys)
        return box

    def _build_table(self) -> CartTable:
        table = CartTable()
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                              | QAbstractItemView.EditTrigger.AnyKeyPressed)
        table.verticalHeader().setDefaultSectionSize(40)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        for signal in (self.model.modelReset, self.model.rowsInserted, self.model.dataChanged, self.model.rowsRemoved):
            signal.connect(lambda *_: table.fit_columns())
        table.setAlternatingRowColors(True)
        table.plus_minus.connect(self.change_quantity)
        table.delete.connect(self.remove_current)
        table.back.connect(self.focus_code)
        table.itemDelegate().closeEditor.connect(lambda *_: QTimer.singleShot(0, self.focus_code))
        return table

    def _build_pay_side(self) -> PaymentPanel:
        pay = PaymentPanel()
        pay.method_chosen.connect(self.choose_method)
        pay.split_asked.connect(lambda: self.open_split(credit=False))
        pay.credit_asked.connect(lambda: self.open_split(credit=True))
        pay.finish_asked.connect(self.finish)
        pay.discount_typed.connect(self._discount_edited)
        pay.discount_done.connect(pay.focus_payment)
        pay.back.connect(self.focus_code)
        # the names tests and the layout check know
        self.discount, self.cash, self.cash_box = pay.discount, pay.cash, pay.cash_box
        self.total_label, self.change_label, self.finish_button = pay.total_label, pay.change_label, pay.finish_button
        self.method_buttons = pay.method_buttons
        return pay

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys in ("F12", "Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.finish, context=context)
        QShortcut(QKeySequence("Ctrl+H"), self, self.open_history, context=context)
        for method, keys in METHOD_KEYS.items():
            QShortcut(QKeySequence(keys), self, lambda m=method: self.choose_method(m), context=context)
        QShortcut(QKeySequence(SPLIT_KEYS), self, lambda: self.open_split(credit=False), context=context)
        QShortcut(QKeySequence(CREDIT_KEYS), self, lambda: self.open_split(credit=True), context=context)

    # --- finding and adding products ---

    def focus_code(self) -> None:
        self.code.setFocus()

    def clear_code(self) -> None:
        self.code.clear()
        self._hide_results()
        self.focus_code()

    def scanned(self, code: str) -> None:
        """A code scanned while the cursor was in another field: it goes to the product search, never to payment."""
        self.code.setText(code)
        self.code.setFocus()
        self.enter_code()

    def enter_code(self) -> None:
        """Enter in the code box: an exact code adds one unit; one search match adds it; else say what to do."""
        text = self.code.text().strip()
        self._search_timer.stop()
        if not text:
            self._to_payment()
            return
        product = product_store.by_code(self.ctx.db, text)
        if product is None:
            matches = product_store.search(self.ctx.db, text, limit=20, category_id=self.category.category_id())
            if len(matches) == 1:
                product = matches[0]
            elif matches:
                self._show_results(matches)
                self.show_hint(tr("Several products match \"{text}\": press ↓ to choose one, then Enter.", text=text))
                return
        if product is None:
            self._hide_results()
            self.code.selectAll()
            self.show_error(tr("Code {code} was not found: check the code or search by name.", code=text))
            return
        self.add(product)

    def add_product_id(self, product_id: str) -> None:
        product = product_store.get(self.ctx.db, product_id)
        if product is None or not product.active:
            self.show_error(tr("This product is no longer sold: search for another one."))
            self.focus_code()
            return
        self.add(product)

    def add(self, product: ProductRow) -> None:
        """One unit into the cart, then the code box is ready for the next scan."""
        try:
            row = self.model.add(product.id, product.sku, product.display_name, product.sell_price,
                                   product.outlet_on_hand)
        except UserError as exc:
            self.show_error(exc.message())
            return
        self.last_sale = None
        self.after_sale.clear()
        self._select_row(row)
        line = self.model.cart.lines[row]
        self.show_hint(tr("{name}: {quantity} in the cart.", name=line.name, quantity=format_quantity(line.quantity)))
        self.code.clear()
        self._hide_results()
        self.focus_code()

    def _search(self) -> None:
        """Matches of what is typed, within the chosen category; a category alone lists its products."""
        text = self.code.text().strip()
        category = self.category.category_id()
        if (not text and category is None) or (text and product_store.by_code(self.ctx.db, text) is not None):
            self._hide_results()
            return
        self._show_results(product_store.search(self.ctx.db, text, limit=20, category_id=category))

    def _show_results(self, products: list[ProductRow]) -> None:
        self.results.clear()
        for p in products:
            text = tr("{name} · {sku} · {price} · stock {on_hand}", name=p.display_name, sku=p.sku,
                      price=format_rupiah(p.sell_price), on_hand=format_quantity(p.outlet_on_hand))
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            self.results.addItem(item)
        self.results.setFixedHeight(min(len(products), 6) * 36 + 6)
        self.results.setVisible(bool(products))
        if products:
            self.results.setCurrentRow(0)

    def _hide_results(self) -> None:
        self.results.clear()
        self.results.hide()

    def _into_results(self) -> None:
        if self._search_timer.isActive():
            self._search_timer.stop()
            self._search()
        if self.results.count():
            self.results.setCurrentRow(0)
            self.results.setFocus()

    def _into_cart(self) -> None:
        if self.model.rowCount():
            current = self.table.currentIndex()
            self._select_row(current.row() if current.isValid() else self.model.rowCount() - 1)
            self.table.setFocus()

    # --- editing the cart ---

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, cm.QUANTITY)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    def _current_row(self) -> int | None:
        index = self.table.currentIndex()
        if index.isValid():
            return index.row()
        return self.model.rowCount() - 1 if self.model.rowCount() else None

    def change_quantity(self, delta: int) -> None:
        row = self._current_row()
        if row is None:
            return
        self.model.change_quantity(row, delta)
        self._select_row(row)

    def remove_current(self) -> None:
        row = self._current_row()
        if row is None:
            return
        name = self.model.cart.lines[row].name
        self.model.remove(row)
        if self.model.rowCount():
            self._select_row(min(row, self.model.rowCount() - 1))
        self.show_hint(tr("{name} was removed from the cart.", name=name))
        if not self.model.rowCount():
            self.focus_code()

    def ask_clear(self) -> None:
        if not self.model.rowCount():
            self.focus_code()
            return
        if confirm(self, tr("Empty the cart?"), tr("All items of this sale leave the cart. Nothing is saved."),
                   tr("Empty the cart"), tr("Keep the items")):
            self.clear_sale()
            self.show_hint(tr("The cart is empty: ready for the next buyer."))
        self.focus_code()

    def clear_sale(self) -> None:
        """A fresh cart for the next buyer, with a new sale id."""
        self.model.clear()
        self.sale_id = new_id()
        self.pay.reset()
        self.choose_method(PaymentMethod.CASH, focus=False)
        self.code.clear()
        self._hide_results()

    def _discount_edited(self, _text: str) -> None:
        try:
            self.model.cart.set_sale_discount(self.pay.sale_discount())
        except UserError as exc:
            self.show_error(exc.message())
            return
        self.message.clear()
        self._cart_changed()

    def _cart_changed(self) -> None:
        cart = self.model.cart
        self.pay.show_cart(cart)
        self.message.clear()
        short = cart.short_lines
        self.stock_warning.setText(tr(
            "The record shows less stock than you are selling of {names}: the sale can go ahead;"
            " count that stock later.",
            names=", ".join(f"{line.name} ({format_quantity(line.on_hand)})" for line in short)) if short else "")
        self.stock_warning.setVisible(bool(short))

    # --- payment ---

    @property
    def method(self) -> PaymentMethod:
        return self.pay.method

    def choose_method(self, method: PaymentMethod, focus: bool = True) -> None:
        """One way pays the whole total; QRIS says so when the shop's QRIS is not set up (no code can show)."""
        self.pay.choose(method, no_qris_note(self.ctx) if method is PaymentMethod.QRIS else "")
        if focus:
            self.pay.focus_payment()

    def quick_cash(self, amount: int | None) -> None:
        self.pay.quick_cash(amount)

    def _to_payment(self) -> None:
        if self.model.rowCount():
            self.pay.focus_payment()

    def _request(self) -> SaleRequest:
        return SaleRequest(self.sale_id, self.model.cart.line_inputs(), self.pay.sale_discount())

    def finish(self) -> None:
        """Enter or F12: pay the whole total the chosen way (a second press right after a sale does nothing)."""
        self._commit_open_edit()
        if not self.model.rowCount() and self.last_sale is not None:
            return  # a second Enter right after a sale: it is already saved
        try:
            request, payment = self._request(), self.pay.payment()
        except UserError as exc:  # nothing was saved: say why in one sentence, keep the cart
            self.show_error(exc.message())
            return
        self.checkout.pay(request, payment)

    def open_split(self, credit: bool = False) -> SplitPaymentDialog | None:
        """Ctrl+5 (several ways) or Ctrl+6 (kasbon): the split form for the cart's total."""
        from companion.gui.split_payment_dialog import SplitPaymentDialog

        self._commit_open_edit()
        try:
            request = self._request()
            total = totals(request.lines, request.sale_discount).total
        except UserError as exc:
            self.show_error(exc.message())
            return None
        dialog = SplitPaymentDialog(self.ctx, total, credit, no_qris_note(self.ctx), self)
        dialog.accepted.connect(lambda: self._pay_split(dialog.payment))
        dialog.rejected.connect(self.focus_code)
        self.split_dialog = dialog
        dialog.open()
        return dialog

    def _pay_split(self, payment: Payment | None) -> None:
        if payment is None:
            return
        try:
            request = self._request()
        except UserError as exc:
            self.show_error(exc.message())
            return
        self.checkout.pay(request, payment)

    def _sale_done(self, result: SaleResult) -> None:
        """Saved: a fresh cart, the receipt printed (or shown), what is left to do for this sale beside the message."""
        from companion.gui.receipt_printing import print_sale_receipt
        from companion.services.printer_setup import printer_config

        self.last_sale = result
        self.clear_sale()
        if result.change_given:
            self.show_hint(tr("Sale {number} saved. Change: {change}.", number=result.number,
                              change=format_rupiah(result.change_given)))
        else:
            self.show_hint(tr("Sale {number} saved.", number=result.number))
        self.ctx.announce(result.change)
        self.after_sale.show_sale(result)
        if printer_config(self.ctx.db) is None:
            self.show_receipt(result.sale_id)  # on screen with Print and Save PDF, as before a printer is set up
        else:
            print_sale_receipt(self, self.ctx, result.sale_id, open_drawer=cash_taken(result.settlement))
            self.focus_code()

    def _price_allowed(self, row: int, price: int) -> bool:
        """A typed price needs the owner's PIN when one is set: asked once the editor has closed."""
        if not owner_pin_set(self.ctx.db):
            return True
        product_id = self.model.cart.lines[row].product_id
        QTimer.singleShot(0, lambda: self._ask_price(product_id, price))
        return False

    def _ask_price(self, product_id: str, price: int) -> None:
        rows = [n for n, line in enumerate(self.model.cart.lines) if line.product_id == product_id]
        if not rows:
            return
        name = self.model.cart.lines[rows[0]].name
        from companion.gui.owner_pin import ask_owner  # the PIN dialogs load when first asked for

        if ask_owner(self, self.ctx, tr("Changing the price of {name} to {price}.", name=name,
                                        price=format_rupiah(price))):
            self.model.set_price(rows[0], price)
        else:
            self.show_error(tr("The price was not changed: only the owner may change a price."))

    def _commit_open_edit(self) -> None:
        """F12 while a cell is still being typed in: keep what was typed, as Enter would."""
        editor = QApplication.focusWidget()
        if self.table.state() == QAbstractItemView.State.EditingState and editor is not None \
                and self.table.isAncestorOf(editor):
            self.table.commitData(editor)
            self.table.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def show_receipt(self, sale_id: str, after_sale: bool = True) -> ReceiptDialog:
        from companion.gui.receipt import ReceiptDialog

        dialog = ReceiptDialog(self.ctx, sale_id, self, after_sale=after_sale)
        dialog.finished.connect(lambda _code: self.focus_code())
        self.receipt_dialog = dialog
        dialog.open()
        return dialog

    # --- today's sales, messages, refreshing ---

    def open_history(self) -> SaleHistoryDialog:
        from companion.gui.sale_history import SaleHistoryDialog

        dialog = SaleHistoryDialog(self.ctx, self)
        dialog.finished.connect(lambda _code: self.focus_code())
        self.history_dialog = dialog
        dialog.open()
        return dialog

    def show_error(self, text: str) -> None:
        self.message.setProperty("role", "error")
        self._set_message(text)

    def show_hint(self, text: str) -> None:
        self.message.setProperty("role", "hint")
        self._set_message(text)

    def _set_message(self, text: str) -> None:
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)

    def on_change(self, change: Change) -> None:
        in_cart = {line.product_id for line in self.model.cart.lines}
        if change.products & in_cart or change.settings:
            self.reload()
        if change.settings and self.method is PaymentMethod.QRIS:  # the shop's QRIS set or forgotten meanwhile
            self.choose_method(PaymentMethod.QRIS, focus=False)
        if self.results.isVisible():
            self._search()

    def reload(self) -> None:
        """Take in prices, names and stock changed elsewhere for the products in the cart."""
        for product_id in {line.product_id for line in self.model.cart.lines}:
            product = product_store.get(self.ctx.db, product_id)
            if product is not None:
                self.model.update_product(product_id, product.display_name, product.sell_price,
                                   product.outlet_on_hand)

    def on_shown(self) -> None:
        self.reload()
        self.focus_code()
