"""The shop as the screenshots and the layout tests show it: the sample shop with online orders and buyers' questions,
the practice banner, every page's guide and the sync strip, in a window of a given size.

One place, so `companion screenshot --size` and tests/test_layout_fits.py look at exactly the same screens.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from companion.domain.clock import now_utc
from companion.domain.marketplace import Conversation, Message, Order, OrderLine, OrderStatus
from companion.store.database import Database

# (buyer, status, hours until it must ship, product index, quantity)
ORDERS = [("rina_s", OrderStatus.READY_TO_SHIP, -2, 0, 2), ("budi.santoso", OrderStatus.PAID, 1, 3, 1),
          ("dewi_77", OrderStatus.PAID, 6, 5, 3), ("joko", OrderStatus.UNPAID, 30, 1, 1),
          ("sari.mart", OrderStatus.SHIPPED, 20, 7, 2), ("andi_p", OrderStatus.COMPLETED, 40, 2, 1)]
# (buyer, hours ago, messages: (from the buyer, text))
CHATS = [("rina_s", 3, [(True, "Halo kak, {produk} masih ada?"), (False, "Masih ada kak, silakan diorder."),
                        (True, "Bisa kirim hari ini? Saya di Bekasi."), (True, "Ukuran M masih ada kak?")]),
         ("budi.santoso", 1, [(True, "Kak, kapan pesanan saya dikirim?")]),
         ("dewi_77", 7, [(True, "Ada warna lain kak?"), (False, "Ada merah dan hitam kak.")])]


def fill_online(db: Database, credentials: dict[str, object]) -> None:
    """Link the practice shops and give them orders and conversations, as a few minutes of practice would."""
    from companion.services.accounts import link_practice_accounts
    from companion.services.online_orders import apply_orders
    from companion.store import products as product_store

    ids, _change = link_practice_accounts(db, credentials)  # type: ignore[arg-type]
    products = [p for p in product_store.all_products(db, active_only=True) if p.sku]
    now = now_utc()
    for n, (channel, account_id) in enumerate(zip(credentials, ids, strict=True)):
        orders = []
        for m, (buyer, status, ship_in, item, qty) in enumerate(ORDERS[n % 2::2] if n else ORDERS):
            product = products[(item + n) % len(products)]
            created = now - timedelta(hours=3 + m)
            orders.append(Order(channel, f"{channel[:2].upper()}{2612070000 + 17 * m + n}", status.name, status,
                                created, created, now + timedelta(hours=ship_in), buyer,
                                (OrderLine("1", f"i{m}", f"s{m}", product.sku, product.display_name, qty,
                                           product.sell_price),), buyer_city="Bekasi"))
        apply_orders(db, account_id, orders)
        if n == 0:
            _fill_chats(db, account_id, products[0].display_name, now)


def _fill_chats(db: Database, account_id: str, product: str, now: datetime) -> None:
    from companion.services.inbox import apply_chat_page

    for c, (buyer, hours, lines) in enumerate(CHATS):
        cid = f"c{c}"
        at = now - timedelta(hours=hours)
        messages = [Message(f"{cid}-{k}", cid, f"b{c}" if mine else "seller", text.format(produk=product), "text",
                            at + timedelta(minutes=k), mine, False) for k, (mine, text) in enumerate(lines)]
        last = messages[-1]
        unread = sum(1 for m in messages if m.from_buyer)
        apply_chat_page(db, account_id, [Conversation(cid, f"b{c}", buyer, last.text, last.sent_at, unread)],
                        {cid: messages})


@contextmanager
def showcase_window(data_dir: Path, size: tuple[int, int]) -> Iterator[object]:
    """The main window at `size` (its client area) on the shop in `data_dir`, with the practice banner, the page
    guides and the sync strip. An empty shop is filled first (sample shop, practice shops, orders, chats)."""
    from companion.gui.app import application
    from companion.gui.context import AppContext
    from companion.gui.main_window import PAGES, MainWindow
    from companion.gui.practice_banner import PracticeBanner
    from companion.gui.practice_mode import practice_mode

    existing = QApplication.instance()
    sheet = existing.styleSheet() if isinstance(existing, QApplication) else None  # put back afterwards: a test
    app = application()  # process's later widgets must not inherit the app's look (font sizes move their layout)
    ctx = AppContext(data_dir)
    practice = practice_mode(ctx)
    market = practice.session.start()  # the practice server only: the banner shows, no buyer comes by himself
    window = None
    try:
        _fill_if_empty(ctx, market)
        window = MainWindow(ctx, PAGES[0][0])
        window.add_banner(PracticeBanner(practice))
        width, height = size
        low = window.minimumSize()  # a screenshot may be asked smaller than the window's own minimum
        window.setMinimumSize(min(width, low.width()), min(height, low.height()))
        window.resize(width, height)
        window.show()
        app.processEvents()
        yield window
    finally:
        if window is not None:
            window.close()
            window.deleteLater()
        practice.session.close()
        ctx.close()
        if sheet is not None:
            app.setStyleSheet(sheet)
        app.processEvents()
        # processEvents leaves deleteLater() undone outside an event loop: without this every window (and its timers)
        # stays alive, and each next window in the same process is slower
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _fill_if_empty(ctx: object, market: object) -> None:
    from companion.connectors.factory import practice_credentials
    from companion.gui.context import AppContext
    from companion.gui.page_guide import GUIDES
    from companion.practice.server import PracticeMarketplace
    from companion.services.first_use import show_guides_again
    from companion.services.sample_customers import fill_sample_customers
    from companion.services.sample_shop import fill_sample_shop
    from companion.store import products as product_store

    assert isinstance(ctx, AppContext) and isinstance(market, PracticeMarketplace)
    if product_store.count(ctx.db) != 0:  # sales need products, so no products means an empty shop
        return
    fill_sample_shop(ctx.db)
    fill_sample_customers(ctx.db)
    fill_online(ctx.db, dict(practice_credentials(market.credentials(), market.base_urls)))
    ctx.announce(show_guides_again(ctx.db, list(GUIDES)))


def show_page(window: object, key: str) -> object:
    """Open a page as someone working would see it: two products in the counter's cart (in memory only), the first
    conversation open in the inbox, the first order open in the online orders."""
    from companion.gui.main_window import MainWindow
    from companion.gui.pages.counter import CounterPage
    from companion.gui.pages.inbox import InboxPage
    from companion.gui.pages.online_orders import OnlineOrdersPage
    from companion.store import products as product_store

    assert isinstance(window, MainWindow)
    page = window.open_page(key)
    if isinstance(page, CounterPage) and page.model.rowCount() == 0:
        for product in product_store.search(page.ctx.db, "", limit=2):
            page.add_product_id(product.id)
    elif isinstance(page, InboxPage | OnlineOrdersPage) and page.selected() is None and page.model.rowCount():
        page.table.selectRow(0)
    settle(window)
    return page


def settle(window: object) -> None:
    """Let the window paint and finish what its pages load in the background (Reports), so a picture shows data."""
    from companion.gui.app import application
    from companion.gui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    app = application()
    for _ in range(3):
        app.processEvents()
    window.ctx.work.wait()
    for _ in range(3):
        app.processEvents()
