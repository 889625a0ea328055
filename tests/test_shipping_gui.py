"""Pesanan Online as a packer uses it (issue 15): the list with items, total, buyer, courier and the issue's filters;
"Kirim semua yang dipilih" in one click with each shop's remembered choice, else the ship dialog with the platform's
options (asked in the background), own courier with tracking numbers, offline; refusals in the platform's words;
a buyer's cancel request answered from the top of the detail; the seller's cancel; late warnings; printing and
returns reached from the page. Against the real practice marketplace, synced by the real engine."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sync_child import admin, credentials_source, engine, setup_shop

from companion.connectors import registry
from companion.domain.fulfilment import ShipChoice, ShipMethod
from companion.domain.marketplace import OrderStatus
from companion.gui.cancel_dialog import CancelOrderDialog, RefuseRequestDialog
from companion.gui.context import AppContext
from companion.gui.label_printing import LabelPrintDialog
from companion.gui.order_filters import ALL, CANCELLED_RETURNED, IN_TRANSIT, READY, TO_PACK
from companion.gui.order_list_model import BUYER_COL, ITEMS_COL, STATUS_COL, TOTAL_COL
from companion.gui.pages.online_orders import OnlineOrdersPage
from companion.gui.picking_list import PackingSlipsDialog, PickingListDialog
from companion.gui.returns_view import ReturnsView
from companion.gui.ship_dialog import ShipDialog
from companion.gui.sync_bridge import SyncBridge
from companion.i18n import tr
from companion.practice.server import PracticeMarketplace
from companion.services import shipping as shipping_service
from companion.services.online_orders import apply_orders
from companion.store import accounts as account_store
from companion.store import cancel_requests as request_store
from companion.store import order_desk, outbox
from companion.store.location import db_path
from companion.store.order_desk import FILTERS

# (platform, [(seller sku, quantity)], buyer)
ORDERS = [("shopee", [("SC-KOPI", 2), ("SC-TEH", 1)], 0), ("shopee", [("SC-GULA", 1)], 1),
          ("tiktok", [("SC-KOPI", 3)], 2), ("tiktok", [("SC-TEH", 2), ("SC-GULA", 1), ("SC-KOPI", 1)], 3),
          ("lazada", [("SC-GULA", 2)], 4), ("lazada", [("SC-KOPI", 1)], 0)]


@dataclass
class Desk:
    ctx: AppContext
    page: OnlineOrdersPage
    url: str
    data_dir: Path
    refs: list[tuple[str, str]]  # (platform, order ref) in ORDERS' order

    def sync(self) -> None:
        """One real sync round; the page reads again, as after the round's Change."""
        engine(db_path(self.data_dir), self.url).sync_once()
        self.page.reload()

    def accounts(self) -> dict[str, str]:
        return {a.channel: a.id for a in account_store.active(self.ctx.db)}

    def row_of(self, ref: str) -> int:
        return next(n for n, o in enumerate(self.page.model.orders) if o.platform_order_id == ref)


@pytest.fixture
def desk(qtbot: QtBot, data_dir: Path, market: PracticeMarketplace) -> Iterator[Desk]:
    url = market.base_urls["admin"]
    ctx = AppContext(data_dir)
    setup_shop(ctx.db, url, listed_stock=50)
    refs = [(platform, admin(url, "/orders", {"platform": platform, "buyer": buyer, "lines": [
        {"seller_sku": sku, "quantity": qty} for sku, qty in lines]})["ref"]) for platform, lines, buyer in ORDERS]
    engine(db_path(data_dir), url).sync_once()
    ctx.sync = SyncBridge(ctx, credentials_source(url))  # not started: the ship dialog uses its credentials only
    page = OnlineOrdersPage(ctx)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    page.on_shown()
    yield Desk(ctx, page, url, data_dir, refs)
    ctx.close()


def _cells(desk: Desk, col: int, role: int = Qt.ItemDataRole.DisplayRole) -> list[Any]:
    model = desk.page.model
    return [model.data(model.index(r, col), role) for r in range(model.rowCount())]


def _ship_commands(desk: Desk) -> list[outbox.CommandRow]:
    return [c for c in outbox.listed(desk.ctx.db, (outbox.WAITING, outbox.SENDING, outbox.SENT, outbox.FAILED))
            if c.kind == shipping_service.SHIP_ORDER]


def _remember_pickup(desk: Desk) -> None:
    for account_id in desk.accounts().values():
        shipping_service.remember_choice(desk.ctx.db, account_id, ShipChoice(ShipMethod.PICKUP))


