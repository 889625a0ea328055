"""Opening the shop's WhatsApp with a message filled in (a wa.me click-to-chat link in the browser or the
WhatsApp app); nothing is sent until the shop presses send there."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from companion.domain.errors import UserError
from companion.domain.whatsapp import chat_link
from companion.gui.messages import show_error
from companion.i18n import tr


def open_whatsapp(parent: QWidget | None, phone: str, text: str) -> bool:
    """Open a chat with `phone` and `text` ready to send; a sentence when the phone cannot be read or nothing
    opened (then the link is on the clipboard, to paste into a browser). True when the link was handed over."""
    try:
        link = chat_link(phone, text)
    except UserError as exc:
        show_error(parent, exc)
        return False
    if QDesktopServices.openUrl(QUrl(link, QUrl.ParsingMode.StrictMode)):
        return True
    clipboard = QGuiApplication.clipboard()
    if clipboard is not None:
        clipboard.setText(link)
    box = QMessageBox(QMessageBox.Icon.Warning, tr("WhatsApp did not open"),
                      tr("WhatsApp could not be opened on this laptop: the link is copied, paste it into your "
                         "browser's address bar, or install WhatsApp Desktop."), parent=parent)
    box.addButton(tr("OK"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()
    return False
