"""Mapping listings to shop products: a mapped listing's paid orders take stock, an unmapped one never does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.domain.marketplace import Order, OrderLine, OrderStatus
from companion.domain.product import ProductInput
from companion.gui.context import AppContext
from companion.gui.mapping_dialog import MappingDialog
from companion.services.accounts import link_practice_accounts
from companion.services.online_orders import apply_orders
from companion.services.products import add_product
from companion.store import listings as listing_store
from companion.store import stock as stock_store

T0 = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)


def _order(number: str, item: str, sku: str, qty: int) -> Order:
    return Order("shopee", number, "READY_TO_SHIP", OrderStatus.PAID, T0, T0, T0 + timedelta(days=2), "budi",
                 (OrderLine("1", item, "0", sku, f"Listing {item}", qty, 20_000),))


@pytest.fixture
def ctx(qtbot: QtBot, data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


@pytest.fixture
def shop(ctx: AppContext) -> dict[str, str]:
    """Kopi maps itself by SKU; "Teh Melati" has a seller SKU the shop does not use; "Gula" has none."""
    kopi, _ = add_product(ctx.db, ProductInput(sku="KOPI-250", name="Kopi Bubuk", sell_price=35_000), 10)
    teh, _ = add_product(ctx.db, ProductInput(sku="TEH-25", name="Teh Celup Melati", sell_price=9_500), 10)
    ids, _ = link_practice_accounts(ctx.db, {"shopee": ShopeeCredentials(1, "k", 2, base_url="http://127.0.0.1:1")})
    apply_orders(ctx.db, ids[0], [_order("A1", "100", "KOPI-250", 2), _order("A2", "200", "MLT-25", 3),
                                  _order("A3", "300", "", 1)])
    return {"account": ids[0], "kopi": kopi, "teh": teh}


@pytest.fixture
def dialog(qtbot: QtBot, ctx: AppContext, shop: dict[str, str]) -> MappingDialog:
    widget = MappingDialog(ctx, None, shop["account"])
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _row(dialog: MappingDialog, item_id: str) -> int:
    return next(n for n, x in enumerate(dialog.listings) if x.item_id == item_id)


def test_lists_listings_with_auto_mapping_and_explains_unmapped(dialog: MappingDialog, ctx: AppContext,
                                                                shop: dict[str, str]) -> None:
    assert len(dialog.listings) == 3
    kopi = _row(dialog, "100")
    assert dialog.table.item(kopi, 2).text() == "Kopi Bubuk"
    assert dialog.table.item(kopi, 3).text() == "Otomatis (SKU sama)"
    assert dialog.table.item(_row(dialog, "200"), 2).text() == "belum dipetakan"
    assert dialog.count_label.text() == "3 listing, 2 belum dipetakan"
    assert stock_store.on_hand(ctx.db, shop["kopi"]) == 8  # auto-mapped: the paid order took stock
    assert stock_store.on_hand(ctx.db, shop["teh"]) == 10  # unmapped: never changes stock
    dialog.only_unmapped.setChecked(True)
    assert {x.item_id for x in dialog.listings} == {"200", "300"}


def test_search_and_map_applies_the_waiting_order(dialog: MappingDialog, ctx: AppContext, shop: dict[str, str],
                                                  qtbot: QtBot) -> None:
    dialog.table.selectRow(_row(dialog, "200"))
    assert not dialog.unmap_button.isEnabled()
    dialog.search.setText("melati")
    dialog.find_products()
    assert dialog.results.count() == 1
    assert dialog.results.item(0).data(Qt.ItemDataRole.UserRole) == shop["teh"]
    with qtbot.waitSignal(ctx.changed) as changed:
        dialog.use_button.click()
    assert shop["teh"] in changed.args[0].products
    assert stock_store.on_hand(ctx.db, shop["teh"]) == 7
    listing = listing_store.by_ref(ctx.db, shop["account"], "200", "0")
    assert listing is not None and listing.product_id == shop["teh"] and listing.mapped_by == "manual"
    row = _row(dialog, "200")
    assert dialog.table.item(row, 3).text() == "Dipilih sendiri" and dialog.selected_listing() == listing
    dialog.unmap_button.click()
    listing = listing_store.by_ref(ctx.db, shop["account"], "200", "0")
    assert listing is not None and listing.product_id is None
    assert dialog.table.item(_row(dialog, "200"), 2).text() == "belum dipetakan"


def _answer_boxes(texts: list[str]) -> QTimer:
    """Press OK on each message box that opens, keeping its sentence."""
    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            texts.append(box.text())
            box.buttons()[0].click()
    timer = QTimer()
    timer.timeout.connect(answer)
    timer.start(20)
    return timer


def test_mapping_a_vanished_product_or_listing_says_so(dialog: MappingDialog) -> None:
    texts: list[str] = []
    timer = _answer_boxes(texts)
    assert not dialog.map_to(dialog.listings[0].id, "no-such-product")
    assert not dialog.map_to("no-such-listing", None)
    timer.stop()
    assert texts == ["Produk ini sudah tidak ada: tutup jendela lalu cari lagi.",
                     "Listing ini sudah tidak dikenal: sinkronkan lagi, lalu petakan."]
