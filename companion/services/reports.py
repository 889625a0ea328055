"""Reports for the owner and the bookkeeper: sales by period, channel and product, gross margin, stock value,
response performance, the daily recap (rekap harian), and exports to XLSX/CSV including the catalogue.

Everything here reads; nothing writes to the database. Periods are shop days in the shop's zone (WIB, WITA, WIT):
a sale at 23.30 WIB on the 31st belongs to the 31st in WIB but to the 1st of the next month in WITA.
Counter takings are net: voided sales left out, refunds subtracted on the day they were paid back.
Online takings are orders placed in the period with status paid, ready to ship, shipped or completed.
Gross margin uses each product's cost price as entered today (there is no cost history); takings of products
without a cost price are reported separately as "cost unknown" rather than guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

from companion.connectors import registry
from companion.domain.clock import day_range, parse_stamp, shop_zone
from companion.domain.errors import UserError
from companion.domain.payments import CREDIT
from companion.domain.sale import PaymentMethod
from companion.domain.settings_keys import SHOP_NAME
from companion.i18n import N_, tr
from companion.store import products as product_store
from companion.store import reports as report_store
from companion.store import settings as settings_store
from companion.store.database import Database
from companion.store.spreadsheet_export import Row, write_csv, write_xlsx

Grain = Literal["day", "week", "month"]
COUNTER = "counter"
COUNTER_NAME = N_("Shop counter")
MAX_DAYS = 3 * 366  # a report longer than three years is a mistake in the dates
RECAP_TOP = 5
# The catalogue file's headers: names services/product_import.py reads, so the file imports back unchanged.
CATALOGUE_HEADERS = ("SKU", "Nama", "Variasi", "Induk", "Satuan", "Harga jual", "Harga modal", "Stok", "Barcode")
CATEGORY_HEADER = "Kategori"  # added when any product has a category (a shop without any gets the same file)


def online_channels() -> tuple[str, ...]:
    """Every registered channel, in the registry's order: a channel added later is in the next report."""
    return tuple(registry.names())


def report_channels() -> tuple[str, ...]:
    """The shop counter, then every online channel."""
    return (COUNTER, *online_channels())


def channel_name(channel: str) -> str:
    """The counter's or a channel's name as people read it (the channel's own label); an unknown stored name as is."""
    if channel == COUNTER:
        return tr(COUNTER_NAME)
    return registry.label(channel)


@dataclass(frozen=True)
class PeriodRow:
    start: date  # first shop day of the period (a Monday for weeks, the 1st for months)
    counter: int  # counter takings, net of voids and refunds
    counter_sales: int
    refunds: int
    online: dict[str, int]  # channel -> takings of orders placed
    orders: dict[str, int]  # channel -> number of orders

    @property
    def online_total(self) -> int:
        return sum(self.online.values())

    @property
    def total(self) -> int:
        return self.counter + self.online_total

    def takings(self, channel: str) -> int:
        return self.counter if channel == COUNTER else self.online.get(channel, 0)


@dataclass(frozen=True)
class ProductSalesRow:
    product_id: str | None  # None: an online line not yet linked to a product
    sku: str
    name: str
    units: int
    takings: int
    cost: int | None  # units × today's cost price; None when the product has no cost price
    by_channel: dict[str, int] = field(default_factory=dict)  # channel -> units

    @property
    def margin(self) -> int | None:
        return None if self.cost is None else self.takings - self.cost

    @property
    def margin_percent(self) -> float | None:
        if self.margin is None or not self.takings:
            return None
        return 100.0 * self.margin / self.takings


@dataclass(frozen=True)
class MarginSummary:
    takings: int
    known_takings: int  # takings of products with a cost price
    cost: int
    unknown_takings: int  # takings of products without one: left out of the margin

    @property
    def margin(self) -> int:
        return self.known_takings - self.cost

    @property
    def margin_percent(self) -> float | None:
        return 100.0 * self.margin / self.known_takings if self.known_takings else None


