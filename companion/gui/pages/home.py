"""Beranda: how today is going at a glance — takings, best sellers and what is running out."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from companion.domain.clock import day_range, now_utc, shop_zone
from companion.domain.money import format_quantity, format_rupiah
from companion.gui.context import AppContext
from companion.gui.pages.base import Page
from companion.i18n import N_, babel_locale, tr
from companion.store import products as product_store
from companion.store import sales as sale_store
from companion.store.products import ProductRow

BEST_SELLERS_SHOWN = 5
LOW_STOCK_SHOWN = 8
DAY_CHECK_MS = 60_000  # look every minute whether the shop day has turned

PAGE_STYLE = """
QLabel#cardTitle { font-size: 14pt; font-weight: bold; color: #333; }
QLabel#greeting { font-size: 20pt; font-weight: bold; }
QLabel#today { font-size: 13pt; color: #555; }
QLabel#refundAmount { font-size: 20pt; font-weight: bold; color: #b45309; }
QLabel#rowName, QLabel#rowValue { font-size: 12pt; }
QLabel#rowValue { font-weight: bold; }
QLabel#soldOut { font-size: 12pt; font-weight: bold; color: #b00020; }
"""

_GREETINGS = (  # (hour the greeting starts, with shop name, without)
    (0, N_("Good evening, {shop}"), N_("Good evening")),
    (4, N_("Good morning, {shop}"), N_("Good morning")),
    (11, N_("Good afternoon, {shop}"), N_("Good afternoon")),
    (15, N_("Good late afternoon, {shop}"), N_("Good late afternoon")),
    (18, N_("Good evening, {shop}"), N_("Good evening")),
)


def greeting(hour: int, shop: str) -> str:
    """Selamat pagi/siang/sore/malam, with the shop's name when it has one."""
    _start, with_name, bare = next(g for g in reversed(_GREETINGS) if hour >= g[0])
    return tr(with_name, shop=shop) if shop else tr(bare)


