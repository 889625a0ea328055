"""One sync round: for every active shop, fresh tokens and the phases its channel declares (listings with STOCK,
orders with ORDERS, chats with CHAT unless the channel's chats are read only on demand: `check_chats`); then each
shop's due commands through their handlers (sync/command_handlers.py: replies, cancellations and shipments, answers
to returns, stock numbers, replies to reviews) and, with FULFILMENT, its return requests and missing shipping labels
(docs/SHIPPING.md), with REVIEWS its buyers' reviews (docs/REVIEWS.md); then the commands meant for every shop
settled.

Everything that must survive a crash is in the database before the next step: refreshed tokens before they are
used, each order page together with the cursor after it, a command 'sending' before it leaves, push results per
listing, and undelivered commands with their next attempt time. Repeating any step is harmless (orders are keyed by
platform id, stock numbers are absolute, a command found 'sending' is looked for before it is sent again), so a
round killed half-way is simply run again. Every write goes through a service; the round's Change is the union of
what those services returned.

With several laptops on one hub, exactly one laptop sends for each marketplace shop (the lease it holds, copied
here by the hub round: store/hub_state.owns_account). A shop another laptop sends for is skipped here, pulls and
sends alike; commands written here for it stay in the outbox, which the hub carries to that laptop's engine.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TypeVar

from companion.connectors.base import Connector, Credentials
from companion.connectors.errors import AuthExpired, ConnectorError, NotReady, Temporary, Throttled
from companion.connectors.factory import build_connector
from companion.domain.clock import now_utc, parse_stamp, stamp
from companion.domain.marketplace import Capability, OrderPage
from companion.services import accounts as account_service
from companion.services import mapping, sync_status
from companion.services.change import Change
from companion.services.online_orders import apply_orders
from companion.store import accounts as account_store
from companion.store import hub_state, outbox, refresh_lock
from companion.store import inbox as inbox_store
from companion.store.accounts import AccountRow
from companion.store.database import Database, thread_database
from companion.store.outbox import CommandRow
from companion.sync import chat, command_handlers, labels, returns, reviews
from companion.sync.backoff import Backoff
from companion.sync.events import AccountResult, RoundSummary
from companion.sync.problems import is_offline, problem_for
from companion.sync.pull_windows import walk_window
from companion.sync.rounds import STOPPING, AccountRun, CommandRound
from companion.sync.token_refresh import RefreshLost, answer_lost

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


class _Stop(Exception):
    """Ends one account's round (the problem is already noted)."""


