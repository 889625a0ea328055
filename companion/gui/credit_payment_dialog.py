""""Terima pembayaran": the customer pays part or all of their kasbon, by cash, QRIS, transfer or another way."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.domain.field_problems import FieldProblem
from companion.domain.ids import new_id
from companion.domain.money import format_rupiah, parse_rupiah
from companion.domain.sale import PaymentMethod
from companion.gui.context import AppContext
from companion.gui.form_errors import EnterSaves, FormErrors, error_label
from companion.i18n import N_, tr
from companion.services.credit import pay_credit
from companion.store.customers import CustomerRow

CHOSEN_STYLE = ("QPushButton:checked { background: #1b7a43; color: white;"  # as the counter
                " border: 1px solid #145c32; border-radius: 3px; font-weight: bold; }")


class CreditPaymentDialog(QDialog):
    """After `exec()` succeeds, `paid` holds the amount recorded."""

    def __init__(self, ctx: AppContext, customer: CustomerRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.customer = customer
        self.paid = 0
        self.payment_id = new_id()  # made once: pressing Save twice records one payment
        self.setWindowTitle(tr("Receive payment"))
        self.setMinimumWidth(600)
        owed = QLabel(format_rupiah(customer.owed))
        owed.setProperty("role", "big")
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(tr("e.g. 50.000"))
        self.amount.setMinimumHeight(40)
        self.amount.setMinimumWidth(200)
        self.all_button = QPushButton(tr("All of it ({amount})", amount=format_rupiah(customer.owed)))
        self.all_button.clicked.connect(lambda: self.amount.setText(format_rupiah(customer.owed)))
        amount_row = QHBoxLayout()
        amount_row.addWidget(self.amount, 1)
        amount_row.addWidget(self.all_button)
        amount_error = error_label()  # under the amount and its button, not squeezed beside them
        self.methods = QButtonGroup(self)
        method_row = QHBoxLayout()
        for method in PaymentMethod:
            button = QPushButton(method.label())
            button.setCheckable(True)
            button.setMinimumHeight(38)
            button.setStyleSheet(CHOSEN_STYLE)
            button.setProperty("method", method.value)
            self.methods.addButton(button)
            method_row.addWidget(button)
        self.methods.buttons()[0].setChecked(True)
        self.note = QLineEdit()
        self.note.setPlaceholderText(tr("optional, e.g. paid by her son"))
        self.after = QLabel()
        self.after.setProperty("role", "hint")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(tr("Customer"), QLabel(f"<b>{customer.name}</b>"))
        form.addRow(tr("Owes now"), owed)
        form.addRow(tr("Paid now"), amount_row)
        form.addRow("", amount_error)
        form.addRow(tr("Paid by"), method_row)
        form.addRow(tr("Note"), self.note)
        form.addRow("", self.after)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        buttons = QDialogButtonBox()
        save = buttons.addButton(tr("Record payment"), QDialogButtonBox.ButtonRole.AcceptRole)
        save.setProperty("primary", True)
        save.setDefault(True)
        buttons.addButton(tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        self.errors = FormErrors(self.summary)
        self.errors.add("amount", self.amount, amount_error)
        self.errors.add("note", self.note)
        EnterSaves(self, self.save, [self.amount, self.note])
        self.amount.textChanged.connect(self._show_after)
        self._show_after()
        self.amount.setFocus()

    def method(self) -> PaymentMethod:
        checked = self.methods.checkedButton()
        return PaymentMethod(str(checked.property("method"))) if checked else PaymentMethod.CASH

    def _show_after(self) -> None:
        try:
            left = self.customer.owed - parse_rupiah(self.amount.text(), N_("Payment"))
        except UserError:
            self.after.setText("")
            return
        self.after.setText(tr("Kasbon paid in full.") if left == 0 else
                           tr("Still owed after this: {amount}", amount=format_rupiah(left)) if left > 0 else "")

    def save(self) -> None:
        try:
            amount = parse_rupiah(self.amount.text(), N_("Payment"))
        except UserError as exc:
            self.errors.show_problems([FieldProblem("amount", exc)])
            return
        try:
            change = pay_credit(self.ctx.db, self.customer.id, amount, self.method(), self.note.text(),
                                self.ctx.cashier_id, payment_id=self.payment_id)
        except UserError as exc:
            self.errors.show(exc, "amount")
            return
        self.paid = amount
        self.ctx.announce(change)
        self.accept()
