"""The inbox end to end, as a person uses it, against a practice marketplace on 127.0.0.1 and the real sync runner:
a buyer's question arrives in Kotak Masuk after one round, is answered with the stock quick reply (live stock from
the local ledger) and reaches the buyer exactly once — also when the network was cut while answering, and when the
syncing process was killed in the middle of the send. The unread count in the navigation follows along."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot
from sync_child import admin

from companion.connectors.base import Credentials
from companion.connectors.factory import practice_credentials
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.gui.context import AppContext
from companion.gui.main_window import PAGES, MainWindow
from companion.gui.pages.inbox import BUYER_COL, InboxPage
from companion.gui.product_picker import ProductPicker
from companion.practice.buyers import BUYER_NAMES
from companion.practice.server import PracticeMarketplace
from companion.services.accounts import credentials_for, leave_practice, link_practice_accounts
from companion.services.change import Change
from companion.services.products import add_product
from companion.services.sales import record_sale
from companion.store import inbox as inbox_store
from companion.store import products as product_store
from companion.store.accounts import AccountRow
from companion.sync.engine import SyncEngine
from companion.sync.events import SyncEvent

pytestmark = pytest.mark.slow

TESTS_DIR = Path(__file__).resolve().parent
WAIT_MS = 30_000  # generous: a round against the local server takes well under a second
STOCK_REPLY = "Stok ready"  # the stock quick reply the app ships with ({nama_produk} {stok} {harga} {estimasi_kirim})


def stock_text(name: str, stock: int, price: str) -> str:
    return f"Stok {name} ready {stock} pcs, Kak. Harga {price}. Dikirim hari ini. Terima kasih!"


@dataclass
class Shop:
    """The app (context, window, sync bridge) and the practice marketplace it talks to."""

    ctx: AppContext
    window: MainWindow
    market: PracticeMarketplace
    practice_dir: Path
    credentials: dict[str, Credentials] = field(default_factory=dict)
    started: int = 0
    finished: int = 0

    @property
    def admin_url(self) -> str:
        return self.market.base_urls["admin"]

    @property
    def page(self) -> InboxPage:
        page = self.window.page("inbox")
        assert isinstance(page, InboxPage)
        return page

    def source(self, account: AccountRow) -> Credentials:
        """What practice mode hands the runner: credentials of the server running now."""
        return credentials_for(account, self.credentials)

    def link(self) -> None:
        """As practice mode does at start: link (or re-point) the practice shops at the running server."""
        self.credentials = practice_credentials(self.market.credentials(), self.market.base_urls)
        _ids, change = link_practice_accounts(self.ctx.db, self.credentials)
        self.ctx.announce(change)

    def on_event(self, event: SyncEvent) -> None:
        if event.kind == "round_started":
            self.started += 1
        elif event.kind == "round_finished":
            self.finished += 1

    def sync_round(self, qtbot: QtBot) -> None:
        """"Sinkronkan sekarang", and wait until a round that began after the click has finished."""
        assert self.ctx.sync is not None
        before = self.started
        self.ctx.sync.sync_now()
        qtbot.waitUntil(lambda: self.started > before and self.finished >= self.started, timeout=WAIT_MS)

    def ask(self, platform: str, text: str, buyer: int) -> str:
        """A buyer writes on the practice marketplace; returns the buyer's name as the shop sees it."""
        admin(self.admin_url, "/messages", {"platform": platform, "text": text, "buyer": buyer})
        return BUYER_NAMES[buyer % len(BUYER_NAMES)]

    def buyer_sees(self, platform: str, text: str) -> int:
        """How many times the buyer's side holds `text` from the shop (admin GET /messages)."""
        convs = admin(self.admin_url, f"/messages?platform={platform}")["conversations"]
        return sum(1 for c in convs for m in c["messages"] if m["sender"] == "seller" and m["text"] == text)

    def nav_text(self) -> str:
        row = next(n for n, p in enumerate(PAGES) if p[0] == "inbox")
        return self.window.nav.item(row).text()


def start_sync(shop: Shop, qtbot: QtBot) -> None:
    from companion.gui.sync_bridge import SyncBridge

    bridge = SyncBridge(shop.ctx, shop.source, poll_seconds=3600)  # rounds only when asked: the test sets the pace
    bridge.event.connect(shop.on_event)
    shop.ctx.sync = bridge
    bridge.start()  # a round at start
    qtbot.waitUntil(lambda: shop.finished >= 1, timeout=WAIT_MS)


