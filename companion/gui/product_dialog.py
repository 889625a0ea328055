"""Adding or editing one product: every problem at once under its field (gui/form_errors.py), Rp0 asked about."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.domain.field_problems import FieldProblem, problems_of
from companion.domain.money import format_rupiah, parse_quantity, parse_rupiah
from companion.domain.product import UNITS, ProductInput
from companion.gui.category_field import CategoryField
from companion.gui.context import AppContext
from companion.gui.form_errors import EnterMovesOn, EnterSaves, FormErrors, save_asking
from companion.gui.owner_pin import ask_owner
from companion.gui.replenishment_form import ReplenishmentSection, save_replenishment
from companion.i18n import N_, tr
from companion.services import categories as category_service
from companion.services import products as product_service
from companion.services.change import Change
from companion.store import products as product_store
from companion.store.products import ProductRow


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
        self.category = CategoryField(ctx)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(tr("SKU (product code)"), self.sku)
        form.addRow(tr("Name"), self.name)
        form.addRow(tr("Parent product"), self.parent_name)
        form.addRow(tr("Variant"), self.variant)
        form.addRow(tr("Unit"), self.unit)
        form.addRow(tr("Category"), self.category)
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
        restock_scroll = _Column(self.restock)  # errors under its fields never push the dialog off a laptop screen
        self.restock.kind.currentIndexChanged.connect(lambda _i: restock_scroll.updateGeometry())
        columns.addWidget(restock_scroll, 1)
        layout.addLayout(columns)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.errors = FormErrors(self.error)
        for key, widget in self._keyed():
            self.errors.add(key, widget, self.restock.error_labels.get(key))
        EnterMovesOn(self.barcode)  # a scanner ends the code with Enter: on to the price, not a half-saved product
        EnterSaves(self, self.save, [self.sku, self.name, self.parent_name, self.variant, self.unit, self.price,
                                     self.cost, self.stock,
                                     self.category])  # the unit and category boxes would take Enter as a new item
        if product is not None:
            self._fill(product)

    def _fill(self, p: ProductRow) -> None:
        self.sku.setText(p.sku)
        self.name.setText(p.name)
        self.parent_name.setText(p.parent_name or "")
        self.variant.setText(p.variant_name or "")
        self.unit.setCurrentText(p.unit)
        self.barcode.setText(p.barcode or "")
        self.category.set_text(p.category_name)
        self.price.setText(f"{p.sell_price:,}".replace(",", "."))
        self.cost.setText("" if p.cost_price is None else f"{p.cost_price:,}".replace(",", "."))

    def _keyed(self) -> list[tuple[str, QWidget]]:
        """The fields in reading order (the form's column, then the restock section), by problem key."""
        own = [("sku", self.sku), ("name", self.name), ("parent_name", self.parent_name), ("variant", self.variant),
               ("unit", self.unit), ("category", self.category), ("barcode", self.barcode), ("sell_price", self.price),
               ("cost_price", self.cost)] + ([("stock", self.stock)] if self.product is None else [])
        section = self.restock
        return [*own, ("restock_kind", section.kind), ("restock_supplier", section.supplier),
                ("restock_lead_time", section.lead_time), ("restock_capacity", section.capacity),
                ("restock_min_batch", section.min_batch), ("restock_shop_buffer", section.shop_buffer),
                ("restock_material", section.material), ("restock_per_unit", section.per_unit)]

    def _key_of(self, widget: QWidget | None) -> str:
        return next((key for key, w in self.errors.fields.items() if w is widget), "")

    def show_problem(self, exc: BaseException, field: QWidget | None) -> None:
        """One problem (the restock section reports its recipe line this way): under its field, or above Save."""
        self.errors.show(exc, self._key_of(field))
        if field is not None and not self._key_of(field):
            field.setFocus()

    def show_problems(self, problems: list[FieldProblem]) -> None:
        """The restock section's recipe line: its problems under the material and amount boxes."""
        self.errors.show_problems(problems)

    def clear_problem(self) -> None:
        self.errors.clear()

    def _read(self) -> tuple[ProductInput, int | None, list[FieldProblem]]:
        """What was typed, with every field's problem at once (numbers first read, then the product's rules)."""
        found: list[FieldProblem] = []
        price = _number(found, "sell_price", lambda: parse_rupiah(self.price.text(), N_("Sell price")))
        cost = (_number(found, "cost_price", lambda: parse_rupiah(self.cost.text(), N_("Cost price")))
                if self.cost.text().strip() else None)
        stock = (_number(found, "stock", lambda: parse_quantity(self.stock.text(), N_("Opening stock"),
                                                                allow_zero=True))
                 if self.product is None and self.stock.text().strip() else None)
        data = ProductInput(
            sku=self.sku.text(), name=self.name.text(), sell_price=price or 0, cost_price=cost,
            unit=self.unit.currentText(), parent_name=self.parent_name.text(), variant_name=self.variant.text(),
            barcode=self.barcode.text(), active=self.product.active if self.product else True,
        )
        unread = {f.field for f in found}
        own_id = self.product.id if self.product else None
        found += [f for f in product_service.product_problems(self.ctx.db, data, own_id) if f.field not in unread]
        found += category_service.category_problems(self.category.text())
        return data, stock, found

    def _write(self, data: ProductInput, stock: int | None, answered: frozenset[str]) -> Change:
        if self.product is None:
            self.saved_id, change = category_service.add_product(self.ctx.db, data, self.category.text(), stock,
                                                                 answered)
            return change
        self.saved_id = self.product.id
        return category_service.edit_product(self.ctx.db, self.product.id, data, self.category.text(), answered)

    def save(self) -> None:
        """All problems at once; Rp0 asked about first; then the restock section (its own services)."""
        data, stock, found = self._read()
        try:
            restock = self.restock.read(self.unit.currentText().strip() or "pcs")
        except UserError as exc:  # FieldProblems: every restock field's problem, with the product's own
            found += problems_of(exc, "restock_kind")
        if found:
            self.errors.show_problems(found)
            return
        if not self._price_allowed(data):
            return
        change = save_asking(self, self.errors, lambda answered: self._write(data, stock, answered))
        if change is None or self.saved_id is None:
            return
        try:
            change |= save_replenishment(self.ctx.db, self.saved_id, restock, self.restock.had_recipe)
        except UserError as exc:
            self.ctx.announce(change)  # the product itself is saved: from now on this dialog edits it
            self.product = product_store.get(self.ctx.db, self.saved_id)
            self.setWindowTitle(tr("Edit product"))
            self.show_problem(exc, self.restock.field_for(exc))
            return
        self.ctx.announce(change)
        self.accept()


    def _price_allowed(self, data: ProductInput) -> bool:
        """A changed sell price of an existing product is the owner's to allow (gui/owner_pin.py)."""
        if self.product is None or data.sell_price == self.product.sell_price:
            return True
        return ask_owner(self, self.ctx, tr("Changing the price of {name} from {old} to {new}.",
                                            name=self.product.display_name, old=format_rupiah(self.product.sell_price),
                                            new=format_rupiah(data.sell_price)))


class _Column(QScrollArea):
    """The restock section, scrolled when the screen is too short for it and its error lines; as wide as it needs."""

    def __init__(self, inner: QWidget) -> None:
        super().__init__()
        self.inner = inner
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(inner)

    def _bar(self) -> int:
        return self.verticalScrollBar().sizeHint().width()

    def minimumSizeHint(self) -> QSize:
        inner = self.inner.minimumSizeHint()
        return QSize(inner.width() + self._bar(), min(inner.height(), 240))

    def sizeHint(self) -> QSize:
        inner = self.inner.sizeHint()
        return QSize(inner.width() + self._bar(), inner.height())


def _number(found: list[FieldProblem], key: str, read: Callable[[], int]) -> int | None:
    """A typed number, or None with its problem added under `key`."""
    try:
        return read()
    except UserError as exc:
        found.append(FieldProblem(key, exc))
        return None
