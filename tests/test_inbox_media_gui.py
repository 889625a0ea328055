"""The conversation view shows a buyer's cached picture, a product card with the local product's live price and
stock, and an order card with the local order, from a real sync round against the practice marketplace."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sync_child import admin, engine, setup_shop

from companion.domain.product import ProductInput
from companion.gui.context import AppContext
from companion.gui.conversation_view import ConversationView
from companion.i18n import tr
from companion.practice.server import PracticeMarketplace
from companion.services.products import edit_product
from companion.store import inbox as inbox_store
from companion.store import products as product_store
from companion.store.location import db_path


@pytest.fixture
def ctx(qtbot: QtBot, data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


def test_thread_shows_picture_product_and_order(qtbot: QtBot, ctx: AppContext, data_dir: Path, tmp_path: Path,
                                               market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    ids = setup_shop(ctx.db, url)
    order = admin(url, "/orders", {"platform": "tiktok", "lines": [{"seller_sku": "SC-GULA", "quantity": 2}],
                                   "buyer": 4})
    admin(url, "/messages", {"platform": "tiktok", "text": "Kak, gula yang ini masih ada?", "buyer": 4})
    admin(url, "/messages", {"platform": "tiktok", "kind": "image", "buyer": 4, "photo": 3})
    admin(url, "/messages", {"platform": "tiktok", "kind": "product", "ref": "SC-GULA", "buyer": 4})
    admin(url, "/messages", {"platform": "tiktok", "kind": "order", "ref": order["ref"], "buyer": 4})
    assert engine(db_path(data_dir), url).sync_once().ok
    gula = product_store.get(ctx.db, ids["SC-GULA"])
    assert gula is not None
    edit_product(ctx.db, gula.id, ProductInput(sku="SC-GULA", name=gula.name, sell_price=19_500))  # a new price
    [row] = inbox_store.conversations(ctx.db, channel="tiktok")
    view = ConversationView(ctx)
    qtbot.addWidget(view)
    view.resize(640, 820)
    view.show()
    view.show_conversation(row, None)
    texts = view.thread_texts()
    assert len(texts) == 4, texts
    picture = view.thread_box.findChildren(type(view.buyer))
    assert any(label.pixmap() is not None and not label.pixmap().isNull() for label in picture)
    assert texts[0].startswith("Kak, gula yang ini masih ada?")   # same-second messages in the order sent
    assert tr("Picture not downloaded yet") not in " ".join(texts)
    assert gula.name in texts[2] and "Rp19.500" in texts[2]
    assert tr("{price} · stock {stock}", price="Rp19.500", stock="3") in texts[2]  # 5 in stock, 2 ordered
    assert order["ref"] in texts[3] and "2 × Gula Pasir 1 kg" in texts[3]
    assert view._thread_product() == gula.id
    QApplication.processEvents()   # let the thread lay its bubbles out before the picture is taken
    view.grab().save(str(tmp_path / "thread.png"))
    assert (tmp_path / "thread.png").stat().st_size > 0
