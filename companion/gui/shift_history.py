"""Riwayat shift: the latest shifts, newest first — opened, closed, opening cash, difference and reason; a double
click (or "Show report") opens one shift's report."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from companion.domain.money import format_rupiah
from companion.gui.context import AppContext
from companion.gui.shift_report_view import show_report
from companion.gui.shift_words import difference_text, moment_text
from companion.i18n import N_, tr
from companion.store import shifts as shift_store
from companion.store.shifts import ShiftRow

SHOWN = 30
HEADERS = (N_("Opened"), N_("By"), N_("Closed"), N_("Opening cash"), N_("Difference"), N_("Reason"))


class ShiftHistoryDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("Shift history"))
        self.resize(900, 480)
        self.rows: list[ShiftRow] = shift_store.history(ctx.db, SHOWN)
        self.table = QTableWidget(len(self.rows), len(HEADERS))
        self.table.setHorizontalHeaderLabels([tr(h) for h in HEADERS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        for row, shift in enumerate(self.rows):
            for col, text in enumerate(self._cells(shift)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.setColumnHidden(1, not any(shift.opened_by_name for shift in self.rows))  # no cashiers set up
        self.table.cellDoubleClicked.connect(lambda row, _col: self._report(row))
        empty = QLabel(tr("No shift yet: open one from the counter."))
        empty.setVisible(not self.rows)
        buttons = QDialogButtonBox()
        self.report_button = buttons.addButton(tr("Show report"), QDialogButtonBox.ButtonRole.ActionRole)
        self.report_button.clicked.connect(lambda: self._report(self.table.currentRow()))
        self.report_button.setEnabled(bool(self.rows))
        buttons.addButton(tr("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(empty)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        if self.rows:
            self.table.selectRow(0)

    def _cells(self, shift: ShiftRow) -> list[str]:
        close = shift.close
        return [moment_text(self.ctx, shift.opened_at), shift.opened_by_name,
                moment_text(self.ctx, close.closed_at) if close else tr("still open"),
                format_rupiah(shift.opening_cash), difference_text(close.difference) if close else "",
                close.reason if close else ""]

    def _report(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            show_report(self, self.ctx, self.rows[row].id)
