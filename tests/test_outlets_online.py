"""Outlets and the marketplaces (issue 20): the stock pushed from the total or from chosen outlets, online orders
taking from one outlet, ids made from outside facts (the same on every laptop), and dedupe keys keyed to the
platform's shop id while the keys written the old way (the local account id) are still recognised."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.domain.hub_tables import MAIN_OUTLET
from companion.domain.ids import fact_id, new_id
from companion.domain.ledger import MovementKind
from companion.domain.marketplace import Listing, Order, OrderLine, OrderStatus
from companion.domain.product import ProductInput
from companion.domain.settings_keys import MARKETPLACE_OUTLETS, outlet_ids
from companion.services.accounts import link_account
from companion.services.mapping import store_listings
from companion.services.online_orders import apply_orders, settle_order_stock
from companion.services.online_stock import plan_pushes
from companion.services.outlets import add_outlet, archive_outlet, transfer_stock
from companion.services.products import add_product
from companion.store import online_orders as order_store
from companion.store import outlet_stock
from companion.store import settings as settings_store
from companion.store import stock as stock_store
from companion.store.database import Database, open_database

T0 = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
UUID_TEXT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _order(status: OrderStatus, qty: int, minutes: int = 0, order_id: str = "2611280001") -> Order:
    return Order("shopee", order_id, status.name, status, T0, T0 + timedelta(minutes=minutes),
                 T0 + timedelta(days=2), "budi", (OrderLine("1:0", "100", "0", "KOPI", "Kopi", qty, 35_000),))


def _shop(db: Database, name: str = "Toko Kopi", shop_id: int = 77) -> str:
    """A real linked shop whose listing of KOPI (item 100, model 0) is read from the platform and mapped."""
    account, _ = link_account(db, name, ShopeeCredentials(1, "k", shop_id, base_url="http://127.0.0.1:1"))
    store_listings(db, account, [Listing("100", "0", "KOPI", "Kopi", "", 0)])
    return account


def _choose(db: Database, outlets: list[str]) -> None:
    with db.write():
        settings_store.put(db, MARKETPLACE_OUTLETS, ",".join(outlets))


def _pushed(db: Database, account: str) -> int:
    [plan] = plan_pushes(db, account, only_different=False)
    return plan.quantity


def test_fact_ids_are_stable_distinct_and_look_like_our_ids() -> None:
    assert fact_id("shopee:77:2611280001:1:0:order") == fact_id("shopee:77:2611280001:1:0:order")
    assert len({fact_id(f"key-{n}") for n in range(1000)}) == 1000
    assert fact_id("a") != fact_id("A") != fact_id("a ")
    assert UUID_TEXT.match(fact_id("x")) and UUID_TEXT.match(new_id())
    assert fact_id("shopee:77:2611280001:1:0:order") == "668a1ac5-2d78-5f47-9433-fc925f7abb39"  # never changes


def test_the_marketplaces_get_the_total_or_the_chosen_outlets(db: Database) -> None:
    pid, _ = add_product(db, ProductInput(sku="KOPI", name="Kopi", sell_price=35_000), 20)
    account = _shop(db)
    apply_orders(db, account, [_order(OrderStatus.UNPAID, 1)])  # reserves 1
    pasar, _ = add_outlet(db, "Cabang Pasar")
    gudang, _ = add_outlet(db, "Gudang")
    transfer_stock(db, MAIN_OUTLET, pasar, [(pid, 5)])
    transfer_stock(db, MAIN_OUTLET, gudang, [(pid, 8)])
    assert _pushed(db, account) == 19  # every outlet: 20 less the unpaid order's 1
    _choose(db, [gudang])
    assert _pushed(db, account) == 7
    _choose(db, [pasar, gudang])
    assert _pushed(db, account) == 12
    _choose(db, [pasar, "an-outlet-not-here-yet"])
    assert _pushed(db, account) == 4
    assert outlet_stock.marketplace_levels(db, [pid]) == {pid: 5}
    _choose(db, [])
    assert outlet_stock.marketplace_levels(db, [pid]) == {pid: 20}
    assert outlet_ids(" a, b,,a ,c") == ["a", "b", "c"] and outlet_ids("") == []


def test_online_orders_take_from_the_first_marketplace_outlet(db: Database) -> None:
    pid, _ = add_product(db, ProductInput(sku="KOPI", name="Kopi", sell_price=35_000), 20)
    account = _shop(db)
    pasar, _ = add_outlet(db, "Cabang Pasar")
    transfer_stock(db, MAIN_OUTLET, pasar, [(pid, 6)])
    apply_orders(db, account, [_order(OrderStatus.PAID, 2, order_id="A")])
    assert stock_store.outlet_levels(db, pid) == {MAIN_OUTLET: 12, pasar: 6}  # nothing chosen: the main outlet
    _choose(db, [pasar])
    apply_orders(db, account, [_order(OrderStatus.PAID, 3, order_id="B")])
    assert stock_store.outlet_levels(db, pid) == {MAIN_OUTLET: 12, pasar: 3}
    assert _pushed(db, account) == 3  # what the marketplace is told went down with the order
    transfer_stock(db, pasar, MAIN_OUTLET, [(pid, 3)])
    archive_outlet(db, pasar)
    apply_orders(db, account, [_order(OrderStatus.PAID, 1, order_id="C")])  # an archived choice: the main one
    assert stock_store.outlet_levels(db, pid) == {MAIN_OUTLET: 14, pasar: 0}
    assert stock_store.verify_levels(db) == []


def test_the_same_order_on_two_laptops_has_the_same_ids(tmp_path: Path) -> None:
    """Two laptops that linked the same shop (two account rows) pull the same order: one order row, one line
    row and one movement by id, so the hub's union keeps one of each."""
    rows = []
    for name in ("a", "b"):
        db = open_database(tmp_path / f"{name}.sqlite3")
        try:
            add_product(db, ProductInput(sku="KOPI", name="Kopi", sell_price=35_000), 20)
            account = _shop(db, f"Toko di laptop {name}")
            apply_orders(db, account, [_order(OrderStatus.PAID, 2)])
            order = db.one("SELECT id, account_id FROM online_orders")
            assert order is not None
            line = db.scalar("SELECT id FROM online_order_lines")
            movement = db.one("SELECT id, dedupe_key FROM stock_movements WHERE kind = 'online_order'")
            assert movement is not None
            rows.append((order["id"], line, movement["id"], movement["dedupe_key"], order["account_id"]))
        finally:
            db.close()
    (order_a, line_a, move_a, key_a, account_a), (order_b, line_b, move_b, key_b, account_b) = rows
    assert account_a != account_b
    assert (order_a, line_a, move_a, key_a) == (order_b, line_b, move_b, key_b)
    assert key_a == "shopee:77:2611280001:1:0:order" and move_a == fact_id(key_a)
    assert order_a == fact_id("online_order:shopee:77:2611280001")


