"""Applying marketplace orders to the shop's record: keyed by platform id, so applying twice changes nothing.

A paid order takes its live units from the ledger (one movement per line, unique by dedupe key); a line whose
cancelled units rise gives back exactly the new ones (keyed by the cancelled count, so the same news twice changes
nothing), and a cancellation of the whole order puts back whatever is still out; a movement that takes stock below
zero records an oversell incident rather than being clamped. The sync cursor commits in the same transaction as the
orders it covers. Files and API pages go through the same `apply_orders`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from companion.domain.availability import takes_stock
from companion.domain.clock import stamp
from companion.domain.errors import NotFound
from companion.domain.ids import fact_id, new_id, new_ids
from companion.domain.ledger import MovementKind
from companion.domain.marketplace import Order, OrderLine, OrderStatus
from companion.i18n import N_
from companion.services.auto_mapping import auto_map
from companion.services.cancellations import request_news
from companion.services.change import Change
from companion.services.stock_push import queue_stock_push
from companion.store import accounts as account_store
from companion.store import cancel_requests as request_store
from companion.store import listings as listing_store
from companion.store import online_orders as order_store
from companion.store import outlet_stock, sync_state
from companion.store import stock as stock_store
from companion.store.accounts import AccountRow
from companion.store.database import Database
from companion.store.online_orders import OnlineLineRow, OnlineOrderRow


@dataclass(frozen=True)
class OrdersApplied:
    new: int
    updated: int
    unchanged: int
    incidents: int
    change: Change


def _ts(moment: datetime | None) -> str | None:
    """`stamp` of a platform time (isoformat: a third of strftime's cost, the same text for years 1000–9999)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def apply_orders(db: Database, account_id: str, orders: Sequence[Order],
                 cursor: tuple[str, str] | None = None) -> OrdersApplied:
    """Store a page of orders (and the cursor after it) in one transaction.

    The orders are taken one after another, exactly as if each were stored alone, but against what the page
    read up front (its stored orders, their lines, listings, dedupe keys, levels) and written with one
    statement per table at the end: a first pull of 10 000 orders made ~19 statements an order.
    """
    now = stamp()
    with db.write():
        account = account_store.get(db, account_id)
        if account is None:
            raise NotFound(N_("This online shop is no longer linked: link it again in Settings."))
        page = _Page(db, account, orders, now)
        for order in orders:
            page.take(order)
        incidents = page.write()
        if page.moved:
            queue_stock_push(db, page.moved, f"orders:{account_id}:{new_id()}")
        if cursor is not None:
            sync_state.set_cursor(db, account_id, cursor[0], cursor[1], now)
    counts = page.counts
    change = Change(products=frozenset(page.moved), orders=frozenset(page.touched), sync=bool(incidents))
    return OrdersApplied(counts["new"], counts["updated"], counts["unchanged"], incidents, change)


@dataclass
class _Known:
    """A stored order as the page has left it so far (a later copy of it in the same page sees this)."""

    id: str
    account_id: str
    channel: str
    platform_order_id: str
    status_raw: str
    updated_at: str
    lines: list[OnlineLineRow]
    shipping: tuple[str, ...] = ("", "", "", "")  # order_store.SHIPPING_FIELDS as stored
    request: request_store.CancelRequestRow | None = None  # the buyer's cancel request as stored
    shop: str = ""  # what its lines' dedupe keys are keyed to (`shop_key` of its account)
    ship_failed: bool = False  # a refused shipment is stored on it (cleared once the parcel is with the courier)


# What one copy of a stored order tells: its update stamp, then (cancelled units raised, the shipping facts after
# it, the cancel request after it), or None for nothing (unchanged, or an older copy that arrived late).
_News = tuple[str, tuple[dict[str, int], tuple[str, ...] | None, request_store.CancelRequestRow | None] | None]


