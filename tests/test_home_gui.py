"""The Home page (Beranda) shows today's takings, best sellers and low stock from the real record."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from companion import i18n
from companion.domain.clock import now_utc
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.domain.settings_keys import LOW_STOCK_THRESHOLD, SHOP_NAME
from companion.gui.context import AppContext
from companion.gui.pages.home import HomePage, greeting
from companion.services.products import add_product
from companion.services.sales import record_sale, return_items, void_sale
from companion.store import sales as sale_store
from companion.store import settings as settings_store
from companion.store.database import Database


@pytest.fixture
def ctx(data_dir: Path, db: Database) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


def _texts(page: HomePage) -> list[str]:
    """What a person would read: the labels that are shown (cleared ones are hidden until deleted)."""
    return [label.text() for label in page.findChildren(QLabel) if label.isVisibleTo(page) and label.text()]


def _seed(db: Database) -> dict[str, str]:
    with db.write():
        settings_store.put(db, SHOP_NAME, "Warung Bu Tini")
        settings_store.put(db, LOW_STOCK_THRESHOLD, 4)
    kopi, _ = add_product(db, ProductInput(sku="KOPI-250", name="Kopi Bubuk 250 g", sell_price=35_000), 50)
    teh, _ = add_product(db, ProductInput(sku="TEH-50", name="Teh Melati", sell_price=12_000), 40)
    sambal, _ = add_product(db, ProductInput(sku="SMB-1", name="Sambal Roa", sell_price=45_000, unit="botol"), 5)
    kaos, _ = add_product(db, ProductInput(sku="KAOS-M", name="Kaos Hitam", variant_name="M", sell_price=65_000), 0)
    record_sale(db, [LineInput(kopi, 2, 35_000), LineInput(teh, 1, 12_000)], PaymentMethod.CASH, 100_000)
    record_sale(db, [LineInput(teh, 5, 12_000)], PaymentMethod.QRIS)
    record_sale(db, [LineInput(sambal, 2, 45_000)], PaymentMethod.TRANSFER)
    # yesterday's big sale and today's cancelled one must not count
    record_sale(db, [LineInput(kopi, 10, 35_000)], PaymentMethod.QRIS, now=now_utc() - timedelta(days=1))
    cancelled = record_sale(db, [LineInput(kopi, 9, 35_000)], PaymentMethod.QRIS)
    void_sale(db, cancelled.sale_id, "salah scan")
    return {"kopi": kopi, "teh": teh, "sambal": sambal, "kaos": kaos}


def test_home_shows_todays_total_count_best_seller_and_low_stock(qtbot: QtBot, db: Database,
                                                                 ctx: AppContext) -> None:
    _seed(db)
    page = HomePage(ctx)
    qtbot.addWidget(page)
    texts = _texts(page)
    # 70.000 + 12.000 + 60.000 + 90.000 = 232.000 over three sales (yesterday and the void left out)
    assert page.total_label.text() == "Rp232.000"
    assert page.count_label.text() == "Dari 3 penjualan"
    assert "Warung Bu Tini" in page.greeting.text()
    best = texts.index("1. Teh Melati")  # six units beat kopi's two
    assert texts[best + 1: best + 3] == ["6 terjual", "Rp72.000"]
    assert "2. Sambal Roa" in texts and "3. Kopi Bubuk 250 g" in texts  # same units: more rupiah first
    assert "Hampir habis (sisa 4 atau kurang)" in texts
    assert "Kaos Hitam – M" in texts and "Habis" in texts
    assert "sisa 3 botol" in texts  # sambal: 5 − 2
    assert "Teh Melati" not in texts  # 34 left: not low
    assert not page.refund_card.isVisibleTo(page)


def test_home_refreshes_on_change_and_shows_refunds(qtbot: QtBot, db: Database, ctx: AppContext) -> None:
    ids = _seed(db)
    page = HomePage(ctx)
    qtbot.addWidget(page)
    sale = record_sale(ctx.db, [LineInput(ids["sambal"], 1, 45_000)], PaymentMethod.CASH, 50_000)
    ctx.announce(sale.change)
    assert page.total_label.text() == "Rp277.000"
    assert page.count_label.text() == "Dari 4 penjualan"
    line = sale_store.get(ctx.db, sale.sale_id).lines[0]  # type: ignore[union-attr]
    _refund, change = return_items(ctx.db, sale.sale_id, {line.id: 1}, "rusak")
    ctx.announce(change)
    assert page.refund_card.isVisibleTo(page)
    assert "Rp45.000" in _texts(page)
    assert "sisa 3 botol" in _texts(page)  # 5 − 2 − 1 + 1 returned


def test_empty_shop_says_so_in_plain_words(qtbot: QtBot, ctx: AppContext) -> None:
    page = HomePage(ctx)
    qtbot.addWidget(page)
    texts = _texts(page)
    assert page.total_label.text() == "Rp0"
    assert texts.count("Belum ada penjualan hari ini") == 2  # the takings card and the best-seller card
    assert "Stok semua barang masih cukup." in texts
    assert page.greeting.text().startswith("Selamat")


def test_english_and_a_bad_threshold(qtbot: QtBot, db: Database, ctx: AppContext) -> None:
    _seed(db)
    with db.write():
        db.execute("INSERT INTO settings (key, value) VALUES ('low_stock_threshold', 'lima')"
                   " ON CONFLICT(key) DO UPDATE SET value = excluded.value")  # typed by hand: falls back to 5
    i18n.set_language("en")
    page = HomePage(ctx)
    qtbot.addWidget(page)
    texts = _texts(page)
    assert page.count_label.text() == "From 3 sales"
    assert "Running low (5 or fewer left)" in texts
    assert "3 botol left" in texts and "Sold out" in texts


@pytest.mark.parametrize(("hour", "word"), [(6, "pagi"), (12, "siang"), (16, "sore"), (20, "malam"), (2, "malam")])
def test_greeting_follows_the_time_of_day(hour: int, word: str) -> None:
    assert greeting(hour, "Toko A") == f"Selamat {word}, Toko A"
    assert greeting(hour, "") == f"Selamat {word}"
