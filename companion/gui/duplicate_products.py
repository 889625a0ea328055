"""Duplicate products left by two laptops that made the same SKU offline: the banner on Products & Stock ("2 produk
ganda dari laptop lain — gabungkan") and the dialog that shows each pair side by side and merges it.

The person chooses which one stays (the plain SKU by default); the other's stock moves to it at every outlet, its
listings and recipes follow, and it turns inactive (services/product_merge.py). Merging asks for the owner's PIN.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.domain.money import format_quantity, format_rupiah
from companion.gui.context import AppContext
from companion.gui.messages import error_text
from companion.gui.outlet_picker import open_outlets
from companion.gui.owner_pin import ask_owner
from companion.i18n import tr
from companion.services.product_merge import DuplicatePair, duplicates, merge_products
from companion.store import outlet_stock
from companion.store.products import ProductRow

BANNER_STYLE = """
QFrame#duplicateBanner { background: #fff6e5; border: 1px solid #f0d9a8; border-radius: 4px; }
"""


class DuplicateBanner(QFrame):
    """Shown only while duplicate pairs exist; "Gabungkan…" opens the merge dialog."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.pairs: list[DuplicatePair] = []
        self.setObjectName("duplicateBanner")
        self.setStyleSheet(BANNER_STYLE)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.button = QPushButton(tr("Merge…"))
        self.button.setProperty("primary", True)
        self.button.clicked.connect(self.open_dialog)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 6, 4)
        row.addWidget(self.text, 1)
        row.addWidget(self.button)
        self.setVisible(False)

    def reload(self) -> None:
        self.pairs = duplicates(self.ctx.db)
        count = len(self.pairs)
        if count == 1:
            self.text.setText(tr("1 duplicate product from another laptop: the same SKU was made on two laptops. "
                                 "Merge them into one."))
        else:
            self.text.setText(tr("{count} duplicate products from another laptop: the same SKU was made on two "
                                 "laptops. Merge them into one.", count=format_quantity(count)))
        self.setVisible(count > 0)

    def open_dialog(self) -> None:
        if self.pairs:
            MergeDialog(self.ctx, self.pairs, self).exec()
            self.reload()


class MergeDialog(QDialog):
    """One pair at a time: both side by side, "Simpan yang ini" on each, then "Gabungkan" or "Lewati"."""

    def __init__(self, ctx: AppContext, pairs: list[DuplicatePair], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.pairs = list(pairs)
        self.at = 0
        self.merged: list[str] = []  # ids of the products merged away
        self.setWindowTitle(tr("Merge duplicate products"))
        self.setMinimumWidth(640)
        self.step = QLabel()
        self.step.setProperty("role", "hint")
        intro = QLabel(tr("Two laptops made a product with the same SKU while apart. Choose the one to keep: the "
                          "other's stock moves to it at every outlet, its online listings follow, and it is turned "
                          "off. Sales history stays as it was."))
        intro.setWordWrap(True)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(18)
        self.grid.setVerticalSpacing(6)
        self.keep_left = QRadioButton(tr("Keep this one"))
        self.keep_right = QRadioButton(tr("Keep this one"))
        group = QButtonGroup(self)
        group.addButton(self.keep_left)
        group.addButton(self.keep_right)
        group.buttonToggled.connect(lambda *_: self._say_outcome())
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.merge_button = QPushButton(tr("Merge"))
        self.merge_button.setProperty("primary", True)
        self.merge_button.setDefault(True)
        self.merge_button.clicked.connect(self.merge)
        self.skip_button = QPushButton(tr("Skip"))
        self.skip_button.clicked.connect(self.skip)
        close = QPushButton(tr("Close"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.step)
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.merge_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addLayout(self.grid)
        layout.addSpacing(4)
        layout.addWidget(self.outcome)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self._show_pair()

    # --- showing ----------------------------------------------------------------------------------------
    def pair(self) -> DuplicatePair:
        return self.pairs[self.at]

    def _show_pair(self) -> None:
        while self.grid.count():
            taken = self.grid.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None and widget not in (self.keep_left, self.keep_right):
                widget.deleteLater()
        pair = self.pair()
        self.step.setText(tr("Pair {n} of {count}", n=self.at + 1, count=len(self.pairs)))
        self.skip_button.setEnabled(len(self.pairs) > 1)
        self.grid.addWidget(self.keep_left, 0, 1)  # the choice on top, above what it is about
        self.grid.addWidget(self.keep_right, 0, 2)
        for r, (label, left, right) in enumerate(self._rows(pair.keep, pair.merge), start=1):
            name = QLabel(label)
            name.setProperty("role", "hint")
            self.grid.addWidget(name, r, 0)
            for c, text in ((1, left), (2, right)):
                cell = QLabel(text)
                cell.setWordWrap(True)
                cell.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self.grid.addWidget(cell, r, c)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 1)
        self.keep_left.setChecked(True)
        self.keep_left.setFocus()
        self._say_outcome()
        self.error.hide()

    def _say_outcome(self) -> None:
        """What the merge will leave, in one sentence: the kept product's stock after, the other turned off."""
        if not self.pairs:
            return
        keep, merge = self.chosen()
        self.outcome.setText(tr("After merging: {kept} has {count} in stock, with its own name and price; {merged} is "
                                "turned off.", kept=f"<b>{keep.sku}</b>",
                                count=format_quantity(keep.on_hand + merge.on_hand), merged=merge.sku))

    def _rows(self, left: ProductRow, right: ProductRow) -> list[tuple[str, str, str]]:
        """(what, left product, right product): SKU, name, price, stock, and stock per outlet with several."""
        rows = [(tr("SKU"), f"<b>{left.sku}</b>", f"<b>{right.sku}</b>"),  # the rest plain: easy to compare
                (tr("Name"), left.display_name, right.display_name),
                (tr("Sell price"), format_rupiah(left.sell_price), format_rupiah(right.sell_price)),
                (tr("Barcode"), left.barcode or "–", right.barcode or "–"),
                (tr("On hand"), format_quantity(left.on_hand), format_quantity(right.on_hand))]
        outlets = open_outlets(self.ctx.db)
        if len(outlets) > 1:
            for outlet_id, name in outlets:
                rows.append((tr("At {outlet}", outlet=name),
                             format_quantity(outlet_stock.level_at(self.ctx.db, left.id, outlet_id)),
                             format_quantity(outlet_stock.level_at(self.ctx.db, right.id, outlet_id))))
        return rows

    # --- acting -----------------------------------------------------------------------------------------
    def chosen(self) -> tuple[ProductRow, ProductRow]:
        """(kept, merged) as chosen on screen."""
        pair = self.pair()
        return (pair.keep, pair.merge) if self.keep_left.isChecked() else (pair.merge, pair.keep)

    def merge(self) -> None:
        keep, merge = self.chosen()
        if not ask_owner(self, self.ctx, tr("Merging {merged} into {kept}.", merged=merge.sku, kept=keep.sku)):
            return
        try:
            change = merge_products(self.ctx.db, keep.id, merge.id, actor=self.ctx.cashier_id)
        except UserError as exc:
            self.error.setText(error_text(exc))
            self.error.show()
            return
        self.merged.append(merge.id)
        self.ctx.announce(change)
        del self.pairs[self.at]
        self._next()

    def skip(self) -> None:
        self.at += 1
        self._next()

    def _next(self) -> None:
        if not self.pairs:
            self.accept()
            return
        self.at %= len(self.pairs)
        self._show_pair()