class _Page:
    """One page of orders: what it needs read once up front, what it writes gathered for one statement each."""

    def __init__(self, db: Database, account: AccountRow, orders: Sequence[Order], now: str) -> None:
        self.db, self.account, self.now = db, account, now
        self.counts = {"new": 0, "updated": 0, "unchanged": 0}
        self.moved: set[str] = set()
        self.touched: set[str] = set()
        self.known = _stored_orders(db, account, orders)
        self.news = self._stored_news(orders)
        fresh = [order for order in orders if self.lookup(order) is None]
        self.ids: list[str] = []  # this laptop's ids for new orders and lines, made for the whole page at once
        if shop_key(account) == account.id:
            self.ids = new_ids(sum(1 + len(order.lines) for order in fresh))[::-1]
        self.outlet = ""  # where the page's orders take stock from: read when the first one moves
        self.products = {ref: row.product_id for ref, row in listing_store.by_refs(  # a stored line has its product
            db, account.id, {(line.item_id, line.sku_id) for order in fresh for line in order.lines}).items()}
        # keys only of the orders that may change (in a round's overlap most pages are copies of what is stored)
        moving = [order for order in orders if id(order) not in self.news or self.news[id(order)][1] is not None]
        self.keys = stock_store.recorded_dedupe_keys(db, self._possible_keys(moving))
        self.new_orders: list[tuple[object, ...]] = []
        self.new_lines: list[tuple[object, ...]] = []
        self.events: list[tuple[str, str, str, str]] = []
        self.updates: list[tuple[str, str, str, str | None, bool, str]] = []
        self.cancelled: list[tuple[int, str]] = []  # (cancelled units, line row id) of lines whose count rose
        self.shipping: list[tuple[str, str, str, str, str]] = []  # new shipping facts of stored orders
        self.requests: dict[str, request_store.CancelRequestRow] = {}  # buyers' cancel requests to write
        self.movements: list[stock_store.NewMovement] = []
        self.takes: list[tuple[int, str, int]] = []  # (movement index, order id, units) of each taking movement
        self.ship_failures: list[str] = []  # updated orders stored with a refused shipment

    def _stored_news(self, orders: Sequence[Order]) -> dict[int, _News]:
        """What each copy of a stored order tells, by `id(copy)`, worked out once; an order twice in the page is
        left to `take` (its second copy must see what the first one did)."""
        seen: dict[str, int] = {}
        for order in orders:
            seen[order.order_id] = seen.get(order.order_id, 0) + 1
        news: dict[int, _News] = {}
        for order in orders:
            known = self.lookup(order)
            if known is not None and seen[order.order_id] == 1:
                news[id(order)] = self._news(known, order)
        return news

    def _news(self, known: _Known, order: Order) -> _News:
        updated_at = _ts(order.updated_at) or self.now
        raised = cancellations_raised(known.lines, order.lines)
        shipping = _shipping_news(known.shipping, order)
        request = request_news(known.id, known.request, order.cancel_request, order.status.value, self.now)
        if known.updated_at > updated_at or (known.status_raw == order.status_raw and known.updated_at >= updated_at
                                             and not raised and shipping is None and request is None):
            return updated_at, None
        return updated_at, (raised, shipping, request)

    def _possible_keys(self, orders: Sequence[Order]) -> set[str]:
        """Every dedupe key this page could look up: its orders' lines, stored or new, taken and cancelled."""
        bases = set()
        for order in orders:
            known = self.lookup(order)
            if known is not None:
                bases |= {base for line in known.lines for base in _bases(known, line.line_id)}
            else:
                bases |= {f"{order.channel}:{shop_key(self.account)}:{order.order_id}:{line.line_id}"
                          for line in order.lines}
        return {f"{base}:{end}" for base in bases for end in ("order", "cancel")}

    def lookup(self, order: Order) -> _Known | None:
        return self.known.get(("", order.order_id)) or self.known.get((order.channel, order.order_id))

    def take(self, order: Order) -> None:
        """What `apply_orders` did for one order: store or update it, then settle its stock."""
        status = order.status.value
        known = self.lookup(order)
        raised: dict[str, int] = {}
        if known is not None:
            updated_at, told = self.news.pop(id(order)) if id(order) in self.news else self._news(known, order)
            if told is None:
                self.counts["unchanged"] += 1  # unchanged, or an older page arrived late
                return
            raised, shipping, request = told
            known.status_raw, known.updated_at = order.status_raw, updated_at
            if shipping is not None:
                known.shipping = shipping
                city, courier, tracking, package = shipping
                self.shipping.append((city, courier, tracking, package, known.id))
            if request is not None:
                known.request = self.requests[known.id] = request
            self.updates.append((status, order.status_raw, updated_at, _ts(order.ship_by), takes_stock(status),
                                 known.id))
            if known.ship_failed:
                self.ship_failures.append(known.id)
            self.counts["updated"] += 1
        else:
            updated_at = _ts(order.updated_at) or self.now
            known = self._insert(order, status, updated_at)
            self.counts["new"] += 1
            request = request_news(known.id, None, order.cancel_request, status, self.now)
            if request is not None:
                known.request = self.requests[known.id] = request
        self.events.append((known.id, status, order.status_raw, updated_at))
        self.touched.add(known.id)
        self._settle(known, status, raised)

    def _insert(self, order: Order, status: str, updated_at: str) -> _Known:
        shop = shop_key(self.account)
        if shop == self.account.id:  # a practice shop, or one without a platform id: this laptop's own ids
            if len(self.ids) <= len(order.lines):  # never short (an order new here was new up front): a safety
                self.ids = new_ids(1 + len(order.lines))[::-1] + self.ids
            order_id, *line_ids = (self.ids.pop() for _ in range(1 + len(order.lines)))
        else:  # the same platform order gets the same ids on every laptop that pulls it (one row on the hub)
            order_id = fact_id(f"online_order:{order.channel}:{shop}:{order.order_id}")
            line_ids = [fact_id(f"online_order_line:{order_id}:{line.line_id}") for line in order.lines]
        lines = [OnlineLineRow(line_ids[n], line.line_id, line.item_id, line.sku_id, line.seller_sku, line.name,
                               line.quantity, line.unit_price, self._product_for(line),
                               line.quantity - line.live_quantity)
                 for n, line in enumerate(order.lines)]
        channel = order.channel
        self.new_orders.append((
            order_id, self.account.id, channel, order.order_id, status, order.status_raw,
            _ts(order.created_at) or self.now, updated_at, _ts(order.ship_by), order.buyer_name,
            sum(line.live_quantity * line.unit_price for line in order.lines), int(takes_stock(status)), self.now,
            order.buyer_city, order.courier, order.tracking_number, order.package_id))
        self.new_lines += [(line.id, order_id, line.line_id, line.item_id, line.sku_id, line.seller_sku, line.name,
                            line.quantity, line.unit_price, line.product_id, line.cancelled_quantity)
                           for line in lines]
        known = _Known(order_id, self.account.id, channel, order.order_id, order.status_raw, updated_at,
                       sorted(lines, key=lambda line: line.line_id),
                       (order.buyer_city, order.courier, order.tracking_number, order.package_id), shop=shop)
        self.known[("", order.order_id)] = known
        return known

    def _product_for(self, line: OrderLine) -> str | None:
        """The local product of an order line through its listing (made, and auto-mapped, when first seen)."""
        ref = (line.item_id, line.sku_id)
        if ref not in self.products:
            listing_id = listing_store.upsert(self.db, self.account.id, line.item_id, line.sku_id, line.seller_sku,
                                              line.name, "", None, self.now)
            self.products[ref] = auto_map(self.db, listing_id)
        return self.products[ref]

    def _settle(self, order: _Known, status: str, raised: dict[str, int]) -> None:
        """`settle_order_stock` against the page's own record of keys taken so far, with the lines whose cancelled
        units rose in this copy of the order (stored as they rise, mapped or not)."""
        for n, line in enumerate(order.lines):
            before = line.cancelled_quantity
            if line.line_id in raised:
                line = order.lines[n] = replace(line, cancelled_quantity=raised[line.line_id])
                self.cancelled.append((line.cancelled_quantity, line.id))
            if line.product_id is None:
                continue  # unmapped: never changes stock silently
            base, *old = _bases(order, line.line_id)
            recorded = {end for end in ("order", "cancel") for b in (base, *old) if f"{b}:{end}" in self.keys}
            for kind, quantity, end in line_moves(status, line.quantity, before, line.cancelled_quantity, recorded):
                self._move(line.product_id, kind, quantity, order.id, f"{base}:{end}")
                if kind is MovementKind.ONLINE_ORDER:
                    self.takes.append((len(self.movements) - 1, order.id, -quantity))

    def _move(self, product_id: str, kind: MovementKind, quantity: int, order_id: str, key: str) -> None:
        self.keys.add(key)
        self.outlet = self.outlet or outlet_stock.online_outlet(self.db)
        self.movements.append(stock_store.NewMovement(product_id, kind, quantity, f"order:{order_id}", key,
                                                      self.outlet))
        self.moved.add(product_id)

    def write(self) -> int:
        """Everything the page gathered, in the order it happened; returns the new oversell incidents."""
        order_store.insert_many(self.db, self.new_orders, self.new_lines)
        order_store.set_cancelled_many(self.db, self.cancelled)
        order_store.update_statuses(self.db, self.updates)
        order_store.update_shipping_many(self.db, self.shipping)
        order_store.clear_stale_ship_failures(self.db, self.ship_failures)
        order_store.add_events_many(self.db, self.events)
        for request in self.requests.values():
            request_store.put(self.db, request)
        levels = stock_store.add_movements(self.db, self.movements, self.now)
        incidents = 0
        for index, order_id, quantity in self.takes:
            level = levels[index]
            product_id = self.movements[index].product_id
            if level < 0 and sync_state.add_incident(self.db, product_id, order_id, min(quantity, -level), level,
                                                     self.now):
                incidents += 1
        return incidents


