"""One sync round: for every active shop, fresh tokens, its listings, new and changed orders, then stock pushes.

Everything that must survive a crash is in the database before the next step: refreshed tokens before they are
used, each order page together with the cursor after it, push results per listing, and undelivered stock changes
with their next attempt time. Repeating any step is harmless (orders are keyed by platform id, stock numbers are
absolute), so a round killed half-way is simply run again.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

from companion.connectors.base import Connector, Credentials
from companion.connectors.errors import AuthExpired, ConnectorError, Temporary, Throttled
from companion.connectors.factory import build_connector
from companion.domain.clock import now_utc, parse_stamp, stamp
from companion.domain.marketplace import Capability, OrderPage, StockResult, StockUpdate
from companion.services import accounts as account_service
from companion.services import mapping, online_stock
from companion.services.change import Change
from companion.services.online_orders import apply_orders
from companion.services.online_stock import PlannedPush
from companion.store import accounts as account_store
from companion.store import inbox as inbox_store
from companion.store import outbox, sync_state
from companion.store.accounts import AccountRow
from companion.store.database import Database, thread_database
from companion.sync import chat
from companion.sync.backoff import Backoff
from companion.sync.events import (
    AUTH_EXPIRED,
    GONE,
    OFFLINE,
    PERMANENT,
    THROTTLED,
    AccountResult,
    Problem,
    RoundSummary,
)
from companion.sync.problems import is_offline, problem_for, stock_refused

T = TypeVar("T")
log = logging.getLogger(__name__)

REFRESH_MARGIN = timedelta(minutes=10)   # refresh when the access token expires sooner than this
LISTINGS_EVERY = 30 * 60.0               # seconds between listing reads (and on every engine's first round)
FIRST_WINDOW = timedelta(days=3)         # how far back the first order pull looks
FULL_CHECK_EVERY = timedelta(minutes=15)  # how often every mapped listing is compared with what it should show
OVERLAP = timedelta(minutes=5)           # each window starts this much before the last one ended
MAX_PAGES = 500                          # order pages per account per round (the cursor resumes the rest)
MAX_THROTTLE_WAIT = 5.0                  # wait this long for a throttled call inside a round, else defer
CALL_RETRIES = 2                         # quick retries of a read inside a round
ORDERS = "orders"
STOPPING = (AUTH_EXPIRED, OFFLINE, THROTTLED)  # problems that end an account's round at once


class _Stop(Exception):
    """Ends one account's round (the problem is already noted)."""


@dataclass
class _Account:
    """One account's state during a round."""

    row: AccountRow
    credentials: Credentials | None = None
    connector: Connector | None = None
    new: int = 0
    updated: int = 0
    pushed: int = 0
    incidents: int = 0
    problem: Problem | None = None
    stopped: bool = False
    stock_ok: bool = False
    full_push: bool = False
    reloaded: bool = False
    retry_after: float | None = None
    secrets: tuple[str, ...] = field(default=())

    def note(self, problem: Problem) -> None:
        if self.problem is None or (problem.kind in STOPPING and self.problem.kind not in STOPPING):
            self.problem = problem

    @property
    def link(self) -> Connector:
        assert self.connector is not None
        return self.connector


