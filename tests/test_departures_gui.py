"""The one list of what left the building: a counter sale sent by courier and an online order handed to its courier
both appear, newest first; the period narrows it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.gui.context import AppContext
from companion.gui.departures_dialog import DeparturesDialog
from companion.services.counter_shipping import mark_sale_shipped
from companion.services.products import add_product
from companion.services.sales import record_sale


@pytest.fixture
def ctx(data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


def test_a_counter_sale_sent_by_courier_is_listed(qtbot: QtBot, ctx: AppContext) -> None:
    product_id, _ = add_product(ctx.db, ProductInput(sku="KOPI-250", name="Kopi Bubuk 250 g", sell_price=35_000), 10)
    sale = record_sale(ctx.db, [LineInput(product_id, 1, 35_000)], PaymentMethod.TRANSFER, 35_000)
    mark_sale_shipped(ctx.db, sale.sale_id, "JNE", "JNE0012345", "Bu Sari")
    dialog = DeparturesDialog(ctx)
    qtbot.addWidget(dialog)
    assert [(d.source, d.number, d.courier, d.tracking_number, d.recipient) for d in dialog.rows] == [
        ("counter", sale.number, "JNE", "JNE0012345", "Bu Sari")]
    texts = [dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())]
    assert "JNE0012345" in texts and "Bu Sari" in texts
