"""A fourth channel, defined only in tests/fourth_channel/ and registered here, goes through a full practice round
exactly like the built-in ones: its practice shop is linked, its orders come into Pesanan Online (mapped, stock taken
from the ledger), a buyer's chat comes into the inbox, and a reply goes out through the command outbox exactly once.
Nothing under companion/ or resources/ names it: adding it changed no shared file."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from fourth_channel.spec import SPEC
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from companion.connectors import registry
from companion.domain.product import ProductInput
from companion.gui.context import AppContext
from companion.gui.pages.inbox import InboxPage
from companion.gui.pages.online_orders import SHOP_COL, OnlineOrdersPage
from companion.services.inbox import queue_reply
from companion.services.products import add_product
from companion.services.stock import adjust_stock
from companion.store import accounts as account_store
from companion.store import inbox as inbox_store
from companion.store import online_orders as order_store
from companion.store import outbox
from companion.store import stock as stock_store
from companion.store.database import Database
from companion.sync.composition import sync_engine
from companion.sync.practice_session import PracticeSession

ROOT = Path(__file__).resolve().parent.parent
NAME = SPEC.name


@pytest.fixture
def registered() -> Iterator[None]:
    registry.register(SPEC)
    yield
    registry.unregister(NAME)


@pytest.fixture
def session(data_dir: Path, db: Database, registered: None) -> Iterator[PracticeSession]:
    add_product(db, ProductInput(sku="TEH-MLT-25", name="Teh Celup Melati", sell_price=8_000), 30)
    practice = PracticeSession(data_dir, pace_seconds=0)
    practice.open(db)
    yield practice
    practice.close()


def _admin(session: PracticeSession, path: str, body: dict[str, object]) -> dict[str, object]:
    assert session.market is not None
    reply = requests.post(session.market.base_urls["admin"] + path, json=body, timeout=10)
    assert reply.status_code == 200, reply.text
    answer: dict[str, object] = reply.json()
    return answer


def test_nothing_shared_names_the_fourth_channel() -> None:
    """The proof that adding it touched no shared file: no file of the app or its translations knows its name."""
    found = subprocess.run(["grep", "-ril", NAME, str(ROOT / "companion"), str(ROOT / "resources")],
                           capture_output=True, text=True)
    assert found.stdout == ""
    assert NAME not in registry.names()


def test_a_full_practice_round_on_the_fourth_channel(session: PracticeSession, db: Database,
                                                     data_dir: Path) -> None:
    [account] = [a for a in account_store.active(db) if a.channel == NAME]
    assert account.practice and account.name == SPEC.practice_name
    teh = db.one("SELECT id FROM products WHERE sku = 'TEH-MLT-25'")
    assert teh is not None
    order = _admin(session, "/orders", {"platform": NAME, "lines": [{"seller_sku": "TEH-MLT-25", "quantity": 2}],
                                         "buyer": 1})
    _admin(session, "/messages", {"platform": NAME, "text": "Kak, teh melatinya masih ada?", "buyer": 1})

    engine = sync_engine(data_dir / "companion.sqlite3", session)
    summary = engine.sync_once()
    mine = next(r for r in summary.accounts if r.account_id == account.id)
    assert mine.ok and mine.orders_new == 1, mine

    # Pesanan Online: the order, under its channel, mapped to the shop's product, its stock taken once
    [stored] = order_store.listing(db, channel=NAME)
    assert stored.platform_order_id == order["ref"] and stored.status == "paid"
    [line] = order_store.lines(db, stored.id)
    assert line.product_id == teh["id"] and line.quantity == 2
    assert stock_store.on_hand(db, teh["id"]) == 28
    assert stored.id in summary.change.orders and teh["id"] in summary.change.products

    # Kotak Masuk: the buyer's question, waiting for an answer
    [conv] = inbox_store.conversations(db, NAME)
    assert conv.waiting_since is not None
    assert [m.text for m in inbox_store.thread(db, conv.id)] == ["Kak, teh melatinya masih ada?"]
    assert conv.id in summary.change.conversations

    # A reply goes out through the command outbox, exactly once, even over two more rounds
    message_id, _ = queue_reply(db, conv.id, "Masih ada, Kak. Silakan diorder.")
    command = outbox.by_key(db, f"reply:{message_id}")
    assert command is not None and command.state == "waiting" and command.account_id == account.id
    engine.sync_once()
    engine.sync_once()
    assert outbox.by_key(db, f"reply:{message_id}").state == "sent"  # type: ignore[union-attr]
    assert inbox_store.message(db, message_id).status == "sent"  # type: ignore[union-attr]
    assert session.market is not None
    sent = [m["text"] for m in session.market.state.messages(NAME, conv.platform_conversation_id)
            if m["sender"] == "seller"]
    assert sent == ["Masih ada, Kak. Silakan diorder."]
    assert order_store.listing(db, channel=NAME)[0].id == stored.id  # the order is not doubled by later rounds
    assert stock_store.on_hand(db, teh["id"]) == 28


def test_the_fourth_channel_has_no_stock_phase(session: PracticeSession, db: Database, data_dir: Path) -> None:
    """It declares orders and chat only: a stock change is never sent to it, and its shop is not held up by it."""
    engine = sync_engine(data_dir / "companion.sqlite3", session)
    engine.sync_once()
    teh = db.one("SELECT id FROM products WHERE sku = 'TEH-MLT-25'")
    assert teh is not None
    adjust_stock(db, teh["id"], -5, "rusak")
    summary = engine.sync_once()
    assert summary.ok, summary
    assert summary.pending_changes == 0
    assert session.market is not None
    # the platform's own listing still shows what it had: nothing was pushed to a channel without STOCK
    listed = session.market.state.listing_by_sku(NAME, "TEH-MLT-25")["stock"]
    shopee_listed = session.market.state.listing_by_sku("shopee", "TEH-MLT-25")["stock"]
    assert shopee_listed == 25 and listed == 30  # 30: the shop's stock when practice listed it (issue 17: the
    # practice listings are made from the shop's products, not the marketplace's own starting catalogue)


def test_the_pages_show_it_by_its_own_label(qtbot: QtBot, session: PracticeSession, db: Database,
                                           data_dir: Path) -> None:
    """Pesanan Online and Kotak Masuk list the fourth channel's order and chat under its registered label and
    offer it in their channel filters, though no page knows it."""
    _admin(session, "/orders", {"platform": NAME, "lines": [{"seller_sku": "TEH-MLT-25", "quantity": 1}]})
    _admin(session, "/messages", {"platform": NAME, "text": "Halo kak", "buyer": 2})
    sync_engine(data_dir / "companion.sqlite3", session).sync_once()
    ctx = AppContext(data_dir)
    try:
        orders = OnlineOrdersPage(ctx)
        inbox = InboxPage(ctx)
        for page in (orders, inbox):
            qtbot.addWidget(page)
            page.resize(1366, 700)
            page.show()
            page.on_shown()
        [order] = orders.model.orders
        assert order.channel == NAME
        shop = orders.model.data(orders.model.index(0, SHOP_COL))
        assert str(shop) == f"LATIHAN · {SPEC.label}"
        assert any(SPEC.label in combo.itemText(i) for combo in orders.findChildren(QComboBox)
                   for i in range(combo.count()))
        texts = [str(inbox.model.data(inbox.model.index(0, c))) for c in range(inbox.model.columnCount())]
        assert any(SPEC.label in t for t in texts), texts
        orders.grab().save("/tmp/fourth_channel_orders.png")
        inbox.grab().save("/tmp/fourth_channel_inbox.png")
    finally:
        ctx.close()