def test_the_list_shows_items_total_buyer_courier_and_counts(desk: Desk) -> None:
    page = desk.page
    assert page.filters.current() == TO_PACK and len(page.model.orders) == len(ORDERS)
    assert page.filters.buttons[TO_PACK].text() == f"Perlu dikemas ({len(ORDERS)})"
    assert page.filters.buttons[READY].text() == "Siap dikirim (0)"
    shopee = desk.row_of(desk.refs[0][1])
    assert _cells(desk, ITEMS_COL)[shopee] == "2 × Kopi Sachet\n1 × Teh Botol"    # the shop's own products
    assert _cells(desk, TOTAL_COL)[shopee] == "Rp10.000"
    row = page.model.rows[shopee]
    assert row.order.buyer_name and row.buyer_city and row.courier
    assert _cells(desk, BUYER_COL)[shopee] == f"{row.order.buyer_name} · {row.buyer_city}\n{row.courier}"
    lazada = desk.row_of(desk.refs[4][1])  # the platform sends one line per unit: the list sums them
    assert _cells(desk, ITEMS_COL)[lazada] == "2 × Gula Pasir 1 kg"
    many = desk.row_of(desk.refs[3][1])
    assert _cells(desk, ITEMS_COL)[many].endswith("+ 2 barang lain")
    assert all(text.startswith("Perlu dikemas") for text in _cells(desk, STATUS_COL))
    page.table.selectRow(shopee)
    texts = [label.text() for label in page.detail.lines.findChildren(type(page.detail.heading))]
    assert "2 × Kopi Sachet" in texts and "Produk toko: Kopi Sachet" in texts
    assert row.courier in page.detail.shipping.text()


def test_ship_all_selected_is_one_click_with_each_shops_usual_choice(desk: Desk) -> None:
    page = desk.page
    _remember_pickup(desk)
    page.tick_all.click()
    assert page.ship_button.text() == f"Kirim semua yang dipilih ({len(ORDERS)})"
    page.ship_button.click()
    assert page.order_actions.dialog is None   # no dialog: every shop had its choice
    results = page.order_actions.results
    assert results.isVisibleTo(page) and results.title.text().startswith(f"{len(ORDERS)} pesanan menunggu dikirim")
    assert results.details.text() == "Cara kirim: Dijemput kurir, jadwal paling awal"
    assert page.filters.buttons[TO_PACK].text() == "Perlu dikemas (0)"
    page.filters.select(READY)
    assert all(text == "Perlu dikemas\nmenunggu dikirim" for text in _cells(desk, STATUS_COL))
    desk.sync()
    assert not results.isVisibleTo(page)   # they all went out: nothing left to say
    assert len(page.model.orders) == len(ORDERS)
    assert all(text.startswith("Siap dikirim") for text in _cells(desk, STATUS_COL))
    assert all(row.tracking_number and row.tracking_number in _cells(desk, BUYER_COL)[n]
               for n, row in enumerate(page.model.rows))
    for platform in ("shopee", "tiktok", "lazada"):   # each order arranged exactly once
        packages = admin(desk.url, f"/packages?platform={platform}")["packages"]
        assert sorted(p["order_ref"] for p in packages) == sorted(r for p, r in desk.refs if p == platform)
    admin(desk.url, "/shipments/advance", {"everything": True})   # the couriers collect
    desk.sync()
    assert page.filters.buttons[IN_TRANSIT].text() == f"Dalam pengiriman ({len(ORDERS)})"
    page.filters.select(IN_TRANSIT)
    assert all(text.startswith("Dalam pengiriman") for text in _cells(desk, STATUS_COL))


def test_the_ship_dialog_asks_the_platform_and_remembers_the_choice(desk: Desk, qtbot: QtBot) -> None:
    page = desk.page
    page.channel.setCurrentIndex(page.channel.findData("shopee"))
    page.tick_all.click()
    page.ship_button.click()   # Shopee has no usual choice yet: the dialog asks
    dialog = page.order_actions.dialog
    assert isinstance(dialog, ShipDialog) and len(dialog.sections) == 1
    section = dialog.sections[0]
    qtbot.waitUntil(lambda: section.options is not None)
    assert section.address.currentData() and section.slot.count() > 2   # the platform's address and slots
    section.slot.setCurrentIndex(2)   # the second slot offered
    _address, slot_id = section.slot.currentData()
    assert section.remember.isChecked()
    dialog.send.click()
    assert page.order_actions.results.title.text().startswith("2 pesanan menunggu dikirim")
    usual = shipping_service.usual_choice(desk.ctx.db, desk.accounts()["shopee"])
    assert usual == ShipChoice(ShipMethod.PICKUP, address_id=section.address.currentData())   # no slot: they expire
    assert {c.payload["choice"]["slot_id"] for c in _ship_commands(desk)} == {slot_id}
    page.tick_all.click()
    page.ship_button.click()   # nothing ticked any more: nothing happens
    assert page.order_actions.dialog is None


