"""Rencana Produksi: what to make or buy and by when, how long each product's stock lasts, and the planned batches.

Reads through store.planning and services.planning.make_plan / stock_alerts; writes only through plan_batch,
finish_batch and cancel_batch. Every number shows as units with the product's own unit, every date in the shop zone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import partial

from babel.dates import format_date
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from companion.domain import demand
from companion.domain.clock import now_utc, parse_stamp, shop_zone
from companion.domain.demand import PlanLine
from companion.domain.errors import UserError
from companion.domain.money import format_quantity, parse_quantity
from companion.domain.settings_keys import SHOP_NAME, TIME_ZONE
from companion.gui.context import AppContext
from companion.gui.labels import text_label
from companion.gui.messages import error_text
from companion.gui.pages.base import Page
from companion.gui.plan_print import PlanPrintDialog, PlanSheet
from companion.i18n import N_, babel_locale, tr
from companion.services import planning as planning_service
from companion.services.change import Change
from companion.store import planning as planning_store
from companion.store import products as product_store
from companion.store.products import ProductRow

ROW_HEIGHT = 40
COVER_SHOWN = 30  # the products that run out first; the rest last longer than anyone plans for
PAGE_STYLE = """
QLabel#sectionTitle { font-size: 13pt; font-weight: bold; color: #333; }
QLabel#season { background: #fff4d6; border: 1px solid #e0b84c; border-radius: 4px; padding: 8px;
    font-weight: bold; color: #7a4a00; }
"""


def shop_today(ctx: AppContext) -> date:
    """Today in the shop's own zone (WIB, WITA or WIT)."""
    return now_utc().astimezone(shop_zone(ctx.setting(TIME_ZONE))).date()


def day_words(day: date, year: bool = False) -> str:
    """"Jumat, 29 November" (with the year on paper)."""
    return format_date(day, "EEEE, d MMMM y" if year else "EEEE, d MMMM", locale=babel_locale())