@dataclass(frozen=True)
class StockValue:
    at_cost: int  # Σ on hand × cost price, products with a cost price
    at_sell: int  # Σ on hand × sell price, every product
    units: int
    products: int  # products with stock on hand
    products_without_cost: int
    at_sell_without_cost: int  # the part of at_sell whose cost is unknown


@dataclass(frozen=True)
class RecapData:
    day: date
    zone: str
    shop_name: str
    by_method: list[tuple[str, int, int]]  # (payment method, sales, rupiah)
    counter_gross: int
    counter_sales: int
    refunds: int
    refund_count: int
    voided: int
    voided_amount: int
    online: list[tuple[str, int, int]]  # (channel, orders, rupiah)
    top_products: list[ProductSalesRow]

    @property
    def counter_net(self) -> int:
        return self.counter_gross - self.refunds

    @property
    def online_total(self) -> int:
        return sum(r for _c, _n, r in self.online)


def check_period(start: date, end: date) -> None:
    """Refuses impossible dates at once, so the page can say so before it starts reading."""
    if end < start:
        raise UserError(N_("The end date is before the start date: choose an end date on or after the start."))
    if (end - start).days + 1 > MAX_DAYS:
        raise UserError(N_("A report can cover at most three years: choose a shorter period."))


def _range(start: date, end: date, zone: str) -> tuple[str, str]:
    check_period(start, end)
    return day_range(start, zone, (end - start).days + 1)


def _offset_minutes(stamp_text: str, zone: str) -> int:
    """The zone's distance from UTC; Indonesia's zones have kept theirs since 1988 (no summer time)."""
    offset = parse_stamp(stamp_text).astimezone(shop_zone(zone)).utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


def period_start(day: date, grain: Grain) -> date:
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    return day


def _next(start: date, grain: Grain) -> date:
    if grain == "week":
        return start + timedelta(days=7)
    if grain == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=1)


def sales_by_period(db: Database, start: date, end: date, grain: Grain, zone: str) -> list[PeriodRow]:
    """One row per day, week (Monday first) or month touching [start, end] (both shop days, inclusive), empty
    periods included so charts keep their gaps; partial first and last periods hold only days in the range.
    SQLite sums per shop day; the days are added up into weeks or months here."""
    if grain not in ("day", "week", "month"):
        raise ValueError(f"unknown grain {grain!r}")
    lo, hi = _range(start, end, zone)
    offset = _offset_minutes(lo, zone)
    keys: list[date] = []
    k = period_start(start, grain)
    while k <= end:
        keys.append(k)
        k = _next(k, grain)
    counter = dict.fromkeys(keys, 0)
    count = dict.fromkeys(keys, 0)
    refunded = dict.fromkeys(keys, 0)
    channels = online_channels()
    online: dict[date, dict[str, int]] = {k: dict.fromkeys(channels, 0) for k in keys}
    orders: dict[date, dict[str, int]] = {k: dict.fromkeys(channels, 0) for k in keys}
    for day in report_store.counter_days(db, lo, hi, offset):
        key = period_start(date.fromisoformat(day.day), grain)
        counter[key] += day.amount
        count[key] += day.count
    for day in report_store.refund_days(db, lo, hi, offset):
        refunded[period_start(date.fromisoformat(day.day), grain)] += day.amount
    for day in report_store.online_days(db, lo, hi, offset):
        key = period_start(date.fromisoformat(day.day), grain)
        online[key][day.channel] = online[key].get(day.channel, 0) + day.amount
        orders[key][day.channel] = orders[key].get(day.channel, 0) + day.count
    return [PeriodRow(k, counter[k] - refunded[k], count[k], refunded[k], online[k], orders[k]) for k in keys]


