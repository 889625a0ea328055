"""Settings → Toko online: the linked shops with their stock buffer and order check, linking, matching, practice."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.domain.field_problems import FieldProblems, problems_of
from companion.gui.channel_names import channel_long_label
from companion.gui.context import AppContext
from companion.gui.form_errors import EnterSaves, FormErrors, error_label
from companion.gui.layout_clearing import clear_layout
from companion.gui.link_shop_dialog import LinkShopDialog, needs_relink, relink_shop
from companion.gui.messages import confirm, show_error
from companion.gui.practice_mode import practice_mode
from companion.gui.practice_start_dialog import start_practice
from companion.i18n import tr
from companion.services.accounts import unlink_account
from companion.services.change import Change
from companion.services.shop_options import save_shop_options
from companion.store import accounts as account_store
from companion.store import inbox as inbox_store
from companion.store import sync_state
from companion.store.accounts import AccountRow
from companion.sync.events import NOT_PERMITTED
from companion.sync.problems import stored_sentence


@dataclass
class AccountEditor:
    """The editable fields of one linked shop's row."""

    account: AccountRow
    units: QLineEdit
    percent: QLineEdit
    poll: QLineEdit
    keep_last: QLineEdit
    ship_window: QLineEdit
    save: QPushButton
    unlink: QPushButton | None
    errors: FormErrors = field(default_factory=FormErrors)

    def typed(self) -> dict[str, str]:
        """What the row's boxes hold, by the key services.shop_options reads."""
        return {key: edit.text() for key, edit in self.boxes()}

    def boxes(self) -> list[tuple[str, QLineEdit]]:
        return [("buffer_units", self.units), ("buffer_percent", self.percent), ("poll_seconds", self.poll),
                ("keep_last_units", self.keep_last), ("ship_window_days", self.ship_window)]

    def saved(self) -> dict[str, str]:
        a = self.account
        return {"buffer_units": str(a.buffer_units), "buffer_percent": str(a.buffer_percent),
                "poll_seconds": str(a.poll_seconds), "keep_last_units": str(a.keep_last_units),
                "ship_window_days": str(a.ship_window_days)}


