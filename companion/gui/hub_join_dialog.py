"""Joining a hub with the one-time code the owner made on another laptop ("Gabung dengan kode undangan").

What can be checked here is checked at once (an empty or mistyped code, no laptop name); the hub is asked on a
pool thread (gui/background.py) while the dialog says so, and its answer comes back as one sentence under the field
it is about. On success the dialog closes and the window is told what changed.
"""

from __future__ import annotations

import platform
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from companion.domain.errors import UserError
from companion.domain.field_problems import FieldProblem
from companion.gui.context import AppContext
from companion.gui.form_errors import EnterSaves, FormErrors
from companion.gui.hub_outlets import outlet_choices
from companion.gui.messages import error_text
from companion.i18n import N_, tr
from companion.services.change import Change
from companion.store.database import Database
from companion.sync import hub_actions

MAX_NAME = 40
CODE_KINDS = ("code_used", "code_expired", "code_wrong")  # a hub's refusal that is about the code box
EMPTY_CODE = N_("Paste the invitation code the owner made on the first laptop.")
EMPTY_NAME = N_("Type a name for this laptop, for example Kasir depan.")
LONG_NAME = N_("The laptop's name is too long: use at most {n} letters.")


class HubFormDialog(QDialog):
    """A form whose OK runs one hub call in the background: fields checked first, progress shown, errors placed."""

    def __init__(self, ctx: AppContext, title: str, ok_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.change: Change | None = None
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.form = QFormLayout()
        self.form.setVerticalSpacing(8)
        self.progress = QLabel()
        self.progress.setWordWrap(True)
        self.progress.setProperty("role", "hint")
        self.progress.hide()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.errors = FormErrors(self.summary)
        self.buttons = QDialogButtonBox()
        self.ok = QPushButton(ok_text)
        self.ok.setProperty("primary", True)
        self.ok.setMinimumHeight(40)
        self.ok.clicked.connect(self.submit)
        cancel = QPushButton(tr("Cancel"))
        cancel.setMinimumHeight(40)
        cancel.clicked.connect(self.reject)
        self.buttons.addButton(self.ok, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
        self.box = QVBoxLayout(self)

    def finish_layout(self, fields: list[tuple[str, QWidget]]) -> None:
        """The form, progress, summary and buttons in place; then each field's error label under it."""
        self.box.addLayout(self.form)
        self.box.addWidget(self.progress)
        self.box.addWidget(self.summary)
        self.box.addWidget(self.buttons)
        for key, widget in fields:
            self.errors.add(key, widget)
        EnterSaves(self, self.submit, [widget for _key, widget in fields])

    def problems(self) -> list[FieldProblem]:
        """What is wrong before asking the hub (overridden)."""
        return []

    def work(self) -> Callable[[Database, Any], Change]:
        """The hub call to run on a pool thread (overridden)."""
        raise NotImplementedError

    def field_of(self, exc: BaseException) -> str:
        """Which field a hub's refusal is about ("" = the summary)."""
        return ""

    def submit(self) -> None:
        if not self.ok.isEnabled():
            return
        found = self.problems()
        if found:
            self.errors.show_problems(found)
            self.adjustSize()  # the sentences under the boxes wrap: room for every line
            return
        self.errors.clear()
        self._busy(True)
        self.ctx.work.run(self.work(), self._done, self._failed)

    def _busy(self, on: bool) -> None:
        self.ok.setEnabled(not on)
        self.progress.setText(tr("Talking to the hub… this can take a minute on a slow connection."))
        self.progress.setVisible(on)

    def _done(self, change: Change) -> None:
        if not isValid(self):  # closed (or rebuilt) while the hub was being asked
            return
        self._busy(False)
        self.change = change
        self.ctx.announce(change)
        if self.ctx.sync is not None:  # the first upload or download starts now, not at the next poll
            self.ctx.sync.sync_now()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if not isValid(self):  # closed (or rebuilt) while the hub was being asked
            return
        self._busy(False)
        key = self.field_of(exc)
        if key:
            self.errors.show_texts([(key, error_text(exc))])
        else:
            self.errors.show_texts([], error_text(exc))
        self.adjustSize()


class JoinHubDialog(HubFormDialog):
    """The code, this laptop's name and its outlet; "Gabung" joins."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, tr("Join with an invitation code"), tr("Join"), parent)
        intro = QLabel(tr("On the laptop already in the hub, the owner opens Settings → Several laptops → Invite "
                          "another laptop, then gives you the code."))
        intro.setWordWrap(True)
        self.box.addWidget(intro)
        self.code = QLineEdit()
        self.code.setMinimumHeight(38)
        self.code.setPlaceholderText(tr("Paste the code here"))
        self.name = QLineEdit(default_laptop_name())
        self.name.setMaxLength(MAX_NAME + 20)
        self.name.setPlaceholderText(tr("For example: Kasir depan"))
        self.outlet = outlet_combo(ctx.db)
        self.form.addRow(tr("Invitation code"), self.code)
        self.form.addRow(tr("This laptop's name"), self.name)
        self.form.addRow(tr("This laptop is in"), self.outlet)
        self.finish_layout([("code", self.code), ("name", self.name)])
        self.code.setFocus()

    def problems(self) -> list[FieldProblem]:
        found: list[FieldProblem] = []
        code = self.code.text().strip()
        if not code:
            found.append(FieldProblem("code", UserError(EMPTY_CODE)))
        else:
            try:
                hub_actions.check_code(code)
            except UserError as exc:
                found.append(FieldProblem("code", exc))
        found += name_problems(self.name.text())
        return found

    def work(self) -> Callable[[Database, Any], Change]:
        code, name, outlet = self.code.text().strip(), self.name.text().strip(), str(self.outlet.currentData())
        return lambda db, _progress: hub_actions.join_hub(db, code, name, outlet)

    def field_of(self, exc: BaseException) -> str:
        return "code" if getattr(exc, "kind", "") in CODE_KINDS else ""


def name_problems(typed: str) -> list[FieldProblem]:
    name = typed.strip()
    if not name:
        return [FieldProblem("name", UserError(EMPTY_NAME))]
    if len(name) > MAX_NAME:
        return [FieldProblem("name", UserError(LONG_NAME, n=MAX_NAME))]
    return []


def default_laptop_name() -> str:
    """The computer's own name as a start ("KASIR-PC"); people usually keep it or type "Kasir depan"."""
    return platform.node().split(".")[0][:MAX_NAME]


def outlet_combo(db: Database) -> QComboBox:
    combo = QComboBox()
    combo.setMinimumHeight(36)
    for outlet_id, name in outlet_choices(db):
        combo.addItem(name, outlet_id)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return combo
