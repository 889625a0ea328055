"""Laporan: how the shop sold over days, weeks or months, counter against each marketplace, per product with
gross margin, what the stock is worth and how fast buyers get an answer; exports and the daily recap PDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from babel.dates import format_date
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from companion.domain.clock import now_utc, shop_zone
from companion.domain.errors import UserError
from companion.domain.money import format_quantity, format_rupiah
from companion.domain.settings_keys import TIME_ZONE
from companion.gui.category_report import CategorySales
from companion.gui.channel_names import channel_color
from companion.gui.charts import ColumnChart, Series
from companion.gui.context import AppContext
from companion.gui.messages import error_text
from companion.gui.pages.base import Page
from companion.gui.recap_print import print_recap, save_recap_pdf
from companion.gui.report_product_model import ProductSalesModel
from companion.gui.response_coaching import ResponseCoaching
from companion.i18n import N_, babel_locale, tr
from companion.services import reports
from companion.services.change import Change
from companion.services.reports import CategorySalesRow, Grain, PeriodRow, ProductSalesRow, StockValue, report_channels
from companion.store.database import Database

GRAINS: tuple[tuple[Grain, str], ...] = (("day", N_("Per day")), ("week", N_("Per week")),
                                         ("month", N_("Per month")))
DEFAULT_DAYS = {"day": 14, "week": 12 * 7 - 6, "month": 334}  # then back to a Monday / the 1st
PERIOD_FORMATS = {"day": "d MMM", "week": "d MMM", "month": "MMM yyyy"}
PAGE_STYLE = """
QLabel#pageTitle { font-size: 18pt; font-weight: bold; }
QLabel#summary { font-size: 12pt; }
QLabel#stockBig { font-size: 16pt; font-weight: bold; color: #1b7a43; }
QTableWidget { font-size: 11pt; }
"""


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def _item(value: object, number: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(str(value))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if number:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


@dataclass(frozen=True)
class ReportChoice:
    """What the owner chose on top of the page: one load of the report is for one choice."""

    start: date
    end: date
    grain: Grain
    zone: str
    channel: str | None


@dataclass(frozen=True)
class ReportData:
    choice: ReportChoice
    periods: list[PeriodRow]
    products: list[ProductSalesRow]
    stock: StockValue
    categories: list[CategorySalesRow] = field(default_factory=list)


def load_report(db: Database, choice: ReportChoice) -> ReportData:
    """Everything the page shows for one choice; runs on a pool thread with its own connection."""
    c = choice
    return ReportData(c, reports.sales_by_period(db, c.start, c.end, c.grain, c.zone),
                      reports.sales_by_product(db, c.start, c.end, c.zone, c.channel), reports.stock_value(db),
                      reports.sales_by_category(db, c.start, c.end, c.zone))


def period_label(start: date, grain: str) -> str:
    return format_date(start, PERIOD_FORMATS.get(grain, "d MMM"), locale=babel_locale())


class ReportsPage(Page):
    """Choices on top, a chart of takings per period and channel, then the tables in tabs."""

    title_msgid = N_("Reports")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.setStyleSheet(PAGE_STYLE)
        self.periods: list[PeriodRow] = []
        self.products: list[ProductSalesRow] = []
        self.loading = False
        self.exporting = False
        self._loads = 0  # numbers each load; a result that is not the latest one is dropped
        self._loading_choice: ReportChoice | None = None
        self.grain = QComboBox()
        for key, label in GRAINS:
            self.grain.addItem(tr(label), key)
        self.channel = QComboBox()
        self.channel.addItem(tr("All channels"), None)
        for ch in report_channels():
            self.channel.addItem(reports.channel_name(ch), ch)
        today = self.today()
        self.start = self._date_edit(today - timedelta(days=DEFAULT_DAYS["day"] - 1))
        self.end = self._date_edit(today)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.chart = ColumnChart(height=230)
        self.status = QLabel()
        self.status.setProperty("role", "hint")
        self.status.setWordWrap(True)
        self.period_table = QTableWidget()
        self.product_model = ProductSalesModel()
        self.product_table = QTableView()
        self.product_table.setModel(self.product_model)
        self.margin_note = QLabel()
        self.margin_note.setWordWrap(True)
        self.margin_note.setProperty("role", "hint")
        self.stock_labels = [QLabel() for _ in range(3)]
        self.response = ResponseCoaching(ctx)
        self.categories = CategorySales()
        self.tabs = QTabWidget()
        self._build()
        self.grain.currentIndexChanged.connect(self._grain_changed)
        self.channel.currentIndexChanged.connect(lambda _i: self.reload())
        self.start.dateChanged.connect(lambda _d: self.reload())
        self.end.dateChanged.connect(lambda _d: self.reload())
        self.reload()

    def today(self) -> date:
        return now_utc().astimezone(shop_zone(self.ctx.setting(TIME_ZONE))).date()

    def _date_edit(self, d: date) -> QDateEdit:
        edit = QDateEdit(_qdate(d))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd/MM/yyyy")
        return edit

    def _build(self) -> None:
        title = QLabel(tr("Reports"))
        title.setObjectName("pageTitle")
        choices = QHBoxLayout()
        for label, widget in ((tr("From"), self.start), (tr("to"), self.end), ("", self.grain),
                              (tr("Channel"), self.channel)):
            if label:
                choices.addWidget(QLabel(label))
            choices.addWidget(widget)
        choices.addStretch(1)
        buttons = QHBoxLayout()
        self.xlsx_button = self._button(tr("Export to Excel"), lambda: self.ask_export("xlsx"))
        self.csv_button = self._button(tr("Export CSV"), lambda: self.ask_export("csv"))
        self.recap_button = self._button(tr("Daily recap PDF"), self.ask_recap_pdf)
        self.print_button = self._button(tr("Print daily recap"), self.print_recap)
        self.recap_button.setToolTip(tr("The recap is for the last day chosen (\"to\")."))
        for b in (self.xlsx_button, self.csv_button, self.recap_button, self.print_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        for table in (self.period_table, self.product_table):
            table.verticalHeader().setVisible(False)
            table.setAlternatingRowColors(True)
            table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        header = self.product_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # measured on the first rows only
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        products = QWidget()
        pl = QVBoxLayout(products)
        pl.addWidget(self.margin_note)
        pl.addWidget(self.product_table, 1)
        stock = QWidget()
        sl = QVBoxLayout(stock)
        for stock_label in self.stock_labels:
            stock_label.setWordWrap(True)
            sl.addWidget(stock_label)
        self.stock_labels[0].setObjectName("stockBig")
        sl.addStretch(1)
        self.tabs.addTab(self.period_table, tr("By period"))
        self.tabs.addTab(products, tr("By product"))
        self.tabs.addTab(self.categories, tr("By category"))
        self.tabs.addTab(stock, tr("Stock value"))
        self.tabs.addTab(self.response, tr("Answering buyers"))
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.addWidget(title)
        layout.addLayout(choices)
        layout.addWidget(self.summary)
        layout.addWidget(self.chart)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.tabs.setMinimumHeight(300)  # a few rows of every table; a small laptop screen scrolls the page
        layout.addWidget(self.tabs, 1)
        self.set_scrolling_content(content)

    def _button(self, text: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setMinimumHeight(34)
        button.clicked.connect(slot)
        return button

    def _grain_changed(self) -> None:
        """A new grain gets a sensible span ending on the same day: two weeks, twelve whole weeks from a Monday,
        twelve months from the 1st."""
        end = _pydate(self.end.date())
        self.start.blockSignals(True)
        grain = self.grain.currentData()
        self.start.setDate(_qdate(reports.period_start(end - timedelta(days=DEFAULT_DAYS[grain] - 1), grain)))
        self.start.blockSignals(False)
        self.reload()

    def on_shown(self) -> None:
        """Coming to the front reads again, unless the same report is being read right now (the first opening
        builds the page, which starts a load, then shows it)."""
        if not (self.loading and self._loading_choice == self.choice()):
            self.reload()

    def on_change(self, change: Change) -> None:
        """A sale or order while the page is hidden waits: the page reads again when shown."""
        if self.isVisible():
            self.reload()

    def choice(self) -> ReportChoice:
        return ReportChoice(_pydate(self.start.date()), _pydate(self.end.date()), self.grain.currentData(),
                            self.ctx.setting(TIME_ZONE), self.channel.currentData())

    def reload(self) -> None:
        """Reads the report on a pool thread (a year of a big shop takes a moment) while the window stays
        usable; choosing again meanwhile starts a new load and the older result is dropped."""
        choice = self.choice()
        self._loads += 1
        number = self._loads
        self.response.reload()
        try:
            reports.check_period(choice.start, choice.end)
        except UserError as exc:
            self._set_loading(False)
            self.status.setText(error_text(exc))
            return
        self._set_loading(True)
        self._loading_choice = choice
        self.ctx.work.run(lambda db, _progress: load_report(db, choice),
                          lambda data: self._loaded(number, data), lambda exc: self._failed(number, exc))

    def _set_loading(self, loading: bool) -> None:
        self.loading = loading
        if loading:
            self.status.setText(tr("Loading the report…"))
        elif self.status.text() == tr("Loading the report…"):
            self.status.setText("")

    def _current(self, number: int) -> bool:
        """Whether a finished load is the latest one and its page still exists (pages are rebuilt on a
        change of language)."""
        return isValid(self) and number == self._loads

    def _loaded(self, number: int, data: ReportData) -> None:
        if not self._current(number):
            return
        self.periods, self.products = data.periods, data.products
        grain = data.choice.grain
        self._fill_summary()
        self._fill_chart(grain)
        self._fill_periods(grain)
        self._fill_products()
        self._fill_stock(data.stock)
        self.categories.set_rows(data.categories)
        self._set_loading(False)

    def _failed(self, number: int, exc: BaseException) -> None:
        if not self._current(number):
            return
        self._set_loading(False)
        self.status.setText(error_text(exc))

    def _channels(self) -> tuple[str, ...]:
        chosen = self.channel.currentData()
        return (chosen,) if chosen else report_channels()

    def _fill_summary(self) -> None:
        nbsp = "\u00a0"  # a channel and its amount never part at a line end
        parts = [f"{reports.channel_name(ch)} {format_rupiah(sum(p.takings(ch) for p in self.periods))}"
                 .replace(" ", nbsp) for ch in self._channels()]
        total = sum(sum(p.takings(ch) for p in self.periods) for ch in self._channels())
        self.summary.setText(tr("Takings {total}", total=format_rupiah(total)) + "  ·  " + "  ·  ".join(parts))

    def _fill_chart(self, grain: str) -> None:
        series = [Series(reports.channel_name(ch), channel_color(ch), [p.takings(ch) for p in self.periods])
                  for ch in self._channels()]
        self.chart.set_data([period_label(p.start, grain) for p in self.periods], series)

    def _fill_periods(self, grain: str) -> None:
        channels = self._channels()
        headers = [tr("Period starts"), *[reports.channel_name(c) for c in channels], tr("Total")]
        t = self.period_table
        t.clear()
        t.setColumnCount(len(headers))
        t.setHorizontalHeaderLabels(headers)
        t.setRowCount(len(self.periods))
        for r, p in enumerate(reversed(self.periods)):  # newest on top
            t.setItem(r, 0, _item(period_label(p.start, grain) + (f" {p.start.year}" if grain != "month" else "")))
            for c, ch in enumerate(channels, start=1):
                t.setItem(r, c, _item(format_rupiah(p.takings(ch)), True))
            t.setItem(r, len(channels) + 1, _item(format_rupiah(sum(p.takings(ch) for ch in channels)), True))
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

    def _fill_products(self) -> None:
        self.product_model.set_rows(self.products)
        s = reports.margin_summary(self.products)
        text = tr("Gross margin {margin} on {known} of takings whose cost price is known.",
                  margin=format_rupiah(s.margin), known=format_rupiah(s.known_takings))
        if s.unknown_takings:
            text += " " + tr("{amount} of takings is from products without a cost price: enter their cost in "
                             "Products & Stock to count it.", amount=format_rupiah(s.unknown_takings))
        self.margin_note.setText(text)

    def _fill_stock(self, v: StockValue) -> None:
        self.stock_labels[0].setText(tr("Stock at cost price: {amount}", amount=format_rupiah(v.at_cost)))
        self.stock_labels[1].setText(tr("At sell price: {amount} ({units} units in {products} products)",
                                        amount=format_rupiah(v.at_sell), units=format_quantity(v.units),
                                        products=format_quantity(v.products)))
        self.stock_labels[2].setText(
            tr("{count} products with stock have no cost price (worth {amount} at sell price): they are not in the "
               "value at cost.", count=format_quantity(v.products_without_cost),
               amount=format_rupiah(v.at_sell_without_cost)) if v.products_without_cost else "")

    # ---- files ------------------------------------------------------------------------------------------------

    def ask_export(self, kind: str) -> None:
        start, end = _pydate(self.start.date()), _pydate(self.end.date())
        name = f"laporan-{start:%Y%m%d}-{end:%Y%m%d}.{kind}"
        filt = tr("Excel files (*.xlsx)") if kind == "xlsx" else tr("CSV files (*.csv)")
        path, _ = QFileDialog.getSaveFileName(self, tr("Save report"), str(Path.home() / name), filt)
        if path:
            self.export(Path(path).with_suffix("." + kind))

    def export(self, path: Path) -> None:
        """Writes the file on a pool thread: a year of a big shop is 20 000 rows of Excel, seconds of work."""
        c = self.choice()
        try:
            reports.check_period(c.start, c.end)
        except UserError as exc:
            self.status.setText(error_text(exc))
            return
        self._set_exporting(True)
        self.status.setText(tr("Saving the report…"))
        self.ctx.work.run(
            lambda db, _progress: reports.export_report(db, path, c.start, c.end, c.grain, c.zone, c.channel),
            self._exported, self._export_failed)

    def _set_exporting(self, exporting: bool) -> None:
        self.exporting = exporting
        for button in (self.xlsx_button, self.csv_button):
            button.setEnabled(not exporting)

    def _exported(self, saved: Path) -> None:
        if isValid(self):
            self._set_exporting(False)
            self.status.setText(tr("Saved: {path}", path=str(saved)))

    def _export_failed(self, exc: BaseException) -> None:
        if isValid(self):
            self._set_exporting(False)
            self.status.setText(error_text(exc))

    def recap_data(self) -> reports.RecapData:
        return reports.daily_recap(self.ctx.db, _pydate(self.end.date()), self.ctx.setting(TIME_ZONE))

    def ask_recap_pdf(self) -> None:
        day = _pydate(self.end.date())
        start = str(Path.home() / f"rekap-{day:%Y%m%d}.pdf")
        path, _ = QFileDialog.getSaveFileName(self, tr("Save daily recap as PDF"), start, tr("PDF files (*.pdf)"))
        if path:
            self.save_recap(Path(path))

    def save_recap(self, path: Path) -> None:
        try:
            saved = save_recap_pdf(self.recap_data(), path)
        except OSError as exc:
            self.status.setText(error_text(exc))
            return
        self.status.setText(tr("Saved: {path}", path=str(saved)))

    def print_recap(self) -> None:
        try:
            if print_recap(self, self.recap_data()):
                self.status.setText(tr("The daily recap was sent to the printer."))
        except OSError as exc:
            self.status.setText(error_text(exc))
