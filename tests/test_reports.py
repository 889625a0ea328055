"""Reports against totals worked out by hand: periods in WIB and WITA, channels, products, margin, stock value,
the daily recap, formula-safe exports and the catalogue round trip."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from companion.connectors.lazada.credentials import LazadaCredentials
from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.connectors.tiktok.credentials import TikTokCredentials
from companion.domain.clock import local_day, now_utc
from companion.domain.errors import UserError
from companion.domain.marketplace import Order, OrderLine, OrderStatus
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.services import reports
from companion.services.accounts import link_practice_accounts
from companion.services.online_orders import apply_orders
from companion.services.product_import import RowStatus, apply_import, find_header, read_import
from companion.services.products import add_product, edit_product
from companion.services.sales import record_sale, return_items, void_sale
from companion.store import sales as sale_store
from companion.store.database import Database
from companion.store.spreadsheet_export import write_csv, write_xlsx

# 2026-08-30 is a Sunday, 08-31 a Monday (a new week), 09-01 a new month. WIB = UTC+7, WITA = UTC+8.
SUN_2330_WIB = datetime(2026, 8, 30, 16, 30, tzinfo=UTC)  # Mon 00.30 WITA
MON_1000_WIB = datetime(2026, 8, 31, 3, 0, tzinfo=UTC)
MON_2330_WIB = datetime(2026, 8, 31, 16, 30, tzinfo=UTC)  # Tue 1 Sep 00.30 WITA
AUG30, AUG31, SEP1 = date(2026, 8, 30), date(2026, 8, 31), date(2026, 9, 1)


def _products(db: Database) -> dict[str, str]:
    kopi, _ = add_product(db, ProductInput(sku="KOPI-250", name="Kopi Bubuk", sell_price=35_000, cost_price=20_000),
                          100)
    teh, _ = add_product(db, ProductInput(sku="TEH-50", name="Teh Melati", sell_price=12_000), 50)
    sambal, _ = add_product(db, ProductInput(sku="SMB-1", name="Sambal Roa", sell_price=45_000, cost_price=30_000,
                                             unit="botol"), 10)
    return {"kopi": kopi, "teh": teh, "sambal": sambal}


def _accounts(db: Database) -> dict[str, str]:
    ids, _ = link_practice_accounts(db, {
        "shopee": ShopeeCredentials(1, "k", 2, base_url="http://127.0.0.1:1"),
        "tiktok": TikTokCredentials("k", "s", base_url="http://127.0.0.1:1"),
        "lazada": LazadaCredentials("k", "s", base_url="http://127.0.0.1:1"),
    })
    return dict(zip(("shopee", "tiktok", "lazada"), ids, strict=True))


def _order(channel: str, number: str, status: OrderStatus, at: datetime, sku: str, qty: int, price: int,
           name: str = "Barang") -> Order:
    return Order(channel, number, status.name, status, at, at, at + timedelta(days=2), "budi",
                 (OrderLine("1", f"item-{sku}", "0", sku, name, qty, price),))


def _seed(db: Database) -> dict[str, str]:
    """The shop's last days of August, with every case that must be left out or subtracted."""
    p = _products(db)
    record_sale(db, [LineInput(p["kopi"], 2, 35_000)], PaymentMethod.CASH, 100_000, now=SUN_2330_WIB)  # 70.000
    record_sale(db, [LineInput(p["teh"], 5, 12_000)], PaymentMethod.QRIS, now=MON_2330_WIB)  # 60.000
    mixed = record_sale(db, [LineInput(p["sambal"], 2, 45_000), LineInput(p["kopi"], 1, 35_000)],
                        PaymentMethod.TRANSFER, sale_discount=5_000, now=MON_1000_WIB)  # 125.000 − 5.000
    wrong = record_sale(db, [LineInput(p["kopi"], 9, 35_000)], PaymentMethod.QRIS, now=MON_1000_WIB)
    void_sale(db, wrong.sale_id, "salah scan")
    sale = sale_store.get(db, mixed.sale_id)
    assert sale is not None
    # sambal line 90.000 carries 5.000 × 90/125 = 3.600 of the discount: 1 of 2 back refunds 43.200 (paid today)
    refund, _ = return_items(db, mixed.sale_id, {sale.lines[0].id: 1}, "pecah")
    assert refund == 43_200
    acc = _accounts(db)
    apply_orders(db, acc["shopee"], [
        _order("shopee", "S1", OrderStatus.PAID, MON_1000_WIB - timedelta(hours=1), "KOPI-250", 2, 34_000),
        _order("shopee", "S2", OrderStatus.CANCELLED, MON_1000_WIB, "KOPI-250", 1, 35_000),
        _order("shopee", "S3", OrderStatus.SHIPPED, SUN_2330_WIB + timedelta(minutes=15), "ZZZ", 1, 50_000,
               "Barang lain"),
    ])
    apply_orders(db, acc["tiktok"], [_order("tiktok", "T1", OrderStatus.COMPLETED,
                                            MON_2330_WIB - timedelta(minutes=20), "TEH-50", 3, 11_000)])
    apply_orders(db, acc["lazada"], [_order("lazada", "L1", OrderStatus.UNPAID, MON_1000_WIB, "TEH-50", 4,
                                            12_000)])
    return p


