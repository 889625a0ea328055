"""The hub's line in the sync strip, shown like a marketplace shop's: "Hub: 3 laptop sinkron", "Hub: Offline —
120 perubahan menunggu", "Hub berhenti: …". Hidden while the laptop is in no hub; a click opens Pengaturan →
"Beberapa laptop"."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel

from companion.gui.hub_status import read_hub, strip_state
from companion.store.database import Database

TONES = {"": "#1f2d26", "calm": "#4a5560", "problem": "#a14a00"}


class HubStripLine(QLabel):
    """One line (a link); `open_hub` when clicked."""

    open_hub = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("syncHub")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.text_shown = ""
        self.tone = ""
        self.detail = ""
        self.hide()

    def refresh(self, db: Database, practising: bool = False) -> None:
        """`practising`: the window shows the practice book, which is in no hub (its line stays hidden)."""
        state = None if practising else strip_state(read_hub(db))
        if state is None:
            self.text_shown, self.tone, self.detail = "", "", ""
            self.hide()
            return
        self.text_shown, self.tone, self.detail = state
        colour = TONES.get(self.tone, TONES[""])
        self.setText(self.text_shown)
        self.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.setToolTip(self.detail)
        self.show()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # the whole line is the target
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self.open_hub.emit()
