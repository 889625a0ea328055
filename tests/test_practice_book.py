"""Practice in its own book: nothing of Mode Latihan reaches the shop's book (reports, recap, backups), leaving
practice gives back the shop's book exactly as it was, "Mulai ulang latihan" starts a clean practice book, and a shop
from before the practice book has its practice rows moved out (real services, the real practice marketplace)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from pytestqt.qtbot import QtBot

from companion.connectors.factory import practice_credentials
from companion.domain.clock import now_utc
from companion.domain.marketplace import Conversation, Message, Order, OrderLine, OrderStatus
from companion.domain.product import ProductInput
from companion.domain.reviews import Review
from companion.domain.sale import LineInput, PaymentMethod
from companion.domain.settings_keys import PRACTICE_DECLINED, SHOP_NAME
from companion.gui.context import AppContext
from companion.gui.practice_mode import PracticeMode
from companion.practice.server import PracticeMarketplace
from companion.services.accounts import link_practice_accounts
from companion.services.change import Change
from companion.services.inbox import apply_chat_page, queue_reply
from companion.services.online_orders import apply_orders
from companion.services.practice_book import MOVED_REASON, move_practice_rows
from companion.services.products import add_product
from companion.services.reports import daily_recap, sales_by_period
from companion.services.reviews import apply_reviews
from companion.services.sales import record_sale
from companion.services.settings import save_settings
from companion.services.stock import count_stock
from companion.store import accounts as account_store
from companion.store import backup
from companion.store import stock as stock_store
from companion.store.database import Database, open_database
from companion.store.location import db_path, practice_book_path
from companion.sync.composition import sync_engine

DECLINED_ROW = "INSERT INTO \"settings\" VALUES('practice_declined','{}');"
PRACTICE_TABLES = ("accounts", "listings", "online_orders", "online_order_lines", "conversations", "messages",
                   "outbox", "reviews", "sync_status")


OWN_SYNC_TABLES = ('INSERT INTO "outbox"', 'INSERT INTO "sync_status"', 'INSERT INTO "sync_cursors"')


def dump_but_own_sync(path: Path) -> list[str]:
    """The shop file's dump without what the shop's own sync writes (it keeps running while the owner practises,
    and may settle the shop's own commands meanwhile: that is the shop's record at work, not practice)."""
    return [line for line in dump(path) if not line.startswith(OWN_SYNC_TABLES)]


def dump(path: Path) -> list[str]:
    """Everything a shop file holds, schema and rows, as SQL text."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def count(db: Database, table: str) -> int:
    return len(db.query(f"SELECT 1 FROM {table}"))


def jakarta_today() -> date:
    """The shop's today: after 17:00 UTC it is already tomorrow in Jakarta (UTC's date would miss today's sale)."""
    return now_utc().astimezone(ZoneInfo("Asia/Jakarta")).date()


def today_recap(db: Database) -> tuple[int, int, int]:
    """(counter takings, counter sales, online orders) of today's recap."""
    recap = daily_recap(db, jakarta_today(), "Asia/Jakarta")
    return recap.counter_gross, recap.counter_sales, sum(n for _c, n, _r in recap.online)


@pytest.fixture
def ctx(data_dir: Path, qtbot: QtBot) -> Iterator[AppContext]:
    """A real shop that once chose not to practise: two products and one real counter sale of Rp30.000."""
    context = AppContext(data_dir)
    kopi, _ = add_product(context.db, ProductInput(sku="KOPI-1", name="Kopi Susu", sell_price=15_000), 12)
    add_product(context.db, ProductInput(sku="TEH-1", name="Teh Manis", sell_price=5_000), 3)
    record_sale(context.db, [LineInput(kopi, 2, 15_000)], PaymentMethod.CASH, 50_000)
    save_settings(context.db, {PRACTICE_DECLINED.key: "1", SHOP_NAME.key: "Toko Maju"})
    yield context
    context.close()


@pytest.fixture
def practice(ctx: AppContext, qtbot: QtBot) -> Iterator[PracticeMode]:
    mode = PracticeMode(ctx, pace_seconds=3600)
    yield mode
    mode.shutdown()


def wait_idle(practice: PracticeMode, qtbot: QtBot, action: object) -> None:
    with qtbot.waitSignal(practice.state_changed, check_params_cb=lambda: not practice.busy, timeout=20_000):
        action()  # type: ignore[operator]


