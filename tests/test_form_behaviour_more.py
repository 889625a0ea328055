"""One form behaviour on the remaining forms (issue 17, item 5): the link dialog's key boxes, the product dialog's
restock section and recipe line, the stocktake, the counter-shipping dialog, the cancel dialog, the returns answer box
and the review reply: every error at once under its field, typed values kept, Enter saves or sends. Real widgets on a
real database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from companion.connectors.shopee.auth_flow import ShopeeAuthFlow
from companion.connectors.tiktok.auth_flow import TikTokAuthFlow
from companion.connectors.tiktok.credentials import TikTokCredentials
from companion.domain.clock import now_utc
from companion.domain.field_problems import FieldProblems
from companion.domain.marketplace import Order, OrderLine, OrderStatus
from companion.domain.product import ProductInput
from companion.gui.cancel_dialog import CancelOrderDialog
from companion.gui.context import AppContext
from companion.gui.counter_shipping_dialog import CounterShippingDialog
from companion.gui.link_shop_dialog import LinkShopDialog
from companion.gui.product_dialog import ProductDialog
from companion.gui.replenishment_form import MADE
from companion.gui.returns_view import ReturnsView
from companion.gui.review_detail import ReviewDetail
from companion.gui.stocktake_dialog import COUNT_COL, StocktakeDialog
from companion.services.accounts import link_practice_accounts
from companion.services.fulfilment_rules import rules_for
from companion.services.online_orders import apply_orders
from companion.services.products import add_product
from companion.store import accounts as account_store
from companion.store import counter_shipments as shipment_store
from companion.store import order_desk, outbox
from companion.store import planning as planning_store
from companion.store import products as product_store
from companion.store import stock as stock_store
from tests.test_counter_shipping_gui import sell
from tests.test_returns_gui import row_of
from tests.test_returns_gui import seed as seed_returns


@pytest.fixture
def ctx(qtbot: QtBot, data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


def under(widget: QWidget, label: QWidget) -> bool:
    """`label` is shown and sits below `widget` (its top at or under the field's bottom)."""
    window = widget.window()
    QApplication.processEvents()  # let the layouts place the label that was just shown
    return label.isVisibleTo(window) and (label.mapTo(window, label.rect().topLeft()).y()
                                          >= widget.mapTo(window, widget.rect().bottomLeft()).y())


def outlined(widget: QWidget) -> bool:
    return "#b00020" in widget.styleSheet()


# --- the channels' own check: every box at once ----------------------------------------------------------

def test_a_channels_check_names_every_box_at_once() -> None:
    with pytest.raises(FieldProblems) as refused:
        ShopeeAuthFlow().check({"key": "abc", "secret": " "})
    assert refused.value.fields() == ["key", "secret"]
    assert [p.error.message() for p in refused.value.problems] == [
        "Partner ID berupa angka: salin lagi dari halaman aplikasi Anda.",
        "Isi dulu Partner key dari halaman aplikasi Anda."]
    with pytest.raises(FieldProblems) as refused:
        TikTokAuthFlow().check({"key": "", "secret": "", "service_id": ""})
    assert refused.value.fields() == ["key", "secret", "service_id"]
    both = "Isi dulu App key dan App secret dari halaman aplikasi Anda."  # copied together: one sentence
    assert [p.error.message() for p in refused.value.problems][:2] == [both, both]
    assert TikTokAuthFlow().check({"key": " k ", "secret": "s", "service_id": "7"}) == {
        "key": "k", "secret": "s", "service_id": "7"}


def test_the_link_dialog_marks_every_key_box_and_keeps_them(ctx: AppContext, qtbot: QtBot) -> None:
    dialog = LinkShopDialog(ctx, hosts={}, port=0)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.choose("shopee")
    dialog.inputs["key"].setText("abc")
    qtbot.keyClick(dialog.inputs["key"], Qt.Key.Key_Return)  # Enter in a key box: on to the permission page
    assert dialog.errors.shown() == ["key", "secret"]
    assert dialog.status.text() == "Belum tersimpan: perbaiki 2 isian yang bertanda merah."
    for name in ("key", "secret"):
        assert under(dialog.inputs[name], dialog.errors.labels[name]) and outlined(dialog.inputs[name])
    assert dialog.inputs["key"].text() == "abc"
    dialog.choose("tiktok")
    assert dialog.inputs["key"].text() == "abc"  # a box of the same name keeps what was typed
    dialog.inputs["key"].setText("")
    dialog.inputs["secret"].setText("rahasia")
    dialog.link_button.click()
    assert dialog.errors.shown() == ["key", "service_id", "code"]  # reading order, the code last
    assert dialog.inputs["secret"].text() == "rahasia"


# --- the restock section -----------------------------------------------------------------------------------

def test_the_restock_section_shows_every_problem_with_the_products(ctx: AppContext, qtbot: QtBot) -> None:
    dialog = ProductDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.sku.setText("KUE-1")
    dialog.name.setText("")
    dialog.price.setText("45.000")
    section = dialog.restock
    section.kind.setCurrentIndex(section.kind.findData(MADE))
    section.lead_time.setText("dua")
    section.capacity.setText("")
    section.min_batch.setText("0")
    section.shop_buffer.setText("x")
    dialog.save_button.click()
    assert dialog.errors.shown() == ["name", "restock_lead_time", "restock_capacity", "restock_min_batch",
                                     "restock_shop_buffer"]
    assert dialog.errors.text("restock_lead_time") == "Waktu tunggu harus ditulis dengan angka bulat, misalnya 2."
    assert dialog.error.text() == "Belum tersimpan: perbaiki 5 isian yang bertanda merah."
    for key, field in (("restock_lead_time", section.lead_time), ("restock_min_batch", section.min_batch)):
        assert under(field, dialog.errors.labels[key]) and outlined(field)
    assert (section.lead_time.text(), section.min_batch.text(), section.shop_buffer.text()) == ("dua", "0", "x")
    assert product_store.count(ctx.db) == 0
    dialog.name.setText("Kue Nastar")
    section.lead_time.setText("1")
    section.capacity.setText("5")
    section.min_batch.setText("10")
    section.shop_buffer.setText("0")
    dialog.save_button.click()
    assert dialog.errors.shown() == ["restock_capacity"] and "kurang dari" in dialog.error.text()
    section.capacity.setText("20")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert dialog.result() == ProductDialog.DialogCode.Accepted
    assert dialog.saved_id is not None and planning_store.replenishment(ctx.db, dialog.saved_id) is not None


def test_a_recipe_lines_problems_show_under_its_boxes_and_enter_adds_it(ctx: AppContext, qtbot: QtBot) -> None:
    tepung_id, _ = add_product(ctx.db, ProductInput(sku="TPG-1", name="Tepung", sell_price=12_000, unit="kg"), 10)
    dialog = ProductDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    section = dialog.restock
    section.kind.setCurrentIndex(section.kind.findData(MADE))
    section.per_unit.setText("dua")
    section.add_material.click()
    assert dialog.errors.shown() == ["restock_material", "restock_per_unit"]  # both at once, not one near Save
    assert under(section.material, section.material_error) and under(section.per_unit, section.per_unit_error)
    assert section.per_unit_error.text() == "Jumlah bahan per unit harus angka seperti 2 atau 0,25: ketik lagi."
    assert section.per_unit.text() == "dua" and section.recipe_lines() == []
    section.material.setCurrentIndex(section.material.findData(tepung_id))
    section.per_unit.setText("0,25")
    qtbot.keyClick(section.per_unit, Qt.Key.Key_Return)  # Enter adds the line, it does not save the product
    assert section.recipe_lines() == [(tepung_id, 0.25)] and dialog.errors.shown() == []
    assert dialog.isVisible() and product_store.count(ctx.db) == 1


# --- the stocktake -----------------------------------------------------------------------------------------

def test_the_stocktake_names_every_bad_row_under_the_table(ctx: AppContext, qtbot: QtBot) -> None:
    for sku, name in (("A-1", "Satu"), ("B-1", "Dua"), ("C-1", "Tiga")):
        add_product(ctx.db, ProductInput(sku=sku, name=name, sell_price=1000), 5)
    products = product_store.all_products(ctx.db)
    dialog = StocktakeDialog(ctx, products)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.type_count(0, "4")
    dialog.type_count(1, "enam")
    dialog.type_count(2, "1,5")
    dialog.reason.setText("hitung bulanan")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # Enter saves
    text = dialog.errors.text("counts")
    assert text.startswith("Baris 2 (") and "Baris 3 (" in text  # both bad rows, in order
    assert under(dialog.table, dialog.errors.labels["counts"]) and outlined(dialog.table)
    assert dialog.table.currentIndex().row() == 1 and dialog.table.currentIndex().column() == COUNT_COL
    assert dialog.model.typed[1] == "enam" and dialog.reason.text() == "hitung bulanan"
    assert stock_store.on_hand(ctx.db, products[0].id) == 5  # nothing saved
    dialog.type_count(1, "6")
    dialog.type_count(2, "1")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert dialog.result() == StocktakeDialog.DialogCode.Accepted
    assert [stock_store.on_hand(ctx.db, p.id) for p in products] == [4, 6, 1]


# --- the counter-shipping dialog ---------------------------------------------------------------------------

def test_counter_shipping_marks_every_box_and_enter_saves(ctx: AppContext, qtbot: QtBot) -> None:
    sale_id = sell(ctx.db)
    dialog = CounterShippingDialog(ctx, sale_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.courier.setCurrentText("")
    dialog.tracking.setText("??")
    dialog.recipient.setText("x" * 81)
    qtbot.keyClick(dialog.tracking, Qt.Key.Key_Return)
    assert dialog.errors.shown() == ["courier", "tracking", "recipient"]
    assert dialog.message.text() == "Belum tersimpan: perbaiki 3 isian yang bertanda merah."
    assert under(dialog.courier, dialog.errors.labels["courier"]) and outlined(dialog.tracking)
    assert (dialog.tracking.text(), dialog.recipient.text()) == ("??", "x" * 81)
    assert shipment_store.get(ctx.db, sale_id) is None
    dialog.courier.setCurrentText("JNE")
    dialog.tracking.setText("JP1234567890")
    dialog.recipient.setText("Bu Sari")
    qtbot.keyClick(dialog.courier.lineEdit(), Qt.Key.Key_Return)  # Enter in the courier box saves
    row = shipment_store.get(ctx.db, sale_id)
    assert row is not None and (row.courier, row.tracking_number) == ("JNE", "JP1234567890")


# --- the cancel dialog -------------------------------------------------------------------------------------

def test_the_cancel_dialog_shows_both_problems_at_once(ctx: AppContext, qtbot: QtBot) -> None:
    (account_id,), _ = link_practice_accounts(ctx.db, {"tiktok": TikTokCredentials("a", "s",
                                                                                   base_url="http://127.0.0.1:1")})
    now = now_utc()
    apply_orders(ctx.db, account_id, [Order("tiktok", "7001", "AWAITING_SHIPMENT", OrderStatus.PAID,
                                            now - timedelta(hours=2), now, None, "Sari",
                                            (OrderLine("1", "11", "0", "KAOS-M", "Kaos Polos M", 2, 35_000),))])
    rules = rules_for(account_store.get(ctx.db, account_id))
    row = next(iter(order_desk.desk_rows(ctx.db)))
    assert rules is not None and row.items
    dialog = CancelOrderDialog(row, replace(rules, cancel_reasons=(), cancels_lines=True))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.some.setChecked(True)
    dialog.confirm.click()
    assert dialog.isVisible() and dialog.errors.shown() == ["reason", "lines"]
    assert dialog.error.text() == "Belum tersimpan: perbaiki 2 isian yang bertanda merah."
    assert under(dialog.lines_box, dialog.errors.labels["lines"])


# --- the returns answer box --------------------------------------------------------------------------------

def test_a_partial_refund_error_sits_under_the_amount_and_enter_offers(ctx: AppContext, qtbot: QtBot) -> None:
    seed_returns(ctx.db)
    view = ReturnsView(ctx)
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    rid = row_of(view, "9001")
    view.select(rid)
    view.amount.setText("90.000")
    qtbot.keyClick(view.amount, Qt.Key.Key_Return)  # Enter offers
    assert view.errors.shown() == ["amount"] and "Rp70.000" in view.errors.text("amount")
    assert under(view.amount, view.errors.labels["amount"]) and outlined(view.amount)
    assert view.amount.text() == "90.000" and "Rp70.000" in view.message.text()
    assert outbox.by_key_prefix(ctx.db, f"return-answer:{rid}:") == []
    view.refuse_note.setText("x" * 501)
    qtbot.keyClick(view.refuse_note, Qt.Key.Key_Return)  # Enter in the note sends the refusal
    assert view.errors.shown() == ["refuse_note"] and view.refuse_note.text() == "x" * 501
    view.amount.setText("25.000")
    qtbot.keyClick(view.amount, Qt.Key.Key_Return)
    (command,) = outbox.by_key_prefix(ctx.db, f"return-answer:{rid}:")
    assert command.payload["answer"]["amount"] == 25_000


# --- the review reply --------------------------------------------------------------------------------------

def test_a_refused_reply_is_said_under_the_box_and_kept(ctx: AppContext, qtbot: QtBot) -> None:
    detail = ReviewDetail(ctx)
    qtbot.addWidget(detail)
    detail.resize(700, 900)
    detail.show()
    detail.reply_box.show()
    detail.reply.setPlainText("Terima kasih, Kak!")
    detail.refused("Balasan terlalu panjang: tulis paling banyak 500 huruf.")
    assert under(detail.reply, detail.error) and outlined(detail.reply)
    assert detail.reply.toPlainText() == "Terima kasih, Kak!"
    detail.sent()
    assert detail.error.isHidden() and not outlined(detail.reply)


def test_the_product_dialog_with_restock_errors_still_fits_a_laptop_screen(ctx: AppContext, qtbot: QtBot) -> None:
    dialog = ProductDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    section = dialog.restock
    section.kind.setCurrentIndex(section.kind.findData(MADE))
    dialog.price.setText("lima ribu")
    section.lead_time.setText("dua")
    section.min_batch.setText("0")
    dialog.save_button.click()
    assert len(dialog.errors.shown()) == 6
    assert dialog.minimumSizeHint().height() <= 698  # 1366×768 less the taskbar and the title: the section scrolls
    assert dialog.minimumSizeHint().width() <= 1366
