"""Ratings per month: for each product, its average rating, how many reviews and low (1–3 star) ones it got, and
the most common cause among the low ones, so the owner sees which products and which habits (slow answers, late
parcels, empty shelves) cost stars.

Worked out by services.review_causes.monthly_by_product on a pool thread (ctx.work.run); the worst products first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from companion.domain.clock import now_utc, shop_zone
from companion.domain.money import format_quantity
from companion.domain.settings_keys import TIME_ZONE
from companion.gui.context import AppContext
from companion.gui.labels import text_label
from companion.gui.messages import error_text
from companion.gui.review_cause_words import cause_name
from companion.i18n import N_, babel_locale, tr
from companion.services.review_causes import ProductMonth, monthly_by_product

MONTHS_SHOWN = 12
HEADERS = (N_("Product"), N_("Average"), N_("Reviews"), N_("1–3 stars"), N_("Most common cause"))
PRODUCT_COL, AVERAGE_COL, COUNT_COL, LOW_COL, CAUSE_COL = range(5)
LOW_AVERAGE = 4.0  # below this the average shows amber: buyers choose products rated 4.5 and up


def months_back(today: date, count: int = MONTHS_SHOWN) -> list[str]:
    """"YYYY-MM" of this month and the ones before it, newest first."""
    year, month, out = today.year, today.month, []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out


def month_name(month: str) -> str:
    year, number = (int(p) for p in month.split("-"))
    return format_date(date(year, number, 1), "MMMM yyyy", locale=babel_locale())


def average_text(average: float) -> str:
    """4,5 in Indonesian, 4.5 in English (one decimal, as the marketplaces show ratings)."""
    return format_decimal(round(average, 1), "0.0", locale=babel_locale())


def _item(text: str, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class ReviewMonthView(QWidget):
    """The month chooser and the table; `show_rows` takes services.review_causes.ProductMonth rows."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.month = QComboBox()
        today = now_utc().astimezone(shop_zone(ctx.setting(TIME_ZONE))).date()
        for month in months_back(today):
            self.month.addItem(month_name(month), month)
        self.month.currentIndexChanged.connect(lambda _i: self.reload())
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels([tr(h) for h in HEADERS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PRODUCT_COL, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(CAUSE_COL, QHeaderView.ResizeMode.Stretch)
        self.status = text_label("", role="hint")
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Month")))
        top.addWidget(self.month)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(text_label(tr("Causes are what the app knows from your own orders, chats and stock; the "
                                       "average counts every review of the month."), role="hint"))

    def reload(self) -> None:
        """Work the month out on a pool thread; the table fills when it is done."""
        month = str(self.month.currentData())
        self.status.setText(tr("Counting…"))
        self.ctx.work.run(lambda db, _progress: monthly_by_product(db, month),
                          lambda rows: self._done(month, rows), lambda exc: self.status.setText(error_text(exc)))

    def _done(self, month: str, rows: list[ProductMonth]) -> None:
        if not isValid(self):  # its window went (a language rebuild) while the month was counted
            return
        if month == self.month.currentData():  # not a month chosen before this one
            self.show_rows(rows)

    def show_rows(self, rows: Sequence[ProductMonth]) -> None:
        self.table.setRowCount(len(rows))
        for n, row in enumerate(rows):
            self._fill(n, row)
        self.table.resizeRowsToContents()
        self.status.setText(tr("No reviews in this month.") if not rows else "")

    def _fill(self, n: int, row: ProductMonth) -> None:
        name = row.name if row.product_id else tr("{name} (not linked to one of your products yet)", name=row.name)
        self.table.setItem(n, PRODUCT_COL, _item(name))
        avg = _item(f"{average_text(row.average)} ★", right=True)
        if row.average < LOW_AVERAGE:
            avg.setForeground(QBrush(QColor("#a14a00")))
        self.table.setItem(n, AVERAGE_COL, avg)
        self.table.setItem(n, COUNT_COL, _item(format_quantity(row.count), right=True))
        low_item = _item(format_quantity(row.low_count), right=True)
        if row.low_count:
            low_item.setForeground(QBrush(QColor("#b00020")))
        self.table.setItem(n, LOW_COL, low_item)
        cause = cause_name(row.top_cause, row.top_cause_count)
        self.table.setItem(n, CAUSE_COL, _item(cause or ("—" if not row.low_count else tr("not known"))))


class ReviewMonthDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Ratings per month"))
        self.resize(900, 520)
        self.view = ReviewMonthView(ctx, self)
        close = QPushButton(tr("Close"))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.view.reload()
