""""Pindah stok": units of one product carried from one outlet to another (the shop's total stays the same).

Keyboard first: type a name, SKU or barcode and press Enter (the first match is taken), type how many and press
Enter again; the outlets start on this laptop's outlet → the next one, and "⇄" swaps them. The owner allows it with
the PIN, as for a stock adjustment. The service writes one transfer_out and one transfer_in in one transaction.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.domain.field_problems import FieldProblem
from companion.domain.money import format_quantity, parse_quantity
from companion.gui.context import AppContext
from companion.gui.form_errors import FormErrors, error_label, save_asking
from companion.gui.outlet_picker import open_outlets, this_outlet
from companion.gui.owner_pin import ask_owner
from companion.i18n import N_, tr
from companion.services import outlets as outlet_service
from companion.store import outlet_stock
from companion.store import products as product_store
from companion.store.products import ProductRow

SEARCH_DELAY_MS = 120
MATCHES = 6
BIG = "min-height: 36px; font-size: 11pt;"


class TransferDialog(QDialog):
    """Move stock of one product between two outlets; `moved` is True after a transfer was saved."""

    def __init__(self, ctx: AppContext, product: ProductRow | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.product: ProductRow | None = None
        self.moved = False
        self._owner_ok = False
        self.setWindowTitle(tr("Move stock between outlets"))
        self.setMinimumWidth(560)
        self._build()
        self._fill_outlets()
        if product is not None:
            self.choose(product)
            self.quantity.setFocus()
        else:
            self.search.setFocus()
        self._update()

    # --- building -------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Type a name, SKU or barcode, then Enter"))
        self.search.setClearButtonEnabled(True)
        self.search.setStyleSheet(BIG)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._find)
        self.search.textEdited.connect(self._typed)
        self.search.returnPressed.connect(self._take_first)
        self.matches = QListWidget()
        self.matches.setMaximumHeight(150)
        self.matches.setStyleSheet("QListWidget::item { min-height: 30px; }")
        self.matches.itemActivated.connect(self._take_item)
        self.matches.hide()
        self.chosen_label = QLabel()
        self.chosen_label.setWordWrap(True)
        self.source = QComboBox()
        self.target = QComboBox()
        for combo in (self.source, self.target):
            combo.setStyleSheet(BIG)
            combo.setMinimumWidth(180)
            combo.currentIndexChanged.connect(lambda _i: self._update())
        self.swap = QPushButton("⇄")
        self.swap.setToolTip(tr("Swap the outlets"))
        self.swap.setFixedWidth(48)
        self.swap.setStyleSheet(BIG)
        self.swap.clicked.connect(self._swap)
        route = QHBoxLayout()
        route.addWidget(self.source, 1)
        route.addWidget(self.swap)
        route.addWidget(self.target, 1)
        self.quantity = QLineEdit()
        self.quantity.setPlaceholderText(tr("e.g. 2"))
        self.quantity.setStyleSheet(BIG)
        self.quantity.textChanged.connect(lambda _t: self._update())
        self.quantity.returnPressed.connect(self.save)
        self.after = QLabel()
        self.after.setWordWrap(True)
        self.after.setProperty("role", "hint")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.setVerticalSpacing(10)
        form.addRow(tr("Product"), self.search)
        form.addRow("", self.matches)
        form.addRow("", self.chosen_label)
        form.addRow(tr("From → to"), route)
        self.route_error = error_label()  # under both outlets, not squeezed beside them
        form.addRow("", self.route_error)
        form.addRow(tr("How many"), self.quantity)
        form.addRow("", self.after)
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(tr("Move stock"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setProperty("primary", True)
        self.save_button.setAutoDefault(False)
        cancel = buttons.addButton(tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setAutoDefault(False)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.errors = FormErrors(self.error)
        self.errors.add("product", self.search)
        self.errors.add("outlet", self.target, self.route_error)
        self.errors.add("quantity", self.quantity)

    def _fill_outlets(self) -> None:
        outlets = open_outlets(self.ctx.db)
        for combo in (self.source, self.target):
            combo.blockSignals(True)
            for outlet_id, name in outlets:
                combo.addItem(name, outlet_id)
            combo.blockSignals(False)
        here = max(self.source.findData(this_outlet(self.ctx.db)), 0)
        self.source.setCurrentIndex(here)
        self.target.setCurrentIndex((here + 1) % max(self.target.count(), 1))

    # --- choosing ---------------------------------------------------------------------------------------
    def _typed(self, _text: str) -> None:
        """Typing again means another product: the chosen one is let go until a match is taken."""
        if self.product is not None:
            self.product = None
            self.chosen_label.setText("")
            self._update()
        self._timer.start(SEARCH_DELAY_MS)

    def _find(self) -> None:
        self._timer.stop()
        self.matches.clear()
        text = self.search.text().strip()
        found = product_store.search(self.ctx.db, text, limit=MATCHES) if text else []
        for product in found:
            item = QListWidgetItem(f"{product.sku} – {product.display_name}")
            item.setData(Qt.ItemDataRole.UserRole, product.id)
            self.matches.addItem(item)
        self.matches.setVisible(bool(found))
        if found:
            self.matches.setCurrentRow(0)

    def _take_first(self) -> None:
        """Enter in the search: an exact code first, else the first match; then on to the quantity."""
        self._find()
        exact = product_store.by_code(self.ctx.db, self.search.text())
        item = self.matches.currentItem()
        product = exact or (product_store.get(self.ctx.db, str(item.data(Qt.ItemDataRole.UserRole)))
                            if item is not None else None)
        if product is None:
            self.errors.show_problems([FieldProblem("product", UserError(
                N_("No product matches \"{text}\": type part of its name, its SKU or its barcode."),
                text=self.search.text().strip()))])
            return
        self.choose(product)
        self.quantity.setFocus()

    def _take_item(self, item: QListWidgetItem) -> None:
        product = product_store.get(self.ctx.db, str(item.data(Qt.ItemDataRole.UserRole)))
        if product is not None:
            self.choose(product)
            self.quantity.setFocus()

    def choose(self, product: ProductRow) -> None:
        self.product = product
        self.search.setText(product.sku)
        self.matches.hide()
        self.chosen_label.setText(f"<b>{product.sku}</b> – {product.display_name}")
        self.errors.clear()
        self._update()

    def _swap(self) -> None:
        source, target = self.source.currentIndex(), self.target.currentIndex()
        self.source.setCurrentIndex(target)
        self.target.setCurrentIndex(source)

    # --- showing ----------------------------------------------------------------------------------------
    def _levels(self) -> tuple[int, int]:
        if self.product is None:
            return 0, 0
        return (outlet_stock.level_at(self.ctx.db, self.product.id, str(self.source.currentData())),
                outlet_stock.level_at(self.ctx.db, self.product.id, str(self.target.currentData())))

    def _update(self) -> None:
        """"Toko utama: 12 → 7 · Cabang Pasar: 3 → 8" as the quantity is typed."""
        if self.product is None:
            self.after.setText(tr("Choose the product first."))
            return
        if self.source.currentData() == self.target.currentData():
            self.after.setText("")
            return
        have, there = self._levels()
        try:
            qty = parse_quantity(self.quantity.text())
        except UserError:
            qty = 0
        self.after.setText(tr("{source}: {have} → {have_after} · {target}: {there} → {there_after}",
                              source=self.source.currentText(), have=format_quantity(have),
                              have_after=format_quantity(have - qty), target=self.target.currentText(),
                              there=format_quantity(there), there_after=format_quantity(there + qty)))

    # --- saving -----------------------------------------------------------------------------------------
    def problems(self) -> list[FieldProblem]:
        """Every problem of the form at once, in reading order."""
        found = []
        if self.product is None:
            found.append(FieldProblem("product", UserError(
                N_("Choose the product to move: type part of its name, its SKU or its barcode."))))
        if self.source.currentData() == self.target.currentData():
            found.append(FieldProblem("outlet", UserError(
                N_("Stock cannot move to the outlet it is already in: choose another outlet to move it to."))))
        try:
            parse_quantity(self.quantity.text())
        except UserError as exc:
            found.append(FieldProblem("quantity", exc))
        return found

    def save(self) -> None:
        problems = self.problems()
        if problems or self.product is None:
            self.errors.show_problems(problems)
            return
        qty = parse_quantity(self.quantity.text())
        source, target = str(self.source.currentData()), str(self.target.currentData())
        if not self._owner_allowed(qty):
            return
        product_id = self.product.id
        change = save_asking(self, self.errors, lambda _answered: outlet_service.transfer_stock(
            self.ctx.db, source, target, [(product_id, qty)], actor=self.ctx.cashier_id), "quantity")
        if change is None:
            return
        self.moved = True
        self.ctx.announce(change)
        self.accept()

    def _owner_allowed(self, qty: int) -> bool:
        """Moving stock is the owner's to allow, like an adjustment (asked once per dialog)."""
        if not self._owner_ok and self.product is not None:
            self._owner_ok = ask_owner(self, self.ctx, tr(
                "Moving {count} of {name} from {source} to {target}.", count=format_quantity(qty),
                name=self.product.display_name, source=self.source.currentText(), target=self.target.currentText()))
        return self._owner_ok