@pytest.fixture
def shop(qtbot: QtBot, data_dir: Path, tmp_path: Path) -> Iterator[Shop]:
    ctx = AppContext(data_dir)
    practice_dir = tmp_path / "practice"
    market = PracticeMarketplace(practice_dir).start()
    market.state.set_chat_approved("tiktok", True)  # Customer Service approved by the account manager (issue 14)
    window = MainWindow(ctx, "inbox")
    qtbot.addWidget(window)
    window.show()
    it = Shop(ctx, window, market, practice_dir)
    it.link()
    try:
        yield it
    finally:
        if ctx.sync is not None:
            ctx.sync.stop()
        it.market.stop()
        window.close()
        ctx.close()


def add_products(shop: Shop) -> dict[str, str]:
    kopi, _ = add_product(shop.ctx.db, ProductInput(sku="KOPI-SACHET", name="Kopi Sachet", sell_price=2_500), 20)
    teh, _ = add_product(shop.ctx.db, ProductInput(sku="TEH-BOTOL", name="Teh Botol", sell_price=5_000), 9)
    return {"kopi": kopi, "teh": teh}


# --- what a person does ---------------------------------------------------------------------------------------------
def open_conversation(qtbot: QtBot, page: InboxPage, buyer: str) -> None:
    """Click the buyer's row in the list."""
    row = next(n for n, (c, _k) in enumerate(page.model.entries) if c.buyer_name == buyer)
    rect = page.table.visualRect(page.model.index(row, BUYER_COL))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: page.view.row is not None and page.view.row.buyer_name == buyer, timeout=WAIT_MS)


def when_shown(find: Callable[[], object | None], act: Callable[[object], None], tries: int = 500) -> None:
    """Act on a menu or dialog as soon as it is open (they run their own event loop)."""
    def look(left: int) -> None:
        found = find()
        if found is not None:
            act(found)
        elif left > 0:
            QTimer.singleShot(10, lambda: look(left - 1))
    QTimer.singleShot(0, lambda: look(tries))


def quick_reply(qtbot: QtBot, page: InboxPage, title: str, product_search: str) -> None:
    """Balasan cepat ▾ → the quick reply by its title → the product picker: type part of the name, Enter."""
    def in_picker(picker: object) -> None:
        assert isinstance(picker, ProductPicker)
        qtbot.keyClicks(picker.search, product_search)
        qtbot.keyClick(picker.search, Qt.Key.Key_Return)

    def in_menu(menu: object) -> None:
        assert isinstance(menu, QMenu)
        action = next(a for a in menu.actions() if a.text() == title)
        when_shown(lambda: _modal(ProductPicker), in_picker)
        qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())

    when_shown(lambda: _popup(QMenu), in_menu)
    qtbot.mouseClick(page.view.quick_button, Qt.MouseButton.LeftButton)


def _modal(kind: type) -> object | None:
    widget = QApplication.activeModalWidget()
    return widget if widget is not None and isinstance(widget, kind) and widget.isVisible() else None


def _popup(kind: type) -> object | None:
    widget = QApplication.activePopupWidget()
    return widget if widget is not None and isinstance(widget, kind) and widget.isVisible() else None


def type_reply(qtbot: QtBot, page: InboxPage, text: str) -> None:
    page.view.reply.setFocus()
    qtbot.keyClicks(page.view.reply, text)


def send(qtbot: QtBot, page: InboxPage) -> None:
    qtbot.mouseClick(page.view.send_button, Qt.MouseButton.LeftButton)


def show_all(qtbot: QtBot, page: InboxPage, buyer: str) -> None:
    """An answered chat leaves the "Menunggu" list: choose "Semua" and open it again to read it."""
    page.state.setCurrentIndex(page.state.findData("all"))
    qtbot.waitUntil(lambda: any(c.buyer_name == buyer for c, _k in page.model.entries), timeout=WAIT_MS)
    open_conversation(qtbot, page, buyer)


def shown_with(page: InboxPage, text: str) -> list[str]:
    """The thread's bubbles (as read on screen) that hold `text`."""
    return [t for t in page.view.thread_texts() if t.startswith(text + " | ")]


