"""Every stock movement of one product, newest first, with the level each one left behind."""

from __future__ import annotations

from babel.dates import format_datetime
from PySide6.QtCore import Qt
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

from companion.domain.clock import parse_stamp, shop_zone
from companion.domain.money import format_quantity
from companion.domain.settings_keys import TIME_ZONE
from companion.gui.context import AppContext
from companion.i18n import N_, babel_locale, tr
from companion.store import sales as sale_store
from companion.store import stock as stock_store
from companion.store.database import Database
from companion.store.products import ProductRow
from companion.store.stock import MovementRow

HEADERS = (N_("Time"), N_("What"), N_("Change"), N_("On hand after"), N_("Reason"), N_("Reference"))


def signed(n: int) -> str:
    return ("+" if n > 0 else "−" if n < 0 else "±") + format_quantity(abs(n))


def changes(rows: list[MovementRow]) -> list[int]:
    """Each movement's effect on the level (counts set the level, so their change is against the one before)."""
    out = []
    for i, row in enumerate(rows):  # newest first; the older neighbour is the next row
        before = rows[i + 1].level_after if i + 1 < len(rows) else 0
        out.append(row.level_after - before)
    return out


def short_reference(reference: str | None, db: Database | None = None) -> str:
    """A counter sale by its receipt number (what the receipt and "today's sales" show); anything else shortened:
    "order:3f2a…" instead of a whole 36-character id, enough to tell entries apart."""
    if not reference:
        return ""
    kind, _sep, key = reference.partition(":")
    if kind == "sale" and db is not None:
        sale = sale_store.get(db, key)
        if sale is not None:
            return tr("Receipt {number}", number=sale.number)
    return ":".join(part[:8] if len(part) > 12 else part for part in reference.split(":"))


class MovementHistoryDialog(QDialog):
    def __init__(self, ctx: AppContext, product: ProductRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Stock history"))
        self.resize(900, 520)
        zone = shop_zone(ctx.setting(TIME_ZONE))
        rows = stock_store.history(ctx.db, product.id, limit=1001)
        title = QLabel(f"<b>{product.sku}</b> – {product.display_name}")
        summary = QLabel(tr("On hand now: {count}", count=format_quantity(product.on_hand)))
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels([tr(h) for h in HEADERS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        diffs = changes(rows)
        shown = rows[:1000]
        self.table.setRowCount(len(shown))
        for n, row in enumerate(shown):
            when = format_datetime(parse_stamp(row.created_at).astimezone(zone), "d MMM yyyy HH.mm",
                                   locale=babel_locale())
            cells = (when, row.kind.label(), signed(diffs[n]), format_quantity(row.level_after),
                     tr(row.reason) if row.reason else "", short_reference(row.reference, ctx.db))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col in (2, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(n, col, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        empty = QLabel(tr("No stock movements yet."))
        empty.setVisible(not rows)
        note = QLabel(tr("Showing the newest 1.000 movements."))
        note.setProperty("role", "hint")
        note.setVisible(len(rows) > 1000)
        buttons = QDialogButtonBox()
        buttons.addButton(tr("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(empty)
        layout.addWidget(note)
        layout.addWidget(buttons)