def practise(ctx: AppContext, practice: PracticeMode) -> None:
    """A few minutes of practice in the practice book: a counter sale, an order brought by a real sync round, a
    reply waiting to be sent."""
    kopi = next(p for p in ctx.db.query("SELECT id FROM products WHERE sku = 'KOPI-1'"))["id"]
    record_sale(ctx.db, [LineInput(kopi, 5, 15_000)], PaymentMethod.QRIS)
    reply = requests.post(practice.base_urls["admin"] + "/orders",
                          json={"platform": "shopee", "lines": [{"seller_sku": "TEH-1", "quantity": 2}]}, timeout=10)
    assert reply.status_code == 200
    sync_engine(ctx.db_path, practice.credentials_source).sync_once()
    assert count(ctx.db, "online_orders") >= 1
    account = account_store.active(ctx.db)[0].id
    now = now_utc()
    apply_chat_page(ctx.db, account, [Conversation("c1", "b1", "rina", "Masih ada?", now, 1)],
                    {"c1": [Message("m1", "c1", "b1", "Masih ada?", "text", now, True, False)]})
    conversation = ctx.db.query("SELECT id FROM conversations")[0]["id"]
    queue_reply(ctx.db, conversation, "Masih ada kak")


def test_practice_works_in_its_own_book_and_leaving_gives_the_shop_back_exactly(
        ctx: AppContext, practice: PracticeMode, qtbot: QtBot) -> None:
    shop = db_path(ctx.data_dir)
    before = dump(shop)
    wait_idle(practice, qtbot, practice.start)
    assert ctx.db_path == practice_book_path(ctx.data_dir) and ctx.in_practice_book
    # the practice book looks like the shop: its products at their stock, its name; none of its sales
    assert {p["sku"]: p["on_hand"] for p in ctx.db.query(
        "SELECT sku, on_hand FROM products JOIN stock_levels ON product_id = id")} == {"KOPI-1": 10, "TEH-1": 3}
    assert ctx.db.scalar("SELECT value FROM settings WHERE key = 'shop_name'") == "Toko Maju"
    assert count(ctx.db, "sales") == 0
    practise(ctx, practice)
    # while practising, the shop's book differs only in "start practice by itself next time" (chosen by starting)
    during = dump(shop)
    assert [line for line in during if line not in before] == [DECLINED_ROW.format(0)]
    assert [line for line in before if line not in during] == [DECLINED_ROW.format(1)]
    practice.leave()
    assert ctx.db_path == shop and not ctx.in_practice_book
    assert dump(shop) == before
    assert today_recap(ctx.db) == (30_000, 1, 0)
    assert stock_store.verify_levels(ctx.db) == []


def test_reports_recap_and_backups_never_hold_practice(ctx: AppContext, practice: PracticeMode,
                                                      qtbot: QtBot) -> None:
    before = dump(db_path(ctx.data_dir))
    wait_idle(practice, qtbot, practice.start)
    practise(ctx, practice)
    assert today_recap(ctx.db)[1:] == (1, 1)  # the practice book has its own recap: one pretend sale, one order
    during = backup.make_backup(ctx.data_dir)  # the daily backup runs during practice: the shop's book only
    practice.leave()
    day = jakarta_today()
    rows = sales_by_period(ctx.db, day - timedelta(days=1), day + timedelta(days=1), "day", "Asia/Jakarta")
    assert sum(r.counter for r in rows) == 30_000 and sum(sum(r.orders.values()) for r in rows) == 0
    assert today_recap(ctx.db) == (30_000, 1, 0)
    after = backup.make_backup(ctx.data_dir)
    assert dump(after) == before
    assert [line for line in dump(during) if line not in before] == [DECLINED_ROW.format(0)]
    for file in (during, after):
        copy = open_database(file)
        try:
            assert [count(copy, t) for t in PRACTICE_TABLES if t != "outbox"] == [0] * (len(PRACTICE_TABLES) - 1)
            assert count(copy, "sales") == 1 and copy.query("SELECT 1 FROM outbox WHERE account_id IS NOT NULL") == []
        finally:
            copy.close()
    assert not any(p.name.startswith("book") for p in backup.backup_dir(ctx.data_dir).iterdir())