# --- the tests ------------------------------------------------------------------------------------------------------
def test_question_arrives_and_the_stock_quick_reply_reaches_the_buyer_once(shop: Shop, qtbot: QtBot) -> None:
    products = add_products(shop)
    start_sync(shop, qtbot)
    page = shop.page
    buyer = shop.ask("tiktok", "Kak, teh botol masih ada?", 1)
    shop.sync_round(qtbot)  # one poll
    qtbot.waitUntil(lambda: any(c.buyer_name == buyer for c, _k in page.model.entries), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: shop.nav_text() == "Kotak Masuk (1)", timeout=WAIT_MS)

    # two bottles sold at the counter meanwhile: the answer quotes the stock of right now, 9 - 2 = 7
    sale = record_sale(shop.ctx.db, [LineInput(products["teh"], 2, 5_000)], PaymentMethod.CASH)
    shop.ctx.announce(sale.change)
    open_conversation(qtbot, page, buyer)
    assert shown_with(page, "Kak, teh botol masih ada?")
    quick_reply(qtbot, page, STOCK_REPLY, "teh")
    expected = stock_text("Teh Botol", 7, "Rp5.000")
    qtbot.waitUntil(lambda: page.view.reply.toPlainText() == expected, timeout=WAIT_MS)
    teh = product_store.get(shop.ctx.db, products["teh"])
    assert teh is not None and teh.on_hand == 7

    send(qtbot, page)
    assert page.view.reply.toPlainText() == ""
    qtbot.waitUntil(lambda: shop.buyer_sees("tiktok", expected) == 1, timeout=WAIT_MS)
    show_all(qtbot, page, buyer)
    qtbot.waitUntil(lambda: [t.endswith("terkirim") for t in shown_with(page, expected)] == [True], timeout=WAIT_MS)
    shop.sync_round(qtbot)  # the next round neither sends it again nor shows it twice
    assert shop.buyer_sees("tiktok", expected) == 1
    assert len(shown_with(page, expected)) == 1
    [row] = [c for c, _k in page.model.entries if c.buyer_name == buyer]
    assert row.waiting_since is None and row.queued_replies == 0


def test_reply_written_while_offline_waits_and_arrives_once_after_reconnect(shop: Shop, qtbot: QtBot) -> None:
    start_sync(shop, qtbot)
    page, strip = shop.page, shop.window.sync_strip
    assert strip is not None
    buyer = shop.ask("lazada", "Ready warna merah?", 2)
    shop.sync_round(qtbot)
    assert page.check_chats("lazada")  # "Periksa chat Lazada": Lazada forbids polling its chats
    qtbot.waitUntil(lambda: any(c.buyer_name == buyer for c, _k in page.model.entries), timeout=WAIT_MS)

    shop.market.stop()  # the network is cut
    open_conversation(qtbot, page, buyer)
    answer = "Ready Kak, merah tinggal 3."
    type_reply(qtbot, page, answer)
    before = shop.started
    send(qtbot, page)  # Kirim also asks the runner for a round: it finds no connection
    qtbot.waitUntil(lambda: shop.started > before and shop.finished >= shop.started, timeout=WAIT_MS)
    [bubble] = shown_with(page, answer)
    assert bubble.endswith("menunggu dikirim")
    assert strip.state_label.text().startswith("Offline")
    assert strip.state_label.property("tone") == "calm"
    [row] = [c for c, _k in page.model.entries if c.buyer_name == buyer]
    assert row.queued_replies == 1

    # the connection is back: practice mode starts its server again on the same data (a new port) and relinks
    shop.market = PracticeMarketplace(shop.practice_dir).start()
    shop.link()
    shop.sync_round(qtbot)
    qtbot.waitUntil(lambda: shop.buyer_sees("lazada", answer) == 1, timeout=WAIT_MS)
    show_all(qtbot, page, buyer)
    qtbot.waitUntil(lambda: [t.endswith("terkirim") for t in shown_with(page, answer)] == [True], timeout=WAIT_MS)
    shop.sync_round(qtbot)
    assert shop.buyer_sees("lazada", answer) == 1
    assert len(shown_with(page, answer)) == 1
    assert not strip.state_label.text().startswith("Offline")
    assert strip.state_label.property("tone") != "problem"


def _child(data_dir: Path, admin_url: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "crash_child.MemoryKeyring", "PYTHONPATH": str(TESTS_DIR)}
    return subprocess.Popen([sys.executable, str(TESTS_DIR / "inbox_child.py"), str(data_dir), admin_url],
                            stdout=subprocess.PIPE, text=True, env=env)


def _end(child: subprocess.Popen[str]) -> None:
    child.kill()
    child.wait(timeout=10)
    if child.stdout is not None:
        child.stdout.close()