Move = tuple[MovementKind, int, str]  # kind, signed units, the end of the dedupe key after the line's base


def line_moves(status: str, quantity: int, cancelled_before: int, cancelled_now: int,
               recorded: set[str]) -> list[Move]:
    """What one mapped line owes the ledger, given which of its keys (by end) are recorded: newly cancelled units
    back (keyed by the new count) while its stock is out; its live units taken once when the order takes stock;
    what is still out back when the whole order is cancelled. Units never go out again after a whole cancel.
    `recorded` holds the ends ("order", "cancel") of the line's keys already in the ledger."""
    taken, returned = "order" in recorded, "cancel" in recorded
    moves: list[Move] = []
    if cancelled_now > cancelled_before and taken and not returned:
        moves.append((MovementKind.ONLINE_CANCEL, cancelled_now - cancelled_before, f"cancel:{cancelled_now}"))
    live = quantity - cancelled_now
    if live <= 0:
        return moves
    if takes_stock(status) and not taken:
        moves.append((MovementKind.ONLINE_ORDER, -live, "order"))
    elif status == OrderStatus.CANCELLED.value and taken and not returned:
        moves.append((MovementKind.ONLINE_CANCEL, live, "cancel"))
    return moves


def _shipping_news(stored: tuple[str, ...], order: Order) -> tuple[str, ...] | None:
    """The order's shipping facts after this copy (each the latest non-empty value), or None when it adds nothing."""
    told = (order.buyer_city, order.courier, order.tracking_number, order.package_id)
    merged = tuple(new or old for new, old in zip(told, stored, strict=True))
    return merged if merged != stored else None


