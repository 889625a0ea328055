"""The picking list sums every item of the chosen orders per product (the shop's product where linked, else the
platform's name and variant); packing slips hold one order each; both print to PDF."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields
from datetime import timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pytestqt.qtbot import QtBot

from companion import i18n
from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.connectors.tiktok.credentials import TikTokCredentials
from companion.domain.clock import now_utc
from companion.domain.marketplace import Order, OrderLine, OrderStatus
from companion.domain.product import ProductInput
from companion.gui.context import AppContext
from companion.gui.picking_list import (
    PackingSlipsDialog,
    PickingListDialog,
    pick_lines,
    picking_lines,
    print_packing_slips,
    print_picking_list,
)
from companion.services.accounts import link_practice_accounts
from companion.services.online_orders import apply_orders
from companion.services.products import add_product
from companion.store import online_orders as order_store
from companion.store.database import Database
from companion.store.order_desk import DeskItem

URL = "http://127.0.0.1:1"


def _order(channel: str, number: str, lines: tuple[OrderLine, ...], city: str = "Bandung") -> Order:
    now = now_utc()
    return Order(channel, number, "READY", OrderStatus.PAID, now - timedelta(hours=2), now - timedelta(hours=2),
                 now + timedelta(hours=20), "Budi", lines, buyer_city=city, courier="J&T Express",
                 tracking_number=f"JT{number}")


def seed(db: Database) -> list[str]:
    """Kopi and Gula are the shop's products (linked by SKU); 'Tas Rajut' is not linked to anything."""
    add_product(db, ProductInput(sku="KOPI-250", name="Kopi Arabika", variant_name="250 g", sell_price=35_000), 40)
    add_product(db, ProductInput(sku="GULA-1", name="Gula Aren", sell_price=18_000), 10)
    ids, _ = link_practice_accounts(db, {"shopee": ShopeeCredentials(1, "k", 2, base_url=URL),
                                         "tiktok": TikTokCredentials("a", "s", base_url=URL)})
    shop_a, shop_b = ids
    apply_orders(db, shop_a, [
        _order("shopee", "A1", (OrderLine("1", "11", "0", "KOPI-250", "Kopi Arabika 250g", 2, 35_000),
                                OrderLine("2", "12", "0", "GULA-1", "Gula Aren 1kg", 1, 18_000))),
        _order("shopee", "A2", (OrderLine("1", "11", "0", "KOPI-250", "Kopi Arabika 250g", 3, 35_000),
                                OrderLine("2", "30", "7", "", "Tas Rajut", 1, 90_000))),
        # one Kopi unit of three cancelled: two to take
        _order("shopee", "A3", (OrderLine("1", "11", "0", "KOPI-250", "Kopi Arabika 250g", 3, 35_000, 1),)),
    ])
    apply_orders(db, shop_b, [
        _order("tiktok", "B1", (OrderLine("1", "90", "1", "KOPI-250", "Kopi 250 gram", 1, 36_000),
                                OrderLine("2", "91", "2", "", "Tas Rajut", 2, 90_000),
                                OrderLine("3", "92", "3", "", "Gelang Kayu", 4, 15_000))),
        _order("tiktok", "B9", (OrderLine("1", "90", "1", "KOPI-250", "Kopi 250 gram", 9, 36_000),)),  # not chosen
    ])
    wanted = {("shopee", "A1"), ("shopee", "A2"), ("shopee", "A3"), ("tiktok", "B1")}
    return [o.id for o in order_store.listing(db) if (o.channel, o.platform_order_id) in wanted]


@pytest.fixture
def ctx(qtbot: QtBot, data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


def test_items_are_summed_per_product_across_orders_and_shops(ctx: AppContext) -> None:
    chosen = seed(ctx.db)
    lines = {line.name: line for line in picking_lines(ctx, chosen)}
    kopi = lines["Kopi Arabika – 250 g"]
    assert (kopi.sku, kopi.quantity, kopi.orders, kopi.on_hand) == ("KOPI-250", 2 + 3 + 2 + 1, 4, 40 - 8 - 9)
    assert (lines["Gula Aren"].quantity, lines["Gula Aren"].orders) == (1, 1)
    # not linked: counted under the platform's name, the same name in two shops is one shelf
    assert (lines["Tas Rajut"].quantity, lines["Tas Rajut"].orders, lines["Tas Rajut"].on_hand) == (3, 2, None)
    assert lines["Gelang Kayu"].quantity == 4
    assert len(lines) == 4
    names = [line.name for line in picking_lines(ctx, chosen)]
    assert names.index("Gula Aren") < names.index("Tas Rajut")  # the shop's products first, then unlinked


def test_pick_lines_keeps_variants_apart_and_leaves_out_cancelled_lines() -> None:
    def item(name: str, variant: str, qty: int, product: str | None = None, sku: str = "") -> DeskItem:
        told = {"name": name, "variant": variant, "quantity": qty, "seller_sku": sku, "product_id": product,
                "product_name": ""}
        blank = {f.name: 0 if f.type == "int" else "" for f in fields(DeskItem) if f.name not in told}
        return DeskItem(**told, **blank)  # the other fields (ids, price) play no part in the sums
    lines = pick_lines({"o1": [item("Kaos", "Merah, L", 2), item("Kaos", "Biru, L", 1), item("Kaos", "Merah, L", 0)],
                        "o2": [item("Kaos", "Merah, L", 3)]}, {})
    assert {(line.name, line.quantity, line.orders) for line in lines} == {("Kaos – Merah, L", 5, 2),
                                                                          ("Kaos – Biru, L", 1, 1)}


def pdf_pages(path: Path) -> int:
    doc = pdfium.PdfDocument(path.read_bytes())
    try:
        return len(doc)
    finally:
        doc.close()


@pytest.mark.parametrize("language", ["id", "en"])
def test_picking_list_and_slips_print_to_pdf(ctx: AppContext, qtbot: QtBot, tmp_path: Path, language: str) -> None:
    i18n.set_language(language)
    chosen = seed(ctx.db)
    picking = print_picking_list(None, ctx, chosen)
    qtbot.addWidget(picking)
    assert isinstance(picking, PickingListDialog)
    text = picking.text()
    assert "Kopi Arabika – 250 g" in text and "Gelang Kayu" in text and "B9" not in text
    picking.save_pdf(tmp_path / "pick.pdf")
    assert pdf_pages(tmp_path / "pick.pdf") == 1
    slips = print_packing_slips(None, ctx, chosen)
    qtbot.addWidget(slips)
    assert isinstance(slips, PackingSlipsDialog)
    text = slips.text()
    for number in ("A1", "A2", "A3", "B1"):
        assert number in text
    assert "JTB1" in text and "Bandung" in text
    slips.save_pdf(tmp_path / "slips")
    assert pdf_pages(tmp_path / "slips.pdf") == 4  # one page per order


def test_no_orders_is_a_sentence_not_an_empty_table(ctx: AppContext, qtbot: QtBot) -> None:
    picking = print_picking_list(None, ctx, [])
    qtbot.addWidget(picking)
    assert "Tidak ada barang yang perlu diambil" in picking.text()
