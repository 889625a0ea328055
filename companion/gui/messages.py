"""Telling people what happened in one sentence: what, and what to do."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from companion.domain.errors import UserError
from companion.i18n import tr

# The error log and the details dialog are imported where an unexpected error is handled: every page imports this
# module, and importing them here cost the first window ~40 ms.


def error_text(exc: BaseException) -> str:
    """The sentence for `exc`; anything but a UserError is also logged (once) with its traceback for support."""
    if isinstance(exc, UserError):
        return exc.message()
    from companion.error_log import log_unexpected

    log_unexpected(exc)
    if isinstance(exc, OSError):
        return tr("The data folder could not be written ({reason}): check the disk has space, then try again.",
                  reason=exc.strerror or type(exc).__name__)
    return tr("Something went wrong and nothing was saved: try again, and if it happens again contact support.")


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """A UserError or a disk problem: its sentence and OK. Anything else: logged, and shown with "Salin detail"."""
    if not isinstance(exc, (UserError, OSError)):
        from companion.gui.error_dialog import report_unexpected

        report_unexpected(parent, exc)
        return
    box = QMessageBox(QMessageBox.Icon.Warning, tr("Cannot do that"), error_text(exc), parent=parent)
    box.addButton(tr("OK"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def confirm(parent: QWidget | None, title: str, text: str, yes: str, no: str | None = None) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(no or tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is yes_button
