"""Applying marketplace orders to the shop's record: keyed by platform id, so applying twice changes nothing.

A paid order takes its units from the ledger (one movement per line, unique by dedupe key); a
cancellation puts them back; a movement that takes stock below zero records an oversell incident
rather than being clamped. The sync cursor commits in the same transaction as the orders it covers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from companion.connectors.base import Order, OrderStatus
from companion.domain.availability import takes_stock
from companion.domain.clock import stamp
from companion.domain.errors import NotFound
from companion.domain.ids import new_id
from companion.domain.ledger import MovementKind
from companion.i18n import N_
from companion.services.change import Change
from companion.services.mapping import auto_map
from companion.services.stock_push import queue_stock_push
from companion.store import accounts as account_store
from companion.store import listings as listing_store
from companion.store import online_orders as order_store
from companion.store import stock as stock_store
from companion.store import sync_state
from companion.store.accounts import AccountRow
from companion.store.database import Database
from companion.store.online_orders import OnlineOrderRow


@dataclass(frozen=True)
class OrdersApplied:
    new: int
    updated: int
    unchanged: int
    incidents: int
    change: Change


def _ts(moment: datetime | None) -> str | None:
    return stamp(moment.astimezone(UTC)) if moment else None


def apply_orders(db: Database, account_id: str, orders: Sequence[Order],
                 cursor: tuple[str, str] | None = None) -> OrdersApplied:
    """Store a page of orders (and the cursor after it) in one transaction."""
    counts = {"new": 0, "updated": 0, "unchanged": 0, "incidents": 0}
    products: set[str] = set()
    touched: set[str] = set()
    now = stamp()
    with db.write():
        account = account_store.get(db, account_id)
        if account is None:
            raise NotFound(N_("This online shop is no longer linked: link it again in Settings."))
        for order in orders:
            outcome, order_id = _store_order(db, account, order, now)
            counts[outcome] += 1
            if outcome != "unchanged":
                touched.add(order_id)
                moved, incidents = settle_order_stock(db, order_id)
                products |= moved
                counts["incidents"] += incidents
        if products:
            queue_stock_push(db, products, f"orders:{account_id}:{new_id()}")
        if cursor is not None:
            sync_state.set_cursor(db, account_id, cursor[0], cursor[1], now)
    change = Change(products=frozenset(products), orders=frozenset(touched), sync=bool(counts["incidents"]))
    return OrdersApplied(counts["new"], counts["updated"], counts["unchanged"], counts["incidents"], change)


def _store_order(db: Database, account: AccountRow, order: Order, now: str) -> tuple[str, str]:
    account_id = account.id
    existing = order_store.by_platform_id(db, account_id, order.order_id) or _stored_elsewhere(db, account, order)
    updated_at = _ts(order.updated_at) or now
    if existing is not None:
        if existing.status_raw == order.status_raw and existing.updated_at >= updated_at:
            return "unchanged", existing.id
        if existing.updated_at > updated_at:  # an older page arrived late: keep the newer state
            return "unchanged", existing.id
        order_store.update_status(db, existing.id, order.status.value, order.status_raw, updated_at,
                                  _ts(order.ship_by))
        return "updated", existing.id
    order_id = new_id()
    order_store.insert(db, {
        "id": order_id, "account_id": account_id, "channel": order.channel.value,
        "platform_order_id": order.order_id, "status": order.status.value, "status_raw": order.status_raw,
        "created_at": _ts(order.created_at) or now, "updated_at": updated_at, "ship_by": _ts(order.ship_by),
        "buyer_name": order.buyer_name, "total": sum(line.quantity * line.unit_price for line in order.lines),
        "imported_at": now,
    })
    order_store.add_event(db, order_id, order.status.value, order.status_raw, updated_at)
    for line in order.lines:
        order_store.insert_line(db, {
            "id": new_id(), "order_id": order_id, "line_id": line.line_id, "item_id": line.item_id,
            "sku_id": line.sku_id, "seller_sku": line.seller_sku, "name": line.name, "quantity": line.quantity,
            "unit_price": line.unit_price, "product_id": _product_for(db, account_id, line.item_id, line.sku_id,
                                                                      line.seller_sku, line.name, now),
        })
    return "new", order_id


def _stored_elsewhere(db: Database, account: AccountRow, order: Order) -> OnlineOrderRow | None:
    """The same order stored under another account: it is updated where it is (its stock movements are keyed to
    that account), never stored a second time. For a real shop: imported from a file, or pulled before the shop
    was linked again (after a move to a new laptop, the keys stay behind and the shop is linked anew). For a
    practice shop: imported from a file only."""
    if not account.practice:
        return order_store.from_other_real_account(db, account.id, order.channel.value, order.order_id)
    return order_store.from_file_import(db, order.channel.value, order.order_id)


def _product_for(db: Database, account_id: str, item_id: str, sku_id: str, seller_sku: str, name: str,
                 now: str) -> str | None:
    """The local product of an order line through its listing (made, and auto-mapped, when first seen)."""
    listing = listing_store.by_ref(db, account_id, item_id, sku_id)
    if listing is None:
        listing_id = listing_store.upsert(db, account_id, item_id, sku_id, seller_sku, name, "", None, now)
        return auto_map(db, listing_id)
    return listing.product_id


def settle_order_stock(db: Database, order_id: str) -> tuple[set[str], int]:
    """Bring the ledger in line with an order's state; returns (products moved, new incidents)."""
    order = order_store.get(db, order_id)
    if order is None:
        return set(), 0
    moved: set[str] = set()
    incidents = 0
    now = stamp()
    for line in order_store.lines(db, order_id):
        if line.product_id is None:
            continue  # unmapped: never changes stock silently
        base = f"{order.channel}:{order.account_id}:{order.platform_order_id}:{line.line_id}"
        taken = stock_store.has_dedupe_key(db, f"{base}:order")
        if takes_stock(order.status) and not taken:
            level = stock_store.add_movement(db, line.product_id, MovementKind.ONLINE_ORDER, -line.quantity,
                                             reference=f"order:{order_id}", dedupe_key=f"{base}:order")
            moved.add(line.product_id)
            if level is not None and level < 0 and sync_state.add_incident(
                    db, line.product_id, order_id, min(line.quantity, -level), level, now):
                incidents += 1
        elif order.status == OrderStatus.CANCELLED.value and taken and stock_store.add_movement(
                db, line.product_id, MovementKind.ONLINE_CANCEL, line.quantity,
                reference=f"order:{order_id}", dedupe_key=f"{base}:cancel") is not None:
            moved.add(line.product_id)
    order_store.set_stock_taken(db, order_id, takes_stock(order.status))
    return moved, incidents