def cancellations_raised(stored: Sequence[OnlineLineRow], incoming: Sequence[OrderLine]) -> dict[str, int]:
    """Stored lines (by platform line id) whose cancelled units this copy of the order raises, with the new count:
    a count never falls (a late or partial copy cannot un-cancel units) and never passes the stored quantity."""
    told = {line.line_id: line.cancelled_quantity for line in incoming}
    raised: dict[str, int] = {}
    for line in stored:
        now = min(told.get(line.line_id, 0), line.quantity)
        if now > line.cancelled_quantity:
            raised[line.line_id] = now
    return raised


def shop_key(account: AccountRow) -> str:
    """What an order's line keys and ids are keyed to: the platform's own shop id, the same on every laptop that
    linked the shop (two laptops have two account rows for it); the local account id for a practice shop (its
    own book, never synced) or an account without a platform shop id."""
    return account.shop_ref if account.shop_ref and not account.practice else account.id


def _bases(order: _Known, line_id: str) -> tuple[str, ...]:
    """The starts of a line's dedupe keys: the one written now (keyed to the shop), then the one written before
    issue 20 (keyed to the account the order is stored under) when it differs, still recognised so no order line
    written the old way is taken twice."""
    new = f"{order.channel}:{order.shop or order.account_id}:{order.platform_order_id}:{line_id}"
    old = f"{order.channel}:{order.account_id}:{order.platform_order_id}:{line_id}"
    return (new,) if new == old else (new, old)


