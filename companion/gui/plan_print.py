"""The production plan on paper: an A4 page to pin up in the kitchen, printed or saved as a PDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF, Qt
from PySide6.QtGui import QKeySequence, QPageLayout, QPageSize, QShortcut, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from companion.gui.messages import error_text
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


def _a4(printer: QPrinter) -> None:
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)


def save_plan_pdf(doc: QTextDocument, path: Path) -> Path:
    """Write the plan as an A4 PDF file."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    _a4(printer)
    doc.print_(printer)
    return path


class PlanPrintDialog(QDialog):
    """The plan as it will look on paper, with Print and Save PDF."""

    def __init__(self, sheet: PlanSheet, shop_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Print or save the plan"))
        self.resize(720, 760)
        self.document = plan_document(sheet, shop_name)
        self.view = QTextBrowser()
        self.view.setDocument(self.document)
        self.status = QLabel()
        self.status.setProperty("role", "hint")
        self.status.setWordWrap(True)
        self.print_button = QPushButton(tr("Print (Ctrl+P)"))
        self.pdf_button = QPushButton(tr("Save PDF"))
        self.close_button = QPushButton(tr("Close"))
        self.print_button.setProperty("primary", True)
        self.print_button.clicked.connect(self.print_now)
        self.pdf_button.clicked.connect(self.ask_save_pdf)
        self.close_button.clicked.connect(self.accept)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self, self.print_now)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def text(self) -> str:
        return self.document.toPlainText()

    def print_now(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        _a4(printer)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(tr("Print the plan"))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            self.document.print_(printer)
        except OSError as exc:
            self.status.setText(error_text(exc))
            return
        self.status.setText(tr("The plan was sent to the printer."))

    def ask_save_pdf(self) -> None:
        start = str(Path.home() / "rencana-produksi.pdf")
        path, _ = QFileDialog.getSaveFileName(self, tr("Save the plan as PDF"), start, tr("PDF files (*.pdf)"))
        if path:
            self.save_pdf(Path(path))

    def save_pdf(self, path: Path) -> None:
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        try:
            save_plan_pdf(self.document, path)
        except OSError as exc:
            self.status.setText(error_text(exc))
            return
        self.status.setText(tr("Saved: {path}", path=str(path)))
