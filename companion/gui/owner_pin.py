"""Asking for the owner's PIN before something only the owner may do (a void, a refund, a price or stock change, a
discount over the limit, the reports). With no owner PIN set nothing is asked, as before; the owner logged in at
the counter is not asked again. Wrong tries count towards the wait (services/cashiers.py); selling goes on."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.domain.pins import MustWait
from companion.gui.context import AppContext
from companion.gui.messages import error_text
from companion.gui.owner_pin_dialogs import ForgotOwnerPin
from companion.gui.pin_field import error_and_buttons, pin_field
from companion.i18n import tr
from companion.services import cashiers as cashier_service
from companion.store import cashiers as cashier_store


class PinDialog(QDialog):
    """One person's PIN: checked on OK; a wrong one says how many tries are left; a wait counts down."""

    def __init__(self, ctx: AppContext, cashier_id: str, title: str, why: str, parent: QWidget | None = None,
                 forgot: QPushButton | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.cashier_id = ctx, cashier_id
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        text = QLabel(why)
        text.setWordWrap(True)
        self.pin = pin_field()
        self.error, self.ok, buttons = error_and_buttons(self, tr("OK"), self.check)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.pin)
        layout.addWidget(self.error)
        if forgot is not None:
            layout.addWidget(forgot, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(buttons)
        self._timer = QTimer(self)  # counts a wait down; stops when the database closes
        ctx.closing.connect(self._timer.stop)
        self._timer.timeout.connect(self._tick)
        self._tick()

    def check(self) -> None:
        try:
            cashier_service.check_pin(self.ctx.db, self.cashier_id, self.pin.text())
        except UserError as exc:
            self.pin.clear()
            self._say(error_text(exc))
            if isinstance(exc, MustWait) or cashier_service.wait_left(self.ctx.db, self.cashier_id):
                self._tick()
            self.pin.setFocus()
            return
        self.accept()

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _tick(self) -> None:
        """While a wait runs: OK off and the seconds counting down; afterwards OK back on."""
        left = cashier_service.wait_left(self.ctx.db, self.cashier_id)
        self.ok.setEnabled(not left)
        self.pin.setEnabled(not left)
        if left:
            self._say(tr("The PIN was wrong too many times: wait {seconds} seconds, then try again. Selling goes on "
                         "meanwhile.", seconds=left))
            self._timer.start(1000)
        elif self._timer.isActive():
            self._timer.stop()
            self._say("")
            self.pin.setFocus()


def ask_owner(parent: QWidget | None, ctx: AppContext, why: str) -> bool:
    """True when the owner allowed it: no owner PIN is set, the owner is the one at the counter, or the owner's PIN
    was typed now. `why` is one sentence saying what is about to happen ("Membatalkan penjualan S-0012.")."""
    owner = cashier_store.owner(ctx.db)
    if owner is None or ctx.cashier_id == owner.id:
        return True
    forgot = QPushButton(tr("Forgot the owner's PIN?"))
    forgot.setFlat(True)
    dialog = PinDialog(ctx, owner.id, tr("Owner's PIN"),
                       tr("{why} Only the owner may do this: ask the owner to type the PIN.", why=why), parent, forgot)
    forgot.clicked.connect(lambda: _recover(ctx, dialog))
    return dialog.exec() == QDialog.DialogCode.Accepted


def _recover(ctx: AppContext, prompt: QDialog) -> None:
    """A new owner PIN set with the recovery file counts as the owner's yes (whoever holds the file is the owner)."""
    if ForgotOwnerPin(ctx, prompt).exec() == QDialog.DialogCode.Accepted:
        prompt.accept()