class SyncEngine:
    """Runs rounds on the calling thread with that thread's own database connection."""

    def __init__(self, db_path: Path, credentials_source: Callable[[AccountRow], Credentials],
                 connector_factory: Callable[[Credentials], Connector] = build_connector, *,
                 backoff: Backoff | None = None, quick_backoff: Backoff | None = None,
                 max_throttle_wait: float = MAX_THROTTLE_WAIT) -> None:
        self.db_path = Path(db_path)
        self.credentials_source = credentials_source
        self.connector_factory = connector_factory
        self.backoff = backoff or Backoff()  # outbox retries (persisted)
        self.quick = quick_backoff or Backoff(base_seconds=0.25, cap_seconds=2.0)  # retries inside a round
        self.max_throttle_wait = max_throttle_wait
        self.stop_event = threading.Event()
        self._fresh: dict[str, Credentials] = {}   # tokens this engine refreshed (newer than the source's)
        self._listed_at: dict[str, float] = {}
        self._full_done: dict[str, datetime] = {}  # when each account's every mapped listing was last checked
        self._chat_links: dict[str, _Account] = {}  # connections the chat pulls reuse until the next round

    # -- rounds ---------------------------------------------------------------------------------------------
    def sync_once(self) -> RoundSummary:
        """Every active account: tokens, listings, orders; then stock pushes; outbox entries settled."""
        db = thread_database(self.db_path)
        started = now_utc()
        self._chat_links.clear()  # credentials are read afresh each round (a re-link, new tokens)
        accounts = [self._open(row) for row in account_store.active(db)]
        for acc in accounts:
            if not self.stop_event.is_set():
                self._pull(db, acc)
        entries = online_stock.pending_changes(db)
        every_entry = online_stock.pending_entry_ids(db)
        product_ids = sorted({p for _, ids in entries for p in ids})
        for acc in accounts:
            if not self.stop_event.is_set():
                self._push(db, acc, product_ids)
        self._settle_outbox(db, accounts, [e for e, _ in entries], every_entry)
        results = tuple(self._finish(db, acc) for acc in accounts)
        return RoundSummary(started, now_utc(), results, outbox.pending_count(db))

    def sync_chats(self) -> Change:
        """Between rounds, only the buyers' messages of each shop whose chat works (one conversation-list call
        when nothing is new), so a question shows within the chat poll rather than the order poll. Problems are
        left for the next full round to record and report."""
        db = thread_database(self.db_path)
        change = Change()
        failing = {p.account_id for p in inbox_store.chat_problems(db)}
        for row in account_store.active(db):
            if self.stop_event.is_set() or row.id in failing:
                continue
            acc = self._chat_links.get(row.id)
            if acc is None:  # the keyring is read once per round, not at every chat pull
                acc = self._chat_links[row.id] = self._open(row)
            if acc.stopped or Capability.CHAT not in acc.link.capabilities:
                continue
            try:
                change |= self._chats_of(db, acc)
            except ConnectorError as exc:
                log.info("chat pull of %s waits for the next round: %s", row.id, type(exc).__name__)
        return change

    def _chats_of(self, db: Database, acc: _Account) -> Change:
        self._ensure_tokens(db, acc)
        return chat.pull_chats(db, acc.row, acc.link, lambda fn: self._call(db, acc, fn))

    def sync_account(self, account_id: str) -> AccountResult:
        """One account alone (its pushes leave the outbox pending: the other shops may still need them)."""
        db = thread_database(self.db_path)
        row = account_store.get(db, account_id)
        if row is None or not row.active:
            return AccountResult(account_id, False, problem=Problem(PERMANENT, GONE))
        acc = self._open(row)
        self._pull(db, acc)
        entries = online_stock.pending_changes(db)
        self._push(db, acc, sorted({p for _, ids in entries for p in ids}))
        return self._finish(db, acc)

    # -- steps ----------------------------------------------------------------------------------------------
    def _open(self, row: AccountRow) -> _Account:
        acc = _Account(row)
        try:
            self._connect(acc, self._fresh.get(row.id) or self.credentials_source(row))
        except Exception as exc:  # missing keys or practice mode not running: this shop waits, others go on
            acc.note(problem_for(exc))
            acc.stopped = True
        return acc

    def _connect(self, acc: _Account, credentials: Credentials) -> None:
        acc.credentials = credentials
        acc.secrets = credentials.secrets()
        acc.connector = self.connector_factory(credentials)

    def _pull(self, db: Database, acc: _Account) -> None:
        if acc.stopped:
            return
        try:
            self._phase(acc, lambda: self._ensure_tokens(db, acc))
            self._phase(acc, lambda: self._listings(db, acc))
            self._phase(acc, lambda: self._orders(db, acc))
            if Capability.CHAT in acc.link.capabilities:  # the inbox: pull chats, then send queued replies
                self._phase(acc, lambda: chat.chat_step(db, acc.row, acc.link, lambda fn: self._call(db, acc, fn)))
                self._phase(acc, lambda: chat.reply_step(db, acc.row, acc.link, lambda fn: self._call(db, acc, fn)))
        except _Stop:
            acc.stopped = True

    def _phase(self, acc: _Account, step: Callable[[], None]) -> None:
        """Run a step; a problem that makes further calls pointless stops the account, others are noted."""
        try:
            step()
        except ConnectorError as exc:
            problem = problem_for(exc, acc.secrets)
            if isinstance(exc, Throttled):
                acc.retry_after = exc.retry_after_seconds
            acc.note(problem)
            if problem.kind in STOPPING:
                raise _Stop() from None

    def _ensure_tokens(self, db: Database, acc: _Account) -> None:
        expires = acc.row.access_expires_at
        if expires and parse_stamp(expires) - now_utc() < REFRESH_MARGIN:
            self._call(db, acc, lambda: self._refresh(db, acc))

    def _refresh(self, db: Database, acc: _Account) -> None:
        """Exchange the refresh token (never retried blindly: it may be single-use), persist, then use."""
        assert acc.credentials is not None
        tokens = acc.link.refresh_tokens()
        fresh = account_service.save_tokens(db, acc.row, acc.credentials, tokens)
        acc.link.use_tokens(tokens)
        acc.credentials = fresh
        acc.secrets = fresh.secrets()
        self._fresh[acc.row.id] = fresh
        acc.row = account_store.get(db, acc.row.id) or acc.row

    def _reload(self, acc: _Account) -> bool:
        """After 'authorize again': the stored credentials may be newer than ours (another process refreshed)."""
        if acc.reloaded:
            return False
        acc.reloaded = True
        self._fresh.pop(acc.row.id, None)
        credentials = self.credentials_source(acc.row)
        if credentials == acc.credentials:
            return False
        self._connect(acc, credentials)
        return True

    def _call(self, db: Database, acc: _Account, fn: Callable[[], T]) -> T:
        """One connector call with the in-round remedies: refresh once, short throttle waits, quick read retries."""
        refreshed, tries = False, 0
        while True:
            try:
                return fn()
            except AuthExpired as exc:
                if exc.reauthorize or refreshed:
                    if exc.reauthorize and self._reload(acc):
                        continue
                    raise
                refreshed = True
                try:
                    self._refresh(db, acc)
                except AuthExpired as again:
                    if not (again.reauthorize and self._reload(acc)):
                        raise
            except Throttled as exc:
                wait = exc.retry_after_seconds
                wait = self.quick.delay(tries) if wait is None else wait
                if tries >= CALL_RETRIES or wait > self.max_throttle_wait:
                    raise
                self._sleep(wait)
                tries += 1
            except Temporary as exc:
                if exc.outcome_unknown or is_offline(exc) or tries >= CALL_RETRIES:
                    raise
                self._sleep(self.quick.delay(tries))
                tries += 1

    def _sleep(self, seconds: float) -> None:
        if self.stop_event.wait(max(0.0, seconds)):
            raise Temporary("sync stopped")

    def _listings(self, db: Database, acc: _Account) -> None:
        last = self._listed_at.get(acc.row.id)
        if last is not None and time.monotonic() - last < LISTINGS_EVERY:
            return
        listings = self._call(db, acc, lambda: acc.link.list_listings())
        mapping.store_listings(db, acc.row.id, listings)
        self._listed_at[acc.row.id] = time.monotonic()

    def _orders(self, db: Database, acc: _Account) -> None:
        """Walk the window page by page; each page commits with the cursor that follows it."""
        updated_from, updated_to, page_cursor = self._order_window(db, acc.row.id)
        for _ in range(MAX_PAGES):
            def pull(cursor: str | None = page_cursor) -> OrderPage:
                return acc.link.pull_orders(updated_from, updated_to, cursor)

            page = self._call(db, acc, pull)
            if page.done or not page.next_cursor:
                after: dict[str, object] = {"updated_from": stamp(updated_to - OVERLAP), "page": None}
            else:
                after = {"updated_from": stamp(updated_from), "updated_to": stamp(updated_to),
                         "page": page.next_cursor}
            applied = apply_orders(db, acc.row.id, page.orders, cursor=(ORDERS, json.dumps(after)))
            acc.new += applied.new
            acc.updated += applied.updated
            acc.incidents += applied.incidents
            if page.done or not page.next_cursor:
                return
            page_cursor = page.next_cursor

    def _order_window(self, db: Database, account_id: str) -> tuple[datetime, datetime, str | None]:
        """(from, to, platform cursor): a walk in progress resumes its own window; otherwise up to now."""
        now = now_utc()
        raw = sync_state.cursor(db, account_id, ORDERS)
        try:
            state = json.loads(raw) if raw else {}
            updated_from = parse_stamp(str(state["updated_from"]))
        except (ValueError, KeyError, TypeError):
            return now - FIRST_WINDOW, now, None
        page = state.get("page")
        if page and state.get("updated_to"):
            return updated_from, parse_stamp(str(state["updated_to"])), str(page)
        return min(updated_from, now), now, None

    def _push(self, db: Database, acc: _Account, product_ids: list[str]) -> None:
        """Changed products (every listing, absolute numbers); on the first round also whatever differs."""
        if acc.stopped:
            return
        try:
            plans = online_stock.plan_pushes(db, acc.row.id, product_ids, only_different=False) if product_ids else []
            checked = self._full_done.get(acc.row.id)
            # Every listing is checked on the first round and then every FULL_CHECK_EVERY: what a shop may promise
            # also moves with time (a planned batch entering the ship window), not only with local changes.
            full = checked is None or now_utc() - checked >= FULL_CHECK_EVERY
            if full:
                seen = {p.listing_id for p in plans}
                plans += [p for p in online_stock.plan_pushes(db, acc.row.id, None, only_different=True)
                          if p.listing_id not in seen]
            acc.stock_ok = self._send(db, acc, plans) if plans else True
            if full and acc.stock_ok:
                self._full_done[acc.row.id] = now_utc()
                acc.full_push = True
        except ConnectorError as exc:
            acc.stock_ok = False
            acc.note(problem_for(exc, acc.secrets))
            if isinstance(exc, Throttled):
                acc.retry_after = exc.retry_after_seconds

    def _send(self, db: Database, acc: _Account, plans: list[PlannedPush]) -> bool:
        """Push, or after an answer that never came, read the platform back and push only what is still off."""
        try:
            results = self._call(db, acc, lambda: acc.link.push_stock(_updates(plans)))
        except Temporary as exc:
            if not exc.outcome_unknown:
                raise
            plans = self._read_back(db, acc, plans)
            if not plans:
                return True
            results = self._call(db, acc, lambda: acc.link.push_stock(_updates(plans)))
        online_stock.record_push_results(db, plans, results)
        done = {(r.listing.item_id, r.listing.sku_id) for r in results if r.ok}
        acc.pushed += len(done)
        refused = [r.reason or "refused" for r in results if not r.ok]
        if refused:
            acc.note(stock_refused(refused))
        return not refused and all((p.ref.item_id, p.ref.sku_id) in done for p in plans)

    def _read_back(self, db: Database, acc: _Account, plans: list[PlannedPush]) -> list[PlannedPush]:
        """What the platform shows now; plans it already shows are recorded as pushed, the rest returned."""
        listings = self._call(db, acc, lambda: acc.link.list_listings())
        mapping.store_listings(db, acc.row.id, listings)
        shown = {(x.item_id, x.sku_id): x.stock for x in listings}
        landed = [p for p in plans if shown.get((p.ref.item_id, p.ref.sku_id)) == p.quantity]
        online_stock.record_push_results(db, landed, [StockResult(p.ref, True) for p in landed])
        acc.pushed += len(landed)
        return [p for p in plans if p not in landed]

    def _settle_outbox(self, db: Database, accounts: list[_Account], due: list[str], every: list[str]) -> None:
        """Delivered when every active account handled the changes; otherwise due again after a backoff."""
        if all(acc.stock_ok for acc in accounts):
            # A first-round push of every listing covers changes that were waiting for their retry time too.
            covered = every if accounts and all(acc.full_push for acc in accounts) else due
            if covered:
                online_stock.mark_delivered(db, covered)
            return
        if not due:
            return
        failed = [acc for acc in accounts if not acc.stock_ok]
        waits = [acc.retry_after for acc in failed if acc.retry_after is not None]
        reason = next((f"{acc.row.channel}: {acc.problem.kind}" for acc in failed if acc.problem), "not delivered")
        online_stock.retry_later(db, due, reason,
                               lambda n: self.backoff.next_attempt_at(n, max(waits) if waits else None))

    def _finish(self, db: Database, acc: _Account) -> AccountResult:
        at = stamp()
        problem = acc.problem
        with db.write():
            sync_state.record_attempt(db, acc.row.id, at, problem is None, problem.kind if problem else None,
                                      problem.detail if problem else None)
        return AccountResult(acc.row.id, problem is None, acc.new, acc.updated, acc.pushed, acc.incidents, problem)


def _updates(plans: Sequence[PlannedPush]) -> list[StockUpdate]:
    return [StockUpdate(p.ref, p.quantity) for p in plans]