def _table(rows: list[reports.PeriodRow]) -> list[tuple[date, int, int, int, int]]:
    return [(r.start, r.counter, r.online["shopee"], r.online["tiktok"], r.online["lazada"]) for r in rows]


def test_days_in_wib_and_wita(db: Database) -> None:
    _seed(db)
    wib = reports.sales_by_period(db, AUG30, SEP1, "day", "WIB")
    assert _table(wib) == [(AUG30, 70_000, 50_000, 0, 0), (AUG31, 180_000, 68_000, 33_000, 0), (SEP1, 0, 0, 0, 0)]
    assert (wib[1].counter_sales, wib[1].orders["shopee"], wib[1].orders["tiktok"], wib[1].total) == (
        2, 1, 1, 281_000)
    wita = reports.sales_by_period(db, AUG30, SEP1, "day", "WITA")
    assert _table(wita) == [(AUG30, 0, 0, 0, 0), (AUG31, 190_000, 118_000, 0, 0), (SEP1, 60_000, 0, 33_000, 0)]


def test_weeks_and_months_follow_the_shop_zone(db: Database) -> None:
    _seed(db)
    week = date(2026, 8, 24)
    assert _table(reports.sales_by_period(db, week, date(2026, 9, 6), "week", "WIB")) == [
        (week, 70_000, 50_000, 0, 0), (AUG31, 180_000, 68_000, 33_000, 0)]
    assert _table(reports.sales_by_period(db, week, date(2026, 9, 6), "week", "WITA")) == [
        (week, 0, 0, 0, 0), (AUG31, 250_000, 118_000, 33_000, 0)]
    aug, sep = date(2026, 8, 1), date(2026, 9, 1)
    assert _table(reports.sales_by_period(db, aug, date(2026, 9, 30), "month", "WIB")) == [
        (aug, 250_000, 118_000, 33_000, 0), (sep, 0, 0, 0, 0)]
    assert _table(reports.sales_by_period(db, aug, date(2026, 9, 30), "month", "WITA")) == [
        (aug, 190_000, 118_000, 0, 0), (sep, 60_000, 0, 33_000, 0)]


def test_refunds_count_on_the_day_they_were_paid(db: Database) -> None:
    _seed(db)
    today = local_day(now_utc(), "WIB")
    [row] = reports.sales_by_period(db, today, today, "day", "WIB")
    assert (row.counter, row.refunds, row.counter_sales) == (-43_200, 43_200, 0)


