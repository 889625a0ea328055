"""The reports' sums done by SQLite (and the stock value) equal a plain Python recomputation from the stored
facts, for any mix of counter sales (discounts, returns, voids, a product renamed between sales) and online orders
(every status, three channels, lines linked to a product or not), in every shop zone and grain.

The recomputation reads every line and groups in Python, as the reports did before they summed in SQL; its
days come from Python's zone arithmetic, not from SQLite's date()."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.connectors.lazada.credentials import LazadaCredentials
from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.connectors.tiktok.credentials import TikTokCredentials
from companion.domain.clock import day_range, local_day, now_utc, parse_stamp
from companion.domain.marketplace import Order, OrderLine, OrderStatus
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.services import reports
from companion.services.accounts import link_practice_accounts
from companion.services.online_orders import apply_orders
from companion.services.products import add_product, edit_product
from companion.services.sales import record_sale, return_items, void_sale
from companion.store import products as product_store
from companion.store import sales as sale_store
from companion.store.database import Database, open_database
from companion.store.reports import TAKINGS_STATUSES

PRODUCTS = (  # sku, name, variant, sell price, cost price
    ("KOPI", "Kopi", None, 35_000, 20_000), ("TEH", "Teh", None, 12_000, None), ("KAOS", "Kaos", "M", 65_000, 40_000))
UNLINKED = ("ZZ-1", "ZZ-2", "")  # platform SKUs with no product ("" = none given: grouped by name)
DAYS = 12

sale_st = st.fixed_dictionaries({
    "minute": st.integers(0, DAYS * 24 * 60 - 1),
    "lines": st.lists(st.tuples(st.integers(0, 2), st.integers(1, 4), st.sampled_from((999, 12_000, 35_001))),
                      min_size=1, max_size=3, unique_by=lambda t: t[0]),
    "discount": st.integers(0, 7_777), "void": st.booleans(), "back": st.integers(0, 4), "rename": st.booleans(),
})
order_st = st.fixed_dictionaries({
    "minute": st.integers(0, DAYS * 24 * 60 - 1),
    "channel": st.sampled_from(("shopee", "tiktok", "lazada")),
    "status": st.sampled_from(list(OrderStatus)),
    "lines": st.lists(st.tuples(st.sampled_from(("KOPI", "TEH", "KAOS", *UNLINKED)), st.integers(1, 3),
                                st.integers(1, 50_000), st.sampled_from(("Barang A", "Barang B"))),
                      min_size=1, max_size=3, unique_by=lambda t: t[0]),
})


@contextmanager
def fresh_db() -> Iterator[Database]:
    folder = Path(tempfile.mkdtemp(prefix="reports-sql-"))
    db = open_database(folder / "shop.sqlite3")
    try:
        yield db
    finally:
        db.close()
        shutil.rmtree(folder, ignore_errors=True)


def _fill(db: Database, sales: list[dict], orders: list[dict]) -> None:
    ids = []
    for sku, name, variant, price, cost in PRODUCTS:
        pid, _ = add_product(db, ProductInput(sku=sku, name=name, variant_name=variant, sell_price=price,
                                              cost_price=cost, parent_name="Kaos Polos" if variant else None), 500)
        ids.append(pid)
    first = now_utc() - timedelta(days=DAYS)
    for n, s in enumerate(sales):
        if s["rename"]:  # later sales carry the new name; the report names the product as on its earliest line
            sku, name, variant, price, cost = PRODUCTS[n % 3]
            edit_product(db, ids[n % 3], ProductInput(sku=sku, name=f"{name} {n}", variant_name=variant,
                                                      sell_price=price, cost_price=cost,
                                                      parent_name="Kaos Polos" if variant else None))
        lines = [LineInput(ids[i], qty, price) for i, qty, price in s["lines"]]
        subtotal = sum(qty * price for _i, qty, price in s["lines"])
        sale = record_sale(db, lines, PaymentMethod.QRIS, sale_discount=min(s["discount"], subtotal),
                           now=first + timedelta(minutes=s["minute"], seconds=n))
        if s["void"]:
            void_sale(db, sale.sale_id, "salah")
        elif s["back"]:
            stored = sale_store.get(db, sale.sale_id)
            assert stored is not None
            line = stored.lines[0]
            return_items(db, sale.sale_id, {line.id: min(s["back"], line.quantity)}, "rusak")
    accounts, _ = link_practice_accounts(db, {
        "shopee": ShopeeCredentials(1, "k", 2, base_url="http://127.0.0.1:1"),
        "tiktok": TikTokCredentials("k", "s", base_url="http://127.0.0.1:1"),
        "lazada": LazadaCredentials("k", "s", base_url="http://127.0.0.1:1")})
    account = dict(zip(("shopee", "tiktok", "lazada"), accounts, strict=True))
    for n, o in enumerate(orders):
        at = first + timedelta(minutes=o["minute"], seconds=n)
        lines = tuple(OrderLine(str(k), f"item-{sku}", "0", sku, name, qty, price)
                      for k, (sku, qty, price, name) in enumerate(o["lines"]))
        apply_orders(db, account[o["channel"]], [Order(o["channel"], f"O{n}", o["status"].name, o["status"], at, at,
                                                       at + timedelta(days=2), "budi", lines)])


# ---- the plain recomputation ---------------------------------------------------------------------------------

def expected_periods(db: Database, start: date, end: date, grain: reports.Grain, zone: str) -> list[reports.PeriodRow]:
    lo, hi = day_range(start, zone, (end - start).days + 1)
    keys, k = [], reports.period_start(start, grain)
    while k <= end:
        keys.append(k)
        k = reports._next(k, grain)
    rows = {k: reports.PeriodRow(k, 0, 0, 0, dict.fromkeys(reports.online_channels(), 0),
                                 dict.fromkeys(reports.online_channels(), 0)) for k in keys}
    counter, count, refunded = dict.fromkeys(keys, 0), dict.fromkeys(keys, 0), dict.fromkeys(keys, 0)

    def key(at: str) -> date:
        return reports.period_start(local_day(parse_stamp(at), zone), grain)

    voided = {r["sale_id"] for r in db.query("SELECT sale_id FROM sale_voids")}
    for s in db.query("SELECT id, created_at, total FROM sales"):
        if lo <= s["created_at"] < hi and s["id"] not in voided:
            counter[key(s["created_at"])] += s["total"]
            count[key(s["created_at"])] += 1
    for r in db.query("SELECT created_at, refund FROM sale_returns"):
        if lo <= r["created_at"] < hi:
            refunded[key(r["created_at"])] += r["refund"]
    for o in db.query("SELECT created_at, channel, status, total FROM online_orders"):
        if lo <= o["created_at"] < hi and o["status"] in TAKINGS_STATUSES:
            rows[key(o["created_at"])].online[o["channel"]] += o["total"]
            rows[key(o["created_at"])].orders[o["channel"]] += 1
    return [reports.PeriodRow(k, counter[k] - refunded[k], count[k], refunded[k], rows[k].online, rows[k].orders)
            for k in keys]


def _facts(db: Database, lo: str, hi: str) -> list[tuple[str, str, str | None, str, str, int, int]]:
    """(moment, channel, product id, sku, name, units kept, rupiah paid) of every sold line in [lo, hi)."""
    voided = {r["sale_id"] for r in db.query("SELECT sale_id FROM sale_voids")}
    back: dict[str, int] = {}
    for r in db.query("SELECT sale_line_id, quantity FROM sale_return_lines"):
        back[r["sale_line_id"]] = back.get(r["sale_line_id"], 0) + r["quantity"]
    facts = []
    for r in db.query("SELECT l.*, s.created_at, s.subtotal, s.sale_discount FROM sale_lines l"
                      " JOIN sales s ON s.id = l.sale_id"):
        if not lo <= r["created_at"] < hi or r["sale_id"] in voided:
            continue
        paid = r["line_total"]
        if r["sale_discount"] and r["subtotal"]:
            paid -= r["sale_discount"] * paid // r["subtotal"]
        gone = back.get(r["id"], 0)
        facts.append((r["created_at"], "counter", r["product_id"], r["sku"], r["name"], r["quantity"] - gone,
                      paid - paid * gone // r["quantity"]))
    products = {p["id"]: p for p in db.query("SELECT * FROM products")}
    for r in db.query("SELECT l.*, o.created_at, o.channel, o.status FROM online_order_lines l"
                      " JOIN online_orders o ON o.id = l.order_id"):
        if not lo <= r["created_at"] < hi or r["status"] not in TAKINGS_STATUSES:
            continue
        p = products.get(r["product_id"])
        name = (f"{p['name']} – {p['variant_name']}" if p["variant_name"] else p["name"]) if p else r["name"]
        facts.append((r["created_at"], r["channel"], r["product_id"], p["sku"] if p else r["seller_sku"], name,
                      r["quantity"], r["quantity"] * r["unit_price"]))
    return facts


def expected_products(db: Database, start: date, end: date, zone: str,
                      channel: str | None) -> list[reports.ProductSalesRow]:
    lo, hi = day_range(start, zone, (end - start).days + 1)
    costs = {p["id"]: p["cost_price"] for p in db.query("SELECT id, cost_price FROM products")}
    facts = sorted(_facts(db, lo, hi), key=lambda f: (f[1] != "counter", f[0]))  # counter first, earliest first
    grouped: dict[str, dict] = {}
    for _at, ch, pid, sku, name, units, paid in facts:
        if channel and ch != channel:
            continue
        g = grouped.setdefault(pid or f"{ch}:{sku or name}", {"pid": pid, "sku": sku, "name": name, "units": 0,
                                                               "takings": 0, "by": {}})
        g["units"] += units
        g["takings"] += paid
        g["by"][ch] = g["by"].get(ch, 0) + units
    rows = []
    for g in grouped.values():
        cost = costs.get(g["pid"]) if g["pid"] else None
        if g["units"] or g["takings"]:
            rows.append(reports.ProductSalesRow(g["pid"], g["sku"], g["name"], g["units"], g["takings"],
                                                None if cost is None else cost * g["units"], g["by"]))
    return rows


def expected_stock(db: Database) -> reports.StockValue:
    shelf = [p for p in product_store.all_products(db) if p.on_hand > 0]
    return reports.StockValue(sum(p.on_hand * p.cost_price for p in shelf if p.cost_price is not None),
                              sum(p.on_hand * p.sell_price for p in shelf), sum(p.on_hand for p in shelf), len(shelf),
                              sum(1 for p in shelf if p.cost_price is None),
                              sum(p.on_hand * p.sell_price for p in shelf if p.cost_price is None))


def _plain(r: reports.ProductSalesRow) -> str:
    return repr((r.product_id, r.sku, r.name, r.units, r.takings, r.cost, sorted(r.by_channel.items())))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sales=st.lists(sale_st, max_size=12), orders=st.lists(order_st, max_size=10),
       zone=st.sampled_from(("WIB", "WITA", "WIT")), grain=st.sampled_from(("day", "week", "month")),
       first=st.integers(0, DAYS + 2), length=st.integers(0, DAYS + 2),
       channel=st.sampled_from((None, "counter", "shopee", "tiktok", "lazada")))
def test_sql_sums_equal_a_python_recomputation(sales: list[dict], orders: list[dict], zone: str,
                                               grain: reports.Grain, first: int, length: int,
                                               channel: str | None) -> None:
    with fresh_db() as db:
        _fill(db, sales, orders)
        today = local_day(now_utc(), zone)
        start = today - timedelta(days=first)
        end = start + timedelta(days=length)
        assert reports.sales_by_period(db, start, end, grain, zone) == expected_periods(db, start, end, grain, zone)
        for ch in (None, channel):
            got = reports.sales_by_product(db, start, end, zone, ch)
            assert sorted(map(_plain, got)) == sorted(map(_plain, expected_products(db, start, end, zone, ch)))
            order = [(-r.takings, -r.units, r.name.lower()) for r in got]
            assert order == sorted(order)
        assert reports.stock_value(db) == expected_stock(db)


def test_a_sale_in_the_last_fraction_of_a_second_of_a_day_stays_on_that_day() -> None:
    """SQLite's date() would round 16.59.59,9999995 UTC (23.59.59 WIB) up into the next day."""
    with fresh_db() as db:
        pid, _ = add_product(db, ProductInput(sku="A", name="A", sell_price=1_000), 5)
        day = date(2026, 8, 30)
        _lo, hi = day_range(day, "WIB")
        record_sale(db, [LineInput(pid, 1, 1_000)], PaymentMethod.CASH, 1_000,
                    now=parse_stamp(hi) - timedelta(microseconds=1))
        rows = reports.sales_by_period(db, day, day + timedelta(days=1), "day", "WIB")
        assert [(r.start, r.counter) for r in rows] == [(day, 1_000), (day + timedelta(days=1), 0)]
