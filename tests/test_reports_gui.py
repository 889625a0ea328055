"""The Laporan page, the Beranda dashboard charts, the daily recap PDF and the catalogue button, rendered
offscreen from a real record (PNGs go to REPORT_SHOTS, /tmp/report-shots by default, to be looked at)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from companion import i18n
from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.connectors.tiktok.credentials import TikTokCredentials
from companion.domain.clock import local_day, now_utc
from companion.domain.marketplace import Order, OrderLine, OrderStatus
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.domain.settings_keys import SHOP_NAME
from companion.gui.context import AppContext
from companion.gui.main_window import PAGES
from companion.gui.pages.home import HomePage
from companion.gui.pages.products import ProductsPage
from companion.gui.pages.reports import ReportsPage
from companion.services.accounts import link_practice_accounts
from companion.services.change import Change
from companion.services.online_orders import apply_orders
from companion.services.product_import import RowStatus, read_import
from companion.services.products import add_product
from companion.services.sales import record_sale, void_sale
from companion.store import settings as settings_store
from companion.store.database import Database

SHOTS = Path(os.environ.get("REPORT_SHOTS", "/tmp/report-shots"))


@pytest.fixture
def ctx(data_dir: Path, db: Database) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


def _seed(db: Database) -> None:
    """Two weeks of a small shop: counter sales most days, some Shopee and TikTok orders, one void."""
    with db.write():
        settings_store.put(db, SHOP_NAME, "Warung Bu Tini")
    kopi, _ = add_product(db, ProductInput(sku="KOPI-250", name="Kopi Bubuk 250 g", sell_price=35_000,
                                           cost_price=21_000), 200)
    teh, _ = add_product(db, ProductInput(sku="TEH-50", name="Teh Melati", sell_price=12_000), 200)
    sambal, _ = add_product(db, ProductInput(sku="SMB-1", name="Sambal Roa", sell_price=45_000, cost_price=28_000,
                                             unit="botol"), 3)
    now = now_utc()
    for back in range(13, -1, -1):
        at = now - timedelta(days=back)
        record_sale(db, [LineInput(kopi, 1 + back % 3, 35_000), LineInput(teh, 2, 12_000)], PaymentMethod.CASH,
                    200_000, now=at)
        if back % 2 == 0:
            record_sale(db, [LineInput(sambal, 1, 45_000)], PaymentMethod.QRIS, now=at)
    wrong = record_sale(db, [LineInput(kopi, 9, 35_000)], PaymentMethod.QRIS)
    void_sale(db, wrong.sale_id, "salah scan")
    ids, _ = link_practice_accounts(db, {"shopee": ShopeeCredentials(1, "k", 2, base_url="http://127.0.0.1:1"),
                                         "tiktok": TikTokCredentials("k", "s", base_url="http://127.0.0.1:1")})
    shopee = [_order("shopee", f"S{n}", now - timedelta(days=n), "KOPI-250", 2, 34_000) for n in range(0, 12, 2)]
    tiktok = [_order("tiktok", f"T{n}", now - timedelta(days=n), "TEH-50", 5, 11_000) for n in range(1, 12, 3)]
    apply_orders(db, ids[0], shopee)
    apply_orders(db, ids[1], tiktok)


def _order(channel: str, number: str, at: datetime, sku: str, qty: int, price: int) -> Order:
    return Order(channel, number, "PAID", OrderStatus.PAID, at.astimezone(UTC), at.astimezone(UTC),
                 at + timedelta(days=2), "budi", (OrderLine("1", f"i-{sku}", "0", sku, sku, qty, price),))


@pytest.fixture(autouse=True)
def app_style(qapp: QApplication) -> Iterator[None]:
    """The app's own style sheet, so the shots look as people see them."""
    from companion.gui.style import STYLE

    qapp.setStyleSheet(STYLE)
    yield
    qapp.setStyleSheet("")


def _loaded(qtbot: QtBot, page: ReportsPage) -> None:
    """The report is read on a pool thread: wait for the page to show it."""
    qtbot.waitUntil(lambda: not page.loading, timeout=15_000)


def _exported(qtbot: QtBot, page: ReportsPage) -> None:
    qtbot.waitUntil(lambda: not page.exporting, timeout=15_000)


def _shot(widget: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / name))  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_reports_page_shows_takings_per_channel(qtbot: QtBot, db: Database, ctx: AppContext, lang: str) -> None:
    _seed(db)
    i18n.set_language(lang)
    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1000, 760)
    page.show()
    qtbot.waitExposed(page)
    _loaded(qtbot, page)
    today = page.today()
    assert page.periods[-1].start == today and len(page.periods) == 14
    assert page.periods[-1].online["shopee"] == 68_000
    assert sum(page.chart.totals()) == sum(p.total for p in page.periods)
    assert page.period_table.rowCount() == 14
    names = [page.product_model.text(r, 1) for r in range(page.product_model.rowCount())]
    assert names[0] == "Kopi Bubuk 250 g"
    assert "Rp" in page.margin_note.text()
    _shot(page, f"reports-day-{lang}.png")
    page.grain.setCurrentIndex(1)  # weeks
    assert page.loading and page.status.text() in ("Memuat laporan…", "Loading the report…")
    _loaded(qtbot, page)
    assert len(page.periods) >= 12
    page.tabs.setCurrentIndex(1)
    _shot(page, f"reports-week-products-{lang}.png")
    page.grain.setCurrentIndex(2)
    page.channel.setCurrentIndex(2)  # Shopee only
    page.tabs.setCurrentIndex(2)
    _loaded(qtbot, page)
    assert [s.label for s in page.chart.series] == ["Shopee"]
    _shot(page, f"reports-month-shopee-{lang}.png")