def test_by_product_with_and_without_cost(db: Database) -> None:
    p = _seed(db)
    rows = {r.sku: r for r in reports.sales_by_product(db, AUG30, SEP1, "WIB")}
    kopi = rows["KOPI-250"]  # counter 2 × 35.000 + 35.000 − 1.400 discount share; Shopee 2 × 34.000
    assert (kopi.units, kopi.takings, kopi.cost, kopi.margin) == (5, 171_600, 100_000, 71_600)
    assert kopi.by_channel == {"counter": 3, "shopee": 2}
    sambal = rows["SMB-1"]  # 90.000 − 3.600, one of two returned
    assert (sambal.units, sambal.takings, sambal.cost, sambal.margin) == (1, 43_200, 30_000, 13_200)
    teh = rows["TEH-50"]
    assert (teh.units, teh.takings, teh.cost, teh.margin) == (8, 93_000, None, None)
    other = rows["ZZZ"]
    assert (other.product_id, other.name, other.takings, other.cost) == (None, "Barang lain", 50_000, None)
    summary = reports.margin_summary(rows.values())
    assert (summary.takings, summary.known_takings, summary.cost, summary.margin, summary.unknown_takings) == (
        357_800, 214_800, 130_000, 84_800, 143_000)
    counter_only = reports.sales_by_product(db, AUG30, SEP1, "WIB", channel="counter")
    assert [(r.sku, r.units, r.takings) for r in counter_only] == [
        ("KOPI-250", 3, 103_600), ("TEH-50", 5, 60_000), ("SMB-1", 1, 43_200)]
    edit_product(db, p["teh"], ProductInput(sku="TEH-50", name="Teh Melati", sell_price=12_000, cost_price=7_000))
    teh = next(r for r in reports.sales_by_product(db, AUG30, SEP1, "WIB") if r.sku == "TEH-50")
    assert (teh.cost, teh.margin) == (56_000, 37_000)


def test_period_dates_checked(db: Database) -> None:
    with pytest.raises(UserError, match="sebelum"):
        reports.sales_by_period(db, SEP1, AUG30, "day", "WIB")
    with pytest.raises(UserError):
        reports.sales_by_product(db, date(2020, 1, 1), date(2026, 1, 1), "WIB")
    assert reports.sales_by_product(db, AUG30, SEP1, "WIB") == []


def test_stock_value_at_cost_and_sell_price(db: Database) -> None:
    _products(db)
    add_product(db, ProductInput(sku="KOSONG", name="Habis", sell_price=9_000, cost_price=1_000), 0)
    value = reports.stock_value(db)
    assert (value.at_cost, value.at_sell) == (100 * 20_000 + 10 * 30_000, 100 * 35_000 + 50 * 12_000 + 10 * 45_000)
    assert (value.units, value.products, value.products_without_cost, value.at_sell_without_cost) == (
        160, 3, 1, 600_000)


def test_daily_recap_of_today(db: Database) -> None:
    p = _products(db)
    record_sale(db, [LineInput(p["kopi"], 2, 35_000)], PaymentMethod.CASH, 100_000)
    record_sale(db, [LineInput(p["teh"], 1, 12_000)], PaymentMethod.CASH, 20_000)
    qris = record_sale(db, [LineInput(p["sambal"], 2, 45_000)], PaymentMethod.QRIS)
    wrong = record_sale(db, [LineInput(p["teh"], 3, 12_000)], PaymentMethod.TRANSFER)
    void_sale(db, wrong.sale_id, "batal")
    sale = sale_store.get(db, qris.sale_id)
    assert sale is not None
    return_items(db, qris.sale_id, {sale.lines[0].id: 1}, "retak")
    acc = _accounts(db)
    apply_orders(db, acc["shopee"], [_order("shopee", "R1", OrderStatus.PAID, now_utc(), "KOPI-250", 1, 35_000)])
    today = local_day(now_utc(), "WIB")
    recap = reports.daily_recap(db, today, "WIB")
    assert recap.by_method == [("tunai", 2, 82_000), ("qris", 1, 90_000)]
    assert (recap.counter_gross, recap.refunds, recap.refund_count, recap.counter_net) == (
        172_000, 45_000, 1, 127_000)
    assert (recap.voided, recap.voided_amount) == (1, 36_000)
    assert recap.online == [("shopee", 1, 35_000), ("tiktok", 0, 0), ("lazada", 0, 0)]
    assert [(r.sku, r.units, r.takings) for r in recap.top_products] == [
        ("KOPI-250", 3, 105_000), ("SMB-1", 1, 45_000), ("TEH-50", 1, 12_000)]


