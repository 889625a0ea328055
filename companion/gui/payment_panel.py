"""The counter's pay card: the sale's sums, how it is paid and the Finish button.

One method pays the whole total as before (Ctrl+1..4; cash with the change worked out as it is typed); "Mixed"
(Ctrl+5) and "Kasbon" (Ctrl+6) open the split payment form (gui/split_payment_dialog.py). The card only collects
what was typed; the counter page records the sale.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from companion.domain.cart import Cart
from companion.domain.errors import UserError
from companion.domain.money import format_quantity, format_rupiah, parse_rupiah
from companion.domain.payments import Payment
from companion.domain.sale import PaymentMethod
from companion.i18n import N_, tr

QUICK_CASH = (50_000, 100_000)
# what the cash field accepts: an amount, "Rp" allowed, or nothing (= exact money: Enter must still finish)
MONEY_TYPED = r"(?:\s*(?:[Rr][Pp]\.?\s*)?[0-9][0-9., ]*)?"
METHOD_KEYS = {PaymentMethod.CASH: "Ctrl+1", PaymentMethod.QRIS: "Ctrl+2", PaymentMethod.TRANSFER: "Ctrl+3",
               PaymentMethod.OTHER: "Ctrl+4"}
SPLIT_KEYS, CREDIT_KEYS = "Ctrl+5", "Ctrl+6"
_METHOD_STYLE = ("QPushButton { min-height: 44px; padding: 2px 2px; }"
                 " QPushButton:checked { background: #1b7a43; color: white;"
                 " border: 1px solid #145c32; border-radius: 3px; font-weight: bold; }")


def money_validator(parent: QObject) -> QRegularExpressionValidator:
    return QRegularExpressionValidator(QRegularExpression(MONEY_TYPED), parent)


class MoneyEdit(QLineEdit):
    """An amount field that hands Escape to whoever listens (back to the code box)."""

    escaped = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
        else:
            super().keyPressEvent(event)


class EnterButton(QPushButton):
    """A button that Enter presses too (outside a dialog Qt leaves Enter on a focused button unused)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.isEnabled():
            self.click()
        else:
            super().keyPressEvent(event)


def pair(label: QWidget, widget: QWidget) -> QHBoxLayout:
    """A caption on the left and a value or field on the right (a value label takes the free width)."""
    row = QHBoxLayout()
    row.addWidget(label)
    if isinstance(widget, QLabel):  # takes the free width, so a longer amount never gets cut
        widget.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(widget, 1)
    else:
        row.addStretch(1)
        row.addWidget(widget)
    return row


def big_amount(box: QVBoxLayout, caption: str, size: str, beside: bool = False) -> QLabel:
    """A caption with a large amount right-aligned under it (room for "kurang Rp10.000.000"), or `beside` it on one
    line where the amount is short enough (the total: a small laptop screen has no height to spare)."""
    amount = QLabel()
    amount.setProperty("role", "big")
    amount.setStyleSheet(f"font-size: {size};")
    amount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if beside:
        box.addLayout(pair(QLabel(caption), amount))
    else:
        box.addWidget(QLabel(caption))
        box.addWidget(amount)
    return amount


def _clear_viewport() -> QWidget:
    """A scroll area's viewport as QScrollArea makes its own, but not filled: the panel's background shows through.
    Made here rather than fetched with `viewport()`: PySide names the class of a Qt-made widget by setting up every
    QWidget class it might be (45 enum types, a tenth of the counter's build)."""
    viewport = QWidget()
    viewport.setObjectName("qt_scrollarea_viewport")
    viewport.setBackgroundRole(QPalette.ColorRole.NoRole)
    viewport.setAutoFillBackground(False)
    return viewport