def sales_by_product(db: Database, start: date, end: date, zone: str,
                     channel: str | None = None) -> list[ProductSalesRow]:
    """Units, takings, cost and margin per product over [start, end], best takings first; `channel` narrows
    to "counter" or one marketplace. Counter lines count net of returns and of their share of a sale discount.
    SQLite sums per product and channel; here the channels of one product are put together, its sku and name
    taken from the counter when it sold there (the name it was sold under), else from the product today."""
    lo, hi = _range(start, end, zone)
    totals: list[report_store.ProductTotal] = []
    if channel in (None, COUNTER):
        totals += report_store.counter_products(db, lo, hi)
    if channel != COUNTER:
        totals += report_store.online_products(db, lo, hi, channel)
    grouped: dict[str, _ProductSum] = {}
    for t in totals:
        key = t.product_id or f"{t.channel}:{t.sku or t.name}"
        g = grouped.setdefault(key, _ProductSum(t.product_id, t.sku, t.name, t.cost_price))
        g.units += t.units
        g.takings += t.paid
        g.by_channel[t.channel] = g.by_channel.get(t.channel, 0) + t.units
    rows = [g.row() for g in grouped.values() if g.units or g.takings]
    rows.sort(key=lambda r: (-r.takings, -r.units, r.name.lower()))
    return rows


@dataclass
class _ProductSum:
    """One product's sums while its channels are put together."""

    product_id: str | None
    sku: str
    name: str
    unit_cost: int | None
    units: int = 0
    takings: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)

    def row(self) -> ProductSalesRow:
        cost = None if self.unit_cost is None or self.product_id is None else self.unit_cost * self.units
        return ProductSalesRow(self.product_id, self.sku, self.name, self.units, self.takings, cost,
                               dict(self.by_channel))


@dataclass(frozen=True)
class CategorySalesRow:
    category_id: str | None  # None: products in no category
    name: str  # "" for no category
    units: int
    takings: int


def sales_by_category(db: Database, start: date, end: date, zone: str) -> list[CategorySalesRow]:
    """Counter units and takings per product category over [start, end], best takings first, "no category" last.
    Counted like sales_by_product's counter part (net of returns and of each line's share of a sale discount), so
    the categories add up to the counter's products. The category is each product's category today, not the one
    it had when it was sold: a product moved to another category takes its past sales along."""
    lo, hi = _range(start, end, zone)
    rows = [CategorySalesRow(t.category_id, t.name, t.units, t.paid)
            for t in report_store.counter_categories(db, lo, hi) if t.units or t.paid]
    rows.sort(key=lambda r: (r.category_id is None, -r.takings, -r.units, r.name.lower()))
    return rows


def margin_summary(rows: Iterable[ProductSalesRow]) -> MarginSummary:
    rows = list(rows)
    known = [r for r in rows if r.cost is not None]
    return MarginSummary(sum(r.takings for r in rows), sum(r.takings for r in known),
                         sum(r.cost or 0 for r in known), sum(r.takings for r in rows if r.cost is None))


def stock_value(db: Database) -> StockValue:
    """What the stock on the shelves is worth, at cost (where known) and at sell price. Negative counts
    (sold before a stocktake) are left out: they are a counting gap, not value."""
    t = report_store.stock_totals(db)
    return StockValue(at_cost=t.at_cost, at_sell=t.at_sell, units=t.units, products=t.products,
                      products_without_cost=t.products_without_cost, at_sell_without_cost=t.at_sell_without_cost)


def daily_recap(db: Database, day: date, zone: str) -> RecapData:
    """One shop day for the bookkeeper: counter takings by payment method, refunds, cancelled sales,
    online orders per channel and the best-selling products."""
    lo, hi = day_range(day, zone)
    sales = report_store.counter_sales(db, lo, hi)
    by_method = _by_method(sales)
    refunds = report_store.refunds(db, lo, hi)
    voided, voided_amount = report_store.voided_sales(db, lo, hi)
    online: dict[str, list[int]] = {c: [0, 0] for c in online_channels()}
    for order in report_store.online_orders(db, lo, hi):
        entry = online.setdefault(order.channel, [0, 0])
        entry[0] += 1
        entry[1] += order.total
    return RecapData(
        day, zone, settings_store.get(db, SHOP_NAME), by_method, sum(s.total for s in sales), len(sales),
        sum(r for _a, r in refunds), len(refunds), voided, voided_amount,
        [(c, v[0], v[1]) for c, v in online.items()], sales_by_product(db, day, day, zone)[:RECAP_TOP],
    )