def test_offline_the_orders_wait_with_the_earliest_slot(desk: Desk, market: PracticeMarketplace,
                                                        qtbot: QtBot) -> None:
    page = desk.page
    market.stop()   # the internet is gone
    page.tick_all.click()
    page.choose_action.trigger()
    dialog = page.order_actions.dialog
    assert isinstance(dialog, ShipDialog) and len(dialog.sections) == 3
    qtbot.waitUntil(lambda: all("saat internet kembali" in s.note.text() for s in dialog.sections))
    assert all(s.options is None for s in dialog.sections)
    dialog.send.click()
    assert page.order_actions.results.title.text().startswith(f"{len(ORDERS)} pesanan menunggu dikirim")
    choices = [c.payload["choice"] for c in _ship_commands(desk)]
    assert len(choices) == len(ORDERS) and all(c["slot_id"] == "" for c in choices)


def test_own_courier_asks_each_orders_tracking_number(desk: Desk) -> None:
    page = desk.page
    page.channel.setCurrentIndex(page.channel.findData("shopee"))
    page.tick_all.click()
    page.choose_action.trigger()
    dialog = page.order_actions.dialog
    assert isinstance(dialog, ShipDialog)
    section = dialog.sections[0]
    section.radios[ShipMethod.OWN_COURIER].setChecked(True)
    assert section.pages[ShipMethod.OWN_COURIER].isVisibleTo(dialog)
    assert not section.pages[ShipMethod.PICKUP].isVisibleTo(dialog)
    dialog.send.click()
    # issue 17 (FORMS-2): the courier and every tracking number are marked at once, each under its box
    shown = dialog.errors.shown()
    assert dialog.isVisible() and len(shown) == 1 + len(section.tracking) and shown[0].endswith(":courier")
    assert "nama kurir" in dialog.errors.text(shown[0]) and "nomor resi" in dialog.errors.text(shown[1])
    assert dialog.error.text() == f"Belum dikirim: perbaiki {len(shown)} isian yang bertanda merah."
    section.courier.setText("Kurir Pak Joko")
    dialog.send.click()
    assert dialog.isVisible() and "nomor resi" in dialog.error.text()
    for n, edit in enumerate(section.tracking.values()):
        edit.setText(f"jk-1000{n}")
    dialog.send.click()
    assert not dialog.isVisible()
    tracking = sorted(c.payload["choice"]["tracking_number"] for c in _ship_commands(desk))
    assert tracking == ["JK-10000", "JK-10001"]
    usual = shipping_service.usual_choice(desk.ctx.db, desk.accounts()["shopee"])
    assert usual == ShipChoice(ShipMethod.OWN_COURIER, courier="Kurir Pak Joko")   # no tracking number kept
    page.filters.select(ALL)
    page.tick_all.click()
    page.ship_button.click()   # own courier always asks: each parcel has its own number
    assert isinstance(page.order_actions.dialog, ShipDialog)


def test_orders_left_out_are_listed_each_with_its_sentence(desk: Desk) -> None:
    page = desk.page
    _remember_pickup(desk)
    first = page.model.rows[0]
    shipping_service.queue_shipments(desk.ctx.db, [first.id], {first.order.account_id: ShipChoice(ShipMethod.PICKUP)})
    page.filters.select(ALL)
    page.tick_all.click()
    page.ship_button.click()
    results = page.order_actions.results
    assert results.title.text().startswith(f"{len(ORDERS) - 1} pesanan menunggu dikirim")
    assert "1 dilewati" in results.details.text()
    assert first.order.platform_order_id in results.details.text()
    assert tr(shipping_service.ALREADY_WAITING) in results.details.text()