class OnlineShopsCard(QFrame):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.practice = practice_mode(ctx)
        self.setProperty("role", "card")
        self.editors: dict[str, AccountEditor] = {}
        self._refused: dict[str, FieldProblems] = {}  # a shop's last refused save, shown again after a reload
        heading = QLabel(tr("Online shops"))
        heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        hint = QLabel(tr("Orders and stock follow by themselves. The buffer keeps some units back from online sale, "
                         "so the last ones stay for the counter.") + " "
                      + tr("When only the units kept for the shop are left, the shop shows 0 online. Planned "
                           "pre-order production counts online when it is ready within the ship window."))
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        self.rows = QGridLayout()
        self.rows.setHorizontalSpacing(10)
        self.rows.setVerticalSpacing(6)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.link_button = QPushButton(tr("Link a shop"))
        self.link_button.setProperty("primary", True)
        self.link_button.clicked.connect(self.open_link_dialog)
        self.match_button = QPushButton(tr("Match products"))
        self.match_button.clicked.connect(self.open_mapping)
        self.practice_button = QPushButton()
        self.practice_button.clicked.connect(self.toggle_practice)
        buttons = QHBoxLayout()
        buttons.addWidget(self.link_button)
        buttons.addWidget(self.match_button)
        buttons.addWidget(self.practice_button)
        buttons.addStretch(1)
        box = QVBoxLayout(self)
        box.addWidget(heading)
        box.addWidget(hint)
        box.addLayout(self.rows)
        box.addWidget(self.note)
        box.addLayout(buttons)
        self.practice.state_changed.connect(self._practice_state)
        ctx.changed.connect(self._on_change)
        self.reload()

    def _on_change(self, change: Change) -> None:
        if change.sync:
            self.reload()

    # --- reading ---------------------------------------------------------------------------------------

    def reload(self) -> None:
        """The rows again (a sync round, a link); what was typed and not saved yet stays in its boxes."""
        typed = {a: e.typed() for a, e in self.editors.items() if e.typed() != e.saved()}
        clear_layout(self.rows)
        self.editors = {}
        accounts = account_store.active(self.ctx.db)
        if not accounts:
            self.rows.addWidget(_hint(tr("No online shop is linked yet.")), 0, 0, 1, 8)
        else:
            for col, text in enumerate((tr("Shop"), tr("Buffer (units)"), tr("Buffer (%)"),
                                        tr("Check orders every (seconds)"), tr("Keep for the shop (units)"),
                                        tr("Ship window (days)"))):
                self.rows.addWidget(_hint(text), 0, col)
            row = 1
            for account in accounts:
                self._add_row(row, account)
                self._keep_typed(self.editors[account.id], typed.get(account.id, {}))
                row += 2  # the row under the boxes holds each box's error
                refusal = self._refusal(account)
                if refusal:
                    self.rows.addWidget(_refusal_label(refusal, account.id), row, 0, 1, 8)
                    row += 1
            self.rows.setColumnStretch(0, 1)
        self._practice_state()

    def _keep_typed(self, editor: AccountEditor, typed: dict[str, str]) -> None:
        for key, edit in editor.boxes():
            if key in typed:
                edit.setText(typed[key])
        refused = self._refused.get(editor.account.id)
        if refused is not None and typed:
            editor.errors.show(refused)

    def _add_row(self, row: int, account: AccountRow) -> None:
        platform = channel_long_label(account.channel)
        if account.practice:
            text = f"<b>{platform}</b> &nbsp;<span style='background:#ffe066'>&nbsp;{tr('practice')}&nbsp;</span>"
        else:
            text = f"<b>{platform}</b> · {html.escape(account.name)}"
        label = QLabel(text)
        label.setTextFormat(Qt.TextFormat.RichText)
        editor = AccountEditor(account, _number(account.buffer_units), _number(account.buffer_percent),
                               _number(account.poll_seconds), _number(account.keep_last_units),
                               _number(account.ship_window_days), QPushButton(tr("Save")),
                               None if account.practice else QPushButton(tr("Unlink")))
        editor.save.clicked.connect(partial(self.save, account.id))
        self.rows.addWidget(label, row, 0)
        for col, box in enumerate((editor.units, editor.percent, editor.poll, editor.keep_last,
                                   editor.ship_window, editor.save), start=1):
            self.rows.addWidget(box, row, col)
        for col, (key, edit) in enumerate(editor.boxes(), start=1):
            label = error_label()
            label.setMinimumWidth(130)  # a sentence, not a 100-pixel column of single words
            self.rows.addWidget(label, row + 1, col, Qt.AlignmentFlag.AlignTop)
            editor.errors.add(key, edit, label)
        EnterSaves(editor.save, partial(self.save, account.id), [edit for _key, edit in editor.boxes()])
        if editor.unlink is not None:
            editor.unlink.clicked.connect(partial(self.unlink, account.id))
            self.rows.addWidget(editor.unlink, row, 7)
        if needs_relink(self.ctx.db, account):
            again = QPushButton(tr("Link again"))
            again.setProperty("primary", True)
            again.setProperty("relink", account.id)
            again.clicked.connect(partial(relink_shop, self.ctx, self.window(), account))
            self.rows.addWidget(again, row, 8)
        self.editors[account.id] = editor

    def _refusal(self, account: AccountRow) -> str:
        """What to ask the platform for, when it refused this shop's app something (chat, this address, a scope)."""
        sentences: list[str] = []
        status = sync_state.status(self.ctx.db, account.id)
        if status.problem_kind == NOT_PERMITTED:
            sentences.append(tr(stored_sentence(NOT_PERMITTED, status.problem_detail, account.channel)))
        sentences += [tr(p.sentence_msgid) for p in inbox_store.chat_problems(self.ctx.db)
                      if p.account_id == account.id and p.kind == NOT_PERMITTED]
        return "\n".join(dict.fromkeys(sentences))

    def _practice_state(self) -> None:
        running = self.practice.running
        self.practice_button.setText(tr("Leave practice mode") if running else tr("Start practice mode"))
        self.practice_button.setEnabled(not self.practice.busy)

    # --- actions ---------------------------------------------------------------------------------------

    def save(self, account_id: str) -> None:
        """All five boxes checked at once; a refusal names the shop, marks each box and keeps what was typed."""
        editor = self.editors[account_id]
        name = self._shop_name(editor.account)
        try:
            change = save_shop_options(self.ctx.db, account_id, editor.typed())
        except UserError as exc:
            problems = exc if isinstance(exc, FieldProblems) else FieldProblems(problems_of(exc, ""))
            self._refused[account_id] = problems
            editor.errors.show(problems)
            count = len(editor.errors.shown())
            self._say(tr("Not saved for {name}: {problem}", name=name, problem=exc.message()) if count <= 1
                      else tr("Not saved for {name}: fix the {n} boxes marked in red.", name=name, n=count),
                      error=True)
            return
        self._refused.pop(account_id, None)
        editor.errors.clear()
        self._say(tr("Saved for {name}.", name=name))
        self.ctx.announce(change)

    def _shop_name(self, account: AccountRow) -> str:
        """The shop's own name (a practice shop's name is translated)."""
        return tr(account.name) if account.practice else account.name

    def unlink(self, account_id: str) -> None:
        account = self.editors[account_id].account
        if not confirm(self.window(), tr("Unlink shop"), tr("Stop following {name}? Its orders stay in the record and "
                                                            "its keys are forgotten on this computer.",
                                                            name=account.name), tr("Unlink")):
            return
        try:
            self.ctx.announce(unlink_account(self.ctx.db, account_id))
        except UserError as exc:
            show_error(self.window(), exc)

    def open_link_dialog(self) -> None:
        dialog = LinkShopDialog(self.ctx, self.window())
        dialog.linked.connect(lambda _id: dialog.accept())
        dialog.exec()

    def open_mapping(self) -> None:
        from companion.gui.mapping_dialog import MappingDialog  # written alongside; imported when first needed

        MappingDialog(self.ctx, self.window()).exec()

    def toggle_practice(self) -> None:
        if not self.practice.running:
            start_practice(self.practice, self.window())  # asks: the sample shop or the shop's own products
            return
        if confirm(self.window(), tr("Leave practice mode?"), tr("The practice shops stop. You can start practice "
                                                                  "mode again in Settings → Online shops."),
                   tr("Leave practice mode")):
            self.practice.leave()

    def _say(self, text: str, error: bool = False) -> None:
        self.note.setText(text)
        self.note.setProperty("role", "error" if error else "hint")
        self.note.style().unpolish(self.note)
        self.note.style().polish(self.note)


def _number(value: int) -> QLineEdit:
    edit = QLineEdit(str(value))
    edit.setMaximumWidth(100)
    edit.setAlignment(Qt.AlignmentFlag.AlignRight)
    return edit


def _refusal_label(text: str, account_id: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setProperty("refusal", account_id)
    label.setStyleSheet("color: #a14a00; padding-left: 12px;")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "hint")
    label.setWordWrap(True)
    return label
