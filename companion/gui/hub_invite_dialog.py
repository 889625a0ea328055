"""Inviting another laptop ("Undang laptop lain"): a one-time code, shown big, with a copy button and its end.

The code is made on the hub in the background; it is shown only here (never stored or logged) and works once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from shiboken6 import isValid

from companion.domain.clock import parse_stamp
from companion.domain.settings_keys import TIME_ZONE
from companion.gui.context import AppContext
from companion.gui.durations import local_time_text
from companion.gui.messages import error_text
from companion.i18n import tr
from companion.sync import hub_actions
from companion.sync.hub_actions import Invite


class InviteDialog(QDialog):
    """Asks the hub for a code when opened; "Salin kode" puts it on the clipboard."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.invite: Invite | None = None
        self.setWindowTitle(tr("Invite another laptop"))
        self.setMinimumWidth(660)
        steps = QLabel(tr("On the other laptop: Settings → Several laptops → Join with an invitation code, then "
                          "paste this code there (send it by chat or on a USB stick). It works once."))
        steps.setWordWrap(True)
        self.code = QLabel(tr("Making a code…"))
        self.code.setWordWrap(True)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont("DejaVu Sans Mono")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(16)
        font.setBold(True)
        self.code.setFont(font)
        self.code.setStyleSheet("background: #f3f5f4; border: 1px solid #dde3df; padding: 12px;")
        self.until = QLabel()
        self.until.setWordWrap(True)
        self.copy = QPushButton(tr("Copy code"))
        self.copy.setProperty("primary", True)
        self.copy.setMinimumHeight(40)
        self.copy.setEnabled(False)
        self.copy.clicked.connect(self.copy_code)
        close = QPushButton(tr("Close"))
        close.setMinimumHeight(40)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy)
        buttons.addStretch(1)
        buttons.addWidget(close)
        box = QVBoxLayout(self)
        box.addWidget(steps)
        box.addWidget(self.code)
        box.addWidget(self.until)
        box.addLayout(buttons)
        ctx.work.run(lambda db, _progress: hub_actions.make_invite(db), self.show_invite, self._failed)

    def show_invite(self, invite: Invite) -> None:
        if not isValid(self):  # closed (or rebuilt) while the hub was being asked
            return
        self.invite = invite
        self.code.setText(invite.code)
        when = local_time_text(parse_stamp(invite.valid_until), self.ctx.setting(TIME_ZONE))
        self.until.setText(tr("Valid until {time}; after that, make a new one.", time=when))
        self.until.setProperty("role", "hint")
        self.copy.setEnabled(True)

    def _failed(self, exc: BaseException) -> None:
        if not isValid(self):  # closed (or rebuilt) while the hub was being asked
            return
        self.code.setText(error_text(exc))
        self.code.setStyleSheet("color: #b00020; padding: 12px;")
        self.code.setFont(self.font())

    def copy_code(self) -> None:
        if self.invite is not None:
            QGuiApplication.clipboard().setText(self.invite.code)
            self.copy.setText(tr("Copied"))
