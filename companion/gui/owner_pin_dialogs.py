"""The owner's PIN: set it the first time (the recovery file is saved before the PIN counts), change it with the
old one, save a new recovery file, and "Lupa PIN pemilik?" — a new PIN only with the recovery file."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.domain.clock import local_day, now_utc
from companion.domain.errors import UserError
from companion.domain.pins import check_new_pin, new_recovery_key, recovery_file_text
from companion.domain.settings_keys import SHOP_NAME, TIME_ZONE
from companion.gui.context import AppContext
from companion.gui.messages import error_text
from companion.gui.pin_field import pin_field
from companion.i18n import N_, tr
from companion.services import cashiers as cashier_service

FILE_LINES = (
    N_("Seller Companion: recovery file for the owner's PIN."),
    N_("Keep this file somewhere safe away from the laptop, such as a USB stick. If the owner's PIN is forgotten, "
       "open Settings → Cashiers & owner PIN → \"Forgot the owner's PIN?\" and choose this file to set a new PIN."),
    N_("Whoever holds this file can change the owner's PIN: do not leave it on the counter's laptop."),
    N_("This file stops working once it is used, or when a newer recovery file is saved."),
)
SAFE_PLACE = N_("The app now saves a recovery file. Save it on a USB stick or another place away from this laptop: "
                "it is the only way to set a new owner PIN if this one is forgotten.")


def save_recovery_file(parent: QWidget, ctx: AppContext, not_over: Path | None = None) -> tuple[str, Path] | None:
    """Ask where, write a new recovery file, return its key and place (None: the owner cancelled). The key counts
    only once the caller has stored its hash; on failure the caller removes the file. `not_over`: the file being
    used now, which must stay whole until the new PIN is stored."""
    shop = ctx.setting(SHOP_NAME) or "Seller Companion"
    suggested = Path.home() / tr("owner-PIN-recovery-{shop}.txt", shop="-".join(shop.split()))
    name, _filter = QFileDialog.getSaveFileName(parent, tr("Save the recovery file"), str(suggested),
                                                tr("Text files (*.txt);;All files (*)"))
    if not name:
        return None
    if not_over is not None and Path(name).resolve() == not_over.resolve():
        raise UserError(N_("Save the new recovery file under another name: the old one is still needed until the "
                           "new PIN is set."))
    key = new_recovery_key()
    day = local_day(now_utc(), ctx.setting(TIME_ZONE)).isoformat()
    Path(name).write_text(recovery_file_text(key, shop, day, tuple(tr(line) for line in FILE_LINES)),
                          encoding="utf-8")
    return key, Path(name)


def _forget(path: Path) -> None:
    """A recovery file whose key was never stored: removed, so nobody keeps a file that does not work."""
    with suppress(OSError):
        path.unlink(missing_ok=True)


class PinForm(QDialog):
    """A dialog with a form, a sentence about it, an error line and OK/Cancel; `attempt` does the work."""

    def __init__(self, parent: QWidget | None, title: str, intro: str, ok: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        text = QLabel(intro)
        text.setWordWrap(True)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(ok, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setProperty("primary", True)
        self.ok.setDefault(True)
        buttons.addButton(tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        self.box = QVBoxLayout(self)
        self.box.addWidget(text)
        self.box.addLayout(self.form)
        self.box.addWidget(self.error)
        self.box.addWidget(buttons)

    def say(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _ok(self) -> None:
        self.attempt_shown()

    def attempt_shown(self) -> bool:
        """Try it; a problem shown in the dialog, which stays open (False); done: the dialog closes (True)."""
        try:
            done = self.attempt()
        except (UserError, OSError) as exc:
            self.say(error_text(exc))
            return False
        if done:
            self.accept()
        return done

    def attempt(self) -> bool:
        raise NotImplementedError


class SetOwnerPin(PinForm):
    """The first owner PIN: the owner's name, the PIN twice, then where the recovery file goes."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent, tr("Set the owner's PIN"),
                         tr("Voids, refunds, price and stock changes, big discounts and the reports will ask for "
                            "this PIN.") + " " + tr(SAFE_PLACE), tr("Set PIN and save the file…"))
        self.ctx = ctx
        self.name = QLineEdit(tr("Owner"))
        self.pin, self.again = pin_field(), pin_field()
        self.form.addRow(tr("Owner's name"), self.name)
        self.form.addRow(tr("New PIN"), self.pin)
        self.form.addRow(tr("New PIN again"), self.again)
        self.pin.setFocus()

    def attempt(self) -> bool:
        check_new_pin(self.pin.text(), self.again.text())
        saved = save_recovery_file(self, self.ctx)
        if saved is None:
            self.say(tr("The PIN is not set until the recovery file is saved."))
            return False
        key, path = saved
        try:
            change = cashier_service.set_owner_pin(self.ctx.db, self.name.text(), self.pin.text(), key)
        except BaseException:
            _forget(path)
            raise
        self.ctx.announce(change)
        return True


