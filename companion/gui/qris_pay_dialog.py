"""The QRIS code for one sale's exact amount, big on the screen for the buyer's phone; the cashier presses
"Sudah dibayar" once the payment shows as received (the app cannot see the bank: the cashier confirms)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from companion.domain.money import format_rupiah
from companion.gui.qris_code import QrisCode
from companion.i18n import tr

QR_SIDE = 430  # pixels: a phone reads it across the counter from a 1366×768 laptop screen


class QrisPayDialog(QDialog):
    """Accepted = the buyer paid `amount` by QRIS; Escape or "Belum" goes back with the cart kept."""

    def __init__(self, payload: str, amount: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.amount = amount
        self.setWindowTitle(tr("Pay by QRIS"))
        title = QLabel(tr("Scan to pay {amount}", amount=format_rupiah(amount)))
        title.setProperty("role", "title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code = QrisCode()
        self.code.set_payload(payload)
        self.code.setMinimumSize(QR_SIDE, QR_SIDE + 60)
        hint = QLabel(tr("Ask the buyer to scan with any bank or e-wallet app. Press \"Paid\" once the payment shows "
                         "as received."))
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        self.paid_button = QPushButton(tr("Paid (Enter)"))
        self.paid_button.setProperty("primary", True)
        self.paid_button.setStyleSheet("font-size: 14pt; min-height: 44px;")
        self.paid_button.setDefault(True)
        self.paid_button.clicked.connect(self.accept)
        self.back_button = QPushButton(tr("Not paid yet (Esc)"))
        self.back_button.setStyleSheet("min-height: 44px;")
        self.back_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.paid_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.code, 1)
        layout.addWidget(hint)
        layout.addLayout(buttons)
        self._fit_screen()
        self.paid_button.setFocus()

    def _fit_screen(self) -> None:
        """As big as the code needs, never taller than the screen's free area."""
        screen = QGuiApplication.primaryScreen()
        room = screen.availableGeometry().height() - 40 if screen is not None else 720
        side = min(QR_SIDE, max(260, room - 230))
        self.code.setMinimumSize(side, side + 60)
        self.resize(side + 120, min(room, side + 230))
