"""The kill cycles' checks catch what they promise to catch: a missing or half-kept sale, a stock cache that left
its ledger, an outbox entry with no account of itself, a reply sent twice (on real SQLite files and a real
practice marketplace)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.reliability import platform_conditions, quantity_tally
from bench.reliability import settle_checks as checks
from bench.reliability.practice_shop import Admin, quick_engine, setup_shop
from companion.connectors.shopee import practice_shop as shopee_shop
from companion.domain.sale import LineInput, PaymentMethod
from companion.practice.server import PracticeMarketplace
from companion.services.inbox import queue_reply
from companion.services.sales import record_sale
from companion.services.stock import count_stock
from companion.store import products as product_store
from companion.store.database import Database, open_database
from companion.store.location import db_path


@pytest.fixture
def shop(data_dir: Path, market: PracticeMarketplace) -> Iterator[tuple[Database, Admin]]:
    admin = Admin(market.base_urls["admin"])
    setup_shop(data_dir, admin, 50)
    db = open_database(db_path(data_dir))
    yield db, admin
    db.close()


def _sale(db: Database) -> str:
    product = product_store.all_products(db)[0]
    return record_sale(db, [LineInput(product.id, 2, product.sell_price)], PaymentMethod.CASH).sale_id


def test_a_kept_sale_passes_and_a_missing_or_partial_one_is_named(shop: tuple[Database, Admin]) -> None:
    db, _ = shop
    kept, partial = _sale(db), _sale(db)
    with db.write():  # a sale whose line vanished (as a torn write would leave it)
        db.execute("DELETE FROM sale_lines WHERE sale_id = ?", (partial,))
    assert checks.lost_sales(db, [kept]) == []
    assert checks.lost_sales(db, [kept, partial, "never-saved"]) == [
        f"sale {partial} missing or incomplete", "sale never-saved missing or incomplete"]


def test_a_stock_cache_away_from_its_ledger_is_found(shop: tuple[Database, Admin]) -> None:
    db, _ = shop
    _sale(db)
    assert checks.ledger_mismatches(db) == []
    with db.write():
        db.execute("UPDATE stock_levels SET on_hand = on_hand + 1 WHERE product_id = "
                   "(SELECT product_id FROM stock_levels LIMIT 1)")
    assert len(checks.ledger_mismatches(db)) == 1


def test_outbox_entries_need_an_account_of_themselves(shop: tuple[Database, Admin]) -> None:
    db, _ = shop
    _sale(db)
    waiting, unexplained = checks.unexplained_outbox(db)
    assert waiting >= 1 and unexplained == []  # untried (the sale's, the opening counts'): fine
    with db.write():
        db.execute("UPDATE outbox SET attempts = 3, last_error = 'timeout' WHERE state = 'waiting'")
    assert checks.unexplained_outbox(db) == (waiting, [])  # tried, with the reason kept: fine
    with db.write():
        db.execute("UPDATE outbox SET last_error = NULL WHERE idempotency_key LIKE 'sale:%'")  # no word why
    assert len(checks.unexplained_outbox(db)[1]) == 1
    assert checks.settled_outbox(db)[1]  # and after a settle, anything pending is a failure


def test_a_reply_on_the_marketplace_twice_is_caught(shop: tuple[Database, Admin],
                                                    market: PracticeMarketplace) -> None:
    db, admin = shop
    admin.post("/messages", {"platform": "lazada", "text": "Kak, ready?", "buyer": 1})
    engine = quick_engine(db.path, admin)
    checks.settle(db, admin, engine)
    conversation = str(db.scalar("SELECT id FROM conversations WHERE channel = 'lazada'"))
    reply, _ = queue_reply(db, conversation, "Ready kak, unik-123")
    refused, problems = checks.duplicated_replies(db, admin, [reply], settled=True)
    assert refused == 0 and problems == [f"reply {reply} after settle: 0 on the marketplace, status queued"]
    checks.settle(db, admin, engine)
    assert checks.duplicated_replies(db, admin, [reply], settled=True) == (0, [])
    ref = admin.get("/messages", platform="lazada")["conversations"][0]["ref"]
    market.state.add_message("lazada", ref, "seller", "Ready kak, unik-123")  # as a second send would leave it
    assert checks.duplicated_replies(db, admin, [reply], settled=False)[1] == [
        f"reply {reply} is on the marketplace 2 times"]


def test_an_order_stored_under_two_shops_is_caught(shop: tuple[Database, Admin]) -> None:
    """The UNIQUE key is per shop: one platform order under a second shop of the same channel (a shop linked
    twice) passes it, and must still fail the campaign's check."""
    db, admin = shop
    admin.post("/orders", {"platform": "lazada", "lines": [{"seller_sku": "RB-KOPI", "quantity": 1}]})
    checks.settle(db, admin, quick_engine(db.path, admin))
    assert checks.duplicated_orders(db) == [] and checks.order_rows(db)[0] == checks.order_rows(db)[1] == 1
    account = str(db.scalar("SELECT account_id FROM online_orders"))
    columns = [str(r["name"]) for r in db.query("SELECT name FROM pragma_table_info('online_orders')")]
    copied = ", ".join("'twin-order'" if c == "id" else "'twin-shop'" if c == "account_id" else c for c in columns)
    with db.write():  # the same shop linked a second time, and the same platform order stored under it
        db.execute("INSERT INTO accounts (id, channel, name, practice, shop_ref, base_url, created_at)"
                   " SELECT 'twin-shop', channel, name || ' (2)', 0, shop_ref, base_url, created_at"
                   " FROM accounts WHERE id = ?", (account,))
        db.execute(f"INSERT INTO online_orders ({', '.join(columns)}) SELECT {copied} FROM online_orders")
    ref = str(db.scalar("SELECT platform_order_id FROM online_orders LIMIT 1"))
    assert checks.order_rows(db) == (2, 1)
    assert checks.duplicated_orders(db) == [f"lazada order {ref} stored 2 times"]


