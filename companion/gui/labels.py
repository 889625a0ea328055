"""Word-wrapped labels named for the page's style sheet (objectName) or the app's roles (title, hint, error…)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel


def text_label(text: str = "", name: str = "", role: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    if role:
        label.setProperty("role", role)
    return label
