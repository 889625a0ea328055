"""A table of rows that each run against a deadline (online orders, waiting buyers).

The countdown column is worked out from `now` at paint time; `tick()` moves `now` on and repaints only
that column, so a page can refresh its clocks every half minute without reading the database again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from companion.domain.clock import now_utc
from companion.i18n import tr

Index = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")


class CountdownTableModel(QAbstractTableModel, Generic[Row]):
    """Subclasses set `headers` (msgids) and `countdown_col`, and implement `data`."""

    headers: tuple[str, ...] = ()
    countdown_col = 0

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Row] = []
        self.now = now_utc()

    def replace_rows(self, rows: list[Row], now: datetime) -> None:
        self.beginResetModel()
        self.now = now
        self.rows = rows
        self.endResetModel()

    def tick(self) -> None:
        """Move the countdowns on: repaint the countdown column only."""
        self.now = now_utc()
        if self.rows:
            self.dataChanged.emit(self.index(0, self.countdown_col), self.index(len(self.rows) - 1, self.countdown_col))

    def row_at(self, n: int) -> Row | None:
        return self.rows[n] if 0 <= n < len(self.rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt name)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt name)
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(self.headers[section])
        return None
