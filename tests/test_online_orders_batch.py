"""A page of orders is stored in bulk (reads up front, one statement per table) with exactly the outcome of the
old one-order-at-a-time path, kept here as the reference: same orders, lines, events, listings, ledger, cached
levels, incidents and stock pushes, for repeated pages, status changes back and forth, late (older) copies,
unmapped lines, orders stored under a file-import or an earlier real account, oversells, and lines whose cancelled
units rise (only live units are taken; a rise gives back just the new ones)."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.domain.availability import takes_stock
from companion.domain.clock import stamp
from companion.domain.ids import new_id
from companion.domain.ledger import MovementKind
from companion.domain.marketplace import Order, OrderLine, OrderStatus
from companion.domain.product import ProductInput
from companion.services.accounts import link_account, link_practice_accounts
from companion.services.mapping import auto_map
from companion.services.online_orders import OrdersApplied, apply_orders, shop_key
from companion.services.products import add_product
from companion.services.stock_push import queue_stock_push
from companion.store import accounts as account_store
from companion.store import listings as listing_store
from companion.store import online_orders as order_store
from companion.store import stock as stock_store
from companion.store import sync_state
from companion.store.accounts import FILE_SHOP_REF
from companion.store.database import Database, open_database

T0 = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
STATUS_RAW = {OrderStatus.UNPAID: "UNPAID", OrderStatus.PAID: "READY_TO_SHIP", OrderStatus.SHIPPED: "SHIPPED",
              OrderStatus.COMPLETED: "COMPLETED", OrderStatus.CANCELLED: "CANCELLED"}
SKUS = ("S1", "S2", "S3", "UNKNOWN")  # S3 has no stock at all; UNKNOWN maps to no product


# --- the reference: apply_orders as it was, one order (and one statement) at a time -----------------------------

def reference_apply(db: Database, account_id: str, orders: Sequence[Order]) -> tuple[int, int, int, int]:
    counts = {"new": 0, "updated": 0, "unchanged": 0, "incidents": 0}
    products: set[str] = set()
    now = stamp()
    with db.write():
        account = account_store.get(db, account_id)
        assert account is not None
        for order in orders:
            outcome, order_id, before = _ref_store(db, account, order, now)
            counts[outcome] += 1
            if outcome != "unchanged":
                moved, incidents = _ref_settle(db, order_id, before)
                products |= moved
                counts["incidents"] += incidents
        if products:
            queue_stock_push(db, products, f"orders:{account_id}:{new_id()}")
    return counts["new"], counts["updated"], counts["unchanged"], counts["incidents"]


def _ts(moment: datetime | None) -> str | None:
    return stamp(moment.astimezone(UTC)) if moment else None


def _ref_store(db: Database, account: account_store.AccountRow, order: Order,
               now: str) -> tuple[str, str, dict[str, int]]:
    """Store or update one order; with each stored line's cancelled units before this copy (their rises stored)."""
    existing = order_store.by_platform_id(db, account.id, order.order_id) or (
        order_store.from_other_real_account(db, account.id, order.channel, order.order_id)
        if not account.practice else order_store.from_file_import(db, order.channel, order.order_id))
    updated_at = _ts(order.updated_at) or now
    if existing is not None:
        stored = order_store.lines(db, existing.id)
        before = {line.line_id: line.cancelled_quantity for line in stored}
        told = {line.line_id: line.cancelled_quantity for line in order.lines}
        rises = [(min(told.get(line.line_id, 0), line.quantity), line.id) for line in stored
                 if min(told.get(line.line_id, 0), line.quantity) > line.cancelled_quantity]
        if existing.status_raw == order.status_raw and existing.updated_at >= updated_at and not rises:
            return "unchanged", existing.id, before
        if existing.updated_at > updated_at:
            return "unchanged", existing.id, before
        order_store.update_status(db, existing.id, order.status.value, order.status_raw, updated_at,
                                  _ts(order.ship_by))
        order_store.set_cancelled_many(db, rises)
        return "updated", existing.id, before
    order_id = new_id()
    order_store.insert(db, {
        "id": order_id, "account_id": account.id, "channel": order.channel,
        "platform_order_id": order.order_id, "status": order.status.value, "status_raw": order.status_raw,
        "created_at": _ts(order.created_at) or now, "updated_at": updated_at, "ship_by": _ts(order.ship_by),
        "buyer_name": order.buyer_name, "total": sum(line.live_quantity * line.unit_price for line in order.lines),
        "imported_at": now,
    })
    order_store.add_event(db, order_id, order.status.value, order.status_raw, updated_at)
    for line in order.lines:
        listing = listing_store.by_ref(db, account.id, line.item_id, line.sku_id)
        if listing is None:
            product_id = auto_map(db, listing_store.upsert(db, account.id, line.item_id, line.sku_id,
                                                           line.seller_sku, line.name, "", None, now))
        else:
            product_id = listing.product_id
        order_store.insert_line(db, {
            "id": new_id(), "order_id": order_id, "line_id": line.line_id, "item_id": line.item_id,
            "sku_id": line.sku_id, "seller_sku": line.seller_sku, "name": line.name, "quantity": line.quantity,
            "unit_price": line.unit_price, "product_id": product_id,
            "cancelled_quantity": min(line.cancelled_quantity, line.quantity)})
    return "new", order_id, {}


