"""The one list of what left the building: online orders handed to their courier and counter sales sent by courier
(a phone or WhatsApp order), newest first, for today, the last 7 or the last 30 days."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from companion.domain.clock import day_range, local_day, now_utc, parse_stamp
from companion.domain.settings_keys import TIME_ZONE
from companion.gui.channel_names import channel_label
from companion.gui.context import AppContext
from companion.gui.durations import local_time_text
from companion.i18n import N_, tr
from companion.store import counter_shipments as shipment_store
from companion.store.counter_shipments import Departure

PERIODS = ((1, N_("Today")), (7, N_("Last 7 days")), (30, N_("Last 30 days")))
COLUMNS = (N_("Left at"), N_("From"), N_("Number"), N_("Courier"), N_("Tracking number"), N_("Recipient"))


class DeparturesDialog(QDialog):
    """Every parcel that left in a period, from the counter and from every online shop."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("Parcels that left the shop"))
        self.resize(980, 560)
        self.period = QComboBox()
        for days, label in PERIODS:
            self.period.addItem(tr(label), days)
        self.period.currentIndexChanged.connect(lambda _i: self.reload())
        self.count = QLabel()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("Close"))
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Period")))
        top.addWidget(self.period)
        top.addStretch(1)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.reload()

    @property
    def rows(self) -> list[Departure]:
        return self._rows

    def reload(self) -> None:
        zone = self.ctx.setting(TIME_ZONE)
        days = int(self.period.currentData() or 1)
        first = local_day(now_utc(), zone) - timedelta(days=days - 1)
        start, end = day_range(first, zone, days)
        self._rows = shipment_store.departures(self.ctx.db, start, end)
        self.table.setRowCount(len(self._rows))
        for r, row in enumerate(self._rows):
            source = tr("Counter") if row.source == "counter" else f"{tr(channel_label(row.source))} · {row.shop}"
            values = (local_time_text(parse_stamp(row.left_at), zone), source, row.number, row.courier or "–",
                      row.tracking_number or "–", row.recipient or "–")
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.count.setText(tr("{count} parcels", count=len(self._rows)) if len(self._rows) != 1
                           else tr("1 parcel"))
