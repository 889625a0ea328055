"""Paying one sale several ways: amounts by QRIS, transfer or another way, part or all on a customer's kasbon with
the day it is due, and the rest in cash (with the change worked out as the cash is typed).

The form only collects and checks (domain/payments.settle); the counter records the sale once it is accepted.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, QLocale
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion import i18n
from companion.domain.clock import local_day, now_utc
from companion.domain.errors import UserError
from companion.domain.money import format_rupiah, parse_rupiah
from companion.domain.payments import Payment, settle
from companion.domain.sale import PaymentMethod
from companion.domain.settings_keys import TIME_ZONE
from companion.gui.context import AppContext
from companion.gui.customer_picker import CustomerPicker
from companion.gui.payment_panel import MoneyEdit, money_validator
from companion.i18n import N_, tr
from companion.store.customers import CustomerRow

CREDIT_DAYS = 7  # a kasbon is due a week later unless the cashier picks another day
OTHER_METHODS = (PaymentMethod.QRIS, PaymentMethod.TRANSFER, PaymentMethod.OTHER)


def _amount(field: MoneyEdit, name: str) -> int:
    text = field.text().strip()
    return parse_rupiah(text, name) if text else 0


class SplitPaymentDialog(QDialog):
    """Accepted with `payment` set to what was typed and checked against `total`; Escape goes back, cart kept."""

    def __init__(self, ctx: AppContext, total: int, credit: bool = False, qris_note: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.total = ctx, total
        self.payment: Payment | None = None
        self.today = local_day(now_utc(), ctx.setting(TIME_ZONE))
        self.setWindowTitle(tr("Kasbon") if credit else tr("Mixed payment"))
        title = QLabel(tr("Pay {amount}", amount=format_rupiah(total)))
        title.setProperty("role", "title")
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.picker = CustomerPicker(ctx)
        self.picker.chosen.connect(self._customer_chosen)
        columns = QHBoxLayout()
        columns.addWidget(self._build_amounts(qris_note), 1)
        columns.addWidget(self._build_customer(), 1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(columns, 1)
        layout.addWidget(self.error)
        layout.addLayout(self._build_buttons())
        for button in self.findChildren(QAbstractButton):  # Enter in a field never presses a button by itself
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        self.resize(820, 560)
        if credit:
            self.credit.setText(format_rupiah(total))
        self.first_field: QWidget = self.picker.search_box if credit else self.others[PaymentMethod.QRIS]
        self.update_sums()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.activateWindow()
        self.first_field.setFocus()

    # --- building ---

    def _money_field(self) -> MoneyEdit:
        field = MoneyEdit()
        field.setPlaceholderText("Rp0")
        field.setValidator(money_validator(field))
        field.setStyleSheet("font-size: 13pt; min-height: 34px;")
        field.textEdited.connect(lambda _t: self.update_sums())
        field.returnPressed.connect(self.finish)
        field.escaped.connect(self.reject)
        return field

    def _build_amounts(self, qris_note: str) -> QGroupBox:
        box = QGroupBox(tr("Paid with"))
        form = QFormLayout(box)
        self.others = {m: self._money_field() for m in OTHER_METHODS}
        for method, field in self.others.items():
            form.addRow(method.label(), field)
        if qris_note:
            note = QLabel(qris_note)
            note.setWordWrap(True)
            note.setProperty("role", "hint")
            form.addRow(note)
        self.credit = self._money_field()
        form.addRow(tr("Kasbon"), self.credit)
        self.due = QDateEdit()
        self.due.setCalendarPopup(True)
        self.due.setLocale(QLocale(QLocale.Language.Indonesian if i18n.language() == "id" else
                                   QLocale.Language.English))
        self.due.setDisplayFormat("d MMM yyyy")
        self.due.setMinimumDate(_qdate(self.today))
        self.due.setDate(_qdate(self.today + timedelta(days=CREDIT_DAYS)))
        self.due.setStyleSheet("min-height: 32px;")
        form.addRow(tr("Kasbon due"), self.due)
        self.cash_due = QLabel()
        self.cash_due.setStyleSheet("font-size: 15pt; font-weight: bold;")
        form.addRow(tr("Rest in cash"), self.cash_due)
        self.cash = self._money_field()
        self.cash.setPlaceholderText(tr("empty = exact money"))
        form.addRow(tr("Cash given"), self.cash)
        self.change_label = QLabel()
        self.change_label.setStyleSheet("font-size: 18pt; font-weight: bold;")
        form.addRow(tr("Change to give"), self.change_label)
        return box

    def _build_customer(self) -> QGroupBox:
        box = QGroupBox(tr("Customer (needed for kasbon)"))
        layout = QVBoxLayout(box)
        layout.addWidget(self.picker)
        return box

    def _build_buttons(self) -> QHBoxLayout:
        self.back_button = QPushButton(tr("Back (Esc)"))
        self.back_button.clicked.connect(self.reject)
        self.finish_button = QPushButton(tr("Finish (Enter)"))
        self.finish_button.setProperty("primary", True)
        self.finish_button.setStyleSheet("font-size: 14pt; min-height: 44px;")
        self.finish_button.clicked.connect(self.finish)
        row = QHBoxLayout()
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.finish_button)
        return row

    # --- sums and the result ---

    def _customer_chosen(self, row: CustomerRow | None) -> None:
        self.error.hide()
        if row is not None:
            (self.credit if self.credit.text() else self.others[PaymentMethod.QRIS]).setFocus()

    def build_payment(self) -> Payment:
        """What was typed (UserError when an amount cannot be read)."""
        others = {m: _amount(f, m.label()) for m, f in self.others.items()}
        credit = _amount(self.credit, N_("Kasbon"))
        cash = self.cash.text().strip()
        customer = self.picker.customer
        return Payment(others, parse_rupiah(cash, N_("Cash given")) if cash else None, credit,
                       customer.id if customer else None, _pydate(self.due.date()) if credit else None)

    def update_sums(self) -> None:
        """The cash still due and the change, as the amounts are typed."""
        try:
            p = self.build_payment()
        except UserError:
            return
        due = self.total - sum(p.others.values()) - p.credit
        self.due.setEnabled(p.credit > 0)
        self.cash_due.setText(format_rupiah(due) if due >= 0 else tr("{amount} too much", amount=format_rupiah(-due)))
        self.cash_due.setStyleSheet("font-size: 15pt; font-weight: bold;" + (" color: #b00020;" if due < 0 else ""))
        change = 0 if p.cash_given is None else p.cash_given - max(due, 0)
        self.change_label.setText(format_rupiah(change) if change >= 0 else
                                  tr("short {amount}", amount=format_rupiah(-change)))
        self.change_label.setStyleSheet("font-size: 18pt; font-weight: bold;" +
                                        (" color: #b00020;" if change < 0 else ""))

    def finish(self) -> None:
        """Checked against the total here, so a wrong amount is said in this form with everything kept."""
        try:
            payment = self.build_payment()
            settle(self.total, payment, self.today)
        except UserError as exc:
            self.error.setText(exc.message())
            self.error.show()
            return
        self.payment = payment
        self.accept()


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())
