"""A message to send by WhatsApp, shown first so the shop can change the words (and the number) before WhatsApp
opens with it: kasbon reminders, payment notes and receipts."""

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
from companion.domain.whatsapp import wa_number
from companion.gui.form_errors import FormErrors
from companion.gui.whatsapp_open import open_whatsapp
from companion.i18n import N_, tr


class WhatsAppMessageDialog(QDialog):
    """`opened` is True once WhatsApp was asked to open the chat."""

    def __init__(self, parent: QWidget | None, title: str, phone: str, text: str) -> None:
        super().__init__(parent)
        self.opened = False
        self.setWindowTitle(title)
        self.setMinimumSize(560, 420)
        self.phone = QLineEdit(phone)
        self.phone.setPlaceholderText(tr("e.g. 0812-3456-7890"))
        self.message = QPlainTextEdit(text)
        self.message.setTabChangesFocus(True)
        hint = QLabel(tr("Change the words if you like. WhatsApp opens with this message ready; it is sent only "
                         "when you press send there."))
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(tr("WhatsApp number"), self.phone)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.open_button = buttons.addButton(tr("Open WhatsApp"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button.setProperty("primary", True)
        buttons.addButton(tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.send)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(tr("Message")))
        layout.addWidget(self.message, 1)
        layout.addWidget(hint)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        self.errors = FormErrors(self.summary)
        self.errors.add("phone", self.phone)
        self.errors.add("message", self.message)
        (self.message if phone else self.phone).setFocus()

    def send(self) -> None:
        try:
            wa_number(self.phone.text())
        except UserError as exc:
            self.errors.show(exc, "phone")
            return
        if not self.message.toPlainText().strip():
            self.errors.show(UserError(N_("Write the message first.")), "message")
            return
        self.opened = open_whatsapp(self, self.phone.text(), self.message.toPlainText().strip())
        if self.opened:
            self.accept()
