"""A counter sale taken by phone or WhatsApp and sent by courier: marked "dikirim" with the courier and (when
there is one) the tracking number, so the shop has one list of what left the building
(services/counter_shipping.py). Opened from Today's sales; opening it again corrects what was typed."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.domain.money import format_rupiah
from companion.gui.context import AppContext
from companion.gui.form_errors import EnterSaves, FormErrors
from companion.i18n import tr
from companion.services.counter_shipping import mark_sale_shipped
from companion.store import counter_shipments as shipment_store
from companion.store import sales as sale_store

# Couriers Indonesian shops send with most (brand names, the same in every language); any other may be typed.
COURIERS = ("JNE", "J&T Express", "SiCepat", "AnterAja", "Pos Indonesia", "Ninja Xpress", "Lion Parcel", "Wahana",
            "GoSend", "GrabExpress")


def shipped_words(ctx: AppContext, sale_id: str) -> str:
    """"Dikirim · JNE" for a sale marked sent; empty otherwise (Today's sales shows it in the status)."""
    shipment = shipment_store.get(ctx.db, sale_id)
    return tr("Sent · {courier}", courier=shipment.courier) if shipment else ""


class CounterShippingDialog(QDialog):
    """Courier (chosen or typed), tracking number (optional) and recipient (optional), then "Tandai dikirim"."""

    def __init__(self, ctx: AppContext, sale_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.sale_id = sale_id
        sale = sale_store.get(ctx.db, sale_id)
        before = shipment_store.get(ctx.db, sale_id)
        number = sale.number if sale else sale_id
        self.setWindowTitle(tr("Send sale {number} by courier", number=number))
        self.resize(480, 300)
        self.courier = QComboBox()
        self.courier.setEditable(True)
        self.courier.addItems(COURIERS)
        self.courier.setCurrentText(before.courier if before else "")
        editor = self.courier.lineEdit()
        if editor is not None:
            editor.setPlaceholderText(tr("e.g. JNE"))
        self.tracking = QLineEdit(before.tracking_number if before else "")
        self.tracking.setPlaceholderText(tr("As printed on the courier's receipt (may be empty)"))
        self.recipient = QLineEdit(before.recipient if before else "")
        self.recipient.setPlaceholderText(tr("Who receives it (may be empty)"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setProperty("role", "error")
        self.save_button = QPushButton(tr("Mark as sent"))
        self.save_button.setProperty("primary", True)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        cancel = QPushButton(tr("Cancel"))
        cancel.clicked.connect(self.reject)
        form = QFormLayout()
        form.addRow(tr("Courier"), self.courier)
        form.addRow(tr("Tracking number"), self.tracking)
        form.addRow(tr("Recipient"), self.recipient)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        total = format_rupiah(sale.total) if sale else ""
        intro = tr("Sale {number} ({total}) was sent by courier: write which one, and its tracking number.",
                   number=number, total=total)
        head = QLabel(intro)
        head.setWordWrap(True)
        layout.addWidget(head)
        if before:
            hint = QLabel(tr("Already marked sent: saving corrects it."))
            hint.setProperty("role", "hint")
            layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.errors = FormErrors(self.message)
        for key, widget in (("courier", self.courier), ("tracking", self.tracking), ("recipient", self.recipient)):
            self.errors.add(key, widget)
        EnterSaves(self, self.save, [self.courier, self.tracking, self.recipient])
        self.courier.setFocus()

    def save(self) -> bool:
        """Mark the sale sent; every box's problem under it at once, what was typed kept."""
        try:
            change = mark_sale_shipped(self.ctx.db, self.sale_id, self.courier.currentText(), self.tracking.text(),
                                       self.recipient.text())
        except UserError as exc:
            self.errors.show(exc)
            return False
        self.ctx.announce(change)
        self.accept()
        return True
