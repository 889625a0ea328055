"""Pesanan Online: every channel's orders, the most urgent first, countdowns, filters, practice label, incidents."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from companion.connectors.lazada.credentials import LazadaCredentials
from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.connectors.tiktok.credentials import TikTokCredentials
from companion.domain.clock import now_utc
from companion.domain.errors import UserError
from companion.domain.marketplace import Order, OrderLine, OrderStatus
from companion.domain.product import ProductInput
from companion.gui.context import AppContext
from companion.gui.main_window import PAGES, MainWindow
from companion.gui.order_filters import ALL, CANCELLED_RETURNED, UNPAID
from companion.gui.pages.online_orders import DEADLINE_COL, SHOP_COL, OnlineOrdersPage
from companion.gui.resolve_dialog import ResolveDialog
from companion.services.accounts import link_practice_accounts
from companion.services.incidents import resolve_incident
from companion.services.online_orders import apply_orders
from companion.services.products import add_product
from companion.store import sync_state
from companion.store.database import Database

URL = "http://127.0.0.1:1"


def _order(channel: str, number: str, status: OrderStatus, ship_in: timedelta | None, sku: str = "KOPI-250",
           qty: int = 1) -> Order:
    now = now_utc()
    return Order(channel, number, status.name, status, now - timedelta(hours=3), now - timedelta(hours=3),
                 None if ship_in is None else now + ship_in, "budi",
                 (OrderLine("1", sku, "0", sku, "Kopi Arabika", qty, 35_000),))


def seed(db: Database) -> dict[str, str]:
    """Three practice shops; orders late, soon, later, unpaid and cancelled; one oversell on Gula."""
    add_product(db, ProductInput(sku="KOPI-250", name="Kopi", sell_price=35_000), 50)
    add_product(db, ProductInput(sku="GULA-1", name="Gula", sell_price=18_000), 1)
    ids, _ = link_practice_accounts(db, {"shopee": ShopeeCredentials(1, "k", 2, base_url=URL),
                                         "tiktok": TikTokCredentials("a", "s", base_url=URL),
                                         "lazada": LazadaCredentials("a", "s", base_url=URL)})
    accounts = dict(zip(("shopee", "tiktok", "lazada"), ids, strict=True))
    apply_orders(db, accounts["shopee"], [
        _order("shopee", "S-LATER", OrderStatus.PAID, timedelta(hours=5, minutes=20, seconds=30)),
        _order("shopee", "S-LATE", OrderStatus.READY_TO_SHIP, -timedelta(hours=2, minutes=1), "GULA-1", 3),
    ])
    apply_orders(db, accounts["tiktok"], [
        _order("tiktok", "T-SOON", OrderStatus.PAID, timedelta(minutes=50)),
        _order("tiktok", "T-GONE", OrderStatus.CANCELLED, None),
    ])
    apply_orders(db, accounts["lazada"], [_order("lazada", "L-UNPAID", OrderStatus.UNPAID, timedelta(days=2))])
    return accounts


@pytest.fixture
def ctx(qtbot: QtBot, data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


@pytest.fixture
def page(qtbot: QtBot, ctx: AppContext) -> OnlineOrdersPage:
    seed(ctx.db)
    widget = OnlineOrdersPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    widget.on_shown()
    return widget


def _column(page: OnlineOrdersPage, col: int, role: int = Qt.ItemDataRole.DisplayRole) -> list[object]:
    return [page.model.data(page.model.index(r, col), role) for r in range(page.model.rowCount())]


def test_orders_to_ship_come_most_urgent_first_with_countdowns(page: OnlineOrdersPage) -> None:
    # issue 15 split "To ship" into "Perlu dikemas" (paid) and "Siap dikirim" (arranged): the three orders still to
    # go out are the first of "Semua", most urgent first
    assert [o.platform_order_id for o in page.model.orders] == ["T-SOON", "S-LATER"]  # "Perlu dikemas"
    page.filters.select(ALL)
    assert [o.platform_order_id for o in page.model.orders][:3] == ["S-LATE", "T-SOON", "S-LATER"]
    texts = _column(page, DEADLINE_COL)[:3]
    assert texts[0] == "terlambat 2 jam 1 menit"
    assert str(texts[1]).startswith("kirim dalam 4") or str(texts[1]).startswith("kirim dalam 5")  # 49/50 menit
    assert texts[2] == "kirim dalam 5 jam 20 menit"
    late, soon, later = _column(page, DEADLINE_COL, Qt.ItemDataRole.ForegroundRole)[:3]
    assert late.color().name() == "#b00020"  # type: ignore[attr-defined]
    assert soon.color().name() != "#b00020" and later is None  # type: ignore[attr-defined]


def test_practice_orders_are_labelled(page: OnlineOrdersPage) -> None:
    assert all(str(text).startswith("LATIHAN · ") for text in _column(page, SHOP_COL))
    page.table.selectRow(0)
    assert page.detail.badge.isVisibleTo(page) and "LATIHAN" in page.detail.badge.text()
    assert "LATIHAN" in page.detail.heading.text()


def test_filters_by_channel_and_status(page: OnlineOrdersPage) -> None:
    page.channel.setCurrentIndex(page.channel.findData("tiktok"))
    assert [o.platform_order_id for o in page.model.orders] == ["T-SOON"]
    assert page.filters.buttons[CANCELLED_RETURNED].text() == "Dibatalkan/Dikembalikan (1)"
    page.filters.select(CANCELLED_RETURNED)  # issue 15's filters replace the status list
    assert [o.platform_order_id for o in page.model.orders] == ["T-GONE"]
    assert _column(page, DEADLINE_COL) == [""]  # nothing to ship: no countdown
    page.channel.setCurrentIndex(0)
    page.filters.select(ALL)
    assert len(page.model.orders) == 5
    assert page.model.orders[-1].status in ("unpaid", "cancelled")  # nothing to ship goes after the deadlines
    page.filters.select(UNPAID)
    assert [o.platform_order_id for o in page.model.orders] == ["L-UNPAID"]


def test_detail_shows_lines_and_unmapped_items(page: OnlineOrdersPage, ctx: AppContext) -> None:
    page.filters.select(ALL)  # S-LATE is arranged ("Siap dikirim"), the new order paid ("Perlu dikemas")
    apply_orders(ctx.db, page.model.orders[0].account_id,
                 [_order("shopee", "S-ODD", OrderStatus.PAID, timedelta(minutes=5), "NOT-OURS")])
    page.reload()
    assert page.model.orders[1].platform_order_id == "S-ODD"
    page.table.selectRow(1)
    texts = [label.text() for label in page.detail.lines.findChildren(type(page.detail.heading))]
    assert "1 × Kopi Arabika" in texts and "Produk toko: belum dipetakan" in texts
    assert page.detail.map_button.isVisibleTo(page)
    page.table.selectRow(0)
    texts = [label.text() for label in page.detail.lines.findChildren(type(page.detail.heading))]
    assert "Produk toko: Gula" in texts and not page.detail.map_button.isVisibleTo(page)


def test_countdown_tick_repaints_without_reloading(page: OnlineOrdersPage, qtbot: QtBot) -> None:
    before = page.model.orders
    with qtbot.waitSignal(page.model.dataChanged):
        page._tick()
    assert page.model.orders is before


def test_resolving_an_incident_takes_it_off_the_panel(page: OnlineOrdersPage, ctx: AppContext) -> None:
    [incident] = sync_state.incidents(ctx.db)
    assert page.incidents.isVisibleTo(page) and len(page.incidents.rows) == 1
    assert any("Gula: kurang 2 untuk pesanan Shopee S-LATE" in label.text()
               for label in page.incidents.findChildren(type(page.detail.heading)))
    assert page.resolve(incident.id, "cancelled_order")
    assert not page.incidents.isVisibleTo(page)
    [done] = sync_state.incidents(ctx.db, open_only=False)
    assert done.resolution == "cancelled_order" and done.resolved_at


def test_resolve_incident_refuses_twice_and_bad_choices(db: Database) -> None:
    seed(db)
    [incident] = sync_state.incidents(db)
    with pytest.raises(UserError):
        resolve_incident(db, incident.id, "shrug")
    change = resolve_incident(db, incident.id, "restocked")
    assert change.sync
    with pytest.raises(UserError):
        resolve_incident(db, incident.id, "other")
    with pytest.raises(UserError):
        resolve_incident(db, "no-such-incident", "other")


def test_resolve_dialog_saves_only_after_a_choice(qtbot: QtBot) -> None:
    dialog = ResolveDialog()
    qtbot.addWidget(dialog)
    assert not dialog.save.isEnabled()
    dialog.choices["restocked"].click()
    assert dialog.save.isEnabled() and dialog.resolution == "restocked"


def test_main_window_opens_the_page_and_keeps_banners(qtbot: QtBot, ctx: AppContext) -> None:
    from PySide6.QtWidgets import QLabel

    from companion import i18n

    seed(ctx.db)
    window = MainWindow(ctx, "orders")
    qtbot.addWidget(window)
    banner = QLabel("LATIHAN")
    window.add_banner(banner)
    window.show()
    assert isinstance(window.pages["orders"], OnlineOrdersPage)
    assert window.sync_strip is not None and window.sync_strip.isVisible()
    assert "Belum ada toko online" in window.sync_strip.state_label.text()  # ctx.sync is None
    i18n.set_language("en")
    ctx.language_changed.emit("en")
    qtbot.waitUntil(banner.isVisible)  # the banner survives the rebuild in the new language
    orders_row = [key for key, *_ in PAGES].index("orders")
    assert window.nav.item(orders_row).text() == "Online Orders"
    window.sync_strip.settings_button.click()
    assert window.current_key() == "settings"
