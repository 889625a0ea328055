"""The customer list as a table: name, phone, what each owes, since when, and whether it is late (red)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from companion.domain.credit_reminder import day_text
from companion.domain.money import format_rupiah
from companion.i18n import N_, tr
from companion.services.credit import CustomerLine

COLUMNS = (N_("Name"), N_("Phone"), N_("Owes"), N_("Since"), N_("Kasbon status"))
LATE = QColor("#b00020")
Index = QModelIndex | QPersistentModelIndex


def status_text(line: CustomerLine) -> str:
    """"Lewat 3 hari" / "Jatuh tempo 12 Des 2026" / "Lunas"."""
    state = line.state
    if state is None or line.customer.owed <= 0:
        return tr("Nothing owed")
    if state.overdue:
        return tr("Late by 1 day") if state.days_late == 1 else tr("Late by {n} days", n=state.days_late)
    if state.oldest_due is not None:
        return tr("Due {day}", day=day_text(state.oldest_due))
    return tr("No due date")


class CustomerListModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[CustomerLine] = []

    def set_lines(self, lines: list[CustomerLine]) -> None:
        self.beginResetModel()
        self.lines = lines
        self.endResetModel()

    def line(self, row: int) -> CustomerLine | None:
        return self.lines[row] if 0 <= row < len(self.lines) else None

    def row_of(self, customer_id: str) -> int:
        return next((n for n, line in enumerate(self.lines) if line.customer.id == customer_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return tr(COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        line = self.line(index.row())
        if line is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(line, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and line.state is not None and line.state.overdue and col >= 2:
            return QBrush(LATE)
        return None

    def _text(self, line: CustomerLine, col: int) -> str:
        customer, state = line.customer, line.state
        if col == 0:
            return customer.name
        if col == 1:
            return customer.phone or "–"
        if col == 2:
            return format_rupiah(customer.owed) if customer.owed > 0 else "–"
        if col == 3:
            return day_text(state.since) if state is not None and state.since is not None else "–"
        return status_text(line)