def test_risky_cells_are_text_in_xlsx_and_csv(tmp_path: Path) -> None:
    risky = ['=HYPERLINK("http://x.example","klik")', "+62 812", "-5", "@SUM(A1)"]
    book_path = write_xlsx(tmp_path / "r.xlsx", {"Laporan: [1/2]": [["Nama", "Angka"], *[[v, 5] for v in risky]]})
    sheet = load_workbook(book_path)["Laporan 1 2"]
    for row, value in enumerate(risky, start=2):
        cell = sheet.cell(row, 1)
        assert (cell.data_type, cell.value, cell.quotePrefix) == ("s", value, True)  # text, shown as typed
        assert sheet.cell(row, 2).value == 5
    csv_path = write_csv(tmp_path / "r.csv", [["Nama", "Angka"], *[[v, -5] for v in risky]])
    read = list(csv.reader(csv_path.open(encoding="utf-8-sig")))
    assert [r[0] for r in read[1:]] == ["'" + v for v in risky]
    assert read[1][1] == "-5"  # a number stays a number


def test_report_export_has_the_product_named_like_a_formula_as_text(db: Database, tmp_path: Path) -> None:
    name = '=HYPERLINK("http://evil.example","klik")'
    pid, _ = add_product(db, ProductInput(sku="X1", name=name, sell_price=1_000), 5)
    record_sale(db, [LineInput(pid, 1, 1_000)], PaymentMethod.CASH, 1_000, now=MON_1000_WIB)
    path = reports.export_report(db, tmp_path / "laporan.xlsx", AUG30, SEP1, "day", "WIB")
    book = load_workbook(path)
    assert book.sheetnames == ["Per periode", "Per produk", "Nilai stok"]
    cell = book["Per produk"]["B2"]
    assert (cell.data_type, cell.value, cell.quotePrefix) == ("s", name, True)
    assert book["Per periode"]["B3"].value == 1_000
    csv_path = reports.export_report(db, tmp_path / "laporan.csv", AUG30, SEP1, "day", "WIB")
    assert csv_path.read_text(encoding="utf-8-sig").splitlines()[0].startswith("Awal periode,Kasir toko")


def test_catalogue_round_trip_changes_nothing(db: Database, tmp_path: Path) -> None:
    _products(db)
    add_product(db, ProductInput(sku="KAOS-M", name="Kaos", parent_name="Kaos Polos", variant_name="M",
                                 sell_price=65_000, barcode="0899123400017", unit="lembar"), 3)
    add_product(db, ProductInput(sku="EVIL", name="=HYPERLINK(\"http://x\",\"y\")", sell_price=1), 0)
    path = reports.export_catalogue(db, tmp_path / "katalog.xlsx")
    rows = [list(r) for r in load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True)]
    assert find_header(rows[:1]) is not None
    kaos = next(r for r in rows if r[0] == "KAOS-M")
    assert kaos == ["KAOS-M", "Kaos", "M", "Kaos Polos", "lembar", 65_000, None, 3, "0899123400017"]
    preview = read_import(db, path)
    assert len(preview.rows) == 5
    assert {r.status for r in preview.rows} == {RowStatus.UNCHANGED}
    with pytest.raises(UserError, match="Tidak ada yang perlu"):
        apply_import(db, preview)
