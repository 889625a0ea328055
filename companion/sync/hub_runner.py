"""Hub rounds on their own thread, beside the marketplace runner (sync/runner.py) and never in its way: a hub that
cannot be reached only slows this thread, never the marketplace sync or the counter.

When the laptop has joined a hub: a round soon after a local write (`nudge`, debounced so a busy counter makes one
round, not one per sale), and every few seconds otherwise, so a sale on one laptop shows on the others within
seconds; when the hub cannot be reached the wait grows (sync/backoff.py) up to a few minutes, and a nudge does
not cut it short (the counter would otherwise knock on a dead link at every sale). A laptop that has not joined, or
whose syncing stopped, looks again only now and then (joining in Pengaturan nudges).

A second thread listens on the shop's NOTIFY channel (hub/exchange.listen: every push notifies at its commit,
https://www.postgresql.org/docs/15/sql-notify.html), so another laptop's sale starts a round here at once, not at
the next tick. A hub reached through a transaction pooler delivers no notifications: the timer alone serves."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from companion.services import hub as hub_service
from companion.store import hub_state
from companion.store.database import close_thread_databases, thread_database
from companion.sync.backoff import Backoff
from companion.sync.hub_outcome import HubRoundResult

log = logging.getLogger(__name__)

EVERY = 5.0          # seconds between rounds while the hub answers
NUDGE_DELAY = 0.5    # a round this long after a local write (more writes in the meantime join it)
IDLE = 30.0          # not joined, or stopped: look again this often (or when nudged)
LISTEN_SLICE = 2.0   # the listener looks up (stop asked, identity changed) this often between notifications


class HubRunner:
    """Owns the hub thread; `on_result` is called on that thread after every round that ran."""

    def __init__(self, db_path: Path, on_result: Callable[[HubRoundResult], None], *, every: float = EVERY,
                 backoff: Backoff | None = None, nudge_delay: float = NUDGE_DELAY,
                 round_fn: Callable[..., HubRoundResult] | None = None, listen: bool = True) -> None:
        self.db_path = Path(db_path)
        self.on_result = on_result
        self.every = every
        self.backoff = backoff or Backoff(base_seconds=5.0, cap_seconds=300.0)
        self.nudge_delay = nudge_delay
        self.round_fn = round_fn
        self.stop_event = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._due_at: float | None = None
        self._failures = 0
        self._nudged = False  # a write came while a round ran: the next one soon, not after `every`
        self._thread: threading.Thread | None = None
        self._listener: threading.Thread | None = None
        self.listen = listen

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self.stop_event.clear()
        self._due_at = time.monotonic()  # a round at start
        self._thread = threading.Thread(target=self._run, name="hub-runner", daemon=True)
        self._thread.start()
        if self.listen:
            self._listener = threading.Thread(target=self._listen, name="hub-listener", daemon=True)
            self._listener.start()

    def stop(self, timeout: float = 15.0) -> None:
        self.stop_event.set()
        self._wake.set()
        for thread in (self._thread, self._listener):
            if thread is not None:
                thread.join(timeout)
        self._thread = self._listener = None

    def nudge(self) -> None:
        """Something was written here: a round soon (unless the hub is in backoff)."""
        with self._lock:
            soon = time.monotonic() + self.nudge_delay
            self._nudged = True
            if self._failures == 0 or self._due_at is None:
                self._due_at = soon if self._due_at is None else min(self._due_at, soon)
        self._wake.set()

    def sync_now(self) -> None:
        """The person asked: a round now, backoff or not."""
        with self._lock:
            self._due_at = time.monotonic()
        self._wake.set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        try:
            while not self.stop_event.is_set():
                with self._lock:
                    due = self._due_at is not None and time.monotonic() >= self._due_at
                    if due:
                        self._nudged = False
                if due:
                    self._schedule(self._round())
                    continue
                with self._lock:
                    wait = IDLE if self._due_at is None else max(0.01, self._due_at - time.monotonic())
                self._wake.wait(wait)
                self._wake.clear()
        finally:
            close_thread_databases()

    def _round(self) -> HubRoundResult | None:
        try:
            if not hub_state.identity(thread_database(self.db_path)).enrolled:
                return None
            result = (self.round_fn or _hub_round())(self.db_path, stop_event=self.stop_event)
        except Exception:  # a database or programming error: keep the thread, try again later
            log.exception("hub round failed")
            return HubRoundResult(problem="", kind="other")
        try:
            self.on_result(result)
        except Exception:
            log.exception("hub result handler failed")
        return result

    def _schedule(self, result: HubRoundResult | None) -> None:
        """The next round: soon while the hub answers, later and later while it does not."""
        with self._lock:
            if result is None or result.stopped:
                self._failures = 0
                self._due_at = time.monotonic() + IDLE
            elif result.ok:
                self._failures = 0
                self._due_at = time.monotonic() + (self.nudge_delay if self._nudged else self.every)
            else:
                self._due_at = time.monotonic() + max(self.every, self.backoff.delay(self._failures))
                self._failures += 1

    # -- the listener ---------------------------------------------------------------------------------------------
    def _listen(self) -> None:
        """Hold a listening connection while the laptop is in a hub; a cut line is tried again after a backoff."""
        from companion.hub.errors import HubError  # psycopg loads here, on this thread, not at the app's start

        failures = 0
        try:
            while not self.stop_event.is_set():
                try:
                    listened = self._listen_while_joined()
                    failures = 0
                    if not listened:
                        self.stop_event.wait(IDLE)
                except HubError as exc:  # the rounds say what is wrong; the listener only waits and tries again
                    log.info("hub listener waits: %s", exc.kind)
                    self.stop_event.wait(self.backoff.delay(failures))
                    failures += 1
                except Exception:
                    log.exception("hub listener failed")
                    self.stop_event.wait(self.backoff.delay(failures))
                    failures += 1
        finally:
            close_thread_databases()

    def _listen_while_joined(self) -> bool:
        """Listen until stopped or this laptop's place in the hub changes; False when there is nothing to listen
        to (not joined, stopped, no password)."""
        from companion.hub import connection, exchange

        db = thread_database(self.db_path)
        me = hub_state.identity(db)
        password = hub_service.hub_password(db)
        if not me.enrolled or me.stopped_reason or me.address is None or not me.shop_id or not password:
            return False
        with connection.connect(me.address, me.role_name or "", password) as conn:
            exchange.listen(conn, me.shop_id)
            while not self.stop_event.is_set():
                if exchange.wait_for_push(conn, me.device_id, LISTEN_SLICE):
                    self.sync_now()
                now = hub_state.identity(db)
                if now.device_id != me.device_id or now.stopped_reason or not now.enrolled:
                    break
        return True


def _hub_round() -> Callable[..., HubRoundResult]:
    """The round itself, imported on the runner's thread at its first round: it brings psycopg (~0.1 s), which the
    window's start must not wait for."""
    from companion.sync.hub_round import hub_round

    return hub_round
