"""The Home opening checklist ("Sebelum buka toko"): waiting buyers, orders to ship today, low stock and
unsent changes, in plain words, "beres" when there is nothing to do, each line opening its page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from companion import i18n
from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.domain.clock import now_utc
from companion.domain.marketplace import Order, OrderLine, OrderStatus
from companion.domain.product import ProductInput
from companion.gui.context import AppContext
from companion.gui.main_window import MainWindow
from companion.gui.pages.home import HomePage, checklist
from companion.services.accounts import link_practice_accounts
from companion.services.inbox import log_inquiry
from companion.services.online_orders import apply_orders
from companion.services.products import add_product
from companion.store import outbox as outbox_store
from companion.store.database import Database


@pytest.fixture
def ctx(data_dir: Path, db: Database) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


def _lines(page: HomePage) -> dict[str, str]:
    return {key: button.text() for key, button in page.checks.items()}


def _order(ref: str, status: OrderStatus, ship_in: timedelta | None) -> Order:
    now = now_utc()
    return Order("shopee", ref, status.name, status, now - timedelta(hours=3), now - timedelta(hours=3),
                 now + ship_in if ship_in is not None else None, "budi",
                 (OrderLine("1:0", "100", "0", "KOPI-250", "Kopi", 1, 35_000),))


def test_everything_done_says_beres(ctx: AppContext, qtbot: QtBot) -> None:
    page = HomePage(ctx)
    qtbot.addWidget(page)
    assert page.check_card.title.text() == "Sebelum buka toko"
    lines = _lines(page)
    assert list(lines) == ["chats", "ship", "low", "sync"]
    assert all(text.startswith("✓") for text in lines.values()), lines
    assert all("beres" in text for key, text in lines.items() if key != "sync"), lines
    assert lines["sync"] == "✓  Toko online: belum terhubung"
    assert not any(text.endswith("›") for text in lines.values())  # alone, Home has no window to open pages in


def test_counts_what_needs_doing(ctx: AppContext, qtbot: QtBot) -> None:
    db = ctx.db
    add_product(db, ProductInput(sku="KOPI-250", name="Kopi", sell_price=35_000), 50)
    add_product(db, ProductInput(sku="TEH-1", name="Teh", sell_price=9_000), 2)
    add_product(db, ProductInput(sku="GULA-1", name="Gula", sell_price=18_000), 0)
    log_inquiry(db, "phone", "Bu Rina", "Kopi ready?", 120)
    log_inquiry(db, "whatsapp", "Pak Joko", "Bisa kirim hari ini?", 120)
    ids, _ = link_practice_accounts(db, {"shopee": ShopeeCredentials(1, "k", 2, base_url="http://127.0.0.1:1")})
    apply_orders(db, ids[0], [
        _order("LATE", OrderStatus.PAID, timedelta(hours=-1)),  # should have left already: still today's job
        _order("READY", OrderStatus.READY_TO_SHIP, timedelta(hours=-2)),
        _order("LATER", OrderStatus.PAID, timedelta(days=3)),
        _order("GONE", OrderStatus.SHIPPED, timedelta(hours=-1)),
        _order("NODATE", OrderStatus.PAID, None),
    ])
    unsent = outbox_store.pending_count(db)
    page = HomePage(ctx)
    qtbot.addWidget(page)
    lines = _lines(page)
    assert lines["chats"] == "•  2 pembeli menunggu jawaban"
    assert lines["ship"] == "•  2 pesanan online harus dikirim hari ini"
    assert lines["low"] == "•  2 produk stoknya menipis"
    if unsent:
        assert lines["sync"].startswith("•  ") and str(unsent) in lines["sync"]
    i18n.set_language("en")
    page.reload()
    lines = _lines(page)
    assert lines["chats"] == "•  2 buyers are waiting for an answer"
    assert lines["ship"] == "•  2 online orders to ship today"
    assert lines["low"] == "•  2 products are running low"


def test_overdue_buyers_are_named(ctx: AppContext) -> None:
    log_inquiry(ctx.db, "phone", "Bu Rina", "Kopi ready?", 30)
    log_inquiry(ctx.db, "phone", "Pak Joko", "Teh ready?", 600)
    later = now_utc() + timedelta(minutes=45)  # past Bu Rina's 30-minute target, within Pak Joko's
    chats = checklist(ctx, "9999", 5, later)[0]
    assert chats == ("chats", "inbox", True, "2 pembeli menunggu jawaban, 1 sudah lewat batas waktu")
    log_inquiry(ctx.db, "phone", "Bu Rina", "Halo?", 30)
    assert checklist(ctx, "9999", 5, later)[0][3] == "3 pembeli menunggu jawaban, 2 sudah lewat batas waktu"


def test_each_line_opens_its_page(ctx: AppContext, qtbot: QtBot) -> None:
    window = MainWindow(ctx, "home")
    qtbot.addWidget(window)
    page = window.page("home")
    assert isinstance(page, HomePage)
    for key, target in (("ship", "orders"), ("low", "products"), ("sync", "settings")):
        window.open_page("home")
        assert page.checks[key].text().endswith("›")
        qtbot.mouseClick(page.checks[key], Qt.MouseButton.LeftButton)
        assert window.current_key() == target


def test_new_question_updates_the_checklist(ctx: AppContext, qtbot: QtBot) -> None:
    page = HomePage(ctx)
    qtbot.addWidget(page)
    assert "beres" in _lines(page)["chats"]
    _conv, change = log_inquiry(ctx.db, "walk_in", "Bu Rina", "Ada gula aren?", 60)
    ctx.announce(change)
    assert _lines(page)["chats"] == "•  1 pembeli menunggu jawaban"
