"""The product dialog's "Cara isi ulang" section: bought from a supplier or made by the shop, with its recipe.

The section reads what a person typed into a `ReplenishmentInput` (raising FieldProblems with every field's problem
at once, keyed "restock_…" like the dialog's error lines) before anything is saved, so a bad capacity never leaves
half a product behind. A recipe line's problem shows right under the material and amount boxes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.domain.field_problems import FieldProblem, FieldProblems, raise_problems
from companion.domain.money import parse_quantity
from companion.gui.context import AppContext
from companion.gui.form_errors import EnterSaves, error_label
from companion.i18n import N_, tr
from companion.services import planning as planning_service
from companion.services.change import Change
from companion.store import planning as planning_store
from companion.store import products as product_store
from companion.store.database import Database
from companion.store.products import ProductRow

NOT_SET, BOUGHT, MADE = "", "bought", "made"
READING_ORDER = ("restock_lead_time", "restock_capacity", "restock_min_batch", "restock_shop_buffer")
N = TypeVar("N", int, float)
MAX_PER_UNIT = 10_000.0  # more than ten thousand of a material for one unit is a typo
_DECIMAL = re.compile(r"^\d+([.,]\d+)?$")


@dataclass(frozen=True)
class ReplenishmentInput:
    """What the section holds, checked; `kind` "" means the owner has not said how the product comes back."""

    kind: str
    lead_time_days: int = 0
    capacity_per_day: int | None = None
    min_batch: int = 1
    made_to_order: bool = False
    shop_buffer: int = 0
    supplier: str = ""
    recipe: list[tuple[str, float]] = field(default_factory=list)


def parse_per_unit(text: str) -> float:
    """"0,25" or "0.25" or "2" of a material for one unit; more than zero."""
    cleaned = text.strip().replace(" ", "")
    if not _DECIMAL.match(cleaned):
        raise UserError(N_("The amount of material per unit must be a number such as 2 or 0,25: type it again."))
    value = float(cleaned.replace(",", "."))
    if value <= 0 or value > MAX_PER_UNIT:
        raise UserError(N_("The amount of material per unit must be more than zero: type how much one unit uses."))
    return value


def show_per_unit(value: float) -> str:
    """0.25 → "0,25"; 2.0 → "2" (Indonesian decimal comma)."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