def _ref_settle(db: Database, order_id: str, before: dict[str, int]) -> tuple[set[str], int]:
    order = order_store.get(db, order_id)
    assert order is not None
    moved: set[str] = set()
    incidents = 0
    for line in order_store.lines(db, order_id):
        if line.product_id is None:
            continue
        account = account_store.get(db, order.account_id)
        assert account is not None  # keys name the platform's shop since issue 20 (the account id before)
        base = f"{order.channel}:{shop_key(account)}:{order.platform_order_id}:{line.line_id}"
        taken = stock_store.has_dedupe_key(db, f"{base}:order")
        returned = stock_store.has_dedupe_key(db, f"{base}:cancel")
        rise = line.cancelled_quantity - before.get(line.line_id, line.cancelled_quantity)
        if rise > 0 and taken and not returned:
            stock_store.add_movement(db, line.product_id, MovementKind.ONLINE_CANCEL, rise,
                                     reference=f"order:{order_id}",
                                     dedupe_key=f"{base}:cancel:{line.cancelled_quantity}")
            moved.add(line.product_id)
        live = line.quantity - line.cancelled_quantity
        if live > 0 and takes_stock(order.status) and not taken:
            level = stock_store.add_movement(db, line.product_id, MovementKind.ONLINE_ORDER, -live,
                                             reference=f"order:{order_id}", dedupe_key=f"{base}:order")
            moved.add(line.product_id)
            if level is not None and level < 0 and sync_state.add_incident(
                    db, line.product_id, order_id, min(live, -level), level, stamp()):
                incidents += 1
        elif live > 0 and order.status == OrderStatus.CANCELLED.value and taken and stock_store.add_movement(
                db, line.product_id, MovementKind.ONLINE_CANCEL, live,
                reference=f"order:{order_id}", dedupe_key=f"{base}:cancel") is not None:
            moved.add(line.product_id)
    order_store.set_stock_taken(db, order_id, takes_stock(order.status))
    return moved, incidents


# --- the shop every example starts from ---------------------------------------------------------------------------

_TEMPLATES: dict[Path, tuple[Path, dict[str, str]]] = {}  # per test folder: the file and its account ids
ACCOUNTS = ("practice", "real", "file")


