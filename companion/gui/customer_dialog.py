"""Adding or editing a customer: name, WhatsApp number, notes; every problem under its box at once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.gui.context import AppContext
from companion.gui.form_errors import EnterSaves, FormErrors
from companion.i18n import tr
from companion.services import customers as customer_service
from companion.store.customers import CustomerRow


class CustomerDialog(QDialog):
    """`customer` None: a new customer (its id in `saved_id` after saving)."""

    def __init__(self, ctx: AppContext, customer: CustomerRow | None, parent: QWidget | None = None,
                 name: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.customer = customer
        self.saved_id: str | None = None
        self.setWindowTitle(tr("Edit customer") if customer else tr("Add customer"))
        self.setMinimumWidth(520)
        self.name = QLineEdit(customer.name if customer else name)
        self.name.setPlaceholderText(tr("e.g. Bu Ani"))
        self.phone = QLineEdit(customer.phone if customer else "")
        self.phone.setPlaceholderText(tr("e.g. 0812-3456-7890"))
        self.notes = QPlainTextEdit(customer.notes if customer else "")
        self.notes.setPlaceholderText(tr("e.g. pays every Friday, house next to the mosque"))
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(80)
        hint = QLabel(tr("The phone number is for WhatsApp reminders and receipts; it may stay empty."))
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(tr("Name"), self.name)
        form.addRow(tr("WhatsApp number"), self.phone)
        form.addRow("", hint)
        form.addRow(tr("Notes"), self.notes)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        buttons = QDialogButtonBox()
        save = buttons.addButton(tr("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
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
        self.errors.add("name", self.name)
        self.errors.add("phone", self.phone)
        self.errors.add("notes", self.notes)
        EnterSaves(self, self.save, [self.name, self.phone])
        self.name.setFocus()

    def save(self) -> None:
        name, phone, notes = self.name.text(), self.phone.text(), self.notes.toPlainText()
        try:
            if self.customer is None:
                self.saved_id, change = customer_service.add_customer(self.ctx.db, name, phone, notes)
            else:
                change = customer_service.edit_customer(self.ctx.db, self.customer.id, name, phone, notes)
                self.saved_id = self.customer.id
        except UserError as exc:
            self.errors.show(exc, "name")
            return
        self.ctx.announce(change)
        self.accept()
