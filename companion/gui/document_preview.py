"""A document to read on screen, print (choosing the printer) or save as PDF: receipts, plans, recaps."""

from __future__ import annotations

from collections.abc import Callable
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

PageSetup = Callable[[QPrinter], None]


def a4_page(printer: QPrinter) -> None:
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)


def write_pdf(document: QTextDocument, path: Path, page_setup: PageSetup = a4_page) -> Path:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    page_setup(printer)
    document.print_(printer)
    return path


def print_document(parent: QWidget | None, document: QTextDocument, title: str,
                   page_setup: PageSetup = a4_page) -> bool:
    """Ask which printer, then print; False when the person cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    page_setup(printer)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    document.print_(printer)
    return True


class DocumentPreview(QDialog):
    """The document as it will look on paper, with Print (Ctrl+P), Save PDF and Close.

    Subclasses pass their wording: the print dialog's title, the "sent to the printer" sentence, the PDF
    file name offered and the save dialog's title.
    """

    def __init__(self, document: QTextDocument, *, page_setup: PageSetup = a4_page, print_title: str,
                 printed: str, pdf_name: str, pdf_title: str, close_text: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.page_setup = page_setup
        self._print_title, self._printed, self._pdf_name, self._pdf_title = print_title, printed, pdf_name, pdf_title
        self.view = QTextBrowser()
        self.view.setDocument(document)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.status = QLabel()
        self.status.setProperty("role", "hint")
        self.status.setWordWrap(True)
        self.print_button = QPushButton(tr("Print (Ctrl+P)"))
        self.pdf_button = QPushButton(tr("Save PDF"))
        self.close_button = QPushButton(close_text or tr("Close"))
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

    def text(self) -> str:
        return self.document.toPlainText()

    def print_now(self) -> None:
        """Ask which printer, then print; a cancelled dialog prints nothing and says nothing."""
        try:
            if print_document(self, self.document, self._print_title, self.page_setup):
                self.status.setText(self._printed)
        except OSError as exc:
            self.status.setText(error_text(exc))

    def ask_save_pdf(self) -> None:
        start = str(Path.home() / self._pdf_name)
        path, _ = QFileDialog.getSaveFileName(self, self._pdf_title, start, tr("PDF files (*.pdf)"))
        if path:
            self.save_pdf(Path(path))

    def save_pdf(self, path: Path) -> None:
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        try:
            write_pdf(self.document, path, self.page_setup)
        except OSError as exc:
            self.status.setText(error_text(exc))
            return
        self.status.setText(tr("Saved: {path}", path=str(path)))
