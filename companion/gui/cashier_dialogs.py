"""Adding a cashier (name and PIN), renaming one, and giving one a new PIN: small forms the owner fills in."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from companion.domain.pins import check_new_pin
from companion.gui.context import AppContext
from companion.gui.owner_pin_dialogs import PinForm
from companion.gui.pin_field import pin_field
from companion.i18n import tr
from companion.services import cashiers as cashier_service
from companion.services.cashiers import MAX_NAME
from companion.store.cashiers import CashierRow


class AddCashier(PinForm):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent, tr("Add a cashier"),
                         tr("The cashier chooses this name at the counter and types this PIN. Give each person their "
                            "own PIN: sales and voids record who did them."), tr("Add cashier"))
        self.ctx = ctx
        self.name = QLineEdit()
        self.name.setMaxLength(MAX_NAME)
        self.name.setPlaceholderText(tr("For example: Ani"))
        self.pin, self.again = pin_field(), pin_field()
        self.form.addRow(tr("Name"), self.name)
        self.form.addRow(tr("PIN"), self.pin)
        self.form.addRow(tr("PIN again"), self.again)
        self.added_id: str | None = None

    def attempt(self) -> bool:
        check_new_pin(self.pin.text(), self.again.text())
        self.added_id, change = cashier_service.add_cashier(self.ctx.db, self.name.text(), self.pin.text())
        self.ctx.announce(change)
        return True


class RenameCashier(PinForm):
    def __init__(self, ctx: AppContext, row: CashierRow, parent: QWidget | None = None) -> None:
        super().__init__(parent, tr("Rename"), tr("The new name shows at the counter and in the history from now on."),
                         tr("Save"))
        self.ctx, self.row = ctx, row
        self.name = QLineEdit(row.name)
        self.name.setMaxLength(MAX_NAME)
        self.form.addRow(tr("Name"), self.name)

    def attempt(self) -> bool:
        self.ctx.announce(cashier_service.rename_cashier(self.ctx.db, self.row.id, self.name.text()))
        return True


class NewCashierPin(PinForm):
    def __init__(self, ctx: AppContext, row: CashierRow, parent: QWidget | None = None) -> None:
        super().__init__(parent, tr("New PIN for {name}", name=row.name),
                         tr("Type the cashier's new PIN twice; the old one stops working."), tr("Save PIN"))
        self.ctx, self.row = ctx, row
        self.pin, self.again = pin_field(), pin_field()
        self.form.addRow(tr("New PIN"), self.pin)
        self.form.addRow(tr("New PIN again"), self.again)

    def attempt(self) -> bool:
        check_new_pin(self.pin.text(), self.again.text())
        self.ctx.announce(cashier_service.set_cashier_pin(self.ctx.db, self.row.id, self.pin.text()))
        return True
