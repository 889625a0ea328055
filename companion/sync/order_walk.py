"""The order walk of one shop, overlapped: the window is cut into time slices, each walked page by page by a worker
thread (its own platform cursor), while the engine thread records the pages as they arrive, each with the cursor
after it. Workers only download (no database); the engine thread is the only one that writes.

The persisted cursor (stream "orders") holds every slice's progress, so a walk stopped or killed anywhere resumes
each slice at the page after the last one recorded: nothing skipped, and a page read twice is stored once (orders
are keyed by platform id). JSON: {"updated_from", "updated_to", "page": "slices",
"slices": [[from, to, platform cursor or null, done], ...]}; the old single walk ({"page": "<platform cursor>"})
resumes as one slice. When every slice is done the cursor is the plain {"updated_from": to − overlap, "page": null}.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from companion.domain.clock import now_utc, parse_stamp, stamp
from companion.domain.marketplace import OrderPage
from companion.store import sync_state
from companion.store.database import Database
from companion.sync.progress import ShopProgress

ORDERS = "orders"
SLICED = "slices"                 # the "page" marker of a sliced walk in progress
SLICE_SPAN = timedelta(hours=6)   # a new walk's slices are at least this long (a 5-minute window is one slice) ...
MAX_SLICES = 12                   # ... and at most this many (the first 3-day window: 12 slices of 6 hours)
WORKERS = 6                       # slices walked at once per shop (the call pacing keeps them within the limit)
AHEAD = 2                         # pages a worker may have downloaded and not yet recorded (per worker)


@dataclass
class Slice:
    start: datetime
    end: datetime
    page: str | None = None   # the platform cursor of the next page (None: the slice's first page)
    done: bool = False
    pages: int = 0            # pages recorded in this walk (for the estimate; not persisted)


@dataclass
class WalkPlan:
    updated_from: datetime
    updated_to: datetime
    slices: list[Slice]

    def cursor_json(self, overlap: timedelta) -> str:
        """What is stored with a page: every slice's progress, or the next window's start when all are done."""
        if all(s.done for s in self.slices):
            return json.dumps({"updated_from": stamp(self.updated_to - overlap), "page": None})
        return json.dumps({"updated_from": stamp(self.updated_from), "updated_to": stamp(self.updated_to),
                           "page": SLICED, "slices": [[stamp(s.start), stamp(s.end), s.page, s.done]
                                                      for s in self.slices]})


def load_plan(db: Database, account_id: str, first_window: timedelta) -> WalkPlan:
    """The walk in progress (sliced or the old single one), or a new one from where the last ended up to now."""
    now = now_utc()
    raw = sync_state.cursor(db, account_id, ORDERS)
    try:
        state = json.loads(raw) if raw else {}
        updated_from = parse_stamp(str(state["updated_from"]))
    except (ValueError, KeyError, TypeError):
        return new_plan(now - first_window, now)
    page, to = state.get("page"), state.get("updated_to")
    if page == SLICED and to:
        slices = [Slice(parse_stamp(a), parse_stamp(b), p, bool(d)) for a, b, p, d in state.get("slices") or []]
        if slices:
            return WalkPlan(updated_from, parse_stamp(str(to)), slices)
    if page and to:  # a walk the one-page-at-a-time engine left half-way: its own window and page, one slice
        end = parse_stamp(str(to))
        return WalkPlan(updated_from, end, [Slice(updated_from, end, str(page))])
    return new_plan(min(updated_from, now), now)


def new_plan(updated_from: datetime, updated_to: datetime) -> WalkPlan:
    """Equal slices sharing their edge seconds (an order updated on an edge is read twice and stored once)."""
    count = max(1, min(MAX_SLICES, int((updated_to - updated_from) / SLICE_SPAN)))
    step = (updated_to - updated_from) / count
    edges = [updated_from + step * n for n in range(count)] + [updated_to]
    return WalkPlan(updated_from, updated_to, [Slice(edges[n], edges[n + 1]) for n in range(count)])


Fetch = Callable[[datetime, datetime, str | None], OrderPage]   # one page of one slice (with retries)
Record = Callable[[OrderPage, str], int]                         # store a page with its cursor → orders recorded


@dataclass
class _Walk:
    """What the workers and the engine thread share during one walk."""

    plan: WalkPlan
    fetch: Fetch
    stop: threading.Event
    halt: threading.Event = field(default_factory=threading.Event)
    pages: queue.Queue[tuple[int, OrderPage | BaseException | None]] = field(default_factory=queue.Queue)
    room: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(AHEAD * WORKERS))

    def walk_slice(self, index: int) -> None:
        """Worker: the slice's pages in order, each handed to the engine thread, then None (the worker ended);
        stops at a halt or an error."""
        try:
            s = self.plan.slices[index]
            cursor = s.page
            while not (self.halt.is_set() or self.stop.is_set()):
                if not self.room.acquire(timeout=0.2):
                    continue
                try:
                    page = self.fetch(s.start, s.end, cursor)
                except BaseException as exc:  # handed over: the engine thread decides
                    self.pages.put((index, exc))
                    return
                self.pages.put((index, page))
                if page.done or not page.next_cursor:
                    return
                cursor = page.next_cursor
        finally:
            self.pages.put((index, None))


def walk_orders(plan: WalkPlan, fetch: Fetch, record: Record, *, overlap: timedelta, max_pages: int,
                stop: threading.Event, progress: Callable[[int, float, float, float | None], None] | None = None,
                ) -> None:
    """Walk the plan's open slices at once; record each page on this thread, in each slice's order, with the whole
    plan's cursor after it. Raises the first worker error once every worker has ended (pages downloaded before it
    are still recorded, so the next walk resumes after them). `progress(recorded, fraction, covered, seconds_left)`."""
    walk = _Walk(plan, fetch, stop)
    open_slices = [n for n, s in enumerate(plan.slices) if not s.done]
    estimate = _Estimate(plan, time.monotonic())
    failure: BaseException | None = None
    recorded = pages = 0
    skipped: set[int] = set()
    running = len(open_slices)
    with ThreadPoolExecutor(max_workers=max(1, min(WORKERS, running)), thread_name_prefix="order-walk") as pool:
        for n in open_slices:
            pool.submit(walk.walk_slice, n)
        try:
            while running:
                index, got = walk.pages.get()
                if got is None:
                    running -= 1
                    continue
                walk.room.release()
                if isinstance(got, BaseException):
                    failure = failure or got
                    walk.halt.set()  # the others stop; what they already brought is still recorded
                elif stop.is_set() or pages >= max_pages or index in skipped:
                    skipped.add(index)  # not recorded, nor anything after it: the slice resumes here next time
                    walk.halt.set()
                else:
                    recorded += _take(plan, index, got, record, overlap)
                    pages += 1
                    if progress is not None:
                        progress(recorded, *estimate.after_page())
        finally:
            walk.halt.set()
            _drain(walk)
    if failure is not None:
        raise failure


def _take(plan: WalkPlan, index: int, page: OrderPage, record: Record, overlap: timedelta) -> int:
    """The slice moves past the page, and the page is stored with the whole plan's cursor."""
    s = plan.slices[index]
    s.page, s.done = page.next_cursor, page.done or not page.next_cursor
    s.pages += 1
    return record(page, plan.cursor_json(overlap))