def test_killed_in_the_middle_of_the_send_and_restarted_delivers_once(shop: Shop, qtbot: QtBot,
                                                                      data_dir: Path) -> None:
    """The app is closed hard (SIGKILL) while its sync engine waits for the marketplace to answer the send."""
    leave_practice(shop.ctx.db)  # only the TikTok practice shop stays linked: its sends are the ones held up
    shop.credentials = {"tiktok": shop.credentials["tiktok"]}
    link_practice_accounts(shop.ctx.db, shop.credentials)
    page = shop.page
    buyer = shop.ask("tiktok", "Kirim hari ini?", 3)
    SyncEngine(shop.ctx.db_path, shop.source).sync_once()  # the app's last round before the answer is written
    shop.ctx.announce(Change(sync=True))
    qtbot.waitUntil(lambda: any(c.buyer_name == buyer for c, _k in page.model.entries), timeout=WAIT_MS)
    open_conversation(qtbot, page, buyer)
    answer = "Bisa, Kak, sebelum jam 3."
    type_reply(qtbot, page, answer)
    send(qtbot, page)
    [queued] = [m for m in inbox_store.thread(shop.ctx.db, page.view.row.id) if m.text == answer]  # type: ignore[union-attr]
    assert shown_with(page, answer)[0].endswith("menunggu dikirim")

    admin(shop.admin_url, "/faults", {"rates": {"tiktok": {"slow": 1.0}}, "slow_seconds": 1.0})
    child = _child(data_dir, shop.admin_url)
    try:
        qtbot.waitUntil(lambda: _status(shop, queued.id) == "sending", timeout=WAIT_MS)  # committed, then sent
        qtbot.wait(300)  # the request is on its way; the marketplace holds its answer for a second
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        _end(child)
    assert _status(shop, queued.id) == "sending"  # it left; the app never heard whether it landed
    shop.ctx.announce(Change(sync=True))
    qtbot.waitUntil(lambda: shown_with(page, answer)[0].endswith("sedang dikirim…"), timeout=WAIT_MS)
    admin(shop.admin_url, "/faults", {"rates": {}})
    qtbot.waitUntil(lambda: shop.buyer_sees("tiktok", answer) == 1, timeout=WAIT_MS)  # it did land

    restarted = _child(data_dir, shop.admin_url)
    try:
        assert restarted.stdout is not None
        assert restarted.stdout.readline().strip() == "ready"
        assert restarted.stdout.readline().startswith("round")
        assert restarted.stdout.readline().startswith("round")
    finally:
        _end(restarted)
    assert _status(shop, queued.id) == "sent"
    assert shop.buyer_sees("tiktok", answer) == 1
    shop.ctx.announce(Change(sync=True))
    show_all(qtbot, page, buyer)
    qtbot.waitUntil(lambda: [t.endswith("terkirim") for t in shown_with(page, answer)] == [True], timeout=WAIT_MS)


def _status(shop: Shop, message_id: str) -> str:
    message = inbox_store.message(shop.ctx.db, message_id)
    assert message is not None
    return message.status


def test_unread_count_in_the_navigation_follows_questions_and_opening(shop: Shop, qtbot: QtBot) -> None:
    start_sync(shop, qtbot)
    page = shop.page
    assert shop.nav_text() == "Kotak Masuk"
    first = shop.ask("tiktok", "Kopi sachet ada?", 4)
    second = shop.ask("lazada", "Bisa COD?", 5)
    shop.sync_round(qtbot)
    assert page.check_chats("lazada")  # "Periksa chat Lazada": Lazada forbids polling its chats
    qtbot.waitUntil(lambda: shop.nav_text() == "Kotak Masuk (2)", timeout=WAIT_MS)
    shop.ask("tiktok", "Halo kak?", 4)  # the same buyer again: still two conversations with unread messages
    third = shop.ask("tiktok", "Gula ada?", 6)
    shop.sync_round(qtbot)
    qtbot.waitUntil(lambda: shop.nav_text() == "Kotak Masuk (3)", timeout=WAIT_MS)

    open_conversation(qtbot, page, first)
    qtbot.waitUntil(lambda: shop.nav_text() == "Kotak Masuk (2)", timeout=WAIT_MS)
    shop.sync_round(qtbot)  # the marketplace still counts it unread; the owner has read it here
    assert shop.nav_text() == "Kotak Masuk (2)"
    open_conversation(qtbot, page, second)
    qtbot.waitUntil(lambda: shop.nav_text() == "Kotak Masuk (1)", timeout=WAIT_MS)
    open_conversation(qtbot, page, third)
    qtbot.waitUntil(lambda: shop.nav_text() == "Kotak Masuk", timeout=WAIT_MS)
    shop.sync_round(qtbot)
    assert shop.nav_text() == "Kotak Masuk"
