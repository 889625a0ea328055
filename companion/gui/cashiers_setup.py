"""Pengaturan → "Kasir & PIN pemilik": the owner's PIN (set, change, a new recovery file, forgotten), the cashiers
(add, rename, new PIN, turn off or on) and the discount limit. Every change here asks for the owner's PIN first
(nothing is asked until one is set); cashiers can be added only once the owner's PIN is set."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.domain.settings_keys import MAX_OWNER_DISCOUNT_LIMIT, OWNER_DISCOUNT_LIMIT
from companion.gui.cashier_dialogs import AddCashier, NewCashierPin, RenameCashier
from companion.gui.context import AppContext
from companion.gui.messages import error_text
from companion.gui.owner_pin import ask_owner
from companion.gui.owner_pin_dialogs import ChangeOwnerPin, ForgotOwnerPin, SetOwnerPin, save_recovery_file
from companion.i18n import tr
from companion.services import cashiers as cashier_service
from companion.services.change import Change
from companion.store import cashiers as cashier_store
from companion.store.cashiers import CashierRow


class CashiersSetup(QFrame):
    """The settings card; it reloads itself when people or settings change."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setProperty("role", "card")
        self.setObjectName("cashiers-setup")
        heading = QLabel(tr("Cashiers & owner PIN"))
        heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.owner_state = QLabel()
        self.owner_state.setWordWrap(True)
        self.set_owner = self._button(tr("Set owner PIN…"), self.set_owner_pin, primary=True)
        self.change_owner = self._button(tr("Change owner PIN…"), self.change_owner_pin)
        self.new_file = self._button(tr("Save a new recovery file…"), self.save_new_file)
        self.forgot = self._button(tr("Forgot the owner's PIN?"), self.forgot_pin)
        owner_row = QHBoxLayout()
        for button in (self.set_owner, self.change_owner, self.new_file, self.forgot):
            owner_row.addWidget(button)
        owner_row.addStretch(1)
        self.people = QListWidget()
        self.people.setMinimumHeight(130)
        self.people.setMaximumHeight(180)
        self.people.setStyleSheet("QListWidget::item { min-height: 34px; padding-left: 6px; }")
        self.people.currentItemChanged.connect(lambda *_: self._enable())
        self.add = self._button(tr("Add cashier…"), self.add_cashier)
        self.rename = self._button(tr("Rename…"), self.rename_cashier)
        self.new_pin = self._button(tr("New PIN…"), self.new_cashier_pin)
        self.turn = self._button(tr("Turn off"), self.turn_cashier)
        side = QVBoxLayout()
        for button in (self.add, self.rename, self.new_pin, self.turn):
            side.addWidget(button)
        side.addStretch(1)
        self.cashier_hint = _hint("")
        self.limit = QSpinBox()
        self.limit.setRange(0, MAX_OWNER_DISCOUNT_LIMIT)
        self.limit.setSuffix(" %")
        self.save_limit = self._button(tr("Save limit"), self.save_discount_limit)
        limit_row = QHBoxLayout()
        limit_row.addWidget(QLabel(tr("A discount above")))
        limit_row.addWidget(self.limit)
        limit_row.addWidget(QLabel(tr("of the sale asks for the owner's PIN")))
        limit_row.addWidget(self.save_limit)
        limit_row.addStretch(1)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.hide()
        grid = QGridLayout()
        grid.addWidget(self.people, 0, 0)
        grid.addLayout(side, 0, 1)
        grid.setColumnStretch(0, 1)
        box = QVBoxLayout(self)
        box.addWidget(heading)
        box.addWidget(self.owner_state)
        box.addLayout(owner_row)
        box.addWidget(QLabel(tr("Cashiers")))
        box.addLayout(grid)
        box.addWidget(self.cashier_hint)
        box.addLayout(limit_row)
        box.addWidget(self.note)
        ctx.changed.connect(self._on_change)
        self.reload()

    def _button(self, text: str, slot: Callable[[], object], primary: bool = False) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        if primary:
            button.setProperty("primary", True)
        return button

    # --- reading ---------------------------------------------------------------------------------------

    def _on_change(self, change: Change) -> None:
        if change.people or change.settings:
            self.reload()

    def reload(self) -> None:
        owner = cashier_store.owner(self.ctx.db)
        if owner is None:
            self.owner_state.setText(tr("No owner PIN yet: anyone at this laptop can cancel sales, refund and change "
                                        "prices or stock."))
        else:
            self.owner_state.setText(tr("Owner: {name}. Voids, refunds, price and stock changes, discounts over the "
                                        "limit and the reports ask for the owner's PIN.", name=owner.name))
        self.set_owner.setVisible(owner is None)
        for button in (self.change_owner, self.new_file, self.forgot):
            button.setVisible(owner is not None)
        keep = self.chosen()
        self.people.clear()
        for row in cashier_store.people(self.ctx.db, with_disabled=True):
            if row.is_owner:
                continue
            text = tr("{name} (turned off)", name=row.name) if row.disabled else row.name
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.people.addItem(item)
            if keep is not None and row.id == keep.id:
                self.people.setCurrentItem(item)
        if owner is None:
            self.cashier_hint.setText(tr("Set the owner's PIN first: only the owner adds cashiers."))
        elif not self.people.count():
            self.cashier_hint.setText(tr("No cashiers yet: the counter does not ask who is selling."))
        else:
            self.cashier_hint.setText(tr("At the counter each cashier chooses their name and types their PIN."))
        self.limit.setValue(self.ctx.setting(OWNER_DISCOUNT_LIMIT))
        self._enable()

    def chosen(self) -> CashierRow | None:
        item = self.people.currentItem()
        if item is None:
            return None
        return cashier_store.get(self.ctx.db, str(item.data(Qt.ItemDataRole.UserRole)))

    def _enable(self) -> None:
        has_owner = cashier_service.owner_pin_set(self.ctx.db)
        row = self.chosen()
        self.add.setEnabled(has_owner)
        for button in (self.rename, self.new_pin, self.turn):
            button.setEnabled(has_owner and row is not None)
        self.new_pin.setEnabled(has_owner and row is not None and not row.disabled)
        self.turn.setText(tr("Turn on") if row is not None and row.disabled else tr("Turn off"))

    # --- actions ---------------------------------------------------------------------------------------

    def _say(self, text: str, error: bool = False) -> None:
        self.note.setProperty("role", "error" if error else "hint")
        self.note.style().unpolish(self.note)
        self.note.style().polish(self.note)
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def _owner_ok(self, why: str) -> bool:
        return ask_owner(self, self.ctx, why)

    def set_owner_pin(self) -> None:
        if SetOwnerPin(self.ctx, self).exec() == QDialog.DialogCode.Accepted:
            self._say(tr("The owner's PIN is set. Keep the recovery file away from this laptop."))

    def change_owner_pin(self) -> None:
        if ChangeOwnerPin(self.ctx, self).exec() == QDialog.DialogCode.Accepted:
            self._say(tr("The owner's PIN was changed."))

    def forgot_pin(self) -> None:
        if ForgotOwnerPin(self.ctx, self).exec() == QDialog.DialogCode.Accepted:
            self._say(tr("A new owner PIN is set and a new recovery file saved: the old file no longer works."))

    def save_new_file(self) -> None:
        if not self._owner_ok(tr("Saving a new recovery file (the old one stops working).")):
            return
        try:
            saved = save_recovery_file(self, self.ctx)
            if saved is None:
                return
            self.ctx.announce(cashier_service.replace_recovery_key(self.ctx.db, saved[0]))
        except (UserError, OSError) as exc:
            self._say(error_text(exc), error=True)
            return
        self._say(tr("New recovery file saved as {file}: the old one no longer works.", file=saved[1].name))

    def add_cashier(self) -> None:
        if self._owner_ok(tr("Adding a cashier.")):
            dialog = AddCashier(self.ctx, self)
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self._say(tr("Cashier added."))

    def rename_cashier(self) -> None:
        row = self.chosen()
        if row is not None and self._owner_ok(tr("Renaming {name}.", name=row.name)):
            RenameCashier(self.ctx, row, self).exec()

    def new_cashier_pin(self) -> None:
        row = self.chosen()
        if row is None or not self._owner_ok(tr("Giving {name} a new PIN.", name=row.name)):
            return
        if NewCashierPin(self.ctx, row, self).exec() == QDialog.DialogCode.Accepted:
            self._say(tr("{name}'s new PIN is saved.", name=row.name))

    def turn_cashier(self) -> None:
        row = self.chosen()
        if row is None:
            return
        why = tr("Turning on {name}.", name=row.name) if row.disabled else tr("Turning off {name}.", name=row.name)
        if not self._owner_ok(why):
            return
        try:
            action = cashier_service.enable_cashier if row.disabled else cashier_service.disable_cashier
            change = action(self.ctx.db, row.id)
        except UserError as exc:
            self._say(error_text(exc), error=True)
            return
        if not row.disabled and self.ctx.cashier_id == row.id:
            self.ctx.set_cashier(None)  # the person turned off is no longer at the counter
        self.ctx.announce(change)
        self._say("")

    def save_discount_limit(self) -> None:
        if not self._owner_ok(tr("Changing the discount limit to {percent} %.", percent=self.limit.value())):
            return
        try:
            self.ctx.announce(cashier_service.save_discount_limit(self.ctx.db, str(self.limit.value())))
        except UserError as exc:
            self._say(error_text(exc), error=True)
            return
        self._say(tr("Discount limit saved."))


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "hint")
    label.setWordWrap(True)
    return label
