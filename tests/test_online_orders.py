"""Online orders become ledger movements exactly once; cancellations return stock; oversells are recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.domain.marketplace import Order, OrderLine, OrderStatus
from companion.domain.product import ProductInput
from companion.services.accounts import link_practice_accounts
from companion.services.online_orders import apply_orders
from companion.services.online_stock import plan_pushes
from companion.services.products import add_product
from companion.store import stock as stock_store
from companion.store import sync_state
from companion.store.database import Database

T0 = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)


def _order(status: OrderStatus, qty: int, minutes: int = 0, sku: str = "KOPI-250") -> Order:
    return Order("shopee", "2611280001", status.name, status, T0, T0 + timedelta(minutes=minutes),
                 T0 + timedelta(days=2), "budi", (OrderLine("1:0", "100", "0", sku, "Kopi", qty, 35_000),))


def _account(db: Database) -> str:
    ids, _ = link_practice_accounts(db, {"shopee": ShopeeCredentials(1, "k", 2, base_url="http://127.0.0.1:1")})
    return ids[0]


def test_paid_order_once_then_cancel_returns_stock(db: Database) -> None:
    pid, _ = add_product(db, ProductInput(sku="kopi-250", name="Kopi", sell_price=35_000), 10)
    account = _account(db)
    first = apply_orders(db, account, [_order(OrderStatus.PAID, 3)], cursor=("orders", "c1"))
    again = apply_orders(db, account, [_order(OrderStatus.PAID, 3)])
    assert (first.new, again.unchanged) == (1, 1)
    assert stock_store.on_hand(db, pid) == 7
    assert sync_state.cursor(db, account, "orders") == "c1"
    apply_orders(db, account, [_order(OrderStatus.CANCELLED, 3, minutes=5)])
    apply_orders(db, account, [_order(OrderStatus.CANCELLED, 3, minutes=5)])
    assert stock_store.on_hand(db, pid) == 10
    assert stock_store.verify_levels(db) == []


def test_oversell_is_recorded_not_clamped(db: Database) -> None:
    pid, _ = add_product(db, ProductInput(sku="KOPI-250", name="Kopi", sell_price=35_000), 2)
    account = _account(db)
    result = apply_orders(db, account, [_order(OrderStatus.PAID, 5)])
    assert result.incidents == 1
    assert stock_store.on_hand(db, pid) == -3
    [incident] = sync_state.incidents(db)
    assert incident.shortfall == 3 and incident.on_hand_after == -3


def test_unmapped_listing_never_moves_stock(db: Database) -> None:
    pid, _ = add_product(db, ProductInput(sku="KOPI-250", name="Kopi", sell_price=35_000), 10)
    account = _account(db)
    apply_orders(db, account, [_order(OrderStatus.PAID, 1, sku="UNKNOWN")])
    assert stock_store.on_hand(db, pid) == 10
    assert plan_pushes(db, account) == []


def test_one_line_per_unit_adds_up_the_shortfall(db: Database) -> None:
    """TikTok and Lazada send one order line per unit: a 3-unit oversell is one incident of 3."""
    add_product(db, ProductInput(sku="KOPI-250", name="Kopi", sell_price=35_000), 0)
    account = _account(db)
    lines = tuple(OrderLine(f"L{n}", "100", "0", "KOPI-250", "Kopi", 1, 35_000) for n in range(3))
    order = Order("shopee", "X1", "PAID", OrderStatus.PAID, T0, T0, None, "sari", lines)
    assert apply_orders(db, account, [order]).incidents == 1
    [incident] = sync_state.incidents(db)
    assert incident.shortfall == 3 and incident.on_hand_after == -3


def test_a_listing_known_only_from_an_order_is_not_pushed_until_the_platform_lists_it(db: Database) -> None:
    """Its ids came from an order line (or a file): pushing to ids the platform may not have would fail for ever."""
    from companion.domain.marketplace import Listing
    from companion.services.mapping import store_listings

    add_product(db, ProductInput(sku="KOPI-250", name="Kopi", sell_price=35_000), 10)
    account = _account(db)
    apply_orders(db, account, [_order(OrderStatus.PAID, 1)])
    assert plan_pushes(db, account) == []
    store_listings(db, account, [Listing("100", "0", "KOPI-250", "Kopi", "", 10)])
    [plan] = plan_pushes(db, account)
    assert plan.quantity == 9


def _real_shop(db: Database, name: str) -> str:
    from companion.services.accounts import link_account

    account_id, _ = link_account(db, name, ShopeeCredentials(1, "k", 77, base_url="http://127.0.0.1:1"))
    return account_id


def test_a_shop_linked_again_after_a_move_does_not_count_its_orders_twice(db: Database) -> None:
    """After a restore on a new laptop the keys stay behind; linking the shop again makes a new account row, and
    its first pull looks back 3 days: the orders already recorded are the same orders, updated where they are."""
    from companion.services.accounts import unlink_account
    from companion.store import online_orders as order_store

    pid, _ = add_product(db, ProductInput(sku="KOPI-250", name="Kopi", sell_price=35_000), 10)
    old = _real_shop(db, "Toko Berkah – Shopee")
    apply_orders(db, old, [_order(OrderStatus.PAID, 3)])
    unlink_account(db, old)
    new = _real_shop(db, "Toko Berkah – Shopee")
    again = apply_orders(db, new, [_order(OrderStatus.PAID, 3)])
    assert (again.new, again.unchanged) == (0, 1)
    assert stock_store.on_hand(db, pid) == 7
    assert order_store.by_platform_id(db, new, "2611280001") is None
    apply_orders(db, new, [_order(OrderStatus.CANCELLED, 3, minutes=5)])
    assert stock_store.on_hand(db, pid) == 10
    assert order_store.by_platform_id(db, old, "2611280001").status == OrderStatus.CANCELLED.value
    assert stock_store.verify_levels(db) == []


def test_a_practice_shop_never_takes_over_a_real_shops_order(db: Database) -> None:
    pid, _ = add_product(db, ProductInput(sku="KOPI-250", name="Kopi", sell_price=35_000), 10)
    real = _real_shop(db, "Toko Berkah – Shopee")
    apply_orders(db, real, [_order(OrderStatus.PAID, 3)])
    practice = _account(db)
    assert apply_orders(db, practice, [_order(OrderStatus.PAID, 2)]).new == 1
    assert stock_store.on_hand(db, pid) == 5