class ChangeOwnerPin(PinForm):
    """A new owner PIN given the old one; the recovery file stays valid."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent, tr("Change the owner's PIN"),
                         tr("Type the PIN used now, then the new PIN twice. The recovery file saved before still "
                            "works."), tr("Change PIN"))
        self.ctx = ctx
        self.old, self.pin, self.again = pin_field(), pin_field(), pin_field()
        self.form.addRow(tr("PIN now"), self.old)
        self.form.addRow(tr("New PIN"), self.pin)
        self.form.addRow(tr("New PIN again"), self.again)
        forgot = QPushButton(tr("Forgot the owner's PIN?"))
        forgot.setFlat(True)
        forgot.clicked.connect(self._forgot)
        self.box.insertWidget(self.box.count() - 1, forgot, 0, Qt.AlignmentFlag.AlignLeft)

    def attempt(self) -> bool:
        check_new_pin(self.pin.text(), self.again.text())
        try:
            change = cashier_service.change_owner_pin(self.ctx.db, self.old.text(), self.pin.text())
        except UserError:
            self.old.clear()
            self.old.setFocus()
            raise
        self.ctx.announce(change)
        return True

    def _forgot(self) -> None:
        if ForgotOwnerPin(self.ctx, self).exec() == QDialog.DialogCode.Accepted:
            self.accept()


class ForgotOwnerPin(PinForm):
    """"Lupa PIN pemilik?": what the recovery file is, choose it, type a new PIN; a new file replaces the used one."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent, tr("Forgot the owner's PIN?"),
                         tr("A new owner PIN can be set only with the recovery file saved when the PIN was set "
                            "(for example on a USB stick). Choose that file, then type the new PIN twice. The app "
                            "then saves a new recovery file: the old one stops working. Without the file the PIN "
                            "cannot be reset; selling goes on, but voids, refunds, price and stock changes and the "
                            "reports stay closed."), tr("Set new PIN and save the file…"))
        self.setMinimumWidth(600)
        self.ctx = ctx
        self.file_text = ""
        self.file_path: Path | None = None
        self.choose = QPushButton(tr("Choose the recovery file…"))
        self.choose.clicked.connect(self.choose_file)
        self.chosen = QLabel(tr("No file chosen yet."))
        self.chosen.setWordWrap(True)
        self.pin, self.again = pin_field(), pin_field()
        self.form.addRow(tr("Recovery file"), self.choose)
        self.form.addRow("", self.chosen)
        self.form.addRow(tr("New PIN"), self.pin)
        self.form.addRow(tr("New PIN again"), self.again)

    def choose_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, tr("Choose the recovery file"), str(Path.home()),
                                                    tr("Text files (*.txt);;All files (*)"))
        if name:
            self.use_file(Path(name))

    def use_file(self, path: Path) -> bool:
        """Read and check the chosen file; its name shown when it belongs to this shop's owner PIN."""
        self.file_text = ""
        try:
            text = path.read_text(encoding="utf-8", errors="replace")[:20_000]
            cashier_service.check_recovery_file(self.ctx.db, text)
        except (UserError, OSError) as exc:
            self.chosen.setText(tr("No file chosen yet."))
            self.say(error_text(exc))
            return False
        self.file_text, self.file_path = text, path
        self.chosen.setText(tr("{file} is this shop's recovery file.", file=path.name))
        self.say("")
        self.pin.setFocus()
        return True

    def attempt(self) -> bool:
        if not self.file_text:
            raise UserError(N_("Choose the recovery file first."))
        check_new_pin(self.pin.text(), self.again.text())
        saved = save_recovery_file(self, self.ctx, not_over=self.file_path)
        if saved is None:
            self.say(tr("The PIN is not changed until the new recovery file is saved."))
            return False
        key, path = saved
        try:
            change = cashier_service.reset_owner_pin(self.ctx.db, self.file_text, self.pin.text(), key)
        except BaseException:
            _forget(path)
            raise
        self.ctx.announce(change)
        return True


class OwnerPinOffer(QWidget):
    """The welcome's optional offer: a sentence and "Atur PIN pemilik…" (the PIN and its recovery file are saved
    at once, apart from the wizard's own answers; Settings can do it any time later)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("owner-pin-offer")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setProperty("role", "hint")
        self.button = QPushButton()
        self.button.setAutoDefault(False)  # Enter in the shop name still means Next
        self.button.clicked.connect(self.set_pin)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 8, 0, 0)
        box.addWidget(self.text)
        box.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)
        self.retranslate()

    def showEvent(self, event: QShowEvent) -> None:  # the language may have changed on the step before
        self.retranslate()
        super().showEvent(event)

    def retranslate(self) -> None:
        done = cashier_service.owner_pin_set(self.ctx.db)
        self.text.setText(tr("The owner's PIN is set: voids, refunds, price and stock changes and the reports ask "
                             "for it.") if done else
                          tr("Optional: an owner PIN keeps voids, refunds, price and stock changes and the reports "
                             "for the owner. It can also be set later in Settings."))
        self.button.setText(tr("Set owner PIN…"))
        self.button.setVisible(not done)

    def set_pin(self) -> None:
        SetOwnerPin(self.ctx, self).exec()
        self.retranslate()