def test_the_quantity_tally_takes_only_what_was_asked_once(shop: tuple[Database, Admin]) -> None:
    db, _ = shop
    product = product_store.all_products(db)[0]
    tally = quantity_tally.QuantityTally(opening=50)
    sale = record_sale(db, [LineInput(product.id, 2, product.sell_price)], PaymentMethod.CASH).sale_id
    count_stock(db, {product.id: 40}, quantity_tally.COUNT_REASON + "t1")
    tally.read([f"> sale {product.id}:2", f"sale {sale}", f"> count t1 {product.id}:40", "count t1"])
    assert quantity_tally.check(db, tally, {})[1] == []
    # A sale cut off by the kill before it printed its id may be there, once.
    record_sale(db, [LineInput(product.id, 3, product.sell_price)], PaymentMethod.CASH)
    tally.read([f"> sale {product.id}:3"])
    assert quantity_tally.check(db, tally, {})[1] == []
    twice = record_sale(db, [LineInput(product.id, 3, product.sell_price)], PaymentMethod.CASH).sale_id
    assert quantity_tally.check(db, tally, {})[1] == [
        f"sale {twice} ({{'{product.id}': 3}}) matches no request the app process made",
        f"product {product.id}: the app shows 34, opening + what was asked gives 37"]


def test_the_quantity_tally_names_a_different_number(shop: tuple[Database, Admin]) -> None:
    db, _ = shop
    product = product_store.all_products(db)[0]
    tally = quantity_tally.QuantityTally(opening=50)
    count_stock(db, {product.id: 40}, quantity_tally.COUNT_REASON + "t2")
    tally.read([f"> count t2 {product.id}:41", "count t2"])
    assert quantity_tally.check(db, tally, {})[1] == [
        f"product {product.id}: stocktake t2 recorded 40, asked for 41",
        f"product {product.id}: the app shows 40, opening + what was asked gives 41"]


def test_a_partial_cancellation_must_give_back_exactly_the_cancelled_units(
        shop: tuple[Database, Admin], market: PracticeMarketplace) -> None:
    """The tally compares marketplace lines by their live units: after the settle exactly those are out."""
    db, admin = shop
    engine = quick_engine(db.path, admin)
    ref = admin.post("/orders", {"platform": "shopee", "paid": True,
                                 "lines": [{"seller_sku": "RB-KOPI", "quantity": 3}]})["ref"]
    checks.settle(db, admin, engine)
    line = market.state.order("shopee", ref)["lines"][0]
    shopee_shop.cancel_line(market.state, ref, int(line["id"]), 1)  # 1 of 3 cancelled, the order goes on
    checks.settle(db, admin, engine)
    by_sku = {p.sku.lower(): p.id for p in product_store.all_products(db)}
    kopi = by_sku["rb-kopi"]
    lines = platform_conditions.market_lines(market.state, by_sku)
    assert lines[("shopee", ref)] == {kopi: quantity_tally.MarketLine(ordered=3, live=2)}
    tally = quantity_tally.QuantityTally(opening=50)
    assert quantity_tally.check(db, tally, lines, settled=True)[1] == []
    assert tally.partly_given_back == 1
    # A second unit cancelled on the platform that the app has not read: fine between kills, not after a settle.
    later = {**lines, ("shopee", ref): {kopi: quantity_tally.MarketLine(ordered=3, live=1)}}
    assert quantity_tally.check(db, tally, later, settled=False)[1] == []
    assert quantity_tally.check(db, tally, later, settled=True)[1] == [
        f"shopee order {ref}, product {kopi}: 2 out after settle, 1 live on the order (3 ordered)"]
    # Had the platform cancelled nothing, the unit given back would be one too many, at any time.
    none = {**lines, ("shopee", ref): {kopi: quantity_tally.MarketLine(ordered=3, live=3)}}
    assert quantity_tally.check(db, tally, none)[1] == [
        f"shopee order {ref}, product {kopi}: 2 out, 3 still live on the order"]


def test_a_promotion_refusal_keeps_its_words_and_is_no_wrong_number(
        shop: tuple[Database, Admin], market: PracticeMarketplace) -> None:
    """A listing whose push a promotion refused is counted apart, and only a refusal the lock explains passes."""
    db, admin = shop
    kopi = market.state.listing_by_sku("shopee", "RB-KOPI")
    shopee_shop.reserve_for_promotion(market.state, int(kopi["id"]), 45)  # 45 of its 50 held for a flash sale
    product = next(p for p in product_store.all_products(db) if p.sku == "RB-KOPI")
    record_sale(db, [LineInput(product.id, 10, product.sell_price)], PaymentMethod.CASH)  # 40 here: under 45
    rounds, summary = checks.settle(db, admin, quick_engine(db.path, admin))
    assert summary is not None and not summary.ok and checks.calm(db, summary) and rounds < 60
    assert checks.refused_listings(db) == 1 and checks.settled_outbox(db)[1] == []
    locks = {("shopee", "RB-KOPI"): 45}

    def due(channel: str, sku: str, should: int, shown: int | None) -> bool:
        return platform_conditions.refusal_due(channel, locks.get((channel, sku), 0), should, shown)

    assert checks.stock_differences(db, admin, due) == (14, ["shopee RB-KOPI"], [])
    checked, refused, wrong = checks.stock_differences(db, admin)  # no promotion known: a refusal is wrong
    assert (checked, refused, len(wrong)) == (14, ["shopee RB-KOPI"], 1)
    assert "Total stock must be more than reserved stock." in wrong[0]