class SyncEngine:
    """Runs rounds on the calling thread with that thread's own database connection."""

    def __init__(self, db_path: Path, credentials_source: Callable[[AccountRow], Credentials],
                 connector_factory: Callable[[Credentials], Connector] = build_connector, *,
                 backoff: Backoff | None = None, quick_backoff: Backoff | None = None,
                 max_throttle_wait: float = MAX_THROTTLE_WAIT) -> None:
        self.db_path = Path(db_path)
        self.credentials_source = credentials_source
        self.connector_factory = connector_factory
        self.backoff = backoff or Backoff()  # command retries (persisted)
        self.quick = quick_backoff or Backoff(base_seconds=0.25, cap_seconds=2.0)  # retries inside a round
        self.max_throttle_wait = max_throttle_wait
        self.stop_event = threading.Event()
        self._fresh: dict[str, Credentials] = {}   # tokens this engine refreshed (newer than the source's)
        self._listed_at: dict[str, float] = {}
        self._full_done: dict[str, datetime] = {}  # when each account's every mapped listing was last checked
        self._chat_links: dict[str, AccountRun] = {}  # connections the chat pulls reuse until the next round

    # -- rounds ---------------------------------------------------------------------------------------------
    def sync_once(self) -> RoundSummary:
        """Every active account: tokens and its declared phases; then each account's due commands; the commands
        meant for every account settled. The summary carries the union of every service's Change."""
        db = thread_database(self.db_path)
        started = now_utc()
        self._chat_links.clear()  # credentials are read afresh each round (a re-link, new tokens)
        active = account_store.active(db)
        accounts = [self._open(row) for row in _mine(db, active)]
        change = Change()
        for acc in accounts:
            if not self.stop_event.is_set():
                change |= self._pull(db, acc)
        rnd = CommandRound(db, self.backoff, self._full_done, FULL_CHECK_EVERY)
        due = outbox.due(db)
        for acc in accounts:
            if not self.stop_event.is_set():
                change |= self._send_commands(rnd, acc, due)
                change |= self._fulfilment(db, acc)
                change |= self._reviews(db, acc)
        if accounts or len(active) == len(accounts):  # owning none of the shops: the owner settles them
            change |= self._settle(rnd, accounts, due)
        results = tuple(self._finish(db, acc) for acc in accounts)
        change |= Change(sync=True) if results else Change()
        return RoundSummary(started, now_utc(), results, outbox.pending_count(db), change)

    def sync_chats(self) -> Change:
        """Between rounds, only the buyers' messages of each shop whose chat works (one conversation-list call
        when nothing is new), so a question shows within the chat poll rather than the order poll. Problems are
        left for the next full round to record and report."""
        db = thread_database(self.db_path)
        change = Change()
        failing = {p.account_id for p in inbox_store.chat_problems(db)}
        for row in _mine(db, account_store.active(db)):
            if self.stop_event.is_set() or row.id in failing or chat.on_demand(row.channel):
                continue  # an on-demand channel's chats are listed only when the person asks (check_chats)
            acc = self._chat_links.get(row.id)
            if acc is None:  # the keyring is read once per round, not at every chat pull
                acc = self._chat_links[row.id] = self._open(row)
            if acc.stopped or Capability.CHAT not in acc.capabilities:
                continue
            try:
                change |= self._chats_of(db, acc)
            except ConnectorError as exc:
                log.info("chat pull of %s waits for the next round: %s", row.id, type(exc).__name__)
        return change

    def check_chats(self, channel: str) -> Change:
        """The person asked (opened the channel's filter in the inbox, or pressed its check button): the chats of
        every active shop of this channel, once, as a round's chat phase would (problems are recorded as the shop's
        chat problem). The only way an on-demand channel's conversations are listed; replies go out every round."""
        db = thread_database(self.db_path)
        change = Change()
        for row in _mine(db, account_store.active(db)):
            if self.stop_event.is_set() or row.channel != channel:
                continue
            acc = self._open(row)
            if acc.stopped or Capability.CHAT not in acc.capabilities:
                continue
            try:
                self._ensure_tokens(db, acc)
                change |= chat.chat_phase(db, acc.row, acc.link, acc.call)
            except ConnectorError as exc:
                log.info("chat check of %s did not finish: %s", row.id, type(exc).__name__)
        return change

    def ask(self, row: AccountRow, fn: Callable[[Connector], T]) -> T:
        """One call to one shop outside a round (the ship dialog asking for today's pickup slots), with a round's
        remedies: tokens refreshed first when due (kept before use), a refused login refreshed once, short throttle
        waits, quick read retries. Raises what the connector raises (or the credentials source's UserError)."""
        db = thread_database(self.db_path)
        acc = AccountRun(row)
        self._connect(acc, self._fresh.get(row.id) or self.credentials_source(row))
        self._ensure_tokens(db, acc)
        return self._call(db, acc, lambda: fn(acc.link))

    def _chats_of(self, db: Database, acc: AccountRun) -> Change:
        self._ensure_tokens(db, acc)
        return chat.pull_chats(db, acc.row, acc.link, acc.call)

    # -- steps ----------------------------------------------------------------------------------------------
    def _open(self, row: AccountRow) -> AccountRun:
        acc = AccountRun(row)
        try:
            self._connect(acc, self._fresh.get(row.id) or self.credentials_source(row))
        except Exception as exc:  # missing keys or practice mode not running: this shop waits, others go on
            acc.note(problem_for(exc))
            acc.stopped = True
        return acc

    def _connect(self, acc: AccountRun, credentials: Credentials) -> None:
        acc.credentials = credentials
        acc.secrets = credentials.secrets()
        acc.connector = self.connector_factory(credentials)
        acc.call = lambda fn: self._call(thread_database(self.db_path), acc, fn)

    def _pull(self, db: Database, acc: AccountRun) -> Change:
        """Tokens, then only the phases the shop's channel declares: listings (STOCK), orders, chats."""
        if acc.stopped:
            return Change()
        change = Change()
        offers = acc.capabilities
        try:
            self._phase(acc, lambda: self._ensure_tokens(db, acc))
            if Capability.STOCK in offers:
                change |= self._phase(acc, lambda: self._listings(db, acc))
            if Capability.ORDERS in offers:
                change |= self._phase(acc, lambda: self._orders(db, acc))
            if Capability.CHAT in offers and not chat.on_demand(acc.row.channel):
                change |= self._phase(acc, lambda: chat.chat_phase(db, acc.row, acc.link, acc.call))
        except _Stop:
            acc.stopped = True
        return change

    def _send_commands(self, rnd: CommandRound, acc: AccountRun, due: Sequence[CommandRow]) -> Change:
        """This account's due commands (and those meant for every account), kind by kind through their handlers;
        a kind whose capability the channel does not declare is left for the shops that have it."""
        if acc.stopped:
            return Change()
        change = Change()
        offers = acc.capabilities
        for handler in command_handlers.handlers():
            if handler.capability not in offers:
                continue
            mine = [c for c in due if c.kind == handler.kind and c.account_id in (None, acc.row.id)]
            try:
                change |= self._phase(acc, partial(handler.send, rnd, acc, mine))
            except _Stop:
                acc.stopped = True
            if acc.stopped:   # offline, throttled or login refused (raised, or noted by a handler that kept its Change)
                break
        return change

    def _fulfilment(self, db: Database, acc: AccountRun) -> Change:
        """After the shop's commands (so what a ship command arranged is asked for at once), for a channel that
        declares FULFILMENT: the platform's return requests (sync/returns.py, with their own cursor), then the
        labels of arranged orders that have none (sync/labels.py)."""
        if acc.stopped or Capability.FULFILMENT not in acc.capabilities:
            return Change()
        change = Change()
        try:
            change |= self._phase(acc, lambda: returns.pull_returns(db, acc))
            change |= self._phase(acc, lambda: labels.fetch_labels(db, acc))
        except _Stop:
            acc.stopped = True
        return change

    def _reviews(self, db: Database, acc: AccountRun) -> Change:
        """Last of the shop's work, for a channel that declares REVIEWS: buyers' reviews created or changed since
        the "reviews" cursor (sync/reviews.py; the first pull looks 90 days back, so it may take a while and must
        not hold back orders, replies or stock)."""
        if acc.stopped or Capability.REVIEWS not in acc.capabilities:
            return Change()
        try:
            return self._phase(acc, lambda: reviews.pull_reviews(db, acc))
        except _Stop:
            acc.stopped = True
            return Change()

    def _settle(self, rnd: CommandRound, accounts: list[AccountRun], due: Sequence[CommandRow]) -> Change:
        """Commands meant for every account: sent once every account that takes them has them, else due again."""
        change = Change()
        for handler in command_handlers.handlers():
            if handler.settle is not None:
                mine = [c for c in due if c.kind == handler.kind and c.account_id is None]
                change |= handler.settle(rnd, accounts, mine)
        return change

    def _phase(self, acc: AccountRun, step: Callable[[], Change | None]) -> Change:
        """Run a step; a problem that makes further calls pointless stops the account, others are noted."""
        try:
            return step() or Change()
        except ConnectorError as exc:
            problem = problem_for(exc, acc.secrets, acc.row.channel)
            if isinstance(exc, Throttled):
                acc.retry_after = exc.retry_after_seconds
            acc.note(problem)
            if problem.kind in STOPPING:
                raise _Stop() from None
            return Change()

    def _ensure_tokens(self, db: Database, acc: AccountRun) -> None:
        expires = acc.row.access_expires_at
        if expires and parse_stamp(expires) - now_utc() < REFRESH_MARGIN:
            self._call(db, acc, lambda: self._refresh(db, acc))

    def _refresh(self, db: Database, acc: AccountRun) -> None:
        """Exchange the refresh token (never retried blindly: it may be single-use), one refresh at a time per shop
        across threads and processes. Inside the turn the stored credentials are read again: when another process
        renewed them already those are used and nothing is sent. New tokens go to the keyring before anything
        else; a lost answer is said plainly (RefreshLost) until a refresh works again or the shop is linked again."""
        assert acc.credentials is not None
        folder, account_id = self.db_path.parent, acc.row.id
        try:
            with refresh_lock.refresh_turn(folder, account_id):
                if self._reload(acc, in_turn=True):
                    acc.row = account_store.get(db, account_id) or acc.row
                    return
                try:
                    tokens = acc.link.refresh_tokens()
                except Temporary as exc:
                    if answer_lost(exc):
                        refresh_lock.mark_lost(folder, account_id)
                        raise RefreshLost(exc.message) from None
                    raise
                except AuthExpired as exc:
                    if exc.reauthorize and refresh_lock.was_lost(folder, account_id):
                        raise RefreshLost(exc.message) from None
                    raise
                try:
                    fresh = account_service.save_tokens(db, acc.row, acc.credentials, tokens)  # keyring first
                except BaseException:
                    refresh_lock.mark_lost(folder, account_id)  # the platform renewed, we could not keep it
                    raise
                refresh_lock.clear_lost(folder, account_id)
        except refresh_lock.RefreshBusy:
            raise Temporary("another process is renewing the shop's login") from None
        acc.link.use_tokens(tokens)
        acc.credentials = fresh
        acc.secrets = fresh.secrets()
        self._fresh[account_id] = fresh
        acc.row = account_store.get(db, account_id) or acc.row

    def _reload(self, acc: AccountRun, in_turn: bool = False) -> bool:
        """After 'authorize again' (once per round), or inside the refresh turn (`in_turn`): the stored credentials
        may be newer than ours (another process refreshed, or the shop was linked again); True when they were."""
        if not in_turn:
            if acc.reloaded:
                return False
            acc.reloaded = True
        credentials = self.credentials_source(acc.row)
        if credentials == acc.credentials:
            return False
        self._fresh.pop(acc.row.id, None)
        self._connect(acc, credentials)
        return True

    def _call(self, db: Database, acc: AccountRun, fn: Callable[[], T]) -> T:
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
                # a label still being made is asked for again next round, not in a quick retry
                if exc.outcome_unknown or is_offline(exc) or isinstance(exc, NotReady) or tries >= CALL_RETRIES:
                    raise
                self._sleep(self.quick.delay(tries))
                tries += 1

    def _sleep(self, seconds: float) -> None:
        if self.stop_event.wait(max(0.0, seconds)):
            raise Temporary("sync stopped")

    def _listings(self, db: Database, acc: AccountRun) -> Change:
        last = self._listed_at.get(acc.row.id)
        if last is not None and time.monotonic() - last < LISTINGS_EVERY:
            return Change()
        listings = self._call(db, acc, lambda: acc.link.list_listings())
        change = mapping.store_listings(db, acc.row.id, listings)
        self._listed_at[acc.row.id] = time.monotonic()
        return change

    def _orders(self, db: Database, acc: AccountRun) -> Change:
        """Walk the window page by page; each page commits with the cursor that follows it."""
        updated_from, updated_to, page_cursor = self._order_window(db, acc.row.id)
        change = Change()
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
            change |= applied.change
            if page.done or not page.next_cursor:
                return change
            page_cursor = page.next_cursor
        return change

    def _order_window(self, db: Database, account_id: str) -> tuple[datetime, datetime, str | None]:
        """(from, to, platform cursor): a walk in progress resumes its own window; otherwise up to now."""
        return walk_window(db, account_id, ORDERS, FIRST_WINDOW).parts()

    def _finish(self, db: Database, acc: AccountRun) -> AccountResult:
        problem = acc.problem
        sync_status.record_attempt(db, acc.row.id, problem is None, problem.kind if problem else None,
                                   problem.detail if problem else None)
        return AccountResult(acc.row.id, problem is None, acc.new, acc.updated, acc.pushed, acc.incidents, problem)


def _mine(db: Database, rows: Sequence[AccountRow]) -> list[AccountRow]:
    """The shops this laptop sends for: all of them without a hub, else those whose lease it holds."""
    return [row for row in rows if hub_state.owns_account(db, row.id)]
