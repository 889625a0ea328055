"""TikTok Shop as strict as the platform (issue 14), end to end: the sync engine and real SQLite against the
practice marketplace over real HTTP, with the ledger and the practice marketplace's own numbers checked. Per-SKU
refusals (a promotion lock) leave the other SKUs pushed and the shop linked; a SKU in several warehouses gets every
warehouse; a sold-out SKU is never sent as 0; Customer Service answers nothing until approved; hidden messages are
not shown; a partial cancellation gives back exactly the cancelled units."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sync_child import account_ids, admin, engine, platform_stock, setup_shop

from companion.connectors.tiktok import practice_shop
from companion.domain.sale import LineInput, PaymentMethod
from companion.practice.server import PracticeMarketplace
from companion.services.sales import record_sale
from companion.store import stock as stock_store
from companion.store import sync_state
from companion.store.database import Database
from companion.store.location import db_path
from companion.sync.engine import SyncEngine
from companion.sync.events import AccountResult

SECOND_WAREHOUSE = "7068517275539719943"


def _listing(market: PracticeMarketplace, sku: str) -> dict[str, Any]:
    return next(x for x in market.state.listings("tiktok") if x["seller_sku"] == sku)


def _tiktok_ok(sync: SyncEngine, db: Database) -> None:
    result = sync.sync_once()
    mine = next(a for a in result.accounts if a.account_id == account_ids(db)["tiktok"])
    assert mine.ok, mine.problem
    assert sync_state.status(db, account_ids(db)["tiktok"]).problem_kind is None


def _tiktok_round(sync: SyncEngine, db: Database) -> AccountResult:
    result = sync.sync_once()
    return next(a for a in result.accounts if a.account_id == account_ids(db)["tiktok"])


def _sell(db: Database, product_id: str, quantity: int) -> None:
    record_sale(db, [LineInput(product_id, quantity, 1_000)], PaymentMethod.CASH)


def test_a_promotion_lock_refuses_one_sku_while_the_others_go_through(db: Database, data_dir: Path,
                                                                       market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    ids = setup_shop(db, url)
    sync = engine(db_path(data_dir), url)
    _tiktok_ok(sync, db)
    practice_shop.lock_for_promotion(market.state, _listing(market, "SC-TEH")["model_id"], 10)
    _sell(db, ids["SC-TEH"], 2)   # 8 left: below the 10 the promotion holds
    _sell(db, ids["SC-KOPI"], 5)  # 15 left
    mine = _tiktok_round(sync, db)  # the refusal is the item's, with TikTok's words: never a token problem
    assert mine.problem is not None and mine.problem.kind == "permanent" and "12052393" in mine.problem.detail
    assert mine.pushed == 1       # kopi went through in the same round
    online = platform_stock(url)
    assert online[("tiktok", "SC-KOPI")] == 15 == stock_store.on_hand(db, ids["SC-KOPI"])
    assert online[("tiktok", "SC-TEH")] == 10 and stock_store.on_hand(db, ids["SC-TEH"]) == 8
    assert sync_state.status(db, account_ids(db)["tiktok"]).problem_kind != "auth_expired"
    assert stock_store.verify_levels(db) == []


def test_a_sku_in_two_warehouses_gets_both_listed(db: Database, data_dir: Path,
                                                  market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    ids = setup_shop(db, url)
    kopi = _listing(market, "SC-KOPI")
    practice_shop.set_warehouses(market.state, kopi["model_id"], {practice_shop.WAREHOUSE_ID: 12,
                                                                 SECOND_WAREHOUSE: 8})
    sync = engine(db_path(data_dir), url)
    _tiktok_ok(sync, db)
    _sell(db, ids["SC-KOPI"], 6)  # 14 left here
    _tiktok_ok(sync, db)
    split = practice_shop.warehouses(market.state, _listing(market, "SC-KOPI"))
    assert set(split) == {practice_shop.WAREHOUSE_ID, SECOND_WAREHOUSE} and all(q >= 1 for q in split.values())
    assert sum(split.values()) == 14 == stock_store.on_hand(db, ids["SC-KOPI"])
    assert split[SECOND_WAREHOUSE] == 8  # the other warehouse keeps what it holds; the first takes the rest


def test_a_sold_out_sku_is_never_sent_as_zero(db: Database, data_dir: Path, market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    ids = setup_shop(db, url)
    sync = engine(db_path(data_dir), url)
    _tiktok_ok(sync, db)
    sent: list[int] = []
    market.recorders.append(lambda channel, req, _reply: sent.extend(
        inv["quantity"] for sku in ((req.json() or {}).get("skus") or []) for inv in sku["inventory"])
        if channel == "tiktok" and req.path.endswith("/inventory/update") else None)
    _sell(db, ids["SC-GULA"], 5)  # sold out
    mine = _tiktok_round(sync, db)
    assert 0 not in sent
    assert platform_stock(url)[("tiktok", "SC-GULA")] == 5  # TikTok takes [1, 99999]: nothing was sent
    assert mine.problem is not None and "99999" in mine.problem.detail


def test_customer_service_off_until_approved_and_hidden_messages_not_shown(db: Database, data_dir: Path,
                                                                         market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    setup_shop(db, url)
    admin(url, "/messages", {"platform": "tiktok", "text": "Kak, ready stok?", "buyer": 1})
    practice_shop.set_customer_service(market.state, approved=False)
    sync = engine(db_path(data_dir), url)
    sync.sync_once()
    tiktok = account_ids(db)["tiktok"]
    assert db.scalar("SELECT COUNT(*) FROM conversations WHERE account_id = ?", (tiktok,)) == 0
    practice_shop.set_customer_service(market.state, approved=True)
    hidden = admin(url, "/messages", {"platform": "tiktok", "text": "Beri nilai untuk toko ini", "buyer": 1})
    practice_shop.hide_message(market.state, str(hidden["ref"]))
    admin(url, "/messages", {"platform": "tiktok", "text": "Jadi beli 2 ya", "buyer": 1})
    sync.sync_once()
    texts = [r["text"] for r in db.query("SELECT m.text FROM messages m JOIN conversations c ON c.id = "
                                         "m.conversation_id WHERE c.account_id = ? ORDER BY m.seq", (tiktok,))]
    assert texts == ["Kak, ready stok?", "Jadi beli 2 ya"]  # the hidden one in between is not shown


def test_a_partial_cancellation_gives_back_exactly_the_cancelled_units(db: Database, data_dir: Path,
                                                                      market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    ids = setup_shop(db, url)
    sync = engine(db_path(data_dir), url)
    _tiktok_ok(sync, db)
    ref = str(admin(url, "/orders", {"platform": "tiktok", "paid": True, "lines": [
        {"seller_sku": "SC-KOPI", "quantity": 3}, {"seller_sku": "SC-TEH", "quantity": 2}]})["ref"])
    _tiktok_ok(sync, db)
    assert stock_store.on_hand(db, ids["SC-KOPI"]) == 17 and stock_store.on_hand(db, ids["SC-TEH"]) == 8
    before = _listing(market, "SC-KOPI")["stock"]
    time.sleep(1.05)  # the order's update_time moves to a later second
    practice_shop.cancel_units(market.state, ref, "SC-KOPI", 1)
    assert _listing(market, "SC-KOPI")["stock"] == before + 1  # the platform gave its unit back too
    _tiktok_ok(sync, db)
    assert stock_store.on_hand(db, ids["SC-KOPI"]) == 18 and stock_store.on_hand(db, ids["SC-TEH"]) == 8
    _tiktok_ok(sync, db)  # the same news again gives nothing more back
    assert stock_store.on_hand(db, ids["SC-KOPI"]) == 18
    moves = db.query("SELECT quantity FROM stock_movements WHERE product_id = ? AND dedupe_key LIKE 'tiktok:%'",
                     (ids["SC-KOPI"],))
    assert sorted(int(m["quantity"]) for m in moves) == [-1, -1, -1, 1]
    assert platform_stock(url)[("tiktok", "SC-KOPI")] == 18
    assert stock_store.verify_levels(db) == []