def test_start_again_makes_a_clean_practice_book(ctx: AppContext, practice: PracticeMode, qtbot: QtBot) -> None:
    shop = dump(db_path(ctx.data_dir))
    wait_idle(practice, qtbot, practice.start)
    practise(ctx, practice)
    kopi = ctx.db.query("SELECT id FROM products WHERE sku = 'KOPI-1'")[0]["id"]
    assert stock_store.on_hand(ctx.db, kopi) == 5
    wait_idle(practice, qtbot, practice.reset)
    assert practice.running and ctx.in_practice_book
    assert [count(ctx.db, t) for t in ("sales", "online_orders", "conversations", "messages", "outbox")] == [0] * 5
    assert stock_store.on_hand(ctx.db, kopi) == 10 and len(account_store.active(ctx.db)) == 3
    orders = requests.get(practice.base_urls["admin"] + "/orders", params={"platform": "shopee"}, timeout=10)
    assert orders.json()["orders"] == []
    assert not practice.session.new_book_path.exists()
    practice.leave()
    assert dump(db_path(ctx.data_dir)) == shop


def test_the_window_follows_the_book(ctx: AppContext, qtbot: QtBot) -> None:
    """Start-up with the sync running on the shop's book; entering practice moves the window to the practice book
    with a sync of its own (pages rebuilt) while the shop's sync keeps running unseen; leaving moves back to it."""
    from companion.gui.app import start_online, stop_online
    from companion.gui.main_window import MainWindow

    window = MainWindow(ctx, "home")
    qtbot.addWidget(window)
    practice = start_online(ctx, window)
    practice.session.pace_seconds = 3600
    before = dump_but_own_sync(db_path(ctx.data_dir))
    try:
        assert ctx.sync is not None and ctx.sync.running and not practice.running
        first_sync, first_page = ctx.sync, window.page("home")
        wait_idle(practice, qtbot, practice.start)
        assert ctx.sync is not first_sync and ctx.sync.running and ctx.in_practice_book
        assert first_sync.running and not first_sync.shown  # real shops keep syncing while the owner practises
        assert ctx.sync.book == ctx.db_path != first_sync.book
        assert window.page("home") is not first_page
        practise(ctx, practice)
        practice.leave()
        assert ctx.sync is first_sync and ctx.sync.running and ctx.sync.shown and not ctx.in_practice_book
        assert window.windowTitle().startswith("Toko Maju")
    finally:
        stop_online(ctx, practice)
    assert dump_but_own_sync(db_path(ctx.data_dir)) == before


# ---- a shop from before the practice book ------------------------------------------------------------------


@pytest.fixture
def market(data_dir: Path) -> Iterator[PracticeMarketplace]:
    server = PracticeMarketplace(data_dir / "practice", port=0).start()
    yield server
    server.stop()


def _order(channel: str, number: str, sku: str, qty: int, price: int) -> Order:
    at = now_utc() - timedelta(hours=1)
    return Order(channel, number, "READY_TO_SHIP", OrderStatus.READY_TO_SHIP, at, at, at + timedelta(days=1), "rina",
                 (OrderLine("1", f"i-{sku}", f"s-{sku}", sku, sku, qty, price),), buyer_city="Bekasi")


def mixed_shop(db: Database, market: PracticeMarketplace) -> dict[str, str]:
    """A shop as the old practice mode left it: real products and a real sale, then practice shops with orders that
    took stock (one before a stocktake), a conversation with a reply waiting, a review."""
    kopi, _ = add_product(db, ProductInput(sku="KOPI-1", name="Kopi Susu", sell_price=15_000), 12)
    teh, _ = add_product(db, ProductInput(sku="TEH-1", name="Teh Manis", sell_price=5_000), 8)
    record_sale(db, [LineInput(kopi, 2, 15_000)], PaymentMethod.CASH, 50_000)
    ids, _ = link_practice_accounts(db, practice_credentials(market.credentials(), market.base_urls))
    shop = ids[0]
    channel = account_store.get(db, shop).channel  # type: ignore[union-attr]
    apply_orders(db, shop, [_order(channel, "P1", "KOPI-1", 3, 15_000), _order(channel, "P2", "TEH-1", 1, 5_000)])
    count_stock(db, {teh: 6}, "counted")  # the count already left out the practice order of TEH-1
    apply_orders(db, shop, [_order(channel, "P3", "TEH-1", 2, 5_000)])
    now = now_utc()
    apply_chat_page(db, shop, [Conversation("c1", "b1", "rina", "Masih ada?", now, 1)],
                    {"c1": [Message("m1", "c1", "b1", "Masih ada?", "text", now, True, False)]})
    queue_reply(db, db.query("SELECT id FROM conversations")[0]["id"], "Masih ada kak")
    apply_reviews(db, shop, [Review("r1", "P1", "i-KOPI-1", "s-KOPI-1", "Kopi Susu", 2, "Lama", (), "rina", now, now)])
    return {"kopi": kopi, "teh": teh}


