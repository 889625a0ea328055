"""The receipt (struk) of a counter sale on screen, through a system printer or as a PDF to send by chat.

It is drawn from the same PrintDoc the thermal printer gets (services/receipts.py → domain/receipt_doc.py), so split
payments, kasbon, the cashier and the shop's header and footer read the same everywhere, on a page as wide as the
shop's roll (80 mm when no thermal printer is set up).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QWidget

from companion.domain.print_doc import PrintDoc
from companion.domain.settings_keys import PRINTER_KIND, PRINTER_PAPER_MM
from companion.gui.context import AppContext
from companion.gui.document_preview import DocumentPreview, write_pdf
from companion.gui.print_doc_page import doc_document, page_height_mm, roll_page
from companion.i18n import tr
from companion.services import receipts
from companion.services.printer_setup import logo_path
from companion.store import sales as sale_store

RECEIPT_WIDTH_MM = 80  # the common thermal printer roll, when the shop has not set one up
SCREEN_PT = 10.5


def receipt_time(created_at: str, zone: str) -> str:
    """The sale's moment in the shop's own zone, e.g. "28 Nov 2026 14.05 WIB"."""
    return receipts.receipt_time(created_at, zone)


def paper_mm(ctx: AppContext) -> int:
    """The roll width pages are drawn for: the thermal printer's when one is set up."""
    return ctx.setting(PRINTER_PAPER_MM) if ctx.setting(PRINTER_KIND) else RECEIPT_WIDTH_MM


class DocPreview(DocumentPreview):
    """Any PrintDoc on a roll-wide page: Print (system printer), Save PDF, Close."""

    def __init__(self, ctx: AppContext, doc: PrintDoc, pdf_name: str, parent: QWidget | None = None,
                 close_text: str | None = None) -> None:
        self.doc = doc
        paper = paper_mm(ctx)
        document = doc_document(doc, logo_path(ctx.db), paper)
        roll = document.pageSize()
        super().__init__(document, page_setup=roll_page(paper, page_height_mm(document)),
                         print_title=tr("Print {title}", title=doc.title) if doc.title else tr("Print receipt"),
                         printed=tr("The document was sent to the printer."), pdf_name=pdf_name,
                         pdf_title=tr("Save as PDF"), close_text=close_text, parent=parent)
        self.setWindowTitle(doc.title)
        # the browser shows its own copy in a readable size: the printed one keeps the roll's width
        self.view.setDocument(doc_document(doc, logo_path(ctx.db), paper, screen_pt=SCREEN_PT))
        self.document.setPageSize(roll)  # the browser had set it to its own width
        self.resize(460, 640)


class ReceiptDialog(DocPreview):
    """The receipt after a sale or from the sales list: Print, Save PDF, and Enter for the next buyer."""

    def __init__(self, ctx: AppContext, sale_id: str, parent: QWidget | None = None, after_sale: bool = True) -> None:
        sale = sale_store.get(ctx.db, sale_id)
        assert sale is not None, "the sale was just read or saved"
        super().__init__(ctx, receipts.sale_receipt(ctx.db, sale_id), f"struk-{sale.number}.pdf", parent,
                         close_text=tr("New sale (Enter)") if after_sale else tr("Close (Enter)"))
        self.ctx = ctx
        self.sale = sale
        self.setWindowTitle(tr("Receipt {number}", number=sale.number))
        self.close_button.setProperty("primary", True)
        self.close_button.setDefault(True)
        self.close_button.setFocus()


def save_pdf(document: QTextDocument, path: Path, paper: int = RECEIPT_WIDTH_MM) -> Path:
    """Write a drawn document as a PDF file as wide as the roll (for sending to a buyer by chat)."""
    return write_pdf(document, path, roll_page(paper))
