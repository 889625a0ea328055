"""The counter's small "Outlet: Cabang Pasar" in the shift strip, so a cashier knows whose stock a sale takes.

Hidden while the shop has one outlet (most shops); follows settings changes (an outlet renamed, this laptop moved).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from companion.gui.context import AppContext
from companion.gui.outlet_picker import open_outlets, this_outlet
from companion.i18n import tr
from companion.services.change import Change


class OutletBadge(QLabel):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("outletBadge")
        self.setStyleSheet("QLabel#outletBadge { color: #1f4e79; font-weight: bold; padding: 0 8px; }")
        self.setToolTip(tr("Sales here take stock from this outlet."))
        ctx.changed.connect(self._on_change)
        self.refresh()

    def _on_change(self, change: Change) -> None:
        if change.settings:
            self.refresh()

    def refresh(self) -> None:
        outlets = dict(open_outlets(self.ctx.db))
        here = this_outlet(self.ctx.db)
        self.setText(tr("Outlet: {name}", name=outlets.get(here, here)))
        self.setVisible(len(outlets) > 1)
