"""The sync engine on its own thread: a round at start, then every poll interval, on demand, and soon after a
local stock change (debounced, so a busy counter causes one push, not one per sale). Between rounds the buyers'
messages alone are pulled every chat interval, and during a long round at its pause points (between its steps and
pieces of a push): the inbox is where minutes matter. Beside it, on a thread of its own,
the shop's hub (sync/hub_runner.py): nudged by every local change, its pulled changes nudge a stock push here."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from companion.connectors.base import Connector, Credentials
from companion.connectors.factory import build_connector
from companion.services.change import Change
from companion.store import accounts as account_store
from companion.store import hub_state
from companion.store.accounts import AccountRow
from companion.store.database import close_thread_databases, thread_database
from companion.sync.composition import sync_engine
from companion.sync.events import SyncEvent
from companion.sync.hub_outcome import HubRoundResult
from companion.sync.hub_runner import HubRunner
from companion.sync.progress import ShopProgress

log = logging.getLogger(__name__)

DEFAULT_POLL = 60.0
CHAT_POLL = 15.0      # a buyer's question shows within this (one cheap call per shop); None/0: rounds only
PUSH_DELAY = 2.0      # wait this long after a stock change for more changes
PUSH_DELAY_MAX = 10.0  # but never longer than this after the first one


class SyncRunner:
    """Owns a SyncEngine and a thread; `on_event` is called on that thread."""

    def __init__(self, db_path: Path, credentials_source: Callable[[AccountRow], Credentials],
                 on_event: Callable[[SyncEvent], None], poll_seconds: float | None = None, *,
                 connector_factory: Callable[[Credentials], Connector] = build_connector,
                 push_delay: float = PUSH_DELAY, chat_seconds: float | None = CHAT_POLL) -> None:
        self.engine = sync_engine(db_path, credentials_source, connector_factory=connector_factory)
        self.engine.on_progress = self._progress  # each recorded order page: the strip's line per shop
        self.engine.between_steps = self._chats_between  # a long round still pulls the buyers' messages on time
        self._next_chat = time.monotonic()
        self.db_path = Path(db_path)
        self.on_event = on_event
        self.poll_seconds = poll_seconds
        self.push_delay = push_delay
        self.chat_seconds = chat_seconds
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._now = False
        self._push_at: float | None = None
        self._first_change: float | None = None
        self._thread: threading.Thread | None = None
        self._check: set[str] = set()  # channels whose chats the person asked to check (on-demand channels)
        self.hub = HubRunner(self.db_path, self._hub_result)  # idle until the laptop joins a hub
        self._sends_for: frozenset[str] = frozenset()  # the shops this laptop held leases for after the last hub round

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self.engine.stop_event.clear()
        self._now = True  # a round at start
        self._thread = threading.Thread(target=self._run, name="sync-runner", daemon=True)
        self._thread.start()
        self.hub.start()

    def stop(self, timeout: float = 15.0) -> None:
        """Ask the round to finish early (waits are cut short) and join the thread."""
        self.engine.stop_event.set()
        self._wake.set()
        self.hub.stop(timeout)
        if self._thread is not None:
            self._thread.join(timeout)
        self._thread = None

    def sync_now(self) -> None:
        self.sync_now_marketplace()
        self.hub.sync_now()

    def local_change(self) -> None:
        """Something was saved here (a sale, a product, a reply): the hub round soon carries it to the others."""
        self.hub.nudge()

    def check_chats(self, channel: str) -> None:
        """The person asked for this channel's chats (an on-demand channel is never polled): check them soon."""
        with self._lock:
            self._check.add(channel)
        self._wake.set()

    def stock_changed(self) -> None:
        self.hub.nudge()
        self._push_soon()

    def _push_soon(self) -> None:
        with self._lock:
            now = time.monotonic()
            self._first_change = self._first_change or now
            self._push_at = min(now + self.push_delay, self._first_change + PUSH_DELAY_MAX)
        self._wake.set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- the thread -----------------------------------------------------------------------------------------
    def _run(self) -> None:
        next_poll = self._next_chat = time.monotonic()
        try:
            while not self.engine.stop_event.is_set():
                if self._due(next_poll):
                    self._round()
                    next_poll = time.monotonic() + self._poll_interval()
                    self._next_chat = time.monotonic() + (self.chat_seconds or 0)
                    continue
                if self._checks():
                    continue
                if self._chats_due():
                    self._chats()
                    continue
                until = min(next_poll, self._next_chat) if self.chat_seconds else next_poll
                self._wake.wait(self._wait_time(until))
                self._wake.clear()
        finally:
            close_thread_databases()

    def _chats_due(self) -> bool:
        return bool(self.chat_seconds) and time.monotonic() >= self._next_chat

    def _chats_between(self) -> None:
        """Mid-round, at the engine's pause points: the chat checks the person asked for, and the chat pull when
        its interval has passed (a first sync or a check of every listing can take minutes at a platform's pace)."""
        self._checks()
        if self._chats_due():
            self._chats()

    def _due(self, next_poll: float) -> bool:
        with self._lock:
            now = time.monotonic()
            due = self._now or now >= next_poll or (self._push_at is not None and now >= self._push_at)
            if due:
                self._now = False
                self._push_at = self._first_change = None
            return due

    def _wait_time(self, next_poll: float) -> float:
        with self._lock:
            until = next_poll if self._push_at is None else min(next_poll, self._push_at)
        return max(0.01, until - time.monotonic())

    def _poll_interval(self) -> float:
        if self.poll_seconds is not None:
            return self.poll_seconds
        try:
            polls = [a.poll_seconds for a in account_store.active(thread_database(self.db_path))]
        except Exception:
            log.exception("reading poll intervals failed")
            return DEFAULT_POLL
        return float(min(polls)) if polls else DEFAULT_POLL

    def _round(self) -> None:
        self._emit(SyncEvent("round_started"))
        # The round pulls chats itself; in a long round, pulls at its pause points start one interval from now.
        self._next_chat = time.monotonic() + (self.chat_seconds or 0)
        try:
            summary = self.engine.sync_once()
        except Exception:  # a database or programming error: keep the thread, try again next time
            log.exception("sync round failed")
            self._emit(SyncEvent("round_finished"))  # no summary: the status area stops waiting all the same
            return
        for account in summary.accounts:
            self._emit(SyncEvent("account_finished", account=account))
        self._emit(SyncEvent("round_finished", summary=summary))

    def _checks(self) -> bool:
        """Run the chat checks the person asked for; True when there were any."""
        with self._lock:
            channels, self._check = sorted(self._check), set()
        for channel in channels:
            try:
                change = self.engine.check_chats(channel)
            except Exception:
                log.exception("chat check of %s failed", channel)
                continue
            self._emit(SyncEvent("chats", change=change))
        return bool(channels)

    def _chats(self) -> None:
        """The chat pull; the next one is due a chat interval after this one ends."""
        try:
            change = self.engine.sync_chats()
        except Exception:  # as for a round: keep the thread, the next round says what is wrong
            log.exception("chat pull failed")
            change = Change()
        finally:
            self._next_chat = time.monotonic() + (self.chat_seconds or 0)
        if change != Change():
            self._emit(SyncEvent("chats", change=change))

    def _hub_result(self, result: HubRoundResult) -> None:
        """On the hub's thread: tell the GUI; changes pulled from other laptops (their sales move stock, their
        commands wait in the outbox) make a marketplace round soon, as a local stock change does."""
        self._emit(SyncEvent("hub", change=result.change, hub=result))
        sends_for = frozenset(row.id for row in account_store.active(thread_database(self.db_path))
                              if hub_state.owns_account(thread_database(self.db_path), row.id))
        if sends_for - self._sends_for:  # a lease taken (first round after joining, a takeover): sync those now
            self.sync_now_marketplace()
        self._sends_for = sends_for
        if result.pulled:
            self._push_soon()

    def sync_now_marketplace(self) -> None:
        """A marketplace round now, leaving the hub's timing alone."""
        with self._lock:
            self._now = True
        self._wake.set()

    def _progress(self, progress: ShopProgress) -> None:
        self._emit(SyncEvent("progress", progress=progress))

    def _emit(self, event: SyncEvent) -> None:
        try:
            self.on_event(event)
        except Exception:
            log.exception("sync event handler failed")