def _by_method(sales: list[report_store.CounterSaleFact]) -> list[tuple[str, int, int]]:
    """(method, sales, rupiah) from each sale's payment rows: a split sale counts under every method that paid part
    of it, with that part; what was left on kasbon is its own line ('kasbon')."""
    methods: dict[str, list[int]] = {}
    for sale in sales:
        parts = list(sale.payments) + ([(CREDIT, sale.credit)] if sale.credit else [])
        for method, amount in parts or [(sale.payment_method, sale.total)]:
            entry = methods.setdefault(method, [0, 0])
            entry[0] += 1
            entry[1] += amount
    order_of = (*(m.value for m in PaymentMethod), CREDIT)
    return [(m, v[0], v[1]) for m, v in sorted(methods.items(),
                                               key=lambda i: order_of.index(i[0]) if i[0] in order_of else 9)]


# ---- exports ----------------------------------------------------------------------------------------------------

def export_csv(path: Path, rows: list[list[object]]) -> Path:
    """Formula-safe CSV: risky text cells get a leading apostrophe."""
    return write_csv(path, rows)


def period_sheet(rows: list[PeriodRow]) -> list[list[object]]:
    header: list[object] = [tr("Period starts"), tr("Shop counter"), tr("Counter sales"), tr("Refunds")]
    channels = online_channels()
    for ch in channels:
        header += [channel_name(ch), tr("{channel} orders", channel=channel_name(ch))]
    header.append(tr("Total"))
    out: list[list[object]] = [header]
    for r in rows:
        line: list[object] = [r.start, r.counter, r.counter_sales, r.refunds]
        for ch in channels:
            line += [r.online.get(ch, 0), r.orders.get(ch, 0)]
        line.append(r.total)
        out.append(line)
    return out


def product_sheet(rows: list[ProductSalesRow]) -> list[list[object]]:
    channels = report_channels()
    out: list[list[object]] = [[tr("SKU"), tr("Product"), tr("Units"), tr("Takings"), tr("Cost"),
                                tr("Gross margin"), *[channel_name(c) for c in channels]]]
    for r in rows:
        out.append([r.sku, r.name, r.units, r.takings, r.cost, r.margin,
                    *[r.by_channel.get(c, 0) for c in channels]])
    return out


def export_report(db: Database, path: Path, start: date, end: date, grain: Grain, zone: str,
                  channel: str | None = None) -> Path:
    """The Laporan page's tables as one file: XLSX (a sheet per table) or, for a .csv name, the period table."""
    periods = period_sheet(sales_by_period(db, start, end, grain, zone))
    if Path(path).suffix.lower() == ".csv":
        return write_csv(path, periods)
    products = sales_by_product(db, start, end, zone, channel)
    value = stock_value(db)
    stock: list[list[object]] = [[tr("Stock value"), tr("Rupiah")], [tr("At cost price (where known)"), value.at_cost],
             [tr("At sell price"), value.at_sell], [tr("Products without a cost price"), value.products_without_cost]]
    return write_xlsx(path, {tr("By period"): periods, tr("By product"): product_sheet(products),
                             tr("Stock value"): stock})


def export_catalogue(db: Database, path: Path) -> Path:
    """Products, prices and stock counts as XLSX with the headers the product import reads, so importing the
    file back changes nothing. A negative count is left blank (the import would refuse it and must not reset it)."""
    products = product_store.all_products(db)
    grouped = any(p.category_name for p in products)
    rows: list[Row] = [[*CATALOGUE_HEADERS, *([CATEGORY_HEADER] if grouped else [])]]
    for p in products:
        rows.append([p.sku, p.name, p.variant_name, p.parent_name, p.unit, p.sell_price, p.cost_price,
                     p.on_hand if p.on_hand >= 0 else None, p.barcode, *([p.category_name or None] if grouped else [])])
    return write_xlsx(path, {"Katalog": rows}, {"Katalog": (16, 34, 14, 20, 9, 13, 13, 8, 16, 18)})
