"""Stok opname: type what is really on the shelf, see the difference per row, then save all counts at once."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.domain.field_problems import FieldProblem, raise_problems
from companion.domain.money import format_quantity, parse_quantity
from companion.gui.context import AppContext
from companion.gui.form_errors import EnterSaves, FormErrors
from companion.gui.movement_history import signed
from companion.gui.owner_pin import ask_owner
from companion.i18n import N_, tr
from companion.services import stock as stock_service
from companion.store.products import ProductRow

HEADERS = (N_("SKU"), N_("Name"), N_("On record"), N_("Counted"), N_("Difference"))
COUNT_COL, DIFF_COL = 3, 4
COUNTS = "counts"  # the form's key for the table of counts
Index = QModelIndex | QPersistentModelIndex


class CountModel(QAbstractTableModel):
    """Products with what the record says and what was typed; only the Counted column is editable."""

    def __init__(self, products: list[ProductRow]) -> None:
        super().__init__()
        self.products = products
        self.typed: dict[int, str] = {}

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self.products)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(HEADERS[section])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == COUNT_COL else base

    def counted(self, row: int) -> int | None:
        """The typed count, None when nothing was typed; raises UserError when it is not a count."""
        text = self.typed.get(row, "").strip()
        return parse_quantity(text, N_("Counted stock"), allow_zero=True) if text else None

    def difference(self, row: int) -> int | None:
        try:
            counted = self.counted(row)
        except UserError:
            return None
        return None if counted is None else counted - self.products[row].outlet_on_hand

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        p = self.products[row]
        diff = self.difference(row)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return (p.sku, p.display_name, format_quantity(p.outlet_on_hand), self.typed.get(row, ""),
                    "" if diff is None else signed(diff))[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col == DIFF_COL and diff:
            return QBrush(QColor("#b00020") if diff < 0 else QColor("#1b7a43"))
        if role == Qt.ItemDataRole.BackgroundRole and col == COUNT_COL:
            try:
                self.counted(row)
            except UserError:
                return QBrush(QColor("#fde2e1"))
            return QBrush(QColor("#fffbe6"))
        return None

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if index.column() != COUNT_COL or role != Qt.ItemDataRole.EditRole:
            return False
        self.typed[index.row()] = str(value)
        self.dataChanged.emit(self.index(index.row(), COUNT_COL), self.index(index.row(), DIFF_COL))
        return True

    def counts(self) -> dict[str, int]:
        """Product id -> count for every row with a count typed; FieldProblems naming every bad row at once."""
        out: dict[str, int] = {}
        found: list[FieldProblem] = []
        for row in sorted(self.typed):
            try:
                value = self.counted(row)
            except UserError as exc:
                found.append(FieldProblem(COUNTS, UserError(N_("Row {row} ({sku}): {problem}"), row=row + 1,
                                                            sku=self.products[row].sku, problem=exc.message())))
                continue
            if value is not None:
                out[self.products[row].id] = value
        raise_problems(found)
        return out

    def bad_rows(self) -> list[int]:
        rows = []
        for row in sorted(self.typed):
            try:
                self.counted(row)
            except UserError:
                rows.append(row)
        return rows


class StocktakeDialog(QDialog):
    def __init__(self, ctx: AppContext, products: list[ProductRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._owner_ok = False  # the owner allowed saving these counts (asked once, at the first save)
        self.setWindowTitle(tr("Stocktake"))
        self.resize(860, 600)
        hint = QLabel(tr("Type what you counted on the shelf. Rows left empty are not changed."))
        hint.setWordWrap(True)
        self.model = CountModel(products)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        header = self.table.horizontalHeader()  # fixed widths: sizing to contents reads every row
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 120), (2, 120), (3, 120), (4, 100)):
            self.table.setColumnWidth(col, width)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(tr("Note, optional: e.g. monthly stocktake"))
        self.summary = QLabel()
        self.summary.setProperty("role", "hint")
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(tr("Save counts"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setProperty("primary", True)
        buttons.addButton(tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addLayout(bottom)
        self.model.dataChanged.connect(lambda *_: self._update_summary())
        self._update_summary()
        self.errors = FormErrors(self.error)
        self.errors.add(COUNTS, self.table)  # every bad row's sentence under the table, its cells in red
        self.errors.add("reason", self.reason)
        EnterSaves(self, self.save, [self.reason])

    def type_count(self, row: int, text: str) -> None:
        """What typing into the Counted cell of `row` does (also used by tests)."""
        self.model.setData(self.model.index(row, COUNT_COL), text)

    def _update_summary(self) -> None:
        rows = [r for r, t in self.model.typed.items() if t.strip()]
        differ = sum(1 for r in rows if self.model.difference(r))
        self.summary.setText(tr("{counted} counted, {differ} with a difference", counted=len(rows), differ=differ))
        self.save_button.setEnabled(bool(rows))

    def save(self) -> None:
        """Every bad count at once under the table (the first one's cell chosen), what was typed kept."""
        if not self.save_button.isEnabled():
            return
        try:
            counts = self.model.counts()
            if not self._owner_allowed(len(counts)):
                return
            change = stock_service.count_stock(self.ctx.db, counts, self.reason.text().strip(),
                                               actor=self.ctx.cashier_id)
        except UserError as exc:
            self.errors.show(exc, COUNTS)
            bad = self.model.bad_rows()
            if bad:
                self.table.setCurrentIndex(self.model.index(bad[0], COUNT_COL))
            return
        self.ctx.announce(change)
        self.accept()

    def _owner_allowed(self, count: int) -> bool:
        """Counted levels replace the record: the owner's to allow (asked once per dialog, when saving)."""
        if not self._owner_ok:
            self._owner_ok = ask_owner(self, self.ctx, tr("Saving the counted stock of {count} products.",
                                                          count=count))
        return self._owner_ok
