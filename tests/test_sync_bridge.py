"""The sync bridge and the status strip: events from the runner's thread reach the GUI thread; a real round
against the practice marketplace brings its orders into the Online Orders page."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from companion.connectors.base import Credentials
from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.domain.clock import stamp
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.gui.context import AppContext
from companion.gui.sync_status import SyncStatusStrip
from companion.i18n import tr
from companion.services.accounts import credentials_for, link_practice_accounts
from companion.services.products import add_product
from companion.services.sales import record_sale
from companion.services.stock_push import queue_stock_push
from companion.store import online_orders as order_store
from companion.store import stock as stock_store
from companion.store import sync_state
from companion.store.accounts import AccountRow

pytest.importorskip("companion.sync.runner", reason="the sync runner is being written")

from companion.gui.sync_bridge import SyncBridge
from companion.sync.events import AccountResult, Problem, RoundSummary, SyncEvent

T0 = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)


@pytest.fixture
def ctx(qtbot: QtBot, data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    if context.sync is not None:
        context.sync.stop()
    context.close()


def _no_credentials(account: AccountRow) -> Credentials:
    raise AssertionError("this test never starts the runner")


def _linked(ctx: AppContext) -> str:
    ids, _ = link_practice_accounts(ctx.db, {"shopee": ShopeeCredentials(1, "k", 2, base_url="http://127.0.0.1:1")})
    return ids[0]


def _round(account_id: str, problem: Problem | None = None, pending: int = 0) -> SyncEvent:
    result = AccountResult(account_id, problem is None, orders_new=0, problem=problem)
    return SyncEvent("round_finished", summary=RoundSummary(T0, T0, (result,), pending))


def _from_runner_thread(bridge: SyncBridge, event: SyncEvent) -> None:
    """What the runner does: call on_event on its own thread."""
    thread = threading.Thread(target=bridge._relay.emit, args=(event,))
    thread.start()
    thread.join()


def test_events_arrive_on_the_gui_thread_and_announce_a_change(ctx: AppContext, qtbot: QtBot) -> None:
    account = _linked(ctx)
    bridge = SyncBridge(ctx, _no_credentials)
    seen: list[bool] = []
    bridge.event.connect(lambda _e: seen.append(threading.current_thread() is threading.main_thread()))
    with qtbot.waitSignal(ctx.changed) as changed:
        _from_runner_thread(bridge, _round(account, pending=3))
    assert seen == [True]
    assert changed.args[0].sync
    assert bridge.last_summary is not None and bridge.pending_changes() == 3
    assert bridge.result_for(account) is not None


def test_strip_shows_last_success_waiting_and_a_problem(ctx: AppContext, qtbot: QtBot) -> None:
    account = _linked(ctx)
    with ctx.db.write():
        sync_state.record_attempt(ctx.db, account, stamp(datetime.now(UTC) - timedelta(minutes=5)), True)
    ctx.sync = SyncBridge(ctx, _no_credentials)
    strip = SyncStatusStrip(ctx)
    qtbot.addWidget(strip)
    strip.refresh()
    assert "Shopee Latihan: sinkron 5 menit lalu" in strip.shops_label.text()
    assert strip.state_label.text() == "Toko online sudah sinkron"
    assert strip.sync_button.isVisibleTo(strip) and not strip.copy_button.isVisibleTo(strip)

    offline = Problem("offline", "No internet connection: changes are kept and sent when the connection is back.")
    with qtbot.waitSignal(ctx.sync.state_changed):
        _from_runner_thread(ctx.sync, _round(account, offline, pending=12))
        with ctx.db.write():  # twelve local changes waiting in the outbox while offline
            for n in range(12):
                queue_stock_push(ctx.db, [f"p{n}"], f"test:{n}")
        strip.refresh()
    assert strip.state_label.text().startswith("Offline — 12 perubahan menunggu")
    assert strip.state_label.property("tone") == "calm"

    refused = Problem("permanent", "The marketplace refused the request: copy the details and ask for help if it "
                      "keeps happening.", "error_param: stock must be >= 0")
    with qtbot.waitSignal(ctx.sync.state_changed):
        _from_runner_thread(ctx.sync, _round(account, refused, pending=12))
    assert strip.state_label.text() == "Shopee Latihan: " + tr(refused.sentence_msgid)  # one sentence, what to do
    assert strip.state_label.property("tone") == "problem"
    assert strip.copy_button.isVisibleTo(strip)
    strip.copy_button.click()
    assert QGuiApplication.clipboard().text() == "error_param: stock must be >= 0"


def test_strip_without_a_linked_shop_points_to_settings(ctx: AppContext, qtbot: QtBot) -> None:
    strip = SyncStatusStrip(ctx)
    qtbot.addWidget(strip)
    assert strip.state_label.text() == "Belum ada toko online yang terhubung."
    assert strip.settings_button.isVisibleTo(strip) and not strip.sync_button.isVisibleTo(strip)
    with qtbot.waitSignal(strip.open_settings):
        strip.settings_button.click()


def _admin(base: str, call: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(base + call, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        return json.loads(reply.read())


@pytest.mark.slow
def test_orders_made_on_the_practice_marketplace_appear_after_sync_now(ctx: AppContext, qtbot: QtBot,
                                                                       data_dir: Path) -> None:
    from companion.connectors.factory import practice_credentials
    from companion.gui.pages.online_orders import OnlineOrdersPage
    from companion.practice.server import PracticeMarketplace

    product, _ = add_product(ctx.db, ProductInput(sku="KOPI-250", name="Kopi", sell_price=35_000), 10)
    market = PracticeMarketplace(data_dir / "practice").start()
    try:
        creds = practice_credentials(market.credentials(), market.base_urls)
        link_practice_accounts(ctx.db, creds)
        admin = market.base_urls["admin"]
        _admin(admin, "/listings", {"platform": "shopee", "name": "Kopi Bubuk 250 g", "seller_sku": "KOPI-250",
                                    "stock": 10})
        page = OnlineOrdersPage(ctx)
        qtbot.addWidget(page)
        page.on_shown()
        ctx.sync = SyncBridge(ctx, lambda account: credentials_for(account, creds), poll_seconds=3600)
        ctx.sync.start()
        created = _admin(admin, "/orders", {"platform": "shopee", "lines": [{"seller_sku": "KOPI-250",
                                                                             "quantity": 2}]})
        ctx.sync.sync_now()
        qtbot.waitUntil(lambda: len(page.model.orders) >= 1, timeout=30_000)
        assert page.model.orders[0].channel == "shopee" and page.model.orders[0].practice
        assert created
        assert order_store.listing(ctx.db)[0].total == 2 * order_store.lines(ctx.db, page.model.orders[0].id)[
            0].unit_price
        qtbot.waitUntil(lambda: stock_store.on_hand(ctx.db, product) == 8, timeout=30_000)

        # a counter sale here: the bridge hears the change and the runner pushes the new stock (8 - 3 = 5)
        sale = record_sale(ctx.db, [LineInput(product, 3, 35_000)], PaymentMethod.CASH)
        ctx.announce(sale.change)
        qtbot.waitUntil(lambda: _shopee_stock(admin, "KOPI-250") == 5, timeout=30_000)
    finally:
        if ctx.sync is not None:
            ctx.sync.stop()
            ctx.sync = None
        market.stop()


def _shopee_stock(admin: str, seller_sku: str) -> int | None:
    with urllib.request.urlopen(admin + "/listings?platform=shopee", timeout=10) as reply:
        found = json.loads(reply.read())
    rows = found if isinstance(found, list) else found.get("listings", [])
    return next((int(r["stock"]) for r in rows if r.get("seller_sku") == seller_sku), None)
