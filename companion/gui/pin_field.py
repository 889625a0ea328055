"""The masked box a PIN is typed into (4–6 digits), the same on every PIN prompt."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QPushButton

from companion.domain.pins import MAX_DIGITS
from companion.i18n import tr


def pin_field() -> QLineEdit:
    """A masked field that takes only digits, at most six."""
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(MAX_DIGITS)
    field.setValidator(QRegularExpressionValidator(r"[0-9]{0,6}", field))
    field.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData)
    field.setPlaceholderText(tr("PIN (4–6 digits)"))
    field.setMinimumWidth(200)
    return field


def error_and_buttons(dialog: QDialog, ok_text: str, check: Callable[[], None]
                      ) -> tuple[QLabel, QPushButton, QDialogButtonBox]:
    """The hidden error line and the OK (default, primary) / Cancel buttons every PIN prompt has; OK runs `check`."""
    error = QLabel()
    error.setProperty("role", "error")
    error.setWordWrap(True)
    error.hide()
    buttons = QDialogButtonBox()
    ok = buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    ok.setProperty("primary", True)
    ok.setDefault(True)
    buttons.addButton(tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
    buttons.accepted.connect(check)
    buttons.rejected.connect(dialog.reject)
    return error, ok, buttons
