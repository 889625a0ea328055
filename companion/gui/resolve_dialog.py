"""Asks how an oversold order was put right before it leaves the list of problems."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from companion.i18n import N_, tr
from companion.services.incidents import RESOLUTIONS

CHOICES = {
    "cancelled_order": N_("The order was cancelled on the marketplace"),
    "restocked": N_("More stock arrived and the order was sent"),
    "other": N_("Something else"),
}


class ResolveDialog(QDialog):
    """Three plain choices; Save stays off until one is picked. `resolution` holds the pick."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Mark as handled"))
        self.resolution = ""
        self.group = QButtonGroup(self)
        self.choices: dict[str, QRadioButton] = {}
        layout = QVBoxLayout(self)
        question = QLabel(tr("How was it handled?"))
        question.setProperty("role", "title")
        layout.addWidget(question)
        for key in RESOLUTIONS:
            button = QRadioButton(tr(CHOICES[key]))
            button.toggled.connect(lambda on, k=key: self._pick(k) if on else None)
            self.group.addButton(button)
            self.choices[key] = button
            layout.addWidget(button)
        self.buttons = QDialogButtonBox()
        self.save = self.buttons.addButton(tr("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save.setProperty("primary", True)
        self.save.setEnabled(False)
        self.buttons.addButton(tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _pick(self, key: str) -> None:
        self.resolution = key
        self.save.setEnabled(True)
