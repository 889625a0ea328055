"""Telling people what happened in one sentence: what, and what to do."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from companion.domain.errors import UserError
from companion.i18n import tr


def error_text(exc: BaseException) -> str:
    if isinstance(exc, UserError):
        return exc.message()
    if isinstance(exc, OSError):
        return tr("The data folder could not be written ({reason}): check the disk has space, then try again.",
                  reason=exc.strerror or type(exc).__name__)
    return tr("Something went wrong and nothing was saved: try again, and if it happens again contact support.")


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, tr("Cannot do that"), error_text(exc), parent=parent)
    box.addButton(tr("OK"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def confirm(parent: QWidget | None, title: str, text: str, yes: str, no: str | None = None) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(no or tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is yes_button
