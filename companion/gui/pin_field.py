"""The masked box a PIN is typed into (4–6 digits), the same on every PIN prompt."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit

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