class PaymentPanel(QFrame):
    """The pay card. `method_chosen` after Ctrl+1..4 or a click; `split_asked` / `credit_asked` for Mixed and Kasbon;
    `finish_asked` for Enter in the cash field or the Finish button; `discount_typed` as the sale discount is typed."""

    method_chosen = Signal(object)
    split_asked = Signal()
    credit_asked = Signal()
    finish_asked = Signal()
    discount_typed = Signal(str)
    discount_done = Signal()
    back = Signal()  # Escape in a field: back to the code box

    def __init__(self) -> None:
        super().__init__()
        self.setProperty("role", "card")
        self.setFixedWidth(350)
        self.method = PaymentMethod.CASH
        self.total = 0
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 14)
        outer.setSpacing(4)
        outer.addWidget(self._scroll(self._build_column()), 1)
        self.finish_button = EnterButton(tr("Finish (Enter)"))
        self.finish_button.setProperty("primary", True)
        self.finish_button.setStyleSheet("font-size: 15pt; min-height: 50px;")
        self.finish_button.clicked.connect(self.finish_asked)
        finish_row = QHBoxLayout()
        finish_row.setContentsMargins(16, 0, 16, 0)
        finish_row.addWidget(self.finish_button)
        outer.addLayout(finish_row)
        self.choose(PaymentMethod.CASH)

    # --- building ---

    def _build_column(self) -> QWidget:
        column = QWidget()
        box = QVBoxLayout(column)
        box.setContentsMargins(16, 14, 16, 0)
        box.setSpacing(4)
        self.count_label = QLabel()
        self.count_label.setProperty("role", "hint")
        self.subtotal_label = QLabel()
        self.discount = MoneyEdit()
        self.discount.setPlaceholderText("Rp0")
        self.discount.setFixedWidth(170)
        self.discount.textEdited.connect(self.discount_typed)
        self.discount.returnPressed.connect(self.discount_done)
        self.discount.escaped.connect(self.back)
        box.addLayout(pair(self.count_label, self.subtotal_label))  # "Subtotal · 2 products, 3 units  Rp83.000"
        box.addLayout(pair(QLabel(tr("Sale discount")), self.discount))
        self.total_label = big_amount(box, tr("Total"), "30pt", beside=True)
        box.addWidget(self._build_methods())
        box.addWidget(self._build_cash())
        self.qris_note = QLabel()
        self.qris_note.setWordWrap(True)
        self.qris_note.setProperty("role", "hint")
        self.qris_note.hide()
        box.addWidget(self.qris_note)
        box.addStretch(1)
        return column

    def _scroll(self, column: QWidget) -> QScrollArea:
        """Below the window's usual height the amounts scroll; "Finish" stays in sight under them."""
        scroll = QScrollArea()
        scroll.setObjectName("pay-scroll")
        scroll.setViewport(_clear_viewport())
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(column)
        column.setAutoFillBackground(False)
        column.setObjectName("pay-column")
        column.setStyleSheet("QWidget#pay-column { background: transparent; }")
        return scroll

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
            button.setStyleSheet(_METHOD_STYLE)
            button.clicked.connect(lambda _checked=False, m=method: self.method_chosen.emit(m))
            self.method_group.addButton(button)
            self.method_buttons[method] = button
            grid.addWidget(button, 0, n)  # one row: the height goes to the cash and the change
        self.split_button = QPushButton(tr("Mixed… ({keys})", keys=SPLIT_KEYS))
        self.split_button.setToolTip(tr("Several ways at once: QRIS, transfer or other, the rest in cash."))
        self.credit_button = QPushButton(tr("Kasbon… ({keys})", keys=CREDIT_KEYS))
        self.credit_button.setToolTip(tr("All or part on a customer's kasbon, with the day it must be paid."))
        for n, (button, signal) in enumerate(((self.split_button, self.split_asked),
                                              (self.credit_button, self.credit_asked))):
            button.setStyleSheet("QPushButton { min-height: 30px; padding: 0 4px; }")
            button.clicked.connect(signal)
            grid.addWidget(button, 1, 2 * n, 1, 2)
        return widget

    def _build_cash(self) -> QWidget:
        self.cash_box = QWidget()
        box = QVBoxLayout(self.cash_box)
        box.setContentsMargins(0, 4, 0, 0)
        box.setSpacing(4)
        self.cash = MoneyEdit()
        self.cash.setObjectName("cash")
        self.cash.setPlaceholderText(tr("empty = exact"))
        self.cash.setValidator(money_validator(self.cash))
        self.cash.setStyleSheet("QLineEdit#cash { font-size: 15pt; min-height: 42px; }")
        self.cash.setMinimumWidth(190)
        self.cash.textEdited.connect(lambda _text: self.update_change())
        self.cash.returnPressed.connect(self.finish_asked)
        self.cash.escaped.connect(self.back)
        caption = QLabel(tr("Cash given"))
        caption.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(caption, 1)
        row.addWidget(self.cash, 2)
        box.addLayout(row)
        quick = QHBoxLayout()
        for amount in (None, *QUICK_CASH):
            button = QPushButton(tr("Exact") if amount is None else format_rupiah(amount))
            button.setStyleSheet("min-height: 34px; padding: 2px 4px;")
            button.clicked.connect(lambda _checked=False, a=amount: self.quick_cash(a))
            quick.addWidget(button)
        box.addLayout(quick)
        self.change_label = big_amount(box, tr("Change to give"), "26pt")
        return self.cash_box

    # --- what the counter calls ---

    def show_cart(self, cart: Cart) -> None:
        """The sums of the cart as it is now."""
        units = sum(line.quantity for line in cart.lines)
        self.count_label.setText(tr("Subtotal · {lines} products, {units} units", lines=len(cart.lines),
                                    units=format_quantity(units)))
        self.subtotal_label.setText(format_rupiah(cart.subtotal))
        self.total = cart.total_due
        self.total_label.setText(format_rupiah(self.total))
        self.finish_button.setEnabled(bool(cart.lines))
        self.update_change()

    def choose(self, method: PaymentMethod, qris_note: str = "") -> None:
        """One method pays the whole total; `qris_note` says why no code will show (QRIS not set up)."""
        self.method = method
        self.method_buttons[method].setChecked(True)
        self.cash_box.setVisible(method is PaymentMethod.CASH)
        self.qris_note.setText(qris_note)
        self.qris_note.setVisible(method is PaymentMethod.QRIS and bool(qris_note))
        self.update_change()

    def focus_payment(self) -> None:
        (self.cash if self.method is PaymentMethod.CASH else self.finish_button).setFocus()

    def quick_cash(self, amount: int | None) -> None:
        """The exact or a common banknote amount into the cash field, ready for Enter."""
        self.cash.setText(format_rupiah(self.total if amount is None else amount))
        self.update_change()
        self.cash.setFocus()

    def cash_given(self) -> int | None:
        text = self.cash.text().strip()
        return parse_rupiah(text, N_("Cash given")) if text else None

    def sale_discount(self) -> int:
        text = self.discount.text().strip()
        return parse_rupiah(text, N_("Sale discount")) if text else 0

    def payment(self) -> Payment:
        """The chosen method for the whole total (UserError when the cash typed cannot be read)."""
        return Payment.single(self.method, self.cash_given() if self.method is PaymentMethod.CASH else None)

    def update_change(self) -> None:
        try:
            paid = self.cash_given()
        except UserError:
            paid = None
        change = 0 if paid is None else paid - self.total
        short = change < 0
        self.change_label.setText(tr("short {amount}", amount=format_rupiah(-change)) if short
                                  else format_rupiah(change))
        self.change_label.setStyleSheet("font-size: 26pt;" + (" color: #b00020;" if short else ""))

    def reset(self) -> None:
        """Ready for the next buyer: no discount, no cash typed, cash chosen."""
        self.discount.clear()
        self.cash.clear()
        self.choose(PaymentMethod.CASH, self.qris_note.text())
