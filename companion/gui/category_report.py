"""Laporan's "Per kategori" tab: the counter's takings per product category for the chosen period, with each
category's share, and a note that a product counts under the category it has today."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from companion.domain.money import format_quantity, format_rupiah
from companion.i18n import N_, tr
from companion.services.reports import CategorySalesRow

HEADERS = (N_("Category"), N_("Units"), N_("Takings"), N_("Share"))
NO_CATEGORY = N_("No category")


class CategorySales(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.note = QLabel(tr("Counter sales only. Each product counts under the category it has today."))
        self.note.setWordWrap(True)
        self.note.setProperty("role", "hint")
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels([tr(h) for h in HEADERS])
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)

    def set_rows(self, rows: list[CategorySalesRow]) -> None:
        total = sum(r.takings for r in rows)
        self.table.setRowCount(len(rows))
        for n, r in enumerate(rows):
            share = f"{100 * r.takings / total:.0f}%" if total else ""
            cells = (r.name or tr(NO_CATEGORY), format_quantity(r.units), format_rupiah(r.takings), share)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(n, col, item)