def test_a_refused_shipment_shows_the_platforms_words_on_the_order(desk: Desk, qtbot: QtBot) -> None:
    page = desk.page
    page.channel.setCurrentIndex(page.channel.findData("shopee"))
    page.tick_all.click()
    page.choose_action.trigger()
    dialog = page.order_actions.dialog
    assert isinstance(dialog, ShipDialog)
    section = dialog.sections[0]
    qtbot.waitUntil(lambda: section.options is not None)
    section.radios[ShipMethod.DROPOFF].setChecked(True)
    section.branch.setCurrentIndex(1)
    branch = section.branch.currentData()
    dialog.send.click()
    admin(desk.url, "/branches/close", {"platform": "shopee", "branch_id": branch})   # closed meanwhile
    desk.sync()
    assert len(page.model.orders) == 2   # back in "Perlu dikemas", with the platform's words
    for n, row in enumerate(page.model.rows):
        assert row.ship_state == "failed" and row.ship_problem
        assert _cells(desk, STATUS_COL)[n] == f"Perlu dikemas\nShopee menolak: {' '.join(row.ship_problem.split())}"
        assert _cells(desk, STATUS_COL, Qt.ItemDataRole.ForegroundRole)[n].color().name() == "#b00020"
    page.table.selectRow(0)
    assert page.detail.ship_problem.isVisibleTo(page) and "Shopee menolak" in page.detail.ship_problem.text()
    assert page.detail.ship_button.isVisibleTo(page)   # it may be sent again another way


def test_a_buyers_cancel_request_is_answered_from_the_top_of_the_order(desk: Desk) -> None:
    page = desk.page
    platform, ref = desk.refs[2]   # TikTok
    admin(desk.url, "/orders/cancel_request", {"platform": platform, "order": ref, "reason": "Salah pilih varian"})
    desk.sync()
    page.table.selectRow(desk.row_of(ref))
    box = page.detail.request
    assert box.isVisibleTo(page) and "Salah pilih varian" in box.text.text() and "Jawab sebelum" in box.text.text()
    assert _cells(desk, STATUS_COL)[desk.row_of(ref)] == "Perlu dikemas\nPembeli minta batal"
    box.accept_button.click()
    confirm = page.order_actions.dialog
    assert isinstance(confirm, QMessageBox)
    next(b for b in confirm.buttons() if confirm.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole).click()
    order_id = page.model.rows[desk.row_of(ref)].id
    request = request_store.get(desk.ctx.db, order_id)
    assert request is not None and request.state == request_store.ACCEPTING
    assert "Jawaban Anda menunggu dikirim" in box.text.text() and not box.accept_button.isVisibleTo(page)
    desk.sync()
    page.filters.select(CANCELLED_RETURNED)
    assert ref in [o.platform_order_id for o in page.model.orders]
    assert page.model.orders[desk.row_of(ref)].status == OrderStatus.CANCELLED.value


def test_refusing_a_request_takes_one_of_the_platforms_reasons(desk: Desk) -> None:
    page = desk.page
    platform, ref = desk.refs[3]   # TikTok lists reasons to refuse
    admin(desk.url, "/orders/cancel_request", {"platform": platform, "order": ref})
    desk.sync()
    page.table.selectRow(desk.row_of(ref))
    page.detail.request.refuse_button.click()
    dialog = page.order_actions.dialog
    assert isinstance(dialog, RefuseRequestDialog) and dialog.reason
    rules = registry.get("tiktok").fulfilment
    assert rules is not None and dialog.reason == rules.refuse_reasons[0].code
    dialog.accept()
    [command] = [c for c in outbox.listed(desk.ctx.db) if c.kind == "answer_cancel_request"]
    assert command.payload["accept"] is False and command.payload["reason"] == dialog.reason


def test_the_seller_cancels_lines_where_the_platform_allows(desk: Desk) -> None:
    page = desk.page
    ref = desk.refs[0][1]   # Shopee cancels single lines
    page.table.selectRow(desk.row_of(ref))
    page.detail.cancel_button.click()
    dialog = page.order_actions.dialog
    assert isinstance(dialog, CancelOrderDialog) and dialog.some.isVisibleTo(dialog)
    rules = registry.get("shopee").fulfilment
    assert rules is not None and dialog.reason == rules.cancel_reasons[0].code   # out of stock first
    dialog.some.setChecked(True)
    dialog.accept()
    assert dialog.isVisible() and dialog.error.isVisibleTo(dialog)   # nothing picked: one sentence
    first = next(iter(dialog.counts.values()))
    first.setValue(1)
    dialog.accept()
    [command] = [c for c in outbox.listed(desk.ctx.db) if c.kind == "cancel_order"]
    lines = command.payload["lines"]
    assert isinstance(lines, list) and [line["quantity"] for line in lines] == [1]
    page.table.selectRow(desk.row_of(desk.refs[2][1]))   # TikTok cancels whole orders only
    page.detail.cancel_button.click()
    dialog = page.order_actions.dialog
    assert isinstance(dialog, CancelOrderDialog) and not dialog.some.isVisibleTo(dialog)
    dialog.reject()


