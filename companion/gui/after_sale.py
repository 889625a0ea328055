"""What the cashier can still do for the sale just finished, until the next product is scanned: see its receipt
again and, when the buyer is a customer with a phone, send the receipt by WhatsApp (a click-to-chat link with the
receipt's text filled in; nothing is sent until the shop presses send in WhatsApp)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from companion.gui.context import AppContext
from companion.i18n import tr

if TYPE_CHECKING:  # the sale's modules load with the first sale (or right after the first paint), not before it
    from companion.services.sales import SaleResult

CHAT_PAPER_MM = 58  # a phone screen is narrow: the 58 mm receipt's 32 columns fit without wrapping


def receipt_text(ctx: AppContext, sale_id: str) -> str:
    """The receipt as the thermal printer would print it, in WhatsApp's monospace block so its columns line up."""
    from companion.domain.print_doc import columns, plain_lines
    from companion.services.receipts import sale_receipt  # the receipt's printing support loads when first asked

    lines = plain_lines(sale_receipt(ctx.db, sale_id), columns(CHAT_PAPER_MM))
    return "```\n" + "\n".join(line.rstrip() for line in lines).strip("\n") + "\n```"


class AfterSaleBar(QWidget):
    """Two small buttons beside the counter's message line; hidden while there is no finished sale."""

    receipt_asked = Signal(str)  # sale id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.sale_id = ""
        self.phone = ""
        self.receipt_button = QPushButton(tr("Receipt"))
        self.receipt_button.clicked.connect(lambda: self.receipt_asked.emit(self.sale_id))
        self.whatsapp_button = QPushButton(tr("Send receipt by WhatsApp"))
        self.whatsapp_button.clicked.connect(self.send_whatsapp)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.receipt_button)
        row.addWidget(self.whatsapp_button)
        self.clear()

    def show_sale(self, result: SaleResult) -> None:
        """The sale just saved; the WhatsApp button only when its customer has a phone."""
        from companion.store import customers as customer_store
        from companion.store import sales as sale_store

        self.sale_id = result.sale_id
        sale = sale_store.get(self.ctx.db, result.sale_id)
        customer = customer_store.get(self.ctx.db, sale.customer_id) if sale and sale.customer_id else None
        self.phone = customer.phone if customer else ""
        self.whatsapp_button.setVisible(bool(self.phone))
        self.show()

    def clear(self) -> None:
        self.sale_id = self.phone = ""
        self.hide()

    def send_whatsapp(self) -> bool:
        """Open WhatsApp with the receipt as text (False when the phone could not be read or nothing opened)."""
        if not (self.sale_id and self.phone):
            return False
        from companion.gui.whatsapp_open import open_whatsapp  # (QUrl and the browser hand-off: on first use)

        return open_whatsapp(self, self.phone, receipt_text(self.ctx, self.sale_id))