def _template(folder: Path) -> Path:
    """Products S1–S3, a file-import account, an earlier real account, a practice and a new real account, and
    a few orders already stored under the file-import and earlier accounts (ids F*, O*)."""
    if folder in _TEMPLATES:
        return _TEMPLATES[folder][0]
    path = folder / "template.sqlite3"
    db = open_database(path)
    for sku, stock in (("S1", 4), ("S2", 1), ("S3", 0)):
        add_product(db, ProductInput(sku=sku, name=f"Barang {sku}", sell_price=10_000), stock)
    credentials = ShopeeCredentials(1, "k", 77, base_url="http://127.0.0.1:1")
    with db.write():
        account_store.insert(db, {"id": "file", "channel": "shopee", "name": "Impor file Shopee", "practice": 0,
                                  "shop_ref": FILE_SHOP_REF, "base_url": "", "active": 0, "created_at": stamp()})
    old, _ = link_account(db, "Toko Lama", credentials)
    (practice,), _ = link_practice_accounts(db, {"shopee": ShopeeCredentials(1, "k", 2, base_url="http://x:1")})
    real, _ = link_account(db, "Toko Baru", credentials)
    apply_orders(db, "file", [_order("F1", OrderStatus.PAID, 0, (("1", "S1", 1),))])
    apply_orders(db, old, [_order("O1", OrderStatus.PAID, 0, (("1", "S2", 1), ("2", "UNKNOWN", 1)))])
    db.close()
    _TEMPLATES[folder] = (path, {"practice": practice, "real": real, "file": "file"})
    return path


def _order(pid: str, status: OrderStatus, minutes: int, lines: Sequence[tuple[str, str, int, *tuple[int, ...]]]
           ) -> Order:
    """Lines as (line id, sku, quantity) or (line id, sku, quantity, cancelled units)."""
    return Order("shopee", pid, STATUS_RAW[status], status, T0, T0 + timedelta(minutes=minutes),
                 T0 + timedelta(days=2), "budi",
                 tuple(OrderLine(line_id, f"item-{sku}", f"model-{sku}", sku, f"Barang {sku}", qty, 10_000,
                                 min(cancelled[0], qty) if cancelled else 0)
                       for line_id, sku, qty, *cancelled in lines))


def _account_id(folder: Path, name: str) -> str:
    _template(folder)
    return _TEMPLATES[folder][1][name]


# --- what is compared -----------------------------------------------------------------------------------------------

def state(db: Database) -> dict[str, object]:
    """Everything the two paths write, with the random order ids replaced by (account, platform id)."""
    names = {r["id"]: (r["account_id"], r["platform_order_id"]) for r in db.query("SELECT * FROM online_orders")}
    ref = {f"order:{k}": v for k, v in names.items()}
    return {
        "orders": sorted(tuple(r)[1:12] for r in db.query("SELECT * FROM online_orders")),
        "lines": sorted((names[r["order_id"]], *tuple(r)[2:]) for r in db.query("SELECT * FROM online_order_lines")),
        "events": sorted((names[r["order_id"]], *tuple(r)[1:]) for r in db.query("SELECT * FROM online_order_events")),
        "listings": sorted(tuple(r)[1:11] for r in db.query("SELECT * FROM listings")),
        "ledger": [(r["seq"], r["product_id"], r["kind"], r["quantity"], r["reason"], ref.get(r["reference"]),
                    r["dedupe_key"]) for r in db.query("SELECT * FROM stock_movements ORDER BY seq")],
        "levels": sorted(tuple(r) for r in db.query("SELECT * FROM stock_levels")),
        "incidents": sorted((r["product_id"], names[r["order_id"]], r["shortfall"], r["on_hand_after"])
                            for r in db.query("SELECT * FROM oversell_incidents")),
        "pushes": [r["payload"] for r in db.query("SELECT payload FROM outbox ORDER BY rowid")],
    }


def _counts(applied: OrdersApplied) -> tuple[int, int, int, int]:
    return applied.new, applied.updated, applied.unchanged, applied.incidents


# --- the property -----------------------------------------------------------------------------------------------------

