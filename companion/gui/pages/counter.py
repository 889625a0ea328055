"""The counter (Kasir): scan or search, adjust the cart, take payment, print the receipt, next buyer.

Keyboard first: the code box has the focus after every action; Enter adds, Down goes into the
search results, Up into the cart, +/- change the selected line, F12 or Ctrl+Enter finishes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QRegularExpressionValidator, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.domain.ids import new_id
from companion.domain.money import format_quantity, format_rupiah, parse_rupiah
from companion.domain.sale import PaymentMethod
from companion.gui import cart_model as cm
from companion.gui.context import AppContext
from companion.gui.flow_layout import flow_row
from companion.gui.messages import confirm, error_text
from companion.gui.pages.base import Page
from companion.gui.scanner_burst import ScannerBurstFilter
from companion.i18n import N_, tr
from companion.services.change import Change
from companion.services.sales import SaleResult, record_sale
from companion.store import products as product_store
from companion.store.products import ProductRow

if TYPE_CHECKING:  # imported when first opened: printing support is not needed to show the counter
    from companion.gui.receipt import ReceiptDialog
    from companion.gui.sale_history import SaleHistoryDialog

SEARCH_DELAY_MS = 120  # a scanner types a whole code within this; a person sees results at once
QUICK_CASH = (50_000, 100_000)
# what the cash field accepts: an amount, "Rp" allowed, or nothing (= exact money: Enter must still finish)
MONEY_TYPED = r"(?:\s*(?:[Rr][Pp]\.?\s*)?[0-9][0-9., ]*)?"
METHOD_KEYS = {PaymentMethod.CASH: "Ctrl+1", PaymentMethod.QRIS: "Ctrl+2", PaymentMethod.TRANSFER: "Ctrl+3",
               PaymentMethod.OTHER: "Ctrl+4"}


class KeyLineEdit(QLineEdit):
    """A line edit that hands Up, Down, Escape and (when empty) +/- to the page."""

    up = Signal()
    down = Signal()
    escaped = Signal()
    plus_minus = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Down:
            self.down.emit()
        elif key == Qt.Key.Key_Up:
            self.up.emit()
        elif key == Qt.Key.Key_Escape:
            self.escaped.emit()
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Minus) and not self.text():
            self.plus_minus.emit(1 if key == Qt.Key.Key_Plus else -1)
        else:
            super().keyPressEvent(event)


class ResultList(QListWidget):
    """Search results under the code box: Enter chooses, Escape or Up on the first row goes back."""

    chosen = Signal(str)
    back = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        item = self.currentItem()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and item is not None:
            self.chosen.emit(item.data(Qt.ItemDataRole.UserRole))
        elif key == Qt.Key.Key_Escape or (key == Qt.Key.Key_Up and self.currentRow() <= 0):
            self.back.emit()
        else:
            super().keyPressEvent(event)


class CartTable(QTableView):
    """The cart: +/- change the quantity, Delete removes, digits start editing the quantity, Escape goes back."""

    plus_minus = Signal(int)
    delete = Signal()
    back = Signal()

    def event(self, event: QEvent) -> bool:
        # F2 edits the cell here, even though the window also uses F2 to open the counter page.
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and event.key() == Qt.Key.Key_F2 and self.state() != QAbstractItemView.State.EditingState:
            event.accept()
            return True
        return super().event(event)

    def fit_columns(self) -> None:
        """Numbers keep their full width; the product name takes what is left (Qt's Stretch mode squeezed Total)."""
        header = self.horizontalHeader()
        numbers = 0
        for col in range(1, self.model().columnCount()):
            width = max(self.sizeHintForColumn(col), header.sectionSizeHint(col))
            header.resizeSection(col, width)
            numbers += width
        header.resizeSection(cm.PRODUCT, max(160, self.viewport().width() - numbers))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if self.state() == QAbstractItemView.State.EditingState:
            super().keyPressEvent(event)
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Minus):
            self.plus_minus.emit(1 if key == Qt.Key.Key_Plus else -1)
        elif key == Qt.Key.Key_Delete:
            self.delete.emit()
        elif key in (Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.back.emit()
        else:
            current = self.currentIndex()
            if event.text().isdigit() and current.isValid() and current.column() not in cm.EDITABLE:
                self.setCurrentIndex(self.model().index(current.row(), cm.QUANTITY))
            super().keyPressEvent(event)


def _pair(label: QLabel, widget: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(label)
    if isinstance(widget, QLabel):  # takes the free width, so a longer amount never gets cut
        widget.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(widget, 1)
    else:
        row.addStretch(1)
        row.addWidget(widget)
    return row


def _big_amount(box: QVBoxLayout, caption: str, size: str, beside: bool = False) -> QLabel:
    """A caption with a large amount right-aligned under it (room for "kurang Rp10.000.000"), or `beside` it on one
    line where the amount is short enough (the total: a small laptop screen has no height to spare)."""
    amount = QLabel()
    amount.setProperty("role", "big")
    amount.setStyleSheet(f"font-size: {size};")
    amount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if beside:
        box.addLayout(_pair(QLabel(caption), amount))
    else:
        box.addWidget(QLabel(caption))
        box.addWidget(amount)
    return amount


class CounterPage(Page):
    """Where the cashier records every sale."""

    title_msgid = N_("Counter")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.model = cm.CartModel()
        self.sale_id = new_id()  # made when the cart opens: a second Enter finds the saved sale
        self.method = PaymentMethod.CASH
        self.last_sale: SaleResult | None = None  # the sale just finished, until the next product is added
        self.receipt_dialog: ReceiptDialog | None = None
        self.history_dialog: SaleHistoryDialog | None = None
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._search)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(16)
        layout.addLayout(self._build_cart_side(), 1)
        layout.addWidget(self._build_pay_side())
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
        top = QHBoxLayout()
        top.addWidget(title)
        top.addWidget(flow_row([], [self.history_button, self.clear_button]), 1)  # wraps in a narrow window
        self.code = KeyLineEdit()
        self.code.setObjectName("code")
        self.code.setPlaceholderText(tr("Scan a barcode or type a code or name"))
        self.code.setStyleSheet("QLineEdit#code { font-size: 16pt; min-height: 46px; padding: 0 8px; }")
        self.code.returnPressed.connect(self.enter_code)
        self.code.textEdited.connect(lambda _text: self._search_timer.start())
        self.code.down.connect(self._into_results)
        self.code.up.connect(self._into_cart)
        self.code.escaped.connect(self.clear_code)
        self.code.plus_minus.connect(self.change_quantity)
        self.results = ResultList()
        self.results.setStyleSheet("QListWidget::item { min-height: 34px; }")
        self.results.hide()
        self.results.chosen.connect(self.add_product_id)
        self.results.itemActivated.connect(lambda item: self.add_product_id(item.data(Qt.ItemDataRole.UserRole)))
        self.results.back.connect(self.focus_code)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.stock_warning = QLabel()
        self.stock_warning.setWordWrap(True)
        self.stock_warning.setStyleSheet("color: #8a4b00;")
        self.table = self._build_table()
        keys = QLabel(tr("Enter: add · ↓: search results · ↑: cart · + / −: quantity · F2: edit · Delete: remove"
                         " · F12 or Ctrl+Enter: finish"))
        keys.setProperty("role", "hint")
        keys.setWordWrap(True)
        box = QVBoxLayout()
        box.addLayout(top)
        box.addWidget(self.code)
        box.addWidget(self.results)
        box.addWidget(self.message)
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

    def _build_pay_side(self) -> QFrame:
        card = QFrame()
        card.setProperty("role", "card")
        card.setFixedWidth(350)
        outer = QVBoxLayout(card)
        outer.setContentsMargins(0, 0, 0, 14)
        outer.setSpacing(4)
        column = QWidget()
        box = QVBoxLayout(column)
        box.setContentsMargins(16, 14, 16, 0)
        box.setSpacing(4)
        self.count_label = QLabel()
        self.count_label.setProperty("role", "hint")
        self.subtotal_label = QLabel()
        self.discount = KeyLineEdit()
        self.discount.setPlaceholderText("Rp0")
        self.discount.setFixedWidth(170)
        self.discount.textEdited.connect(self._discount_edited)
        self.discount.returnPressed.connect(self._after_discount)
        self.discount.escaped.connect(self.focus_code)
        for label, widget in ((tr("Items"), self.count_label), (tr("Subtotal"), self.subtotal_label),
                              (tr("Sale discount"), self.discount)):
            box.addLayout(_pair(QLabel(label), widget))
        self.total_label = _big_amount(box, tr("Total"), "30pt", beside=True)
        box.addWidget(self._build_methods())
        box.addWidget(self._build_cash())
        box.addStretch(1)
        # below the window's usual height the amounts scroll; "Finish" stays in sight under them
        scroll = QScrollArea()
        scroll.setObjectName("pay-scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(column)
        scroll.viewport().setAutoFillBackground(False)
        column.setAutoFillBackground(False)
        column.setObjectName("pay-column")
        column.setStyleSheet("QWidget#pay-column { background: transparent; }")
        outer.addWidget(scroll, 1)
        self.finish_button = QPushButton(tr("Finish (Enter)"))
        self.finish_button.setProperty("primary", True)
        self.finish_button.setStyleSheet("font-size: 15pt; min-height: 50px;")
        self.finish_button.clicked.connect(self.finish)
        finish_row = QHBoxLayout()
        finish_row.setContentsMargins(16, 0, 16, 0)
        finish_row.addWidget(self.finish_button)
        outer.addLayout(finish_row)
        return card

    def _build_methods(self) -> QWidget:
        widget = QWidget()
        grid = QGridLayout(widget)
        grid.setContentsMargins(0, 4, 0, 0)
        grid.setSpacing(4)
        self.method_group = QButtonGroup(self)
        self.method_buttons: dict[PaymentMethod, QPushButton] = {}
        for n, method in enumerate(PaymentMethod):
            button = QPushButton(f"{method.label()}\n{METHOD_KEYS[method]}")
            button.setCheckable(True)
            button.setStyleSheet("QPushButton { min-height: 44px; padding: 2px 2px; }"
                                 " QPushButton:checked { background: #1b7a43; color: white; font-weight: bold; }")
            button.clicked.connect(lambda _checked=False, m=method: self.choose_method(m))
            self.method_group.addButton(button)
            self.method_buttons[method] = button
            grid.addWidget(button, 0, n)  # one row: the height goes to the cash and the change
        return widget

    def _build_cash(self) -> QWidget:
        self.cash_box = QWidget()
        box = QVBoxLayout(self.cash_box)
        box.setContentsMargins(0, 4, 0, 0)
        box.setSpacing(4)
        self.cash = KeyLineEdit()
        self.cash.setObjectName("cash")
        self.cash.setPlaceholderText(tr("empty = exact money"))
        self.cash.setValidator(QRegularExpressionValidator(QRegularExpression(MONEY_TYPED), self.cash))
        self.cash.setStyleSheet("QLineEdit#cash { font-size: 15pt; min-height: 42px; }")
        self.cash.textEdited.connect(lambda _text: self._update_change())
        self.cash.returnPressed.connect(self.finish)
        self.cash.escaped.connect(self.focus_code)
        box.addWidget(QLabel(tr("Cash given")))
        box.addWidget(self.cash)
        quick = QHBoxLayout()
        for amount in (None, *QUICK_CASH):
            button = QPushButton(tr("Exact") if amount is None else format_rupiah(amount))
            button.setStyleSheet("min-height: 34px; padding: 2px 4px;")
            button.clicked.connect(lambda _checked=False, a=amount: self.quick_cash(a))
            quick.addWidget(button)
        box.addLayout(quick)
        self.change_label = _big_amount(box, tr("Change to give"), "26pt")
        return self.cash_box

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys in ("F12", "Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.finish, context=context)
        QShortcut(QKeySequence("Ctrl+H"), self, self.open_history, context=context)
        for method, keys in METHOD_KEYS.items():
            QShortcut(QKeySequence(keys), self, lambda m=method: self.choose_method(m), context=context)

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
            matches = product_store.search(self.ctx.db, text, limit=20)
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
            row = self.model.add(product.id, product.sku, product.display_name, product.sell_price, product.on_hand)
        except UserError as exc:
            self.show_error(exc.message())
            return
        self.last_sale = None
        self._select_row(row)
        line = self.model.cart.lines[row]
        self.show_hint(tr("{name}: {quantity} in the cart.", name=line.name, quantity=format_quantity(line.quantity)))
        self.code.clear()
        self._hide_results()
        self.focus_code()

    def _search(self) -> None:
        text = self.code.text().strip()
        if not text or product_store.by_code(self.ctx.db, text) is not None:
            self._hide_results()
            return
        self._show_results(product_store.search(self.ctx.db, text, limit=20))

    def _show_results(self, products: list[ProductRow]) -> None:
        self.results.clear()
        for p in products:
            text = tr("{name} · {sku} · {price} · stock {on_hand}", name=p.display_name, sku=p.sku,
                      price=format_rupiah(p.sell_price), on_hand=format_quantity(p.on_hand))
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
        self.discount.clear()
        self.cash.clear()
        self.choose_method(PaymentMethod.CASH, focus=False)
        self.code.clear()
        self._hide_results()
        self._update_change()

    def _discount_edited(self, text: str) -> None:
        try:
            amount = parse_rupiah(text, N_("Sale discount")) if text.strip() else 0
            self.model.cart.set_sale_discount(amount)
        except UserError as exc:
            self.show_error(exc.message())
            return
        self.message.clear()
        self._cart_changed()

    def _after_discount(self) -> None:
        (self.cash if self.method is PaymentMethod.CASH else self.finish_button).setFocus()

    def _cart_changed(self) -> None:
        cart = self.model.cart
        units = sum(line.quantity for line in cart.lines)
        self.count_label.setText(tr("{lines} products, {units} units", lines=len(cart.lines),
                                    units=format_quantity(units)))
        self.subtotal_label.setText(format_rupiah(cart.subtotal))
        self.total_label.setText(format_rupiah(cart.total_due))
        self.message.clear()
        short = cart.short_lines
        self.stock_warning.setText(tr(
            "The record shows less stock than you are selling of {names}: the sale can go ahead;"
            " count that stock later.",
            names=", ".join(f"{line.name} ({format_quantity(line.on_hand)})" for line in short)) if short else "")
        self.stock_warning.setVisible(bool(short))
        self.finish_button.setEnabled(bool(cart.lines))
        self._update_change()

    # --- payment ---

    def choose_method(self, method: PaymentMethod, focus: bool = True) -> None:
        self.method = method
        self.method_buttons[method].setChecked(True)
        self.cash_box.setVisible(method is PaymentMethod.CASH)
        self._update_change()
        if focus:
            (self.cash if method is PaymentMethod.CASH else self.finish_button).setFocus()

    def quick_cash(self, amount: int | None) -> None:
        """The exact or a common banknote amount into the cash field, ready for Enter."""
        self.cash.setText(format_rupiah(self.model.cart.total_due if amount is None else amount))
        self._update_change()
        self.cash.setFocus()

    def _cash_given(self) -> int | None:
        text = self.cash.text().strip()
        return parse_rupiah(text, N_("Cash given")) if text else None

    def _update_change(self) -> None:
        total = self.model.cart.total_due
        try:
            paid = self._cash_given()
        except UserError:
            paid = None
        change = 0 if paid is None else paid - total
        short = change < 0
        self.change_label.setText(tr("short {amount}", amount=format_rupiah(-change)) if short
                                  else format_rupiah(change))
        self.change_label.setStyleSheet("font-size: 26pt;" + (" color: #b00020;" if short else ""))

    def _to_payment(self) -> None:
        if self.model.rowCount():
            (self.cash if self.method is PaymentMethod.CASH else self.finish_button).setFocus()

    def finish(self) -> None:
        """Save the sale (at most once per cart), announce it, show the receipt, clear for the next buyer."""
        self._commit_open_edit()
        if not self.model.rowCount() and self.last_sale is not None:
            return  # a second Enter right after a sale: it is already saved
        try:
            text = self.discount.text().strip()
            sale_discount = parse_rupiah(text, N_("Sale discount")) if text else 0
            paid = self._cash_given() if self.method is PaymentMethod.CASH else None
            result = record_sale(self.ctx.db, self.model.cart.line_inputs(), self.method, paid, sale_discount,
                                 sale_id=self.sale_id)
        except Exception as exc:  # nothing was saved: say why in one sentence, keep the cart
            self.show_error(error_text(exc))
            return
        self.last_sale = result
        self.clear_sale()
        if result.change_given:
            self.show_hint(tr("Sale {number} saved. Change: {change}.", number=result.number,
                              change=format_rupiah(result.change_given)))
        else:
            self.show_hint(tr("Sale {number} saved.", number=result.number))
        self.ctx.announce(result.change)
        self.show_receipt(result.sale_id)

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
        if self.results.isVisible():
            self._search()

    def reload(self) -> None:
        """Take in prices, names and stock changed elsewhere for the products in the cart."""
        for product_id in {line.product_id for line in self.model.cart.lines}:
            product = product_store.get(self.ctx.db, product_id)
            if product is not None:
                self.model.update_product(product_id, product.display_name, product.sell_price, product.on_hand)

    def on_shown(self) -> None:
        self.reload()
        self.focus_code()
