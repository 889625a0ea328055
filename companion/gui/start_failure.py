"""The window that says the app could not start (the packaged app has no console to print to). Apart from
gui/messages.py, which every page imports, because it needs the application object from gui/app.py."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from companion.gui.app import application
from companion.i18n import tr


def show_start_failure(message: str) -> None:
    """The app could not start: say so in a window."""
    application()
    box = QMessageBox(QMessageBox.Icon.Critical, "Seller Companion", message)
    box.addButton(tr("OK"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()