def _drain(walk: _Walk) -> None:
    """Unblock workers waiting for room until they notice the halt (the pool's exit then joins them)."""
    while True:
        try:
            _, got = walk.pages.get_nowait()
        except queue.Empty:
            return
        if got is not None:
            walk.room.release()


class _Estimate:
    """How much of the walk is covered and how long the rest may take, from the pace of this walk so far."""

    def __init__(self, plan: WalkPlan, started: float) -> None:
        self.plan, self.started = plan, started
        self.start_fraction = self.shown = self.fraction()

    def fraction(self) -> float:
        slices = self.plan.slices
        done = [s.pages for s in slices if s.done and s.pages]
        usual = sum(done) / len(done) if done else None
        parts = 0.0
        for s in slices:
            if s.done:
                parts += 1.0
            elif s.pages:  # a slice under way: its pages against a finished slice's (else half-way at best)
                parts += min(0.9, s.pages / usual) if usual else s.pages / (s.pages + 1) * 0.5
        return parts / len(slices)

    def after_page(self) -> tuple[float, float, float | None]:
        """(fraction of the whole walk, fraction of what this run had left that is now covered, seconds left)."""
        fraction = self.shown = max(self.shown, self.fraction())  # never backwards on the strip
        covered = (fraction - self.start_fraction) / (1 - self.start_fraction) if self.start_fraction < 1 else 1.0
        elapsed = time.monotonic() - self.started
        left = elapsed * (1 - covered) / covered if covered > 0 else None
        return fraction, covered, left


def progress_record(account_id: str, recorded: int, fraction: float, covered: float, seconds_left: float | None,
                    finished: bool = False) -> ShopProgress:
    """The strip's record: the total estimated from the share of this run's walk covered (no platform total is
    read: Shopee tells none), None until a first estimate exists; at the end what was recorded."""
    total = recorded if finished else round(recorded / covered) if covered > 0 and recorded else None
    return ShopProgress(account_id, ORDERS, recorded, total, fraction, seconds_left, finished)