def _label(text: str = "", name: str = "", role: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    if role:
        label.setProperty("role", role)
    return label


class _Card(QFrame):
    """A white box with a heading; its body is thrown away and built again on every reload."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.setProperty("role", "card")
        self._outer = QVBoxLayout(self)
        self._outer.setContentsMargins(18, 14, 18, 16)
        self._outer.setSpacing(8)
        self.title = _label(title, "cardTitle")
        self._outer.addWidget(self.title)
        self._holder = QWidget()
        self._outer.addWidget(self._holder)
        self._outer.addStretch(1)
        self.body = QVBoxLayout(self._holder)

    def clear(self) -> None:
        fresh = QWidget()
        self._outer.replaceWidget(self._holder, fresh)
        self._holder.hide()  # deleteLater waits for the event loop; hidden, it never shows twice
        self._holder.deleteLater()
        self._holder = fresh
        self.body = QVBoxLayout(fresh)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(6)

    def add(self, widget: QWidget) -> None:
        self.body.addWidget(widget)

    def add_rows(self, rows: list[tuple[QLabel, ...]]) -> None:
        """A table without lines: a name that may wrap, then right-aligned numbers that never do."""
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(8)
        grid.setColumnStretch(0, 1)
        for n, (name, *numbers) in enumerate(rows):
            name.setWordWrap(False)  # a product name reads best on one line; the card widens instead
            grid.addWidget(name, n, 0)
            for col, number in enumerate(numbers, start=1):
                number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                number.setWordWrap(False)
                grid.addWidget(number, n, col)
        self.body.addLayout(grid)


class HomePage(Page):
    """Today's numbers in big type, in plain words, refreshed after every change."""

    title_msgid = N_("Home")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.setStyleSheet(PAGE_STYLE)
        self._day: date | None = None
        self.greeting = _label(name="greeting")
        self.date_label = _label(name="today")
        self.sales_card = _Card(tr("Counter sales today"))
        self.refund_card = _Card(tr("Money returned today"))
        self.best_card = _Card(tr("Best sellers today"))
        self.low_card = _Card("")
        self._build()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._check_day)
        self._timer.start(DAY_CHECK_MS)
        self.reload()

    def _build(self) -> None:
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(28, 22, 28, 22)
        layout.setSpacing(16)
        layout.addWidget(self.greeting)
        layout.addWidget(self.date_label)
        top = QHBoxLayout()
        top.setSpacing(16)
        top.addWidget(self.sales_card, 3)
        top.addWidget(self.refund_card, 2)
        layout.addLayout(top)
        bottom = QHBoxLayout()
        bottom.setSpacing(16)
        bottom.addWidget(self.best_card, 1)
        bottom.addWidget(self.low_card, 1)
        layout.addLayout(bottom)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def today(self) -> tuple[datetime, str]:
        """The shop's local time now and its zone code (WIB, WITA or WIT)."""
        zone = self.ctx.setting("time_zone")
        return now_utc().astimezone(shop_zone(zone)), zone

    def reload(self) -> None:
        local, zone = self.today()
        self._day = local.date()
        start, end = day_range(local.date(), zone)
        self.greeting.setText(greeting(local.hour, self.ctx.setting("shop_name").strip()))
        self.date_label.setText(format_date(local.date(), format="full", locale=babel_locale()))
        summary = sale_store.summary(self.ctx.db, start, end)
        self._fill_sales(summary)
        self._fill_best(sale_store.best_sellers(self.ctx.db, start, end, BEST_SELLERS_SHOWN))
        self._fill_low()

    def _check_day(self) -> None:
        if self.today()[0].date() != self._day:
            self.reload()

    def _fill_sales(self, summary: sale_store.DaySummary) -> None:
        card = self.sales_card
        card.clear()
        self.total_label = _label(format_rupiah(summary.total), role="big")
        card.add(self.total_label)
        if summary.count == 0:
            self.count_label = _label(tr("No sales yet today"), name="rowName")
        elif summary.count == 1:
            self.count_label = _label(tr("From 1 sale"), name="rowName")
        else:
            self.count_label = _label(tr("From {count} sales", count=format_quantity(summary.count)), name="rowName")
        card.add(self.count_label)
        self.refund_card.setVisible(summary.refunds > 0)
        self.refund_card.clear()
        if summary.refunds:
            self.refund_card.add(_label(format_rupiah(summary.refunds), name="refundAmount"))
            self.refund_card.add(_label(tr("Paid back to buyers for returned items."), role="hint"))

    def _fill_best(self, best: list[tuple[str, str, int, int]]) -> None:
        card = self.best_card
        card.clear()
        if not best:
            card.add(_label(tr("No sales yet today"), role="hint"))
            return
        rows: list[tuple[QLabel, ...]] = []
        for n, (_sku, name, qty, takings) in enumerate(best, start=1):
            sold = tr("{quantity} sold", quantity=format_quantity(qty))
            rows.append((_label(f"{n}. {name}", "rowName"), _label(sold, "rowValue"),
                         _label(format_rupiah(takings), "rowValue")))
        card.add_rows(rows)

    def _fill_low(self) -> None:
        threshold = self._threshold()
        card = self.low_card
        card.title.setText(tr("Running low ({threshold} or fewer left)", threshold=format_quantity(threshold)))
        card.clear()
        low = product_store.low_stock(self.ctx.db, threshold, LOW_STOCK_SHOWN + 1)
        if not low:
            card.add(_label(tr("Every product has enough stock."), role="hint"))
            return
        card.add_rows([(_label(p.display_name, "rowName"), _stock_label(p)) for p in low[:LOW_STOCK_SHOWN]])
        if len(low) > LOW_STOCK_SHOWN:
            card.add(_label(tr("More in Products & Stock."), role="hint"))

    def _threshold(self) -> int:
        try:
            return max(int(self.ctx.setting("low_stock_threshold")), 0)
        except ValueError:
            return 5


def _stock_label(product: ProductRow) -> QLabel:
    if product.on_hand <= 0:
        return _label(tr("Sold out"), "soldOut")
    return _label(tr("{quantity} {unit} left", quantity=format_quantity(product.on_hand), unit=product.unit),
                  "rowValue")