def test_printing_buttons_open_the_label_picking_and_slip_dialogs(desk: Desk) -> None:
    page = desk.page
    _remember_pickup(desk)
    page.tick_all.click()
    page.ship_button.click()
    desk.sync()
    desk.sync()   # labels are made a moment after the shipment is arranged
    page.filters.select(READY)
    page.tick_all.click()
    page.labels_button.click()
    assert isinstance(page.order_actions.dialog, LabelPrintDialog)
    page.order_actions.dialog.reject()
    page.picking_button.click()
    assert isinstance(page.order_actions.dialog, PickingListDialog)
    page.order_actions.dialog.reject()
    page.slips_button.click()
    assert isinstance(page.order_actions.dialog, PackingSlipsDialog)
    page.order_actions.dialog.reject()


def test_the_late_warning_is_the_platforms_own_rule(qtbot: QtBot, data_dir: Path) -> None:
    from test_online_orders_gui import _order, seed

    ctx = AppContext(data_dir)
    try:
        accounts = seed(ctx.db)
        apply_orders(ctx.db, accounts["lazada"], [_order("lazada", "L-SOON", OrderStatus.PAID, timedelta(hours=1))])
        page = OnlineOrdersPage(ctx)
        qtbot.addWidget(page)
        page.show()
        page.on_shown()
        page.filters.select(ALL)
        rules = registry.get("lazada").fulfilment
        assert rules is not None and rules.late_note
        page.table.selectRow(next(n for n, o in enumerate(page.model.orders) if o.platform_order_id == "L-SOON"))
        assert page.detail.late.isVisibleTo(page) and page.detail.late.text() == tr(rules.late_note)
        page.table.selectRow(next(n for n, o in enumerate(page.model.orders) if o.platform_order_id == "S-LATER"))
        assert not page.detail.late.isVisibleTo(page)   # hours left: no warning yet
    finally:
        ctx.close()


def test_a_return_on_the_order_opens_the_returns_view_on_it(desk: Desk) -> None:
    page = desk.page
    _remember_pickup(desk)
    platform, ref = desk.refs[2]
    page.table.selectRow(desk.row_of(ref))
    page.order_actions.ship([page.model.rows[desk.row_of(ref)]])
    desk.sync()
    for _ in range(2):   # collected, then delivered
        admin(desk.url, "/shipments/advance", {"platform": platform, "everything": True})
    desk.sync()
    admin(desk.url, "/orders/return", {"platform": platform, "order": ref, "reason": "Barang rusak", "photos": 1})
    desk.sync()
    page.filters.select(CANCELLED_RETURNED)
    assert [o.platform_order_id for o in page.model.orders] == [ref]
    page.table.selectRow(0)
    assert _cells(desk, STATUS_COL)[0].endswith("Ada pengembalian")
    assert page.detail.returns_button.isVisibleTo(page)
    assert page.returns_button.text() == "Pengembalian (1)"
    page.detail.returns_button.click()
    dialog = page.order_actions.dialog
    assert dialog is not None
    [view] = dialog.findChildren(ReturnsView)
    current = view.current()
    assert current is not None and current.platform_order_id == ref
    dialog.reject()


def test_each_filters_count_is_what_it_lists(desk: Desk) -> None:
    _remember_pickup(desk)
    desk.page.tick_all.click()
    desk.page.ship_button.click()
    desk.sync()
    admin(desk.url, "/orders/cancel", {"platform": "lazada", "order": desk.refs[5][1]})
    desk.sync()
    counts = order_desk.filter_counts(desk.ctx.db)
    assert sum(counts[key] for key in FILTERS if key != ALL) == counts[ALL] == len(ORDERS)
    for key in FILTERS:
        assert counts[key] == len(order_desk.desk_rows(desk.ctx.db, key)), key
    assert counts[CANCELLED_RETURNED] == 1


def test_closing_the_ship_dialog_before_the_platform_answers(desk: Desk, qtbot: QtBot) -> None:
    page = desk.page
    page.tick_all.click()
    page.choose_action.trigger()
    dialog = page.order_actions.dialog
    assert isinstance(dialog, ShipDialog)
    dialog.reject()   # the answers arrive after: nothing is shown, nothing is queued
    desk.ctx.work.wait()
    qtbot.waitUntil(lambda: page.order_actions.dialog is None)
    assert _ship_commands(desk) == [] and not page.order_actions.results.isVisibleTo(page)
