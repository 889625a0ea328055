"""Adding or editing one product, with the problem shown right in the form instead of a pop-up."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.domain.money import parse_quantity, parse_rupiah
from companion.domain.product import UNITS, ProductInput
from companion.gui.context import AppContext
from companion.gui.messages import error_text
from companion.gui.replenishment_form import ReplenishmentInput, ReplenishmentSection, save_replenishment
from companion.i18n import N_, tr
from companion.services import products as product_service
from companion.store import products as product_store
from companion.store.products import ProductRow

ERROR_STYLE = "border: 2px solid #b00020;"


class ProductDialog(QDialog):
    """`product` None adds a new product (with an optional opening stock); otherwise edits it."""

    def __init__(self, ctx: AppContext, product: ProductRow | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.product = product
        self.saved_id: str | None = None
        self.setWindowTitle(tr("Edit product") if product else tr("Add product"))
        self.setMinimumWidth(1080)
        self.sku = QLineEdit()
        self.sku.setPlaceholderText(tr("e.g. KOPI-250"))
        self.name = QLineEdit()
        self.name.setPlaceholderText(tr("e.g. Kopi Susu Gula Aren"))
        self.parent_name = QLineEdit()
        self.parent_name.setPlaceholderText(tr("optional, e.g. Kaos Polos"))
        self.variant = QLineEdit()
        self.variant.setPlaceholderText(tr("optional, e.g. Merah XL"))
        self.unit = QComboBox()
        self.unit.setEditable(True)
        self.unit.addItems(list(UNITS))
        self.barcode = QLineEdit()
        self.barcode.setPlaceholderText(tr("optional: scan or type"))
        self.price = QLineEdit()
        self.price.setPlaceholderText(tr("e.g. 15.000"))
        self.cost = QLineEdit()
        self.cost.setPlaceholderText(tr("optional, e.g. 9.000"))
        self.stock = QLineEdit()
        self.stock.setPlaceholderText(tr("optional, e.g. 24"))
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(tr("SKU (product code)"), self.sku)
        form.addRow(tr("Name"), self.name)
        form.addRow(tr("Parent product"), self.parent_name)
        form.addRow(tr("Variant"), self.variant)
        form.addRow(tr("Unit"), self.unit)
        form.addRow(tr("Barcode"), self.barcode)
        form.addRow(tr("Sell price (Rp)"), self.price)
        form.addRow(tr("Cost price (Rp)"), self.cost)
        if product is None:
            form.addRow(tr("Opening stock"), self.stock)
        self.restock = ReplenishmentSection(ctx, product, self)
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(tr("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setProperty("primary", True)
        self.save_button.setDefault(True)
        buttons.addButton(tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        columns = QHBoxLayout()  # side by side: the dialog stays short enough for a 768-pixel-high laptop
        columns.setSpacing(16)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addStretch(1)
        columns.addLayout(left, 1)
        columns.addWidget(self.restock, 1)
        layout.addLayout(columns)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        if product is not None:
            self._fill(product)

    def _fill(self, p: ProductRow) -> None:
        self.sku.setText(p.sku)
        self.name.setText(p.name)
        self.parent_name.setText(p.parent_name or "")
        self.variant.setText(p.variant_name or "")
        self.unit.setCurrentText(p.unit)
        self.barcode.setText(p.barcode or "")
        self.price.setText(f"{p.sell_price:,}".replace(",", "."))
        self.cost.setText("" if p.cost_price is None else f"{p.cost_price:,}".replace(",", "."))

    def _fields(self) -> list[QWidget]:
        return [self.sku, self.name, self.parent_name, self.variant, self.unit, self.barcode, self.price,
                self.cost, self.stock, *self.restock.fields()]

    def show_problem(self, exc: BaseException, field: QWidget | None) -> None:
        """The message under the form, the field outlined in red and focused."""
        for w in self._fields():
            w.setStyleSheet("")
        self.error.setText(error_text(exc))
        self.error.show()
        if field is not None:
            field.setStyleSheet(ERROR_STYLE)
            field.setFocus()

    def clear_problem(self) -> None:
        for w in self._fields():
            w.setStyleSheet("")
        self.error.hide()

    def _read(self) -> tuple[ProductInput, int | None, ReplenishmentInput]:
        field: QWidget = self.price
        try:
            price = parse_rupiah(self.price.text(), N_("Sell price"))
            field = self.cost
            cost = parse_rupiah(self.cost.text(), N_("Cost price")) if self.cost.text().strip() else None
            field = self.stock
            stock = (parse_quantity(self.stock.text(), N_("Opening stock"), allow_zero=True)
                     if self.product is None and self.stock.text().strip() else None)
        except UserError as exc:
            exc.field_widget = field  # type: ignore[attr-defined]
            raise
        return ProductInput(
            sku=self.sku.text(), name=self.name.text(), sell_price=price, cost_price=cost,
            unit=self.unit.currentText(), parent_name=self.parent_name.text(), variant_name=self.variant.text(),
            barcode=self.barcode.text(), active=self.product.active if self.product else True,
        ), stock, self.restock.read(self.unit.currentText().strip() or "pcs")

    def save(self) -> None:
        try:
            data, stock, restock = self._read()
            if self.product is None:
                self.saved_id, change = product_service.add_product(self.ctx.db, data, stock)
            else:
                change = product_service.edit_product(self.ctx.db, self.product.id, data)
                self.saved_id = self.product.id
        except UserError as exc:
            self.show_problem(exc, getattr(exc, "field_widget", None) or self._field_for(exc))
            return
        try:
            change |= save_replenishment(self.ctx.db, self.saved_id, restock, self.restock.had_recipe)
        except UserError as exc:
            self.ctx.announce(change)  # the product itself is saved: from now on this dialog edits it
            self.product = product_store.get(self.ctx.db, self.saved_id)
            self.setWindowTitle(tr("Edit product"))
            self.show_problem(exc, getattr(exc, "field_widget", None) or self.restock.field_for(exc))
            return
        self.ctx.announce(change)
        self.accept()

    def _field_for(self, exc: UserError) -> QWidget | None:
        """Which field a rule message is about, judged from its message id."""
        text = (exc.msgid + " " + str(exc.params.get("field", ""))).lower()
        for word, widget in (("sku", self.sku), ("product name", self.name), ("sell price", self.price),
                             ("cost price", self.cost), ("unit", self.unit), ("barcode", self.barcode),
                             ("opening stock", self.stock)):
            if word in text:
                return widget
        return None
