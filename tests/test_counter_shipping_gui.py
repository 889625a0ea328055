"""A counter sale taken by phone can be marked "dikirim" with a courier and tracking number from Today's sales; a
bad tracking number is one sentence in the dialog; opening it again corrects what was typed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from companion import i18n
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.gui.context import AppContext
from companion.gui.counter_shipping_dialog import CounterShippingDialog
from companion.gui.sale_history import SaleHistoryDialog
from companion.services.products import add_product
from companion.services.sales import record_sale, void_sale
from companion.store import counter_shipments as shipment_store
from companion.store.database import Database


def sell(db: Database) -> str:
    """A phone order paid by transfer: two Batik Tulis."""
    product_id, _ = add_product(db, ProductInput(sku="BTK-1", name="Batik Tulis", sell_price=150_000), 10)
    return record_sale(db, [LineInput(product_id, 2, 150_000)], PaymentMethod.TRANSFER).sale_id


@pytest.fixture
def ctx(qtbot: QtBot, data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


def test_a_sale_is_marked_sent_with_courier_and_tracking(ctx: AppContext, qtbot: QtBot) -> None:
    sale_id = sell(ctx.db)
    history = SaleHistoryDialog(ctx)
    qtbot.addWidget(history)
    history.select_sale(sale_id)
    assert history.ship_button.isEnabled()
    history.ship_chosen()
    dialog = history.ship_dialog
    assert isinstance(dialog, CounterShippingDialog)
    dialog.courier.setCurrentText("JNE")
    dialog.tracking.setText("jne 0123 4567 89")
    dialog.recipient.setText("Bu Ratna, Solo")
    assert dialog.save()
    shipment = shipment_store.get(ctx.db, sale_id)
    assert shipment is not None
    assert (shipment.courier, shipment.tracking_number, shipment.recipient) == ("JNE", "JNE0123456789",
                                                                                  "Bu Ratna, Solo")
    status = history.table.item(history.table.currentRow(), 5).text()
    assert "Dikirim · JNE" in status


def test_a_bad_tracking_number_or_no_courier_is_one_sentence(ctx: AppContext, qtbot: QtBot) -> None:
    sale_id = sell(ctx.db)
    dialog = CounterShippingDialog(ctx, sale_id)
    qtbot.addWidget(dialog)
    dialog.courier.setCurrentText("")
    assert not dialog.save()
    assert "kurir" in dialog.message.text().lower()
    dialog.courier.setCurrentText("SiCepat")
    dialog.tracking.setText("??")
    assert not dialog.save()
    assert dialog.message.text().count(":") == 1 and shipment_store.get(ctx.db, sale_id) is None


def test_opening_again_corrects_and_keeps_the_time(ctx: AppContext, qtbot: QtBot) -> None:
    sale_id = sell(ctx.db)
    first = CounterShippingDialog(ctx, sale_id)
    qtbot.addWidget(first)
    first.courier.setCurrentText("J&T Express")
    assert first.save()
    shipped_at = shipment_store.get(ctx.db, sale_id).shipped_at
    again = CounterShippingDialog(ctx, sale_id)
    qtbot.addWidget(again)
    assert again.courier.currentText() == "J&T Express"
    again.tracking.setText("JP1234567890")
    assert again.save()
    row = shipment_store.get(ctx.db, sale_id)
    assert row.tracking_number == "JP1234567890" and row.shipped_at == shipped_at


def test_a_voided_sale_cannot_be_sent(ctx: AppContext, qtbot: QtBot) -> None:
    sale_id = sell(ctx.db)
    void_sale(ctx.db, sale_id, "salah input")
    history = SaleHistoryDialog(ctx)
    qtbot.addWidget(history)
    history.select_sale(sale_id)
    assert not history.ship_button.isEnabled()


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_dialog_speaks_both_languages(ctx: AppContext, qtbot: QtBot, language: str) -> None:
    i18n.set_language(language)
    dialog = CounterShippingDialog(ctx, sell(ctx.db))
    qtbot.addWidget(dialog)
    assert dialog.save_button.text() == ("Tandai dikirim" if language == "id" else "Mark as sent")
