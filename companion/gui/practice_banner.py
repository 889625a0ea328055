"""The yellow strip across the window while Mode Latihan runs, so nobody packs a practice order for real. The window
then works in the practice book; the strip's buttons start a clean practice book or go back to the shop's own."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from companion.gui.messages import confirm, show_error
from companion.gui.practice_mode import PracticeMode
from companion.i18n import tr

STYLE = """
QFrame#practiceBanner { background: #ffe066; border-bottom: 2px solid #d4a400; }
QFrame#practiceBanner QLabel { color: #3d2f00; font-size: 12pt; }
QFrame#practiceBanner QPushButton { background: #fff8d6; border: 1px solid #b38f00; border-radius: 4px;
                                    padding: 6px 14px; color: #3d2f00; }
QFrame#practiceBanner QPushButton:hover { background: #ffffff; }
"""


class PracticeBanner(QFrame):
    """Visible exactly while practice mode runs; its buttons reset or leave practice mode."""

    def __init__(self, practice: PracticeMode, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.practice = practice
        self.setObjectName("practiceBanner")
        self.setStyleSheet(STYLE)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.reset_button = QPushButton()
        self.reset_button.clicked.connect(self.ask_reset)
        self.leave_button = QPushButton()
        self.leave_button.clicked.connect(self.ask_leave)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 8, 16, 8)
        row.addWidget(self.text, 1)
        row.addWidget(self.reset_button)
        row.addWidget(self.leave_button)
        practice.state_changed.connect(self.refresh)
        practice.failed.connect(lambda exc: show_error(self.window(), exc))
        practice.ctx.language_changed.connect(lambda _lang: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        """Texts in the current language, buttons and visibility for the current state."""
        self.reset_button.setText(tr("Start practice again"))
        self.reset_button.setToolTip(tr("A clean practice book: the practice orders, sales and chats are forgotten."))
        self.leave_button.setText(tr("Leave practice mode"))
        if self.practice.busy and not self.practice.running:
            message = tr("Starting practice mode…")
        else:
            message = tr("<b>PRACTICE MODE</b> — orders here are not real orders")
        self.text.setText(message)
        self.text.setToolTip(tr("Everything you do now goes into a practice book. Your shop's own book, its reports "
                                "and backups stay exactly as they were."))
        self.reset_button.setEnabled(self.practice.running and not self.practice.busy)
        self.leave_button.setEnabled(self.practice.running)
        self.setVisible(self.practice.running or self.practice.busy)

    def ask_reset(self) -> None:
        if self.confirmed(tr("Start practice again?"), tr("The practice book starts clean: its orders, sales and "
                                                           "chats are forgotten. Your shop's own book is not touched."),
                          tr("Start again")):
            self.practice.reset()

    def ask_leave(self) -> None:
        if self.confirmed(tr("Leave practice mode?"), tr("The practice shops stop and you are back in your shop's "
                                                          "own book, exactly as you left it. You can practise again "
                                                          "in Settings → Online shops."),
                          tr("Leave practice mode")):
            self.practice.leave()

    def confirmed(self, title: str, text: str, yes: str) -> bool:
        return confirm(self.window(), title, text, yes)
