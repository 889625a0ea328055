"""End to end over Shopee, TikTok Shop and Lazada (practice marketplace over real HTTP, real SQLite):
the shop sells at the counter while offline, buyers order online, then one round brings everything in line."""

from __future__ import annotations

import time
from pathlib import Path

from sync_child import PLATFORMS, PRODUCTS, account_ids, admin, engine, platform_stock, setup_shop

from companion.domain.availability import push_quantity
from companion.domain.sale import LineInput, PaymentMethod
from companion.practice.server import PracticeMarketplace
from companion.services.accounts import set_options
from companion.services.sales import record_sale
from companion.store import accounts as account_store
from companion.store import online_orders as order_store
from companion.store import stock as stock_store
from companion.store import sync_state
from companion.store.database import Database
from companion.store.location import db_path
from companion.sync.events import RoundSummary


def _sell(db: Database, product_id: str, quantity: int) -> None:
    record_sale(db, [LineInput(product_id, quantity, 1_000)], PaymentMethod.CASH)


def _order(url: str, platform: str, sku: str, quantity: int, paid: bool = True) -> str:
    return str(admin(url, "/orders", {"platform": platform, "lines": [{"seller_sku": sku, "quantity": quantity}],
                                      "paid": paid})["ref"])


def _expected_online(db: Database) -> dict[tuple[str, str], int]:
    found: dict[tuple[str, str], int] = {}
    reserved = order_store.reserved_unpaid(db)
    for account in account_store.active(db):
        for sku in PRODUCTS:
            pid = str(db.scalar("SELECT id FROM products WHERE sku = ?", (sku,)))
            found[(account.channel, sku)] = push_quantity(stock_store.on_hand(db, pid), reserved.get(pid, 0),
                                                          account.buffer_units, account.buffer_percent)
    return found


def _ok_but_tiktok_sold_out(summary: RoundSummary, accounts: dict[str, str]) -> bool:
    """Every shop synced, except that TikTok Shop refused a sold-out SKU's 0: its stock range is [1, 99,999]
    (issue 14; connectors/tiktok/contracts.py), so the owner is told to deactivate the product instead."""
    for result in summary.accounts:
        if result.account_id == accounts["tiktok"] and result.problem is not None:
            if "not 0" not in result.problem.detail:
                return False
        elif not result.ok:
            return False
    return True


def test_offline_counter_and_online_orders_meet_in_one_round(db: Database, data_dir: Path,
                                                             market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    ids = setup_shop(db, url, listed_stock=0)
    accounts = account_ids(db)
    set_options(db, accounts["lazada"], buffer_units=2, buffer_percent=0, poll_seconds=60)
    sync = engine(db_path(data_dir), url)

    first = sync.sync_once()
    assert first.ok, first
    assert first.pending_changes == 0
    assert platform_stock(url) == _expected_online(db)
    assert platform_stock(url)[("lazada", "SC-KOPI")] == 18  # 20 less the buffer of 2

    # Offline: the counter keeps selling, buyers keep ordering from what the platforms last showed.
    _sell(db, ids["SC-KOPI"], 3)
    _sell(db, ids["SC-GULA"], 4)            # 1 gula left here; each platform still shows 5 (lazada 3)
    placed = {"shopee": [_order(url, "shopee", "SC-KOPI", 2), _order(url, "shopee", "SC-GULA", 2)],
              "tiktok": [_order(url, "tiktok", "SC-TEH", 1), _order(url, "tiktok", "SC-GULA", 2),
                         _order(url, "tiktok", "SC-KOPI", 1, paid=False)],
              "lazada": [_order(url, "lazada", "SC-TEH", 4), _order(url, "lazada", "SC-GULA", 1)]}
    admin(url, "/orders/cancel", {"platform": "lazada", "order": placed["lazada"][0]})
    # Lazada's update_before is whole seconds and exclusive: an order of this very second comes with the next
    # (overlapping) window. Reconnecting a second later is what happens in life.
    time.sleep(1.05)

    back = sync.sync_once()
    assert _ok_but_tiktok_sold_out(back, accounts), back
    by_id = {a.account_id: a for a in back.accounts}
    assert {ch: by_id[accounts[ch]].orders_new for ch in PLATFORMS} == {ch: len(placed[ch]) for ch in PLATFORMS}
    for channel in PLATFORMS:
        rows = order_store.listing(db, channel=channel)
        assert sorted(r.platform_order_id for r in rows) == sorted(placed[channel])
    assert stock_store.verify_levels(db) == []
    # kopi 20 − 3 counter − 2 shopee (the unpaid TikTok order only reserves); teh 10 − 1 (lazada's 4 cancelled);
    # gula 5 − 4 counter − 2 − 2 − 1 = −4: oversold.
    assert {sku: stock_store.on_hand(db, pid) for sku, pid in ids.items()} == {
        "SC-KOPI": 15, "SC-TEH": 9, "SC-GULA": -4}
    oversold = sync_state.incidents(db)
    assert oversold and {i.product_id for i in oversold} == {ids["SC-GULA"]}
    assert {i.channel for i in oversold} == {"shopee", "tiktok"}  # lazada's order still fitted
    online = platform_stock(url)
    expected = _expected_online(db)
    assert {k: v for k, v in online.items() if k != ("tiktok", "SC-GULA")} == {
        k: v for k, v in expected.items() if k != ("tiktok", "SC-GULA")}
    assert online[("tiktok", "SC-KOPI")] == 14 and online[("lazada", "SC-KOPI")] == 12
    assert all(online[(p, "SC-GULA")] == 0 for p in PLATFORMS if p != "tiktok")
    assert online[("tiktok", "SC-GULA")] > 0  # TikTok cannot be told 0: its refusal is kept on the listing

    again = sync.sync_once()
    assert _ok_but_tiktok_sold_out(again, accounts) and all(a.orders_new == 0 for a in again.accounts)
    assert db.scalar("SELECT COUNT(*) FROM online_orders") == sum(len(v) for v in placed.values())
    assert stock_store.verify_levels(db) == []
    for channel, account in accounts.items():
        if channel != "tiktok":
            assert sync_state.status(db, account).problem_kind is None
