"""Catat pertanyaan: a question that came by phone, WhatsApp or at the counter, so it waits in the inbox with a
target time like the marketplace chats and nobody forgets to call back."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.gui.context import AppContext
from companion.gui.messages import show_error
from companion.i18n import N_, tr
from companion.services import inbox as inbox_service

SOURCES = (("whatsapp", N_("WhatsApp")), ("phone", N_("Phone")), ("walk_in", N_("At the shop")))
TARGETS = ((15, N_("15 minutes")), (30, N_("30 minutes")), (60, N_("1 hour")), (120, N_("2 hours")),
           (240, N_("4 hours")), (24 * 60, N_("1 day")))
DEFAULT_TARGET = 60


class LogInquiryDialog(QDialog):
    """Who asked, how, what, and by when they should hear back; saved through services.inbox.log_inquiry."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.conversation_id: str | None = None
        self.setWindowTitle(tr("Log a question"))
        self.resize(480, 360)
        self.source = QComboBox()
        for key, label in SOURCES:
            self.source.addItem(tr(label), key)
        self.buyer = QLineEdit()
        self.buyer.setPlaceholderText(tr("Name or phone number"))
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(tr("What did they ask?"))
        self.target = QComboBox()
        for minutes, label in TARGETS:
            self.target.addItem(tr(label), minutes)
        self.target.setCurrentIndex(next(i for i, (m, _l) in enumerate(TARGETS) if m == DEFAULT_TARGET))
        form = QFormLayout()
        form.addRow(tr("Came by"), self.source)
        form.addRow(tr("Buyer"), self.buyer)
        form.addRow(tr("Question"), self.text)
        form.addRow(tr("Answer within"), self.target)
        save = QPushButton(tr("Save"))
        save.setProperty("primary", True)
        save.setDefault(True)
        save.clicked.connect(self.save)
        cancel = QPushButton(tr("Cancel"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(save)
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addLayout(buttons)

    def save(self) -> bool:
        try:
            self.conversation_id, change = inbox_service.log_inquiry(
                self.ctx.db, self.source.currentData(), self.buyer.text(), self.text.toPlainText(),
                self.target.currentData())
        except UserError as exc:
            show_error(self, exc)
            return False
        self.ctx.announce(change)
        self.accept()
        return True