def test_keys_written_the_old_way_are_still_recognised(db: Database) -> None:
    """Orders taken before issue 20 have keys with the local account id: a later copy of the order takes
    nothing again, and its cancellation (a new key) puts the units back once."""
    pid, _ = add_product(db, ProductInput(sku="KOPI", name="Kopi", sell_price=35_000), 20)
    account = _shop(db)
    apply_orders(db, account, [_order(OrderStatus.UNPAID, 2)])
    order = order_store.by_platform_ids(db, account, {"2611280001"})["2611280001"]
    old_key = f"shopee:{account}:2611280001:1:0:order"
    with db.write():  # what the app wrote for a paid order before: the account id in the key
        stock_store.add_movement(db, pid, MovementKind.ONLINE_ORDER, -2, reference=f"order:{order.id}",
                                 dedupe_key=old_key)
        db.execute("UPDATE online_orders SET status = 'paid', status_raw = 'PAID' WHERE id = ?", (order.id,))
    apply_orders(db, account, [_order(OrderStatus.PAID, 2, minutes=1)])
    apply_orders(db, account, [_order(OrderStatus.SHIPPED, 2, minutes=2)])
    with db.write():
        settle_order_stock(db, order.id)
    assert stock_store.on_hand(db, pid) == 18
    assert db.scalar("SELECT COUNT(*) FROM stock_movements WHERE kind = 'online_order'") == 1
    apply_orders(db, account, [_order(OrderStatus.CANCELLED, 2, minutes=3)])
    apply_orders(db, account, [_order(OrderStatus.CANCELLED, 2, minutes=4)])
    with db.write():
        settle_order_stock(db, order.id)
    assert stock_store.on_hand(db, pid) == 20
    keys = [r[0] for r in db.query("SELECT dedupe_key FROM stock_movements WHERE kind LIKE 'online_%' ORDER BY seq")]
    assert keys == [old_key, "shopee:77:2611280001:1:0:cancel"]
    assert stock_store.verify_levels(db) == []


def test_settling_one_order_recognises_old_keys_too(db: Database) -> None:
    """The mapping path (a listing mapped after its orders arrived) settles one order by itself."""
    pid, _ = add_product(db, ProductInput(sku="KOPI", name="Kopi", sell_price=35_000), 20)
    account = _shop(db)
    apply_orders(db, account, [_order(OrderStatus.PAID, 2)])
    order = order_store.by_platform_ids(db, account, {"2611280001"})["2611280001"]
    with db.write():  # settled again: its new key is recorded
        assert settle_order_stock(db, order.id) == (set(), 0)
    assert stock_store.on_hand(db, pid) == 18
    fresh, _ = add_product(db, ProductInput(sku="TEH", name="Teh", sell_price=5_000), 10)
    with db.write():  # an order stored and taken before issue 20: its key names the account
        stock_store.add_movement(db, fresh, MovementKind.ONLINE_ORDER, -1,
                                 dedupe_key=f"shopee:{account}:2611280009:1:0:order")
        db.execute("INSERT INTO online_orders (id, account_id, channel, platform_order_id, status, status_raw,"
                   " created_at, updated_at, buyer_name, total, stock_taken, imported_at) VALUES ('o9', ?, 'shopee',"
                   " '2611280009', 'paid', 'PAID', 't', 't', 'b', 0, 1, 't')", (account,))
        db.execute("INSERT INTO online_order_lines (id, order_id, line_id, item_id, sku_id, seller_sku, name,"
                   " quantity, unit_price, product_id) VALUES ('l9', 'o9', '1:0', '9', '0', 'TEH', 'Teh', 1, 5000, ?)",
                   (fresh,))
        moved, _incidents = settle_order_stock(db, "o9")
    assert moved == set() and stock_store.on_hand(db, fresh) == 9
