"""The shift report on screen, as the paper shows it, with "Print again"; after a close it is also printed at once
(on the thermal printer when one is set up, else through the system print dialog)."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget

from companion.domain.print_doc import PrintDoc, plain_lines
from companion.gui.context import AppContext
from companion.gui.messages import show_error
from companion.gui.shift_printing import has_thermal_printer, paper_columns, print_report
from companion.i18n import tr
from companion.services import shifts as shift_service

MAX_CHARS_SHOWN = 48


def show_report(parent: QWidget, ctx: AppContext, shift_id: str, print_it: bool = False) -> None:
    """Show a shift's report; `print_it` sends it to the thermal printer too (a failed print says so and offers
    again). Without a thermal printer the report opens on screen with Print and Save PDF."""
    try:
        doc = shift_service.report_doc(ctx.db, shift_id)
    except Exception as exc:  # the report is a nicety after the close: never lose the close over it
        show_error(parent, exc)
        return
    if print_it or not has_thermal_printer(ctx):
        print_report(parent, ctx, doc)  # with no thermal printer this is the report on screen (Print, Save PDF)
    if has_thermal_printer(ctx):
        ShiftReportDialog(ctx, doc, parent).exec()


class ShiftReportDialog(QDialog):
    def __init__(self, ctx: AppContext, doc: PrintDoc, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.doc = doc
        self.setWindowTitle(tr("Shift report"))
        width = min(paper_columns(ctx), MAX_CHARS_SHOWN)
        self.text = QPlainTextEdit("\n".join(plain_lines(doc, width)))
        self.text.setReadOnly(True)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(11)
        self.text.setFont(font)
        self.text.setMinimumWidth(self.text.fontMetrics().horizontalAdvance("M" * (width + 4)) + 30)
        self.text.setMinimumHeight(420)
        buttons = QDialogButtonBox()
        again = buttons.addButton(tr("Print again"), QDialogButtonBox.ButtonRole.ActionRole)
        again.clicked.connect(lambda: print_report(self, self.ctx, self.doc))
        done = buttons.addButton(tr("Close"), QDialogButtonBox.ButtonRole.AcceptRole)
        done.setProperty("primary", True)
        done.setDefault(True)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
