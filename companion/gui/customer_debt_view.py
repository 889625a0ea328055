"""One customer's debt page: what they owe and since when, their kasbon sales and payments, "Terima pembayaran",
"Ingatkan lewat WhatsApp", and their notes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from companion.domain.clock import local_day, now_utc, parse_stamp
from companion.domain.credit import CreditState
from companion.domain.credit_reminder import day_text, payment_note_text, reminder_text
from companion.domain.money import format_rupiah
from companion.domain.sale import PaymentMethod
from companion.domain.settings_keys import SHOP_NAME, TIME_ZONE
from companion.gui.after_sale import receipt_text
from companion.gui.context import AppContext
from companion.gui.credit_payment_dialog import CreditPaymentDialog
from companion.gui.customer_list_model import LATE
from companion.gui.flow_layout import flow_row
from companion.gui.whatsapp_message_dialog import WhatsAppMessageDialog
from companion.i18n import N_, tr
from companion.services.credit import CustomerCredit, customer_credit
from companion.store import credit as credit_store
from companion.store import customers as customer_store
from companion.store.customers import CustomerRow

SALE_COLUMNS = (N_("Receipt no."), N_("Date"), N_("Kasbon"), N_("Due"), N_("Left to pay"))
PAYMENT_COLUMNS = (N_("Date"), N_("Amount"), N_("Paid by"), N_("Note"))


def _table(columns: Sequence[str]) -> QTableWidget:
    """Every column as wide as its text (receipt numbers and amounts are never cut); the last one takes what is
    left (a long note shortens instead of scrolling the table sideways)."""
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels([tr(c) for c in columns])
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(32)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(len(columns) - 1, QHeaderView.ResizeMode.Stretch)
    return table


def _cell(text: str, right: bool = False, late: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if late:
        item.setForeground(LATE)
    return item


class CustomerDebtView(QWidget):
    """Shows one customer (`show_customer`); `back` asks for the list again, `edit`/`delete` for those actions."""

    back = Signal()
    edit = Signal(str)
    delete = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.customer: CustomerRow | None = None
        self.credit: CustomerCredit | None = None
        self.last_paid = 0
        self.sale_ids: list[str] = []  # the kasbon sales table's rows
        self.back_button = QPushButton(tr("← All customers"))
        self.back_button.clicked.connect(self.back.emit)
        self.name = QLabel()
        self.name.setProperty("role", "title")
        self.phone = QLabel()
        self.phone.setProperty("role", "hint")
        self.edit_button = QPushButton(tr("Edit"))
        self.edit_button.clicked.connect(lambda: self.customer and self.edit.emit(self.customer.id))
        self.delete_button = QPushButton(tr("Delete"))
        self.delete_button.clicked.connect(lambda: self.customer and self.delete.emit(self.customer.id))
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addSpacing(12)
        top.addWidget(self.name)
        top.addWidget(self.phone, 1)
        top.addWidget(self.edit_button)
        top.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self._summary_card())
        self.sales = _table(SALE_COLUMNS)
        self.payments = _table(PAYMENT_COLUMNS)
        tables = QGridLayout()
        self.receipt_button = QPushButton(tr("Send receipt by WhatsApp"))
        self.receipt_button.clicked.connect(self.send_receipt)
        self.sales.itemSelectionChanged.connect(self._update_receipt_button)
        self.sales.doubleClicked.connect(lambda _i: self.send_receipt())
        sales_head = QHBoxLayout()
        sales_head.addWidget(self._heading(tr("Kasbon sales")), 1)
        sales_head.addWidget(self.receipt_button)
        tables.addLayout(sales_head, 0, 0)
        tables.addWidget(self._heading(tr("Payments")), 0, 1)
        tables.addWidget(self.sales, 1, 0)
        tables.addWidget(self.payments, 1, 1)
        tables.setColumnStretch(0, 3)
        tables.setColumnStretch(1, 2)
        layout.addLayout(tables, 1)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.notes)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc goes back to the list (a key none of the page's widgets uses)."""
        if event.key() == Qt.Key.Key_Escape:
            self.back.emit()
            return
        super().keyPressEvent(event)

    def _heading(self, text: str) -> QLabel:
        label = QLabel(f"<b>{text}</b>")
        return label

    def _summary_card(self) -> QFrame:
        card = QFrame()
        card.setProperty("role", "card")
        self.owed_caption = QLabel(tr("Owes now"))
        self.owed = QLabel()
        self.owed.setProperty("role", "big")
        self.since = QLabel()
        self.since.setWordWrap(True)
        self.paid_note = QLabel()
        self.paid_note.setProperty("role", "hint")
        self.paid_note.setWordWrap(True)
        self.pay_button = QPushButton(tr("Receive payment"))
        self.pay_button.setProperty("primary", True)
        self.pay_button.setMinimumHeight(40)
        self.pay_button.clicked.connect(self.receive_payment)
        self.remind_button = QPushButton(tr("Remind by WhatsApp"))
        self.remind_button.setMinimumHeight(40)
        self.remind_button.clicked.connect(self.remind)
        self.note_button = QPushButton(tr("Send payment note by WhatsApp"))
        self.note_button.setMinimumHeight(40)
        self.note_button.clicked.connect(self.send_payment_note)
        words = QVBoxLayout()
        words.setSpacing(2)
        words.addWidget(self.owed_caption)
        words.addWidget(self.owed)
        words.addWidget(self.since)
        words.addWidget(self.paid_note)
        row = QHBoxLayout(card)
        row.setContentsMargins(14, 8, 14, 8)
        row.addLayout(words, 1)
        row.addWidget(flow_row([self.pay_button, self.remind_button, self.note_button]), 1,
                      Qt.AlignmentFlag.AlignVCenter)
        return card

    # --- data --------------------------------------------------------------------------------------------
    def _today(self) -> date:
        return local_day(now_utc(), self.ctx.setting(TIME_ZONE))

    def _day(self, stamp_text: str) -> date:
        return local_day(parse_stamp(stamp_text), self.ctx.setting(TIME_ZONE))

    def show_customer(self, customer_id: str) -> None:
        if self.customer is None or self.customer.id != customer_id:
            self.last_paid = 0
        self.customer = customer_store.get(self.ctx.db, customer_id)
        if self.customer is None:
            self.back.emit()
            return
        self.credit = customer_credit(self.ctx.db, customer_id, self._today())
        self._fill_header(self.customer, self.credit.state)
        self._fill_sales(self.credit)
        self._update_receipt_button()
        self._fill_payments(self.credit.payments)

    def reload(self) -> None:
        if self.customer is not None:
            self.show_customer(self.customer.id)

    def _fill_header(self, customer: CustomerRow, state: CreditState) -> None:
        self.name.setText(customer.name)
        self.phone.setText(customer.phone or tr("no phone number"))
        owes = customer.owed > 0
        self.owed.setText(format_rupiah(max(customer.owed, 0)))
        self.owed.setStyleSheet(f"color: {LATE.name()};" if state.overdue else "")
        self.since.setText(self._since_text(state) if owes else tr("Nothing owed on kasbon."))
        self.since.setStyleSheet(f"color: {LATE.name()}; font-weight: bold;" if state.overdue else "")
        self.paid_note.setText(tr("Payment of {amount} recorded.", amount=format_rupiah(self.last_paid))
                               if self.last_paid else "")
        self.pay_button.setEnabled(owes)
        self.remind_button.setEnabled(owes)
        self.note_button.setVisible(bool(self.last_paid))
        self.notes.setText(tr("Notes: {notes}", notes=customer.notes) if customer.notes else "")
        self.notes.setVisible(bool(customer.notes))

    def _since_text(self, state: CreditState) -> str:
        parts = []
        if state.since is not None:
            parts.append(tr("Unpaid since {day}", day=day_text(state.since)))
        if state.oldest_due is not None:
            if state.overdue and state.days_late == 1:
                parts.append(tr("due {day}, late by 1 day", day=day_text(state.oldest_due)))
            elif state.overdue:
                parts.append(tr("due {day}, late by {n} days", day=day_text(state.oldest_due), n=state.days_late))
            else:
                parts.append(tr("due {day}", day=day_text(state.oldest_due)))
        return " · ".join(parts)

    def _fill_sales(self, credit: CustomerCredit) -> None:
        left = {o.sale.sale_id: o.left for o in credit.state.open}
        today = self._today()
        rows = list(reversed(credit.sales))  # newest first
        self.sale_ids = [sale.sale_id for sale in rows]
        self.sales.setRowCount(len(rows))
        for n, sale in enumerate(rows):
            due = date.fromisoformat(sale.due_date) if sale.due_date else None
            open_left = left.get(sale.sale_id, 0)
            late = bool(open_left and due is not None and due < today)
            if sale.voided:
                status = tr("Cancelled")
            elif open_left:
                status = format_rupiah(open_left)
            else:
                status = tr("Paid")
            cells = [_cell(sale.number), _cell(day_text(self._day(sale.created_at))),
                     _cell(format_rupiah(sale.credit_amount), right=True),
                     _cell(day_text(due) if due else "–", late=late), _cell(status, right=True, late=late)]
            for col, item in enumerate(cells):
                self.sales.setItem(n, col, item)

    def _fill_payments(self, payments: Sequence[credit_store.CreditPaymentRow]) -> None:
        rows = list(reversed(payments))
        self.payments.setRowCount(len(rows))
        for n, paid in enumerate(rows):
            method = PaymentMethod(paid.method).label() if paid.method in set(PaymentMethod) else paid.method
            cells = [_cell(day_text(self._day(paid.created_at))), _cell(format_rupiah(paid.amount), right=True),
                     _cell(method), _cell(paid.note)]
            for col, item in enumerate(cells):
                self.payments.setItem(n, col, item)

    # --- actions -----------------------------------------------------------------------------------------
    def receive_payment(self) -> None:
        if self.customer is None:
            return
        dialog = CreditPaymentDialog(self.ctx, self.customer, self)
        if dialog.exec() and dialog.paid:
            self.last_paid = dialog.paid
            self.show_customer(self.customer.id)

    def _update_receipt_button(self) -> None:
        self.receipt_button.setEnabled(self.selected_sale() is not None)

    def selected_sale(self) -> str | None:
        rows = self.sales.selectionModel().selectedRows()
        return self.sale_ids[rows[0].row()] if rows and rows[0].row() < len(self.sale_ids) else None

    def send_receipt(self) -> None:
        """The chosen kasbon sale's receipt, as the counter sends it, to check and send by WhatsApp."""
        sale_id = self.selected_sale()
        if self.customer is None or sale_id is None:
            return
        WhatsAppMessageDialog(self, tr("Send receipt by WhatsApp"), self.customer.phone,
                              receipt_text(self.ctx, sale_id)).exec()

    def reminder(self) -> str:
        """The reminder's words for the customer shown (the shop may change them before WhatsApp opens)."""
        assert self.customer is not None and self.credit is not None
        return reminder_text(self.ctx.setting(SHOP_NAME), self.customer.name, self.customer.owed,
                             self.credit.state.oldest_due, self._today())

    def remind(self) -> None:
        if self.customer is None or self.credit is None:
            return
        WhatsAppMessageDialog(self, tr("Remind by WhatsApp"), self.customer.phone, self.reminder()).exec()

    def send_payment_note(self) -> None:
        if self.customer is None or not self.last_paid:
            return
        text = payment_note_text(self.ctx.setting(SHOP_NAME), self.customer.name, self.last_paid,
                                 self.customer.owed, self._today())
        WhatsAppMessageDialog(self, tr("Send payment note by WhatsApp"), self.customer.phone, text).exec()
