"""Issue 14's "Must show" for Shopee, through the sync engine against practice shops that have what makes the real
Shopee refuse things: an item in a promotion, an item in several warehouses, a partly cancelled order. The ledger
and the practice marketplace's own numbers are both checked, and every exchange keeps its contract."""

from __future__ import annotations

import time
from pathlib import Path

from sync_child import PRODUCTS, admin, engine, market_credentials
from test_contracts_shopee import Wire, assert_keeps_contract

from companion.connectors.shopee import practice_shop as practice
from companion.domain.sale import LineInput, PaymentMethod
from companion.practice.server import PracticeMarketplace
from companion.services.accounts import link_practice_accounts
from companion.services.products import ProductInput, add_product
from companion.services.sales import record_sale
from companion.store import accounts as account_store
from companion.store import online_orders as order_store
from companion.store import stock as stock_store
from companion.store.database import Database
from companion.store.location import db_path


def shopee_shop(db: Database, market: PracticeMarketplace) -> dict[str, str]:
    """Local products listed on the practice Shopee only, with the same stock; the practice Shopee shop linked."""
    url = market.base_urls["admin"]
    ids: dict[str, str] = {}
    for sku, (name, stock, price) in PRODUCTS.items():
        ids[sku], _ = add_product(db, ProductInput(sku=sku, name=name, sell_price=price), stock)
        admin(url, "/listings", {"platform": "shopee", "name": name, "seller_sku": sku, "price": price,
                                 "stock": stock})
    link_practice_accounts(db, {"shopee": market_credentials(url)["shopee"]})
    return ids


def listing(market: PracticeMarketplace, sku: str) -> dict[str, int | str]:
    return market.state.listing_by_sku("shopee", sku)


def shown(market: PracticeMarketplace, sku: str) -> int:
    return int(listing(market, sku)["stock"])


def sell(db: Database, product_id: str, quantity: int) -> None:
    record_sale(db, [LineInput(product_id, quantity, 1_000)], PaymentMethod.CASH)


def test_an_item_in_promotion_refuses_its_push_and_the_rest_goes_through(db: Database, data_dir: Path,
                                                                         market: PracticeMarketplace) -> None:
    wire = Wire(market)
    ids = shopee_shop(db, market)
    kopi = listing(market, "SC-KOPI")
    practice.reserve_for_promotion(market.state, int(kopi["id"]), 15)  # 15 of its 20 held for a flash sale
    sync = engine(db_path(data_dir), market.base_urls["admin"])
    assert sync.sync_once().ok

    sell(db, ids["SC-KOPI"], 10)  # 10 left here: under what the promotion holds
    sell(db, ids["SC-TEH"], 3)
    summary = sync.sync_once()

    [result] = summary.accounts
    assert result.problem is not None and result.problem.kind == "permanent"  # the item's refusal, not the token's
    assert "Total stock must be more than reserved stock." in result.problem.detail
    assert shown(market, "SC-KOPI") == 20 and stock_store.on_hand(db, ids["SC-KOPI"]) == 10
    assert shown(market, "SC-TEH") == 7 == stock_store.on_hand(db, ids["SC-TEH"])  # the others went through
    [account] = account_store.active(db)
    assert account.channel == "shopee"  # still linked: no refresh, no re-link asked
    assert not any(x.path == "/api/v2/auth/access_token/get" for x in wire.exchanges)

    # Orders keep coming in on the next round, and the promotion's end lets the number through.
    ref = admin(market.base_urls["admin"], "/orders", {"platform": "shopee", "paid": True,
                                                       "lines": [{"seller_sku": "SC-GULA", "quantity": 2}]})["ref"]
    practice.reserve_for_promotion(market.state, int(kopi["id"]), 0)
    time.sleep(1.05)  # the refused change is due again after its (short, whole-second stamped) backoff
    again = sync.sync_once()
    assert again.ok, again
    assert order_store.by_platform_id(db, account.id, ref) is not None
    assert shown(market, "SC-KOPI") == 10 == stock_store.on_hand(db, ids["SC-KOPI"])
    assert stock_store.on_hand(db, ids["SC-GULA"]) == 3 == shown(market, "SC-GULA")
    assert_keeps_contract(wire.exchanges)


def test_a_multi_warehouse_item_gets_its_total_across_every_location(db: Database, data_dir: Path,
                                                                     market: PracticeMarketplace) -> None:
    wire = Wire(market)
    ids = shopee_shop(db, market)
    teh = listing(market, "SC-TEH")
    practice.add_warehouse(market.state, int(teh["id"]), "IDW2", 4)  # 10 at IDZ + 4 at a second warehouse
    assert shown(market, "SC-TEH") == 14
    sync = engine(db_path(data_dir), market.base_urls["admin"])

    assert sync.sync_once().ok  # the first round's full check: Shopee shows 14, the shop has 10
    assert practice.warehouses(market.state, listing(market, "SC-TEH")) == {"IDZ": 6, "IDW2": 4}
    sell(db, ids["SC-TEH"], 8)
    assert sync.sync_once().ok
    assert practice.warehouses(market.state, listing(market, "SC-TEH")) == {"IDZ": 0, "IDW2": 2}
    assert shown(market, "SC-TEH") == 2 == stock_store.on_hand(db, ids["SC-TEH"])
    pushes = [x for x in wire.exchanges if x.path == "/api/v2/product/update_stock"
              and x.body["item_id"] == int(teh["item_id"])]
    assert all({s.get("location_id") for s in x.body["stock_list"][0]["seller_stock"]} == {"IDZ", "IDW2"}
               for x in pushes)
    assert_keeps_contract(wire.exchanges)


def test_a_partial_cancellation_gives_back_exactly_the_cancelled_units(db: Database, data_dir: Path,
                                                                       market: PracticeMarketplace) -> None:
    wire = Wire(market)
    ids = shopee_shop(db, market)
    sync = engine(db_path(data_dir), market.base_urls["admin"])
    assert sync.sync_once().ok
    order = admin(market.base_urls["admin"], "/orders", {"platform": "shopee", "paid": True, "lines": [
        {"seller_sku": "SC-KOPI", "quantity": 3}, {"seller_sku": "SC-TEH", "quantity": 2}]})
    assert sync.sync_once().ok
    kopi_before, teh_before = stock_store.on_hand(db, ids["SC-KOPI"]), stock_store.on_hand(db, ids["SC-TEH"])
    assert (kopi_before, teh_before) == (17, 8)

    kopi_line = next(li for li in market.state.order("shopee", order["ref"])["lines"] if li["seller_sku"] == "SC-KOPI")
    time.sleep(1.05)  # a later update_time (whole seconds), as Shopee gives a changed order
    practice.cancel_line(market.state, order["ref"], int(kopi_line["id"]), 1)
    assert sync.sync_once().ok

    assert stock_store.on_hand(db, ids["SC-KOPI"]) == kopi_before + 1  # exactly the cancelled unit back
    assert stock_store.on_hand(db, ids["SC-TEH"]) == teh_before       # the other line untouched
    assert shown(market, "SC-KOPI") == 18 and shown(market, "SC-TEH") == 8
    detail = wire.last("/api/v2/order/get_order_detail").answer["response"]["order_list"][0]["item_list"]
    assert {(x["model_sku"] or x["item_sku"], x["cancelled_qty"], x["active_qty"]) for x in detail} == {
        ("SC-KOPI", 1, 2), ("SC-TEH", 0, 2)}
    assert_keeps_contract(wire.exchanges)
