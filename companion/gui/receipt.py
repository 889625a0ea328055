"""The receipt (struk) of a counter sale: shown on screen, printed, or saved as a PDF to send by chat."""

from __future__ import annotations

from html import escape
from pathlib import Path

from babel.dates import format_datetime
from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QWidget,
)

from companion.domain.clock import parse_stamp, shop_zone
from companion.domain.money import format_quantity, format_rupiah
from companion.domain.sale import PaymentMethod
from companion.domain.settings_keys import SHOP_NAME, TIME_ZONE
from companion.gui.context import AppContext
from companion.gui.document_preview import DocumentPreview, write_pdf
from companion.i18n import babel_locale, tr
from companion.store import sales as sale_store
from companion.store.sales import SaleRow

RECEIPT_WIDTH_MM = 80  # the common thermal printer roll


def receipt_time(created_at: str, zone: str) -> str:
    """The sale's moment in the shop's own zone, e.g. "28 Nov 2026 14.05 WIB"."""
    local = parse_stamp(created_at).astimezone(shop_zone(zone))
    return f"{format_datetime(local, 'd MMM yyyy HH.mm', locale=babel_locale())} {zone}"


def receipt_html(sale: SaleRow, shop_name: str, zone: str) -> str:
    """The receipt as simple HTML that QTextDocument renders the same on screen, paper and PDF."""
    rows = []
    for line in sale.lines:
        detail = f"{format_quantity(line.quantity)} × {format_rupiah(line.unit_price)}"
        if line.line_discount:
            detail += " − " + escape(tr("discount {amount}", amount=format_rupiah(line.line_discount)))
        if line.returned:
            detail += " · " + escape(tr("{count} returned", count=format_quantity(line.returned)))
        rows.append(f"<tr><td colspan='2'>{escape(line.name)}</td></tr>"
                    f"<tr><td class='d'>{detail}</td><td align='right'>{format_rupiah(line.line_total)}</td></tr>")
    money = [(tr("Subtotal"), sale.subtotal)]
    if sale.sale_discount:
        money.append((tr("Discount"), -sale.sale_discount))
    method = PaymentMethod(sale.payment_method)
    paid = [(tr("Paid ({method})", method=method.label()), sale.amount_paid)]
    if method is PaymentMethod.CASH:
        paid.append((tr("Change to give"), sale.change_given))
    voided = (f"<p align='center'><b>{escape(tr('CANCELLED'))}</b>: {escape(sale.void_reason or '')}</p>"
              if sale.voided else "")
    return f"""
<html><head><style>
 body {{ font-family: 'DejaVu Sans Mono', 'Consolas', monospace; font-size: 10pt; }}
 td.d {{ color: #444; }}
 .big td {{ font-size: 13pt; font-weight: bold; }}
</style></head><body>
<h3 align='center'>{escape(shop_name or "Seller Companion")}</h3>
<p align='center'>{escape(tr("Receipt {number}", number=sale.number))}<br/>
{escape(receipt_time(sale.created_at, zone))}</p>
{voided}
<hr/><table width='100%' cellspacing='0' cellpadding='1'>{''.join(rows)}</table><hr/>
<table width='100%' cellspacing='0' cellpadding='1'>{_money_rows(money)}
<tr class='big'><td><b>{escape(tr("Total"))}</b></td><td align='right'><b>{format_rupiah(sale.total)}</b></td></tr>
{_money_rows(paid)}</table><hr/>
<p align='center'>{escape(tr("Thank you for shopping!"))}</p>
</body></html>"""


def _money_rows(items: list[tuple[str, int]]) -> str:
    return "".join(f"<tr><td>{escape(label)}</td><td align='right'>{format_rupiah(amount)}</td></tr>"
                   for label, amount in items)


def receipt_document(sale: SaleRow, shop_name: str, zone: str) -> QTextDocument:
    doc = QTextDocument()
    doc.setHtml(receipt_html(sale, shop_name, zone))
    return doc


def _receipt_printer(printer: QPrinter) -> None:
    """A narrow page as on a thermal roll; long receipts continue on the next page."""
    printer.setPageSize(QPageSize(QSizeF(RECEIPT_WIDTH_MM, 200), QPageSize.Unit.Millimeter))
    printer.setPageMargins(QMarginsF(4, 4, 4, 4), QPageLayout.Unit.Millimeter)


def save_pdf(doc: QTextDocument, path: Path) -> Path:
    """Write the receipt as a PDF file (for sending to a buyer by chat)."""
    return write_pdf(doc, path, _receipt_printer)


class ReceiptDialog(DocumentPreview):
    """The receipt after a sale or from the sales list: Print, Save PDF, and Enter for the next buyer."""

    def __init__(self, ctx: AppContext, sale_id: str, parent: QWidget | None = None, after_sale: bool = True) -> None:
        sale = sale_store.get(ctx.db, sale_id)
        assert sale is not None, "the sale was just read or saved"
        super().__init__(receipt_document(sale, ctx.setting(SHOP_NAME), ctx.setting(TIME_ZONE)),
                         page_setup=_receipt_printer, print_title=tr("Print receipt"),
                         printed=tr("The receipt was sent to the printer."), pdf_name=f"struk-{sale.number}.pdf",
                         pdf_title=tr("Save receipt as PDF"),
                         close_text=tr("New sale (Enter)") if after_sale else tr("Close (Enter)"), parent=parent)
        self.ctx = ctx
        self.sale = sale
        self.setWindowTitle(tr("Receipt {number}", number=sale.number))
        self.resize(460, 640)
        self.close_button.setProperty("primary", True)
        self.close_button.setDefault(True)
        self.close_button.setFocus()