def test_reports_load_in_the_background_and_stale_results_are_dropped(qtbot: QtBot, db: Database,
                                                                    ctx: AppContext) -> None:
    _seed(db)
    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    assert page.loading and page.period_table.rowCount() == 0  # nothing read on the GUI thread
    assert page.status.text() == "Memuat laporan…"
    _loaded(qtbot, page)
    assert page.status.text() == ""
    assert page.period_table.rowCount() == 14 and page.product_model.rowCount() == 3
    assert "Rp" in page.summary.text() and "Rp" in page.stock_labels[0].text()
    page.grain.setCurrentIndex(2)  # months: a load starts...
    page.grain.setCurrentIndex(0)  # ...and the owner goes back to days before it has ended
    _loaded(qtbot, page)
    ctx.work.wait()
    QApplication.processEvents()  # the months' result arrives as well, and is dropped
    assert len(page.periods) == 14 and page.period_table.rowCount() == 14
    assert not page.loading


def test_reports_read_once_when_first_opened_and_not_while_hidden(qtbot: QtBot, db: Database,
                                                                  ctx: AppContext) -> None:
    _seed(db)
    page = ReportsPage(ctx)  # the window builds the page (a load starts), then shows it
    qtbot.addWidget(page)
    page.on_shown()
    assert page._loads == 1
    _loaded(qtbot, page)
    record_sale(db, [LineInput(page.products[0].product_id or "", 1, 35_000)], PaymentMethod.CASH, 35_000)
    page.on_change(Change(sales=frozenset({"x"})))
    assert page._loads == 1  # hidden: it reads again when shown
    page.show()
    qtbot.waitExposed(page)
    page.on_change(Change(sales=frozenset({"x"})))
    assert page._loads == 2 and page.loading
    _loaded(qtbot, page)
    assert page.products[0].units == 40


def test_reports_page_exports_and_recap_pdf(qtbot: QtBot, db: Database, ctx: AppContext, tmp_path: Path) -> None:
    _seed(db)
    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    _loaded(qtbot, page)
    page.export(tmp_path / "laporan.xlsx")
    assert page.exporting and page.status.text() == "Menyimpan laporan…"
    assert not page.xlsx_button.isEnabled()  # one file at a time
    _exported(qtbot, page)
    assert "laporan.xlsx" in page.status.text() and page.xlsx_button.isEnabled()
    assert load_workbook(tmp_path / "laporan.xlsx").sheetnames == ["Per periode", "Per produk", "Nilai stok"]
    page.export(tmp_path / "laporan.csv")
    _exported(qtbot, page)
    assert (tmp_path / "laporan.csv").read_text(encoding="utf-8-sig").startswith("Awal periode,")
    page.save_recap(tmp_path / "rekap")
    pdf = tmp_path / "rekap.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    page.export(tmp_path / "missing-folder" / "x.xlsx")
    _exported(qtbot, page)
    assert "tidak bisa disimpan" in page.status.text()
    page.end.setDate(page.start.date().addDays(-1))
    assert "sebelum tanggal awal" in page.status.text()


def test_recap_text_in_rupiah_and_indonesian_dates(qtbot: QtBot, db: Database, ctx: AppContext) -> None:
    from companion.gui.recap_print import recap_document
    from companion.services.reports import daily_recap

    _seed(db)
    data = daily_recap(db, local_day(now_utc(), "WIB"), "WIB")
    text = recap_document(data).toPlainText()
    assert "Rekap harian · Warung Bu Tini" in text
    assert "Tunai" in text and "QRIS" in text and "Rp" in text
    assert "Penjualan dibatalkan (tidak dihitung): 1, Rp315.000" in text
    months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
              "November", "Desember"]
    assert any(m in text for m in months)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_home_dashboard_charts(qtbot: QtBot, db: Database, ctx: AppContext, lang: str) -> None:
    _seed(db)
    i18n.set_language(lang)
    page = HomePage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 1500)
    page.show()
    qtbot.waitExposed(page)
    today = {b.label: b.value for b in page.today_chart.bars}
    assert today["Shopee"] == 68_000 and today["Lazada"] == 0
    assert page.figures["ship"].text() == "10"  # 6 Shopee + 4 TikTok orders, all paid, none shipped yet
    _shot(page, f"home-dashboard-{lang}.png")


def test_reports_in_navigation_after_plan_and_catalogue_button(qtbot: QtBot, db: Database, ctx: AppContext,
                                                              tmp_path: Path) -> None:
    keys = [k for k, *_ in PAGES]
    assert keys[keys.index("plan") + 1] == "reports"
    _seed(db)
    page = ProductsPage(ctx)
    qtbot.addWidget(page)
    assert page.export_button.text() == "Ekspor katalog"
    saved = page.export_catalogue(tmp_path / "katalog.xlsx")
    assert saved is not None
    assert {r.status for r in read_import(db, saved).rows} == {RowStatus.UNCHANGED}
    assert page.findChildren(QLabel)