def test_a_mixed_shop_has_its_practice_rows_moved_out(db: Database, data_dir: Path,
                                                      market: PracticeMarketplace) -> None:
    products = mixed_shop(db, market)
    assert stock_store.on_hand(db, products["kopi"]) == 7 and stock_store.on_hand(db, products["teh"]) == 4
    moved = [count(db, t) for t in PRACTICE_TABLES]
    shop_commands = count(db, "outbox") - 1  # the reply is the practice shop's; stock pushes name no shop
    change = move_practice_rows(db, practice_book_path(data_dir))
    assert change.sync and len(change.orders) == 3
    # the shop's book: no practice row left, stock as if practice never happened, the ledger still adds up
    assert [count(db, t) for t in PRACTICE_TABLES if t != "outbox"] == [0] * (len(PRACTICE_TABLES) - 1)
    assert db.query("SELECT 1 FROM outbox WHERE account_id IS NOT NULL") == []
    assert count(db, "outbox") == shop_commands + 1  # one push: real listings show the stock given back
    assert stock_store.on_hand(db, products["kopi"]) == 10  # 12 − 2 sold at the counter; the 3 practice units back
    assert stock_store.on_hand(db, products["teh"]) == 6  # the stocktake stands; only the order after it is undone
    assert stock_store.verify_levels(db) == []
    counter = db.query("SELECT product_id, quantity, reason FROM stock_movements WHERE kind = 'adjustment'")
    assert sorted((r["product_id"], r["quantity"], r["reason"]) for r in counter) == sorted(
        [(products["kopi"], 3, MOVED_REASON), (products["teh"], 2, MOVED_REASON)])
    assert today_recap(db) == (30_000, 1, 0)
    # the practice book: every moved row, the same products at the shop's levels
    book = open_database(practice_book_path(data_dir))
    try:
        assert [count(book, t) for t in PRACTICE_TABLES if t != "outbox"] == moved[:6] + moved[7:]
        assert count(book, "outbox") == 1
        assert stock_store.on_hand(book, products["kopi"]) == 10 and stock_store.verify_levels(book) == []
        assert count(book, "sales") == 0
        assert book.scalar("SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH 'kak'") == 1
    finally:
        book.close()
    assert move_practice_rows(db, practice_book_path(data_dir)) == Change()  # once only


@pytest.fixture
def mixed_ctx(data_dir: Path, market: PracticeMarketplace, qtbot: QtBot) -> Iterator[tuple[AppContext, dict[str, str]]]:
    """The window's context on a mixed shop that once left practice mode (its practice server is not running)."""
    seed = open_database(db_path(data_dir))
    products = mixed_shop(seed, market)
    save_settings(seed, {PRACTICE_DECLINED.key: "1"})
    seed.close()
    market.stop()
    context = AppContext(data_dir)
    yield context, products
    context.close()


def test_start_up_moves_a_mixed_shop_before_deciding_on_practice(mixed_ctx: tuple[AppContext, dict[str, str]],
                                                                  qtbot: QtBot) -> None:
    from companion.gui.app import start_online, stop_online
    from companion.gui.main_window import MainWindow

    ctx, products = mixed_ctx
    window = MainWindow(ctx, "home")
    qtbot.addWidget(window)
    practice = start_online(ctx, window)
    try:
        assert account_store.all_accounts(ctx.db) == [] and not practice.running
        assert stock_store.on_hand(ctx.db, products["kopi"]) == 10
        assert stock_store.verify_levels(ctx.db) == []
        assert practice_book_path(ctx.data_dir).exists()
    finally:
        stop_online(ctx, practice)
