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
from companion.domain.clock import now_utc, parse_stamp
from companion.domain.marketplace import Capability, OrderPage
from companion.services import accounts as account_service
from companion.services import mapping, sync_status
from companion.services.change import Change
from companion.store import accounts as account_store
from companion.store import hub_state, outbox, refresh_lock
from companion.store import inbox as inbox_store
from companion.store.accounts import AccountRow
from companion.store.database import Database, thread_database
from companion.store.outbox import CommandRow
from companion.sync import chat, command_handlers, labels, order_walk, returns, reviews
from companion.sync.backoff import Backoff
from companion.sync.events import AccountResult, RoundSummary
from companion.sync.problems import is_offline, problem_for
from companion.sync.progress import ShopProgress
from companion.sync.rounds import STOPPING, AccountRun, CommandRound
from companion.sync.shop_orders import EngineTurns, OnEngine, ShopOrders, here
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
ORDERS = order_walk.ORDERS


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
        self.on_progress: Callable[[ShopProgress], None] | None = None  # each recorded order page (engine thread)
        # Between a round's steps, on the engine thread with nothing half-written: the runner pulls the buyers'
        # messages that are due, so a long round (a first sync, every listing checked) holds no question back.
        self.between_steps: Callable[[], None] | None = None
        self._between_running = False

    # -- rounds ---------------------------------------------------------------------------------------------
    def sync_once(self) -> RoundSummary:
        """Every active account: tokens and its declared phases; then every account's due commands; then each
        account's returns, labels and reviews; the commands meant for every account settled. The summary carries
        the union of every service's Change."""
        db = thread_database(self.db_path)
        started = now_utc()
        self._chat_links.clear()  # credentials are read afresh each round (a re-link, new tokens)
        active = account_store.active(db)
        accounts = [self._open(row) for row in _mine(db, active)]
        change = self._pull(db, accounts)
        rnd = CommandRound(db, self.backoff, self._full_done, FULL_CHECK_EVERY, self._between)
        due = outbox.due(db)
        for acc in accounts:  # every shop's replies, stock numbers and shipments first: the reads below may be long
            if not self.stop_event.is_set():
                change |= self._send_commands(rnd, acc, due)
        for acc in accounts:
            if not self.stop_event.is_set():
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

    def _pull(self, db: Database, accounts: Sequence[AccountRun]) -> Change:
        """Per shop tokens and listings (STOCK: order lines are matched to them), then every shop's orders at once,
        then per shop its chats: only the phases the shop's channel declares, each shop's in that order."""
        change = Change()
        for acc in accounts:
            if not self.stop_event.is_set():
                change |= self._pull_phases(acc, partial(self._ensure_tokens, db, acc),
                                            partial(self._listings, db, acc) if Capability.STOCK in
                                            acc.capabilities else None)
        if not self.stop_event.is_set():
            change |= self._orders_of(db, accounts)
        for acc in accounts:
            if not self.stop_event.is_set() and Capability.CHAT in acc.capabilities and not chat.on_demand(
                    acc.row.channel):
                change |= self._pull_phases(acc, partial(self._chat_phase, db, acc))
        return change

    def _chat_phase(self, db: Database, acc: AccountRun) -> Change:
        return chat.chat_phase(db, acc.row, acc.link, acc.call)  # the connection as it is now (a re-link renews it)

    def _pull_phases(self, acc: AccountRun, *steps: Callable[[], Change | None] | None) -> Change:
        if acc.stopped:
            return Change()
        change = Change()
        try:
            for step in steps:
                if step is not None:
                    change |= self._phase(acc, step)
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

    def _between(self) -> None:
        """A pause point of the round: `between_steps` runs unless a transaction is open or it is running already
        (its own chat pulls reach the pause points of their calls)."""
        hook = self.between_steps
        if hook is None or self._between_running or thread_database(self.db_path).conn.in_transaction:
            return
        self._between_running = True
        try:
            hook()
        finally:
            self._between_running = False

    def _phase(self, acc: AccountRun, step: Callable[[], Change | None]) -> Change:
        """Run a step; a problem that makes further calls pointless stops the account, others are noted."""
        self._between()
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
            except (Throttled, Temporary) as exc:
                self._wait_or_raise(exc, tries)
                tries += 1

    def _wait_or_raise(self, exc: Throttled | Temporary, tries: int) -> None:
        """The in-round remedy for a throttled or failed call: a short wait before trying again, or give up."""
        if isinstance(exc, Throttled):
            wait = exc.retry_after_seconds
            wait = self.quick.delay(tries) if wait is None else wait
            if tries >= CALL_RETRIES or wait > self.max_throttle_wait:
                raise exc
            self._sleep(wait)
            return
        # a label still being made is asked for again next round, not in a quick retry
        if exc.outcome_unknown or is_offline(exc) or isinstance(exc, NotReady) or tries >= CALL_RETRIES:
            raise exc
        self._sleep(self.quick.delay(tries))

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
        """The window cut in slices walked at once by worker threads (sync/order_walk.py); each page is recorded
        here, on the engine thread, with every slice's cursor after it. A refused login or a short throttle ends
        the walk and, through `_call`, starts it again from what was recorded."""
        shop = self._shop_orders(db, acc)
        try:
            self._call(db, acc, shop.walk)
        finally:
            shop.finished()
        return shop.change

    def _shop_orders(self, db: Database, acc: AccountRun, on_engine: OnEngine = here) -> ShopOrders:
        return ShopOrders(db, acc, partial(self._fetch_orders, acc), self._progress, first_window=FIRST_WINDOW,
                          overlap=OVERLAP, max_pages=MAX_PAGES, stop=self.stop_event, on_engine=on_engine)

    def _orders_of(self, db: Database, accounts: Sequence[AccountRun]) -> Change:
        """Every shop's order walk downloads at once (each shop has its own call limit), each from a coordinator
        thread whose database steps run here (`EngineTurns`), shop by shop in the round's order. A shop whose walk
        failed walks again alone through `_orders`, with the round's remedies (refresh, throttle waits), from the
        pages already recorded."""
        ready = [acc for acc in accounts if not acc.stopped and Capability.ORDERS in acc.capabilities]
        if len(ready) < 2:
            return self._each_alone(db, ready)
        turns = [EngineTurns() for _ in ready]
        shops = [self._shop_orders(db, acc, turn.run) for acc, turn in zip(ready, turns, strict=True)]
        plans = [shop.load() for shop in shops]  # here: the cursors are read on the engine thread
        failed: list[AccountRun] = []

        def coordinate(shop: ShopOrders, plan: order_walk.WalkPlan, turn: EngineTurns) -> None:
            try:
                shop.walk(plan)
            except BaseException:  # walked again alone below, where the problem is noted
                failed.append(shop.acc)
            finally:
                turn.done()

        threads = [threading.Thread(target=coordinate, args=(shop, plan, turn), daemon=True,
                                    name=f"orders-{shop.acc.row.id[:8]}")
                   for shop, plan, turn in zip(shops, plans, turns, strict=True)]
        for thread in threads:
            thread.start()
        for turn in turns:  # shop by shop, in the round's order: the later ones download meanwhile
            turn.serve(1)
        for thread in threads:
            thread.join()
        change = Change()
        for shop in shops:
            change |= shop.change
            if shop.acc not in failed:
                shop.finished()
        return change | self._each_alone(db, [acc for acc in ready if acc in failed])

    def _each_alone(self, db: Database, accounts: Sequence[AccountRun]) -> Change:
        change = Change()
        for acc in accounts:
            if acc.stopped or self.stop_event.is_set():
                continue
            try:
                change |= self._phase(acc, partial(self._orders, db, acc))
            except _Stop:
                acc.stopped = True
        return change

    def _fetch_orders(self, acc: AccountRun, updated_from: datetime, updated_to: datetime,
                      cursor: str | None) -> OrderPage:
        """One page of one slice, on a walk's worker thread: short throttle waits and quick read retries, no
        database (a refused login goes back to the engine thread, which refreshes and walks again)."""
        return self._read(lambda: acc.link.pull_orders(updated_from, updated_to, cursor))

    def _read(self, fn: Callable[[], T]) -> T:
        """A read with `_call`'s throttle waits and quick retries, and nothing that needs the database."""
        tries = 0
        while True:
            try:
                return fn()
            except (Throttled, Temporary) as exc:
                self._wait_or_raise(exc, tries)
            tries += 1

    def _progress(self, progress: ShopProgress) -> None:
        """Tell the strip how far a shop's walk has come (on the engine thread); a listener's fault stays its own."""
        if self.on_progress is None:
            return
        try:
            self.on_progress(progress)
        except Exception:
            log.exception("a progress listener failed")

    def _finish(self, db: Database, acc: AccountRun) -> AccountResult:
        problem = acc.problem
        sync_status.record_attempt(db, acc.row.id, problem is None, problem.kind if problem else None,
                                   problem.detail if problem else None)
        return AccountResult(acc.row.id, problem is None, acc.new, acc.updated, acc.pushed, acc.incidents, problem)


def _mine(db: Database, rows: Sequence[AccountRow]) -> list[AccountRow]:
    """The shops this laptop sends for: all of them without a hub, else those whose lease it holds."""
    return [row for row in rows if hub_state.owns_account(db, row.id)]
