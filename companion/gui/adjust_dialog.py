"""Adding or removing units of one product for a stated reason (broken, lost, found, …)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.domain.field_problems import FieldProblem
from companion.domain.money import format_quantity, parse_quantity
from companion.gui.context import AppContext
from companion.gui.form_errors import EnterSaves, FormErrors, save_asking
from companion.gui.movement_history import signed
from companion.gui.owner_pin import ask_owner
from companion.i18n import N_, tr
from companion.services import stock as stock_service
from companion.store.products import ProductRow

REASONS = (N_("Broken or damaged"), N_("Lost"), N_("Expired"), N_("Found in storage"), N_("Given away as a sample"),
           N_("Received from supplier"))


class AdjustDialog(QDialog):
    def __init__(self, ctx: AppContext, product: ProductRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.product = product
        self._owner_ok = False  # the owner allowed this adjustment (asked once, at the first save)
        self.setWindowTitle(tr("Adjust stock"))
        self.setMinimumWidth(480)
        title = QLabel(f"<b>{product.sku}</b> – {product.display_name}")
        title.setWordWrap(True)
        self.add = QRadioButton(tr("Add units"))
        self.remove = QRadioButton(tr("Remove units"))
        self.remove.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.add)
        group.addButton(self.remove)
        direction = QHBoxLayout()
        direction.addWidget(self.remove)
        direction.addWidget(self.add)
        direction.addStretch(1)
        self.quantity = QLineEdit()
        self.quantity.setPlaceholderText(tr("e.g. 2"))
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems([""] + [tr(r) for r in REASONS])
        edit = self.reason.lineEdit()
        if edit is not None:
            edit.setPlaceholderText(tr("Choose or type why"))
        self.after = QLabel()
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(tr("Now on hand"), QLabel(format_quantity(product.outlet_on_hand)))
        form.addRow(tr("Change"), direction)
        form.addRow(tr("How many"), self.quantity)
        form.addRow(tr("Reason"), self.reason)
        form.addRow(tr("On hand after"), self.after)
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox()
        save = buttons.addButton(tr("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        save.setProperty("primary", True)
        save.setDefault(True)
        buttons.addButton(tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.errors = FormErrors(self.error)
        self.errors.add("quantity", self.quantity)
        self.errors.add("reason", self.reason)
        EnterSaves(self, self.save, [self.quantity, self.reason])  # the reason box would take Enter as a new one
        self.quantity.textChanged.connect(self._update_result)
        group.buttonToggled.connect(lambda *_: self._update_result())
        self._update_result()

    def delta(self) -> int:
        qty = parse_quantity(self.quantity.text(), N_("Quantity"))
        return qty if self.add.isChecked() else -qty

    def _update_result(self) -> None:
        try:
            self.after.setText(format_quantity(self.product.outlet_on_hand + self.delta()))
        except UserError:
            self.after.setText("–")

    def save(self) -> None:
        """Both fields' problems at once; a stock that would go below zero is asked about first."""
        try:
            delta = self.delta()
        except UserError as exc:
            problems = [FieldProblem("quantity", exc)]
            if not self.reason.currentText().strip():
                problems += stock_service.adjustment_problems(1, "")
            self.errors.show_problems(problems)
            return
        if not self._owner_allowed(delta):
            return
        change = save_asking(self, self.errors, lambda answered: stock_service.adjust_stock(
            self.ctx.db, self.product.id, delta, self.reason.currentText(), answered, actor=self.ctx.cashier_id))
        if change is None:
            return
        self.ctx.announce(change)
        self.accept()

    def _owner_allowed(self, delta: int) -> bool:
        """A stock adjustment is the owner's to allow (asked once per dialog, when the form is filled)."""
        if not self._owner_ok:
            self._owner_ok = ask_owner(self, self.ctx, tr("Adjusting the stock of {name} by {delta}.",
                                                          name=self.product.display_name, delta=signed(delta)))
        return self._owner_ok
