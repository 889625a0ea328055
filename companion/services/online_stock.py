"""What each marketplace should show, and what it was told: absolute numbers (what the shop can promise, less
the channel's allocation), so sending one twice is harmless. The command queued by stock_push.py (kind
"stock_changed", for every active shop) only says *which* products changed and stays waiting until every shop
that takes stock numbers has them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from companion.domain.availability import Allocation, available_to_promise, channel_quantity
from companion.domain.clock import now_utc, stamp
from companion.domain.marketplace import ListingRef, StockResult
from companion.services.change import Change
from companion.services.stock_push import STOCK_CHANGED
from companion.store import accounts as account_store
from companion.store import listings as listing_store
from companion.store import online_orders as order_store
from companion.store import outbox, outlet_stock
from companion.store import planning as planning_store
from companion.store.database import Database


@dataclass(frozen=True)
class PlannedPush:
    listing_id: str
    ref: ListingRef
    quantity: int
    product_id: str


def plan_pushes(db: Database, account_id: str, product_ids: list[str] | None = None,
                only_different: bool = True) -> list[PlannedPush]:
    """What each mapped listing of an account should show; with `only_different`, only where the platform
    (as last read or last pushed) shows something else.

    Available to promise (on hand − reserved − shop buffer, plus planned batches of made-to-order products that
    finish within the account's ship window), then the account's allocation. On hand is the shop's total, or the
    sum over the outlets of the setting `marketplace_outlets`. With nothing configured this is
    exactly `push_quantity(on_hand, reserved, buffer_units, buffer_percent)`."""
    account = account_store.get(db, account_id)
    if account is None:
        return []
    listings = listing_store.mapped_for_products(db, account_id, product_ids)
    ids = sorted({x.product_id for x in listings if x.product_id})
    reserved = order_store.reserved_unpaid(db, ids)
    promise = planning_store.promise_inputs(db, ids)
    stock = outlet_stock.marketplace_levels(db, ids)  # the total, or the outlets the shop feeds them from
    allocation = Allocation(account.buffer_units, account.buffer_percent, account.keep_last_units)
    ship_by = now_utc() + timedelta(days=account.ship_window_days)
    plans: list[PlannedPush] = []
    for listing in listings:
        assert listing.product_id is not None
        extra = promise.get(listing.product_id, planning_store.PromiseInputs())
        atp = available_to_promise(stock.get(listing.product_id, 0), reserved.get(listing.product_id, 0),
                                   extra.shop_buffer, extra.made_to_order, extra.planned, ship_by)
        quantity = channel_quantity(atp, allocation)
        shown = listing.last_pushed if listing.last_pushed is not None else listing.platform_stock
        if only_different and shown == quantity and listing.push_problem is None:
            continue
        plans.append(PlannedPush(listing.id, ListingRef(listing.item_id, listing.sku_id, listing.seller_sku),
                                 quantity, listing.product_id))
    return plans


def record_push_results(db: Database, plans: Sequence[PlannedPush], results: Sequence[StockResult]) -> Change:
    """After a push call returned: what each listing now shows, or why the platform refused it."""
    by_ref = {(r.listing.item_id, r.listing.sku_id): r for r in results}
    now = stamp()
    with db.write():
        for plan in plans:
            result = by_ref.get((plan.ref.item_id, plan.ref.sku_id))
            if result is None:
                continue
            listing_store.record_push(db, plan.listing_id, plan.quantity if result.ok else None,
                                      None if result.ok else (result.reason or "refused"), now)
    return Change(sync=True)


def pending_changes(db: Database) -> list[tuple[str, list[str]]]:
    """(command id, product ids) of due stock changes not yet delivered everywhere."""
    found: list[tuple[str, list[str]]] = []
    for entry_id, payload in outbox.pending(db, STOCK_CHANGED):
        ids = payload.get("product_ids", [])
        found.append((entry_id, [str(x) for x in ids] if isinstance(ids, list) else []))
    return found


def mark_delivered(db: Database, entry_ids: Sequence[str]) -> Change:
    """Every shop has these stock changes: the commands are sent."""
    with db.write():
        for entry_id in entry_ids:
            outbox.set_state(db, entry_id, outbox.SENT)
    return Change(sync=True) if entry_ids else Change()


def retry_later(db: Database, entry_ids: Sequence[str], error: str, due_at: Callable[[int], str]) -> Change:
    """Changes not delivered everywhere: count the attempt and set when they are due (`due_at(attempts so far)`)."""
    with db.write():
        for entry_id in entry_ids:
            outbox.count_attempt(db, entry_id, error[:500], due_at(outbox.attempts(db, entry_id)))
    return Change(sync=True) if entry_ids else Change()


def pending_entry_ids(db: Database) -> list[str]:
    """Every stock change still open, due now or later."""
    return outbox.open_ids(db, STOCK_CHANGED)