_lines = st.lists(st.tuples(st.sampled_from(("1", "2", "10")), st.sampled_from(SKUS), st.integers(1, 3),
                            st.sampled_from((0, 0, 1, 2, 3))),
                  min_size=1, max_size=3, unique_by=lambda line: line[0])
_orders = st.builds(_order, st.sampled_from(("A1", "A2", "A3", "F1", "O1")),
                    st.sampled_from(tuple(STATUS_RAW)), st.integers(0, 4), _lines)
_pages = st.lists(st.tuples(st.sampled_from(ACCOUNTS), st.lists(_orders, max_size=6)), min_size=1, max_size=6)
_runs = iter(range(10**9))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pages=_pages)
def test_a_page_in_bulk_leaves_what_one_order_at_a_time_left(tmp_path: Path,
                                                             pages: list[tuple[str, list[Order]]]) -> None:
    """After every page (the last one twice), the bulk path's record equals the reference's; applying each order
    as a page of its own leaves the same too (only the stock-push entries differ: one per page)."""
    run = next(_runs)
    ref, bulk, single = (_copy(tmp_path, f"{name}-{run}") for name in ("reference", "bulk", "single"))
    try:
        for account, orders in [*pages, pages[-1]]:
            account_id = _account_id(tmp_path, account)
            assert _counts(apply_orders(bulk, account_id, orders)) == reference_apply(ref, account_id, orders)
            for order in orders:
                apply_orders(single, account_id, [order])
            assert state(bulk) == state(ref)
        bulk_state, single_state = state(bulk), state(single)
        bulk_state.pop("pushes"), single_state.pop("pushes")
        assert bulk_state == single_state
        assert stock_store.verify_levels(bulk) == []
    finally:
        for db in (ref, bulk, single):
            db.close()


def _copy(folder: Path, name: str) -> Database:
    path = folder / f"{name}.sqlite3"
    shutil.copy(_template(folder), path)
    return open_database(path)


def test_the_same_page_twice_changes_nothing(tmp_path: Path) -> None:
    """A new order with an oversell, a file-imported order cancelled, a cancel and a pay again in one page."""
    db = _copy(tmp_path, "again")
    practice = _account_id(tmp_path, "practice")
    page = [_order("A1", OrderStatus.PAID, 1, (("1", "S1", 2), ("2", "S3", 1))),
            _order("F1", OrderStatus.CANCELLED, 2, (("1", "S1", 1),)),
            _order("A1", OrderStatus.CANCELLED, 3, (("1", "S1", 2),)),
            _order("A1", OrderStatus.PAID, 4, (("1", "S1", 2),))]
    try:
        assert _counts(apply_orders(db, practice, page)) == (1, 3, 0, 1)
        after = state(db)
        assert _counts(apply_orders(db, practice, page)) == (0, 0, 4, 0)
        assert state(db) == after
        s1 = str(db.scalar("SELECT id FROM products WHERE sku = 'S1'"))
        assert stock_store.on_hand(db, s1) == 4  # F1's unit came back; A1's two were taken once and returned once
        assert [i.shortfall for i in sync_state.incidents(db)] == [1]
        assert order_store.by_platform_id(db, practice, "F1") is None  # updated under the file-import account
    finally:
        db.close()


def test_writing_in_bulk_outside_a_transaction_is_refused(db: Database) -> None:
    with pytest.raises(RuntimeError):
        stock_store.add_movements(db, [stock_store.NewMovement("p", MovementKind.ADJUSTMENT, 1)], stamp())
    with pytest.raises(RuntimeError):
        order_store.add_events_many(db, [("o", "paid", "PAID", stamp())])


def test_ids_made_at_once_keep_time_order() -> None:
    """More ids than one millisecond's counter holds still sort after everything made before them."""
    import uuid

    from companion.domain.ids import new_id, new_ids

    ids = [new_id(), *new_ids(5000), new_id(), *new_ids(0), *new_ids(3), new_id()]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(uuid.UUID(x).version == 7 and str(uuid.UUID(x)) == x for x in ids)
