"""Products & Stock's outlet chooser: "Semua outlet / Toko utama / Cabang Pasar", shown only with two outlets or more.

Choosing an outlet adds the column of that outlet's stock beside the total (gui/outlet_stock_model.py); the chooser
starts on this laptop's outlet. With one outlet the chooser, its column and the widgets it was given to show (the
"Pindah stok" button) stay hidden, and the page looks as it always did.
"""

from __future__ import annotations

from collections.abc import Collection

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTableView, QWidget

from companion.gui.context import AppContext
from companion.gui.outlet_stock_model import ON_HAND_COLUMN, OUTLET_COLUMN, OutletStockModel
from companion.i18n import tr
from companion.store import outlet_stock
from companion.store import outlets as outlet_store
from companion.store.database import Database

ALL = ""  # the chooser's "every outlet" entry


def open_outlets(db: Database) -> list[tuple[str, str]]:
    """(id, name) of the outlets in use (not archived), the main one first."""
    return [(o.id, o.name) for o in outlet_store.listed(db, include_archived=False)]


def this_outlet(db: Database) -> str:
    """The outlet this laptop sells from."""
    return outlet_store.this_outlet(db)


class OutletPicker(QWidget):
    """The chooser beside the search; `reload()` after the products are read, `follow(ids)` after a change."""

    def __init__(self, ctx: AppContext, model: OutletStockModel, table: QTableView,
                 also_shown: Collection[QWidget] = ()) -> None:
        super().__init__()
        self.ctx, self.model, self.table = ctx, model, table
        self.also_shown = list(also_shown)
        self.combo = QComboBox()
        self.combo.setMinimumWidth(180)
        self.combo.setToolTip(tr("Whose stock to show beside the whole shop's"))
        self.combo.activated.connect(lambda _i: self.apply())
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        label = QLabel(tr("Outlet"))
        label.setBuddy(self.combo)
        row.addWidget(label)
        row.addWidget(self.combo)
        self.setVisible(False)

    def several(self) -> bool:
        return self.combo.count() > 2  # "every outlet" and two outlets or more

    def chosen(self) -> str:
        return str(self.combo.currentData() or ALL)

    def reload(self) -> None:
        """Read the outlets again, keep the choice (or start on this laptop's outlet), show the column."""
        was = self.chosen() if self.combo.count() else this_outlet(self.ctx.db)
        outlets = open_outlets(self.ctx.db)
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(tr("All outlets"), ALL)
        for outlet_id, name in outlets:
            self.combo.addItem(name, outlet_id)
        index = self.combo.findData(was)
        self.combo.setCurrentIndex(max(index, 0))
        self.combo.blockSignals(False)
        several = len(outlets) > 1
        for widget in (self, *self.also_shown):
            widget.setVisible(several)
        self.apply()

    def apply(self) -> None:
        """The chosen outlet's column beside the total, or none ("every outlet", or only one outlet)."""
        outlet_id = self.chosen()
        if not self.several() or outlet_id == ALL:
            self.model.show_outlet(None, None)
            return
        had = self.model.outlet_name is not None
        self.model.show_outlet(self.combo.currentText(), outlet_stock.levels_at(self.ctx.db, outlet_id))
        if not had:
            self._place_column()
        hint = self.table.horizontalHeader().sectionSizeHint(OUTLET_COLUMN)
        self.table.setColumnWidth(OUTLET_COLUMN, max(80, min(hint - 16, 110)))  # the name keeps its room

    def _place_column(self) -> None:
        """The new column stands right after the total, wherever the total is shown."""
        header = self.table.horizontalHeader()
        header.moveSection(header.visualIndex(OUTLET_COLUMN), header.visualIndex(ON_HAND_COLUMN) + 1)

    def follow(self, product_ids: Collection[str]) -> None:
        """Products whose stock moved: their cells at the chosen outlet show it."""
        outlet_id = self.chosen()
        if self.model.outlet_name is None or outlet_id == ALL or not product_ids:
            return
        self.model.update_levels({p: outlet_stock.level_at(self.ctx.db, p, outlet_id) for p in product_ids})