def _stored_orders(db: Database, account: AccountRow, orders: Sequence[Order]) -> dict[tuple[str, str], _Known]:
    """The page's orders already stored: under this account keyed ("", platform id), elsewhere (see
    `_stored_elsewhere_many`) keyed (channel, platform id); with their lines."""
    ids = {order.order_id for order in orders}
    rows: dict[tuple[str, str], OnlineOrderRow] = {
        ("", pid): row for pid, row in order_store.by_platform_ids(db, account.id, ids).items()}
    missing: dict[str, set[str]] = {}
    for order in orders:
        if ("", order.order_id) not in rows:
            missing.setdefault(order.channel, set()).add(order.order_id)
    for channel, pids in missing.items():
        rows |= {(channel, pid): row for pid, row in _stored_elsewhere_many(db, account, channel, pids).items()}
    lines = order_store.lines_of(db, {row.id for row in rows.values()})
    requests = request_store.of_orders(db, {row.id for row in rows.values()})
    known: dict[tuple[str, str], _Known] = {}
    by_id: dict[str, _Known] = {}  # one object per stored order, whichever key finds it
    shops = {a.id: shop_key(a) for a in account_store.all_accounts(db)} if rows else {}
    for key, row in rows.items():
        if row.id not in by_id:
            by_id[row.id] = _Known(row.id, row.account_id, row.channel, row.platform_order_id, row.status_raw,
                                   row.updated_at, lines.get(row.id, []),
                                   (row.buyer_city, row.courier, row.tracking_number, row.package_id),
                                   requests.get(row.id), shops.get(row.account_id, row.account_id),
                                   row.ship_state == "failed")
        known[key] = by_id[row.id]
    return known


def _stored_elsewhere_many(db: Database, account: AccountRow, channel: str,
                           pids: set[str]) -> dict[str, OnlineOrderRow]:
    """The page's orders stored under another account: they are updated where they are (their stock movements
    are keyed to that account), never stored a second time. For a real shop: imported from a file, or pulled
    before the shop was linked again (after a move to a new laptop, the keys stay behind and the shop is linked
    anew); the oldest account holding an order wins. For a practice shop: imported from a file only."""
    if account.practice:
        file_account = order_store.file_import_account(db, channel)
        return order_store.by_platform_ids(db, file_account, pids) if file_account else {}
    found: dict[str, OnlineOrderRow] = {}
    for other in order_store.other_real_accounts(db, account.id, channel):
        found |= order_store.by_platform_ids(db, other, pids - found.keys())
        if len(found) == len(pids):
            break
    return found


def settle_order_stock(db: Database, order_id: str) -> tuple[set[str], int]:
    """Bring the ledger in line with an order's state; returns (products moved, new incidents)."""
    order = order_store.get(db, order_id)
    if order is None:
        return set(), 0
    moved: set[str] = set()
    incidents = 0
    now = stamp()
    account = account_store.get(db, order.account_id)
    known = _Known(order.id, order.account_id, order.channel, order.platform_order_id, order.status_raw,
                   order.updated_at, [], shop=shop_key(account) if account is not None else order.account_id)
    outlet = ""
    for line in order_store.lines(db, order_id):
        if line.product_id is None:
            continue  # unmapped: never changes stock silently
        base, *old = _bases(known, line.line_id)
        recorded = {end for end in ("order", "cancel") for b in (base, *old)
                    if stock_store.has_dedupe_key(db, f"{b}:{end}")}
        for kind, quantity, end in line_moves(order.status, line.quantity, line.cancelled_quantity,
                                              line.cancelled_quantity, recorded):
            outlet = outlet or outlet_stock.online_outlet(db)
            level = stock_store.add_movement(db, line.product_id, kind, quantity, reference=f"order:{order_id}",
                                             dedupe_key=f"{base}:{end}", outlet_id=outlet)
            if level is None:
                continue
            moved.add(line.product_id)
            if kind is MovementKind.ONLINE_ORDER and level < 0 and sync_state.add_incident(
                    db, line.product_id, order_id, min(-quantity, -level), level, now):
                incidents += 1
    order_store.set_stock_taken(db, order_id, takes_stock(order.status))
    return moved, incidents