class ReplenishmentSection(QGroupBox):
    """Bought (supplier, lead time) or made (capacity a day, lead time, made to order, recipe), plus the shop buffer."""

    def __init__(self, ctx: AppContext, product: ProductRow | None = None, parent: QWidget | None = None) -> None:
        super().__init__(tr("How it is restocked"), parent)
        self.ctx = ctx
        self.product_id = product.id if product else None
        self.had_recipe = False  # a saved recipe is cleared when the product turns out to be bought
        saved = planning_store.replenishment(ctx.db, product.id) if product else None
        self.kind = QComboBox()
        if saved is None:
            self.kind.addItem(tr("Not set yet"), NOT_SET)
        self.kind.addItem(tr("Bought from a supplier"), BOUGHT)
        self.kind.addItem(tr("Made by the shop"), MADE)
        self.supplier = QLineEdit()
        self.supplier.setPlaceholderText(tr("optional, e.g. Toko Sumber Rejeki"))
        self.lead_time = _number(tr("e.g. 2"))
        self.capacity = _number(tr("e.g. 10"))
        self.min_batch = _number(tr("e.g. 1"))
        self.shop_buffer = _number(tr("e.g. 0"))
        self.made_to_order = QCheckBox(tr("Made after an order comes in (pre-order)"))
        self.hint = QLabel()
        self.hint.setProperty("role", "hint")
        self.hint.setWordWrap(True)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.form.addRow(tr("Restocked by"), self.kind)
        self.form.addRow(tr("Supplier"), self.supplier)
        self.form.addRow(tr("Lead time (days)"), self.lead_time)
        self.form.addRow(tr("Can make per day (units)"), self.capacity)
        self.form.addRow(tr("Smallest batch (units)"), self.min_batch)
        self.form.addRow("", self.made_to_order)
        self.form.addRow(tr("Keep for the shop (units)"), self.shop_buffer)
        self.recipe_box = self._build_recipe()
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.recipe_box)
        layout.addWidget(self.hint)
        self.kind.currentIndexChanged.connect(lambda _i: self._show_kind())
        self._fill(saved)
        self._show_kind()

    # --- building ------------------------------------------------------------------------------------

    def _build_recipe(self) -> QWidget:
        box = QWidget()
        self.material = QComboBox()
        self.material.setEditable(True)
        self.material.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        picker = self.material.lineEdit()
        assert picker is not None, "an editable combo box has a line edit"
        picker.setPlaceholderText(tr("Pick a material from your products"))
        for p in product_store.all_products(self.ctx.db, active_only=True):
            if p.id != self.product_id:
                self.material.addItem(f"{p.display_name} ({p.unit})", p.id)
        self.material.setCurrentIndex(-1)
        self.per_unit = QLineEdit()
        self.per_unit.setPlaceholderText(tr("per unit, e.g. 0,25"))
        self.per_unit.setFixedWidth(150)
        self.add_material = QPushButton(tr("Add material"))
        self.add_material.clicked.connect(self.add_recipe_line)
        self.remove_material = QPushButton(tr("Remove the chosen material"))
        self.remove_material.clicked.connect(self.remove_recipe_line)
        self.recipe = QTableWidget(0, 2)
        self.recipe.setHorizontalHeaderLabels([tr("Material"), tr("Used per unit")])
        self.recipe.verticalHeader().hide()
        self.recipe.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.recipe.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.recipe.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.recipe.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.recipe.verticalHeader().setDefaultSectionSize(32)
        self.recipe.setFixedHeight(140)
        self.material.setMinimumWidth(220)
        self.material_error, self.per_unit_error = error_label(), error_label()
        adder = QGridLayout()  # each box's error line right under it
        adder.setContentsMargins(0, 0, 0, 0)
        adder.setColumnStretch(0, 1)
        adder.addWidget(self.material, 0, 0)
        adder.addWidget(self.per_unit, 0, 1)
        adder.addWidget(self.add_material, 0, 2)
        adder.addWidget(self.material_error, 1, 0)
        adder.addWidget(self.per_unit_error, 1, 1, 1, 2)
        self.error_labels = {"restock_material": self.material_error, "restock_per_unit": self.per_unit_error}
        EnterSaves(self.add_material, self.add_recipe_line, [self.material, self.per_unit])  # Enter adds the line
        remover = QHBoxLayout()
        remover.addStretch(1)
        remover.addWidget(self.remove_material)
        title = QLabel(tr("Recipe: materials used for one unit (optional)"))
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addLayout(adder)
        layout.addWidget(self.recipe)
        layout.addLayout(remover)
        return box

    def _fill(self, saved: planning_store.ReplenishmentRow | None) -> None:
        if saved is None:
            self.lead_time.setText("")
            self.min_batch.setText("1")
            self.shop_buffer.setText("0")
            return
        self.kind.setCurrentIndex(self.kind.findData(saved.kind))
        self.supplier.setText(saved.supplier or "")
        self.lead_time.setText(str(saved.lead_time_days))
        self.capacity.setText("" if saved.capacity_per_day is None else str(saved.capacity_per_day))
        self.min_batch.setText(str(saved.min_batch))
        self.made_to_order.setChecked(bool(saved.made_to_order))
        self.shop_buffer.setText(str(saved.shop_buffer))
        assert self.product_id is not None
        names = {p.id: p for p in product_store.all_products(self.ctx.db)}
        for line in planning_store.recipe(self.ctx.db, self.product_id):
            material = names.get(line.material_id)
            label = f"{material.display_name} ({material.unit})" if material else line.material_id
            self._append(line.material_id, label, line.quantity_per_unit)
            self.had_recipe = True

    def _show_kind(self) -> None:
        kind = self.current_kind()
        for widget, shown in ((self.supplier, kind == BOUGHT), (self.lead_time, kind != NOT_SET),
                              (self.capacity, kind == MADE), (self.min_batch, kind != NOT_SET),
                              (self.made_to_order, kind == MADE), (self.shop_buffer, kind != NOT_SET)):
            self.form.setRowVisible(widget, shown)
        self.recipe_box.setVisible(kind == MADE)
        self.hint.setText({
            NOT_SET: tr("Say how this product comes back, so the production plan can warn you in time."),
            BOUGHT: tr("The lead time is how many days an order takes to arrive."),
            MADE: tr("The lead time is how many days a batch takes from start to ready to sell."),
        }[kind])

    def current_kind(self) -> str:
        return str(self.kind.currentData() or NOT_SET)

    # --- the recipe ----------------------------------------------------------------------------------

    def _append(self, material_id: str, label: str, per_unit: float) -> None:
        row = self.recipe.rowCount()
        self.recipe.insertRow(row)
        name = QTableWidgetItem(label)
        name.setData(Qt.ItemDataRole.UserRole, material_id)
        amount = QTableWidgetItem(show_per_unit(per_unit))
        amount.setData(Qt.ItemDataRole.UserRole, per_unit)
        amount.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.recipe.setItem(row, 0, name)
        self.recipe.setItem(row, 1, amount)

    def add_recipe_line(self) -> None:
        """Add the picked material; the material's and the amount's problems show at once under their boxes."""
        found: list[FieldProblem] = []
        index = self.material.findText(self.material.currentText())
        material_id = str(self.material.itemData(index)) if index >= 0 else ""
        if index < 0:
            found.append(FieldProblem("restock_material", UserError(
                N_("Pick the material from the list of your products, then add it."))))
        elif material_id in self.recipe_materials():
            found.append(FieldProblem("restock_material", UserError(
                N_("This material is already in the recipe: remove it first to change the amount."))))
        per_unit = _read(found, "restock_per_unit", lambda: parse_per_unit(self.per_unit.text()))
        if found or per_unit is None:
            self._report(found)
            return
        self._append(material_id, self.material.itemText(index), per_unit)
        self.material.setCurrentIndex(-1)
        self.per_unit.clear()
        self._report([])

    def remove_recipe_line(self) -> None:
        row = self.recipe.currentRow()
        if row >= 0:
            self.recipe.removeRow(row)

    def recipe_materials(self) -> list[str]:
        return [str(self._item(row, 0).data(Qt.ItemDataRole.UserRole)) for row in range(self.recipe.rowCount())]

    def recipe_lines(self) -> list[tuple[str, float]]:
        return [(str(self._item(row, 0).data(Qt.ItemDataRole.UserRole)),
                 float(self._item(row, 1).data(Qt.ItemDataRole.UserRole))) for row in range(self.recipe.rowCount())]

    def _item(self, row: int, col: int) -> QTableWidgetItem:
        item = self.recipe.item(row, col)
        assert item is not None, "every recipe row has both cells"
        return item

    def _report(self, problems: list[FieldProblem]) -> None:
        """Hand the recipe line's problems to the dialog around this section (it owns the form's error lines)."""
        dialog = self.window()
        show, clear = getattr(dialog, "show_problems", None), getattr(dialog, "clear_problem", None)
        if problems and show is not None:
            show(problems)
        elif not problems and clear is not None:
            clear()

    # --- reading and saving --------------------------------------------------------------------------

    def fields(self) -> list[QWidget]:
        return [self.kind, self.supplier, self.lead_time, self.capacity, self.min_batch, self.shop_buffer,
                self.material, self.per_unit]

    def read(self, unit: str = "pcs") -> ReplenishmentInput:
        """The checked input; raises FieldProblems with every shown field's problem, in reading order."""
        kind = self.current_kind()
        if kind == NOT_SET:
            return ReplenishmentInput(NOT_SET)
        found: list[FieldProblem] = []
        lead = _read(found, "restock_lead_time", lambda: self._needed(self.lead_time, N_("The lead time"), True))
        capacity = (_read(found, "restock_capacity",
                          lambda: self._needed(self.capacity, N_("The capacity per day"), False))
                    if kind == MADE else None)
        batch = _read(found, "restock_min_batch",
                      lambda: self._whole(self.min_batch, N_("The smallest batch"), allow_zero=False) or 1)
        buffer = _read(found, "restock_shop_buffer",
                       lambda: self._whole(self.shop_buffer, N_("The units kept for the shop"), allow_zero=True) or 0)
        if capacity is not None and batch is not None and capacity < batch:
            found.append(FieldProblem("restock_capacity", UserError(
                N_("The shop can make {capacity} {unit} a day, less than the smallest batch of {batch}: raise the "
                   "capacity or lower the batch."), capacity=capacity, batch=batch, unit=unit)))
        raise_problems(sorted(found, key=lambda p: READING_ORDER.index(p.field)))
        assert lead is not None and batch is not None and buffer is not None  # no problem: all read
        if kind == BOUGHT:
            return ReplenishmentInput(BOUGHT, lead, None, batch, False, buffer, self.supplier.text().strip())
        return ReplenishmentInput(MADE, lead, capacity, batch, self.made_to_order.isChecked(), buffer, "",
                                  self.recipe_lines())

    def field_for(self, exc: UserError) -> QWidget | None:
        """Which field a planning rule's message is about, judged from its message id."""
        text = (exc.msgid + " " + str(exc.params.get("field", ""))).lower()
        for words, widget in ((("capacity",), self.capacity), (("lead time",), self.lead_time),
                              (("batch",), self.min_batch), (("buffer", "kept for the shop"), self.shop_buffer),
                              (("supplier",), self.supplier), (("material", "recipe"), self.material)):
            if any(word in text for word in words):
                return widget
        return None

    def _needed(self, edit: QLineEdit, name: str, allow_zero: bool) -> int:
        value = self._whole(edit, name, allow_zero)
        if value is None:
            raise UserError(N_("{field} is empty: type a number of days or units."), field=name)
        return value

    def _whole(self, edit: QLineEdit, name: str, allow_zero: bool) -> int | None:
        return parse_quantity(edit.text(), name, allow_zero=allow_zero) if edit.text().strip() else None


def save_replenishment(db: Database, product_id: str, data: ReplenishmentInput, had_recipe: bool) -> Change:
    """Write what the section holds (each service its own transaction); nothing when it was never set."""
    change = Change()
    if data.kind == NOT_SET:
        return change
    change |= planning_service.set_replenishment(
        db, product_id, data.kind, data.lead_time_days, capacity_per_day=data.capacity_per_day,
        min_batch=data.min_batch, made_to_order=data.made_to_order, shop_buffer=data.shop_buffer,
        supplier=data.supplier)
    if data.recipe or had_recipe:
        change |= planning_service.set_recipe(db, product_id, list(data.recipe) if data.kind == MADE else [])
    return change


def _read(found: list[FieldProblem], key: str, read: Callable[[], N]) -> N | None:
    """A read value, or None with its problem added under `key`."""
    try:
        return read()
    except FieldProblems as exc:
        found.extend(exc.problems)
    except UserError as exc:
        found.append(FieldProblem(key, exc))
    return None


def _number(placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setMaximumWidth(160)
    return edit
