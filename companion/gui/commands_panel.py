"""Settings → "Menunggu dikirim": everything waiting to leave the laptop, or refused, in one list (the command
outbox), with "Kirim ulang" for a refused one and "Batalkan" where the kind allows it (a reply still waiting).
Reads through store.outbox, writes through services.commands."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from companion.gui.context import AppContext
from companion.gui.durations import ago_text
from companion.gui.layout_clearing import clear_layout
from companion.gui.messages import show_error
from companion.i18n import N_, tr
from companion.services import commands as command_service
from companion.services.change import Change
from companion.store import outbox
from companion.store.outbox import CommandRow

STATE_WORDS = {outbox.WAITING: N_("Waiting"), outbox.SENDING: N_("Being sent"), outbox.FAILED: N_("Refused")}


class CommandsPanel(QFrame):
    """The list of waiting and failed commands; refreshed when the sync state changes."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setProperty("role", "card")
        heading = QLabel(tr("Waiting to be sent"))
        heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        hint = QLabel(tr("Replies and stock numbers leave by themselves when the shop is online. A refused one "
                         "keeps the marketplace's words: send it again after fixing the cause."))
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        self.rows = QGridLayout()
        self.rows.setHorizontalSpacing(10)
        self.rows.setVerticalSpacing(6)
        box = QVBoxLayout(self)
        box.addWidget(heading)
        box.addWidget(hint)
        box.addLayout(self.rows)
        ctx.changed.connect(self._on_change)
        self.reload()

    def _on_change(self, change: Change) -> None:
        if change.sync or change.conversations or change.products:
            self.reload()

    def reload(self) -> None:
        clear_layout(self.rows)
        commands = command_service.open_commands(self.ctx.db)
        if not commands:
            self.rows.addWidget(_label(tr("Nothing is waiting: everything has been sent.")), 0, 0, 1, 6)
            return
        for col, text in enumerate((tr("What"), tr("Shop"), tr("Since"), tr("Tries"), tr("State"))):
            self.rows.addWidget(_label(text, hint=True), 0, col)
        for row, command in enumerate(commands, start=1):
            self._add_row(row, command)
        self.rows.setColumnStretch(4, 1)

    def _add_row(self, row: int, command: CommandRow) -> None:
        state = tr(STATE_WORDS.get(command.state, "Waiting"))
        if command.state == outbox.FAILED and command.last_error:
            state = tr("{state}: {words}", state=state, words=command.last_error)
        shop = tr(command.account_name) if command.account_name else tr("Every online shop")  # practice: msgids
        cells = (tr(command_service.kind_label(command.kind)), shop,
                 ago_text(command.created_at), str(command.attempts), state)
        for col, text in enumerate(cells):
            self.rows.addWidget(_label(text), row, col)
        if command.state == outbox.FAILED:
            again = QPushButton(tr("Send again"))
            again.clicked.connect(partial(self.retry, command.id))
            self.rows.addWidget(again, row, 5)
        elif command_service.can_cancel(command):
            cancel = QPushButton(tr("Cancel sending"))
            cancel.clicked.connect(partial(self.cancel, command.id))
            self.rows.addWidget(cancel, row, 5)

    def retry(self, command_id: str) -> None:
        try:
            change = command_service.retry_command(self.ctx.db, command_id)
        except Exception as exc:
            show_error(self, exc)
            self.reload()
            return
        self.ctx.announce(change)

    def cancel(self, command_id: str) -> None:
        try:
            change = command_service.cancel_command(self.ctx.db, command_id)
        except Exception as exc:
            show_error(self, exc)
            self.reload()
            return
        self.ctx.announce(change)


def _label(text: str, hint: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if hint:
        label.setProperty("role", "hint")
    return label
