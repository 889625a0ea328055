"""Opening a shift (the starting cash, typed as people type rupiah) and closing it (what the drawer should hold,
what was counted, the difference as it is typed, and why it differs); after a close the report is printed and shown.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.domain.money import format_rupiah, parse_rupiah
from companion.gui.context import AppContext
from companion.gui.form_errors import EnterSaves, FormErrors
from companion.gui.messages import show_error
from companion.gui.shift_close_dialog import CloseShiftDialog
from companion.gui.shift_history import ShiftHistoryDialog
from companion.gui.shift_report_view import show_report
from companion.i18n import N_, tr
from companion.services import shifts as shift_service


def ask_open_shift(parent: QWidget, ctx: AppContext) -> bool:
    """The open dialog; True when a shift was opened."""
    return OpenShiftDialog(ctx, parent).exec() == QDialog.DialogCode.Accepted


def ask_close_shift(parent: QWidget, ctx: AppContext, shift_id: str) -> bool:
    """The close dialog; after a close the report is printed and shown. True when the shift was closed."""
    try:
        dialog = CloseShiftDialog(ctx, shift_id, parent)
    except UserError as exc:  # closed or gone meanwhile (another window)
        show_error(parent, exc)
        return False
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    show_report(parent, ctx, shift_id, print_it=True)
    return True


def show_shift_history(parent: QWidget, ctx: AppContext) -> None:
    ShiftHistoryDialog(ctx, parent).exec()


class OpenShiftDialog(QDialog):
    """One field: the cash in the drawer now. Enter opens the shift."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.shift_id = ""
        self.setWindowTitle(tr("Open shift"))
        self.setMinimumWidth(440)
        hint = QLabel(tr("Count the cash in the drawer before the first sale, then type it here (0 when it is empty)."))
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        self.cash = QLineEdit()
        self.cash.setPlaceholderText(tr("e.g. 200.000"))
        self.cash.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.shown = QLabel()
        self.shown.setProperty("role", "hint")
        form = QFormLayout()
        form.addRow(tr("Opening cash"), self.cash)
        form.addRow("", self.shown)
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.open_button = buttons.addButton(tr("Open shift"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button.setProperty("primary", True)
        self.open_button.setDefault(True)
        buttons.addButton(tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.errors = FormErrors(self.error)
        self.errors.add("opening_cash", self.cash)
        EnterSaves(self, self.save, [self.cash])
        self.cash.textChanged.connect(self._echo)

    def _echo(self) -> None:
        """What was typed, as the app reads it ("Rp200.000"), so a missing zero shows before saving."""
        try:
            self.shown.setText(format_rupiah(parse_rupiah(self.cash.text(), N_("Opening cash")))
                               if self.cash.text().strip() else "")
        except UserError:
            self.shown.setText("")

    def save(self) -> None:
        try:
            amount = parse_rupiah(self.cash.text(), N_("Opening cash"))
            self.shift_id, change = shift_service.open_shift(self.ctx.db, amount, actor=self.ctx.cashier_id)
        except UserError as exc:
            self.errors.show(exc, "opening_cash")
            return
        self.ctx.announce(change)
        self.accept()
