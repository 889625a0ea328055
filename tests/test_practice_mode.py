"""Mode Latihan: the real practice marketplace on 127.0.0.1, linked and listed from a real shop database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from companion.domain.errors import UserError
from companion.domain.product import ProductInput
from companion.domain.settings_keys import PRACTICE_DECLINED
from companion.gui.context import AppContext
from companion.gui.practice_banner import PracticeBanner
from companion.gui.practice_mode import PracticeMode, practice_mode
from companion.services.accounts import set_options
from companion.services.products import add_product, set_active
from companion.store import accounts as account_store
from companion.store import settings as settings_store

PLATFORMS = ("shopee", "tiktok", "lazada")


@pytest.fixture
def ctx(data_dir: Path, qtbot: QtBot) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    add_product(context.db, ProductInput(sku="KOPI-1", name="Kopi Susu", sell_price=15_000), 12)
    add_product(context.db, ProductInput(sku="TEH-1", name="Teh Manis", sell_price=5_000), 3)
    old, _ = add_product(context.db, ProductInput(sku="LAMA-1", name="Barang Lama", sell_price=1_000), 4)
    set_active(context.db, old, False)
    yield context
    context.close()


@pytest.fixture
def practice(ctx: AppContext, qtbot: QtBot) -> Iterator[PracticeMode]:
    mode = PracticeMode(ctx, pace_seconds=3600)
    yield mode
    mode.shutdown()


def start(practice: PracticeMode, qtbot: QtBot) -> None:
    with qtbot.waitSignal(practice.state_changed, check_params_cb=lambda: not practice.busy, timeout=20_000):
        practice.start()
    assert practice.running and not practice.busy


def admin(practice: PracticeMode, path: str, **params: Any) -> Any:
    reply = requests.get(practice.base_urls["admin"] + path, params=params, timeout=10)
    assert reply.status_code == 200
    return reply.json()


def ours(practice: PracticeMode, platform: str) -> dict[str, int]:
    """Seller SKU → stock of our products listed on one practice platform (its own catalogue left out)."""
    listings = admin(practice, "/listings", platform=platform)["listings"]
    return {x["seller_sku"]: x["stock"] for x in listings if x["seller_sku"] in ("KOPI-1", "TEH-1", "LAMA-1")}


def test_start_links_three_practice_shops_and_lists_the_active_products(practice: PracticeMode, ctx: AppContext,
                                                                         qtbot: QtBot) -> None:
    start(practice, qtbot)
    accounts = account_store.active(ctx.db)
    assert sorted(a.channel for a in accounts) == sorted(PLATFORMS)
    assert all(a.practice for a in accounts) and not account_store.has_real_accounts(ctx.db)
    for platform in PLATFORMS:
        assert ours(practice, platform) == {"KOPI-1": 12, "TEH-1": 3}
    assert admin(practice, "/buyers")["pace_seconds"] == 3600
    assert practice_mode(ctx) is practice


def test_listed_stock_follows_the_channel_buffer(practice: PracticeMode, ctx: AppContext, qtbot: QtBot) -> None:
    start(practice, qtbot)
    shopee = next(a for a in account_store.active(ctx.db) if a.channel == "shopee")
    set_options(ctx.db, shopee.id, 2, 0, 60)
    requests.post(practice.base_urls["admin"] + "/reset", json={}, timeout=10)
    practice.session.list_products(ctx.db)
    assert ours(practice, "shopee") == {"KOPI-1": 10, "TEH-1": 1}
    assert ours(practice, "lazada") == {"KOPI-1": 12, "TEH-1": 3}


def test_starting_twice_does_not_duplicate_shops_or_listings(practice: PracticeMode, ctx: AppContext,
                                                             qtbot: QtBot) -> None:
    start(practice, qtbot)
    practice.shutdown()
    assert not practice.running
    start(practice, qtbot)
    assert practice.session.list_products(ctx.db) == 0
    assert len(account_store.all_accounts(ctx.db)) == 3
    for platform in PLATFORMS:
        listings = admin(practice, "/listings", platform=platform)["listings"]
        assert [x["seller_sku"] for x in listings].count("KOPI-1") == 1


def test_leave_stops_the_server_and_the_practice_shops(practice: PracticeMode, ctx: AppContext,
                                                        qtbot: QtBot) -> None:
    start(practice, qtbot)
    admin_url = practice.base_urls["admin"]
    shop = account_store.active(ctx.db)[0]
    assert practice.credentials_source(shop).base_url.startswith("http://127.0.0.1:")
    practice.leave()
    assert not practice.running and account_store.active(ctx.db) == []
    assert settings_store.get(ctx.db, PRACTICE_DECLINED) is True
    with pytest.raises(requests.ConnectionError):
        requests.get(admin_url + "/listings", timeout=2)
    with pytest.raises(UserError):
        practice.credentials_source(shop)
    start(practice, qtbot)  # starting again by hand clears the choice
    assert settings_store.get(ctx.db, PRACTICE_DECLINED) is False
    assert len(account_store.active(ctx.db)) == 3


def test_reset_forgets_orders_and_lists_the_products_again(practice: PracticeMode, qtbot: QtBot) -> None:
    start(practice, qtbot)
    url = practice.base_urls["admin"]
    order = requests.post(url + "/orders", json={"platform": "tiktok", "lines": [{"seller_sku": "KOPI-1",
                                                                                 "quantity": 2}]}, timeout=10)
    assert order.status_code == 200
    assert admin(practice, "/orders", platform="tiktok")["orders"]
    with qtbot.waitSignal(practice.state_changed, check_params_cb=lambda: not practice.busy, timeout=20_000):
        practice.reset()
    assert admin(practice, "/orders", platform="tiktok")["orders"] == []
    assert ours(practice, "tiktok") == {"KOPI-1": 12, "TEH-1": 3}


class Answers:
    """Presses the button with the given label in each message box that opens."""

    def __init__(self, labels: list[str]) -> None:
        self.labels = list(labels)
        self.timer = QTimer()
        self.timer.timeout.connect(self._answer)
        self.timer.start(20)

    def _answer(self) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and self.labels:
            wanted = self.labels.pop(0)
            next(b for b in box.buttons() if b.text() == wanted).click()


def test_banner_shows_while_practising_and_its_buttons_work(practice: PracticeMode, ctx: AppContext,
                                                           qtbot: QtBot) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    banner = PracticeBanner(practice, host)
    QVBoxLayout(host).addWidget(banner)
    host.show()
    assert not banner.isVisible()
    start(practice, qtbot)
    assert banner.isVisible() and "MODE LATIHAN" in banner.text.text()
    assert banner.text.text().endswith("pesanan di sini bukan pesanan sungguhan")
    requests.post(practice.base_urls["admin"] + "/orders",
                  json={"platform": "shopee", "lines": [{"seller_sku": "TEH-1"}]}, timeout=10)
    answers = Answers(["Mulai lagi"])
    with qtbot.waitSignal(practice.state_changed, check_params_cb=lambda: not practice.busy, timeout=20_000):
        banner.reset_button.click()
    assert admin(practice, "/orders", platform="shopee")["orders"] == []
    answers = Answers(["Batal"])
    banner.leave_button.click()
    assert practice.running and banner.isVisible()
    answers = Answers(["Keluar dari Mode Latihan"])
    banner.leave_button.click()
    assert not answers.labels
    assert not practice.running and not banner.isVisible()
    assert account_store.active(ctx.db) == []


def test_start_up_puts_a_new_shop_in_practice_mode_with_sync_running(ctx: AppContext, qtbot: QtBot) -> None:
    from companion.gui.app import start_online, stop_online
    from companion.gui.main_window import MainWindow

    window = MainWindow(ctx, "home")
    qtbot.addWidget(window)
    practice = start_online(ctx, window)
    try:
        assert any(isinstance(b, PracticeBanner) for b in window.banners)
        qtbot.waitUntil(lambda: practice.running and not practice.busy, timeout=20_000)
        qtbot.waitUntil(lambda: ctx.sync is not None and ctx.sync.running, timeout=5_000)
        assert len(account_store.active(ctx.db)) == 3
    finally:
        stop_online(ctx, practice)
    assert ctx.sync is not None and not ctx.sync.running and not practice.running


def test_start_up_respects_leaving_practice_mode(ctx: AppContext, qtbot: QtBot) -> None:
    from companion.gui.app import start_online, stop_online
    from companion.gui.main_window import MainWindow
    from companion.services.settings import save_settings

    save_settings(ctx.db, {"practice_declined": "1"})
    window = MainWindow(ctx, "home")
    qtbot.addWidget(window)
    practice = start_online(ctx, window)
    try:
        assert not practice.running and not practice.busy
        assert ctx.sync is not None and ctx.sync.running
    finally:
        stop_online(ctx, practice)
