"""Printing at the counter without ever holding it up: receipts and documents go to the thermal printer on a
background thread; when it fails the sale is already saved, and the cashier reads one sentence and can press
"Cetak ulang" (or take the PDF / system printer instead). With no thermal printer set up, the receipt opens on screen
with Print and Save PDF, as it always did.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from companion.domain.print_doc import PrintDoc
from companion.gui.context import AppContext
from companion.gui.messages import error_text
from companion.gui.receipt import DocPreview, ReceiptDialog
from companion.i18n import tr
from companion.printing import PrinterProblem, send
from companion.services.printer_setup import printer_config
from companion.services.receipts import sale_receipt
from companion.store.database import Database

_open: set[QWidget] = set()  # dialogs kept alive until closed (parents may be short-lived)


def print_sale_receipt(parent: QWidget, ctx: AppContext, sale_id: str, open_drawer: bool = False) -> None:
    """The sale's receipt to the thermal printer in the background (the drawer kicked for a cash sale when asked);
    with none set up, the receipt on screen with Print and Save PDF."""
    if printer_config(ctx.db) is None:
        _keep(ReceiptDialog(ctx, sale_id, parent))
        return

    def job(db: Database, _progress: object) -> None:
        config = printer_config(db)
        if config is not None:
            send(config, sale_receipt(db, sale_id, open_drawer))

    def failed(exc: BaseException) -> None:
        drawer_again = open_drawer and not getattr(exc, "partial", True)
        _problem(parent, exc, tr("The receipt was not printed. The sale is saved."),
                 lambda: print_sale_receipt(parent, ctx, sale_id, drawer_again),
                 lambda: _keep(ReceiptDialog(ctx, sale_id, parent, after_sale=False)))

    ctx.work.run(job, on_error=failed)


def print_document(parent: QWidget, ctx: AppContext, doc: PrintDoc) -> None:
    """Any document (shift report, kasbon note, test page) to the thermal printer in the background; with none set
    up, on screen with Print and Save PDF."""
    if printer_config(ctx.db) is None:
        _keep(DocPreview(ctx, doc, _pdf_name(doc), parent))
        return

    def job(db: Database, _progress: object) -> None:
        config = printer_config(db)
        if config is not None:
            send(config, doc)

    def failed(exc: BaseException) -> None:
        _problem(parent, exc, tr("The document was not printed."),
                 lambda: print_document(parent, ctx, doc),
                 lambda: _keep(DocPreview(ctx, doc, _pdf_name(doc), parent)))

    ctx.work.run(job, on_error=failed)


def _problem(parent: QWidget, exc: BaseException, headline: str, again: Callable[[], None],
             elsewhere: Callable[[], None]) -> None:
    """What happened and what to do, with "Cetak ulang", "PDF / printer lain" and "Tutup"; never blocks."""
    box = QMessageBox(QMessageBox.Icon.Warning, tr("Printer"), headline, parent=parent)
    box.setInformativeText(error_text(exc) if isinstance(exc, PrinterProblem) else
                           tr("The printer could not print: {reason}", reason=error_text(exc)))
    again_button = box.addButton(tr("Reprint"), QMessageBox.ButtonRole.AcceptRole)
    other_button = box.addButton(tr("PDF or another printer"), QMessageBox.ButtonRole.ActionRole)
    box.addButton(tr("Close"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(again_button)

    def chosen() -> None:
        _open.discard(box)
        if box.clickedButton() is again_button:
            again()
        elif box.clickedButton() is other_button:
            elsewhere()

    box.finished.connect(lambda _result: chosen())
    _open.add(box)
    box.open()


def _keep(dialog: QDialog) -> None:
    """Show a dialog without blocking the counter, and keep it alive until it closes."""
    _open.add(dialog)
    dialog.finished.connect(lambda _result: _open.discard(dialog))
    dialog.open()


def _pdf_name(doc: PrintDoc) -> str:
    stem = "".join(c if c.isalnum() else "-" for c in (doc.title or "dokumen").lower()).strip("-")
    return f"{stem or 'dokumen'}.pdf"
