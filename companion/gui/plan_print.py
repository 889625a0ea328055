"""The production plan on paper: an A4 page to pin up in the kitchen, printed or saved as a PDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QWidget,
)

from companion.gui.document_preview import DocumentPreview
from companion.i18n import tr


@dataclass
class PlanSheet:
    """Everything on the printed plan, already in words: the page builds it from what it shows."""

    day: str  # "Jumat, 29 November 2024"
    warnings: list[str] = field(default_factory=list)
    todo: list[tuple[str, str]] = field(default_factory=list)  # (product, "Buat 40 pcs paling lambat …")
    batches: list[tuple[str, str, str]] = field(default_factory=list)  # (product, "40 pcs", day)
    cover: list[tuple[str, str, str, str]] = field(default_factory=list)  # (product, stock, lasts, runs out)


def _table(headers: list[str], rows: list[tuple[str, ...]]) -> str:
    head = "".join(f"<th align='left'>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table width='100%' cellspacing='0' cellpadding='4' border='1'><tr>{head}</tr>{body}</table>"


def plan_html(sheet: PlanSheet, shop_name: str) -> str:
    """The plan as simple HTML that QTextDocument renders the same on screen, paper and PDF."""
    parts = [f"<h2>{escape(tr('Production plan'))} – {escape(shop_name or 'Seller Companion')}</h2>",
             f"<p>{escape(tr('Made on {day}', day=sheet.day))}</p>"]
    if sheet.warnings:
        parts.append("".join(f"<p><b>⚠ {escape(w)}</b></p>" for w in sheet.warnings))
    parts.append(f"<h3>{escape(tr('What to make or buy'))}</h3>")
    parts.append(_table([tr("Product"), tr("What to do")], list(sheet.todo)) if sheet.todo
                 else f"<p>{escape(tr('Nothing to make or buy: the stock lasts.'))}</p>")
    parts.append(f"<h3>{escape(tr('Planned production'))}</h3>")
    parts.append(_table([tr("Product"), tr("Quantity"), tr("Make on")], list(sheet.batches)) if sheet.batches
                 else f"<p>{escape(tr('No production planned.'))}</p>")
    if sheet.cover:
        parts.append(f"<h3>{escape(tr('How long the stock lasts'))}</h3>")
        parts.append(_table([tr("Product"), tr("In stock"), tr("Lasts"), tr("Runs out")], list(sheet.cover)))
    return ("<html><head><style> body { font-family: 'DejaVu Sans', 'Segoe UI', sans-serif; font-size: 10pt; } "
            "th { background: #eef5f0; } </style></head><body>" + "".join(parts) + "</body></html>")


def plan_document(sheet: PlanSheet, shop_name: str) -> QTextDocument:
    doc = QTextDocument()
    doc.setHtml(plan_html(sheet, shop_name))
    return doc


class PlanPrintDialog(DocumentPreview):
    """The plan as it will look on paper, with Print and Save PDF."""

    def __init__(self, sheet: PlanSheet, shop_name: str, parent: QWidget | None = None) -> None:
        super().__init__(plan_document(sheet, shop_name), print_title=tr("Print the plan"),
                         printed=tr("The plan was sent to the printer."), pdf_name="rencana-produksi.pdf",
                         pdf_title=tr("Save the plan as PDF"), parent=parent)
        self.setWindowTitle(tr("Print or save the plan"))
        self.resize(720, 760)
        self.print_button.setProperty("primary", True)