def say(msgid: str, params: dict[str, object], unit: str) -> str:
    """A rule's reason (msgid + params) in words: dates as days, numbers as units, the product's own unit."""
    shown: dict[str, object] = {}
    for key, value in params.items():
        if isinstance(value, datetime):
            shown[key] = day_words(value.astimezone(shop_zone()).date())
        elif isinstance(value, date):
            shown[key] = day_words(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            shown[key] = format_quantity(value)
        else:
            shown[key] = value
    shown["unit"] = unit
    return tr(msgid, **shown)


def line_text(line: PlanLine, product: ProductRow | None) -> str:
    """"Buat 40 pcs paling lambat Jumat, 29 November."""
    return say(line.reason_msgid, line.params, product.unit if product else demand.DEFAULT_UNIT)


def alert_text(alert: planning_service.StockAlert, products: dict[str, ProductRow]) -> str:
    """A stock alert in words, led by the product's name when it is about one product."""
    product = products.get(alert.product_id) if alert.product_id else None
    text = say(alert.msgid, dict(alert.params), product.unit if product else demand.DEFAULT_UNIT)
    return f"{product.display_name}: {text}" if product else text


def cover_words(days: float | None) -> str:
    if days is None:
        return tr("not selling")
    if days < 1:
        return tr("less than a day")
    whole = int(days)
    return tr("1 day") if whole == 1 else tr("{count} days", count=format_quantity(whole))


def _item(text: str, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _table(headers: list[str], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def _fit(table: QTableWidget) -> None:
    """Tall enough for every row (a wrapped sentence gets its second line): the page scrolls, not each table."""
    table.resizeRowsToContents()
    rows = 0
    for row in range(table.rowCount()):
        table.setRowHeight(row, max(ROW_HEIGHT, table.rowHeight(row)))
        rows += table.rowHeight(row)
    table.setFixedHeight(table.horizontalHeader().sizeHint().height() + rows + 4)




class PlanPage(Page):
    """The make/buy list, days of cover, planned batches and season warnings, refreshed after every change."""

    title_msgid = N_("Production plan")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.setStyleSheet(PAGE_STYLE)
        self.today = shop_today(ctx)
        self.lines: list[PlanLine] = []
        self.batches: list[planning_store.BatchRow] = []
        self.sheet = PlanSheet("")
        title = text_label(tr("Production plan"), role="title")
        intro = text_label(tr("What to make or buy, and by when, from the last four weeks of sales on every channel."),
                       role="hint")
        self.seasons = text_label(name="season")
        self.plan_button = QPushButton(tr("Plan a batch…"))
        self.plan_button.clicked.connect(lambda: self.plan_batch())
        self.print_button = QPushButton(tr("Print / Save PDF"))
        self.print_button.clicked.connect(self.open_print)
        buttons = QHBoxLayout()
        buttons.addWidget(self.plan_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        self.note = text_label(role="hint")
        self.todo_table = _table([tr("Product"), tr("What to do"), ""], 1)
        self.todo_empty = text_label(tr("Nothing to make or buy: the stock lasts."), role="hint")
        self.batch_table = _table([tr("Product"), tr("Quantity"), tr("Make on"), tr("Ready on"), "", ""], 0)
        self.batch_empty = text_label(tr("No production planned. Press Plan on a line above, or Plan a batch."),
                                  role="hint")
        self.cover_table = _table([tr("Product"), tr("In stock"), tr("Sold per day"), tr("Lasts"), tr("Runs out")], 0)
        self.cover_empty = text_label(tr("No sales in the last four weeks yet, so there is nothing to count from."),
                                  role="hint")
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        for widget in (title, intro, self.seasons):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        layout.addWidget(self.note)
        for heading, table, empty in ((tr("What to make or buy"), self.todo_table, self.todo_empty),
                                      (tr("Planned production"), self.batch_table, self.batch_empty),
                                      (tr("How long the stock lasts"), self.cover_table, self.cover_empty)):
            layout.addWidget(text_label(heading, name="sectionTitle"))
            layout.addWidget(table)
            layout.addWidget(empty)
        layout.addStretch(1)
        self.set_scrolling_content(content)
        self.reload()

    def on_change(self, change: Change) -> None:
        if change.products or change.sales or change.orders or change.settings:
            self.reload()

    # --- reading -------------------------------------------------------------------------------------

    def reload(self) -> None:
        self.today = shop_today(self.ctx)
        db = self.ctx.db
        products = {p.id: p for p in product_store.all_products(db)}
        self.lines = planning_service.make_plan(db, self.today)
        self.batches = planning_store.batches(db, status="planned")
        alerts = planning_service.stock_alerts(db, self.today)
        warnings = [alert_text(a, products) for a in alerts if a.kind == "season"]
        self.seasons.setText("\n".join("⚠  " + w for w in warnings))
        self.seasons.setVisible(bool(warnings))
        self.sheet = PlanSheet(day_words(self.today, year=True), warnings)
        self._fill_todo(products)
        self._fill_batches(products)
        self._fill_cover(products)

    def _fill_todo(self, products: dict[str, ProductRow]) -> None:
        table = self.todo_table
        table.setRowCount(0)
        for row, line in enumerate(self.lines):
            product = products.get(line.product_id)
            name = product.display_name if product else line.product_id
            text = line_text(line, product)
            table.insertRow(row)
            table.setItem(row, 0, _item(name))
            table.setItem(row, 1, _item(text))
            if line.action == "make":
                table.setCellWidget(row, 2, self._button(tr("Plan"), partial(self.plan_from_line, row)))
            self.sheet.todo.append((name, text))
        _fit(table)
        table.setVisible(bool(self.lines))
        self.todo_empty.setVisible(not self.lines)

    def _fill_batches(self, products: dict[str, ProductRow]) -> None:
        table = self.batch_table
        table.setRowCount(0)
        for row, batch in enumerate(self.batches):
            product = products.get(batch.product_id)
            name = product.display_name if product else batch.product_id
            amount = tr("{quantity} {unit}", quantity=format_quantity(batch.quantity),
                        unit=product.unit if product else demand.DEFAULT_UNIT)
            made_on = day_words(batch.planned_for)
            ready = day_words(_ready_day(batch.finishes_at, self.ctx.setting(TIME_ZONE)))
            table.insertRow(row)
            table.setItem(row, 0, _item(name))
            table.setItem(row, 1, _item(amount, right=True))
            table.setItem(row, 2, _item(made_on))
            table.setItem(row, 3, _item(ready))
            table.setCellWidget(row, 4, self._button(tr("Done"), partial(self.finish, batch.id), primary=True))
            table.setCellWidget(row, 5, self._button(tr("Cancel"), partial(self.cancel, batch.id)))
            self.sheet.batches.append((name, amount, made_on))
        _fit(table)
        table.setVisible(bool(self.batches))
        self.batch_empty.setVisible(not self.batches)

    def _fill_cover(self, products: dict[str, ProductRow]) -> None:
        since = self.today - timedelta(days=demand.WINDOW_DAYS)
        zone = self.ctx.setting(TIME_ZONE)
        rows: list[tuple[float, ProductRow, float, date | None]] = []
        histories = planning_store.sales_histories(self.ctx.db, None, since, zone)
        for product in products.values():
            history = histories.get(product.id, [])
            if not product.active or not history:
                continue
            cover = demand.days_of_cover(product.on_hand, history, self.today)
            if cover is not None:
                rows.append((cover, product, demand.velocity(history, self.today),
                             demand.stockout_date(product.on_hand, history, self.today)))
        rows.sort(key=lambda r: (r[0], r[1].display_name))
        table = self.cover_table
        table.setRowCount(0)
        for row, (cover, product, rate, runs_out) in enumerate(rows[:COVER_SHOWN]):
            stock = (tr("{quantity} {unit}", quantity=format_quantity(product.on_hand), unit=product.unit)
                     if product.on_hand > 0 else tr("Sold out"))
            per_day = tr("{quantity} {unit}", quantity=_one_decimal(rate), unit=product.unit)
            out = day_words(runs_out, year=True) if runs_out else "–"  # next year's date must not read as this year's
            table.insertRow(row)
            for col, (text, right) in enumerate(((product.display_name, False), (stock, True), (per_day, True),
                                                 (cover_words(cover), True), (out, False))):
                table.setItem(row, col, _item(text, right))
            self.sheet.cover.append((product.display_name, stock, cover_words(cover), out))
        _fit(table)
        table.setVisible(bool(rows))
        self.cover_empty.setVisible(not rows)

    def _button(self, text: str, slot: Callable[[], None], primary: bool = False) -> QPushButton:
        button = QPushButton(text)
        button.setProperty("primary", primary)
        button.setStyleSheet("min-height: 30px; padding: 2px 12px;")
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # --- actions -------------------------------------------------------------------------------------

    def plan_from_line(self, row: int) -> None:
        line = self.lines[row]
        self.plan_batch(line.product_id, line.quantity, line.by)

    def plan_batch(self, product_id: str | None = None, quantity: int | None = None,
                   day: date | None = None) -> PlanBatchDialog:
        """Open the dialog (prefilled from a plan line); tests read the returned dialog."""
        dialog = PlanBatchDialog(self.ctx, self.today, product_id, quantity, day, self)
        dialog.open()
        dialog.accepted.connect(lambda: self._say(dialog.done_text))
        return dialog

    def finish(self, batch_id: str) -> None:
        """The batch is made: its units go into stock and its materials come out, once."""
        batch = next((b for b in self.batches if b.id == batch_id), None)
        try:
            change = planning_service.finish_batch(self.ctx.db, batch_id)
        except UserError as exc:
            self._say(error_text(exc), error=True)
            return
        product = product_store.get(self.ctx.db, batch.product_id) if batch else None
        self.ctx.announce(change)
        if batch and product:
            self._say(tr("Done: {name} went up by {quantity} {unit}; the materials it used are taken from stock.",
                         name=product.display_name, quantity=format_quantity(batch.quantity), unit=product.unit))

    def cancel(self, batch_id: str) -> None:
        try:
            change = planning_service.cancel_batch(self.ctx.db, batch_id)
        except UserError as exc:
            self._say(error_text(exc), error=True)
            return
        self.ctx.announce(change)
        self._say(tr("The batch is cancelled; stock did not change."))

    def open_print(self) -> PlanPrintDialog:
        dialog = PlanPrintDialog(self.sheet, self.ctx.setting(SHOP_NAME), self)
        dialog.open()
        return dialog

    def _say(self, text: str, error: bool = False) -> None:
        self.note.setText(text)
        self.note.setProperty("role", "error" if error else "hint")
        self.note.style().unpolish(self.note)
        self.note.style().polish(self.note)


def _ready_day(stamp: str, zone: str) -> date:
    """The shop day a batch is ready: one finishing at midnight is ready at the end of the day before."""
    return (parse_stamp(stamp) - timedelta(minutes=1)).astimezone(shop_zone(zone)).date()


def _one_decimal(rate: float) -> str:
    """1.5 units a day → "1,5"; whole numbers without a comma."""
    rounded = round(rate, 1)
    return format_quantity(int(rounded)) if rounded.is_integer() else f"{rounded:.1f}".replace(".", ",")


class PlanBatchDialog(QDialog):
    """Plan making a batch: which product (made by the shop), how many, on which day."""

    def __init__(self, ctx: AppContext, today: date, product_id: str | None = None, quantity: int | None = None,
                 day: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.done_text = ""
        self.batch_id: str | None = None
        self.setWindowTitle(tr("Plan a batch"))
        self.setMinimumWidth(460)
        self.product = QComboBox()
        ways = planning_store.all_replenishment(ctx.db)
        for p in product_store.all_products(ctx.db, active_only=True):
            if p.id in ways and ways[p.id].kind == "made":
                self.product.addItem(f"{p.display_name} ({p.unit})", p.id)
        if product_id is not None:
            self.product.setCurrentIndex(max(self.product.findData(product_id), 0))
        self.quantity = QLineEdit("" if quantity is None else str(quantity))
        self.quantity.setPlaceholderText(tr("e.g. 40"))
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd/MM/yyyy")
        self.day.setMinimumDate(QDate(today.year, today.month, today.day))
        start = day or today
        self.day.setDate(QDate(start.year, start.month, start.day))
        form = QFormLayout()
        form.addRow(tr("Product"), self.product)
        form.addRow(tr("Quantity"), self.quantity)
        form.addRow(tr("Make on"), self.day)
        self.error = text_label(role="error")
        self.error.hide()
        if self.product.count() == 0:
            self.error.setText(tr("No product is made by the shop yet: in Products & Stock, edit a product and "
                                  "choose Made by the shop."))
            self.error.show()
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(tr("Plan"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setProperty("primary", True)
        self.save_button.setDefault(True)
        self.save_button.setEnabled(self.product.count() > 0)
        buttons.addButton(tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def save(self) -> None:
        product_id = self.product.currentData()
        try:
            quantity = parse_quantity(self.quantity.text(), N_("The quantity"))
            picked = self.day.date()
            day = date(picked.year(), picked.month(), picked.day())
            self.batch_id, change = planning_service.plan_batch(self.ctx.db, str(product_id), quantity, day)
        except UserError as exc:
            self.error.setText(error_text(exc))
            self.error.show()
            self.quantity.setFocus()
            return
        product = product_store.get(self.ctx.db, str(product_id))
        unit = product.unit if product else demand.DEFAULT_UNIT
        self.done_text = tr("Planned: make {quantity} {unit} of {name} on {day}.", quantity=format_quantity(quantity),
                            unit=unit, name=product.display_name if product else "", day=day_words(day))
        self.ctx.announce(change)
        self.accept()
