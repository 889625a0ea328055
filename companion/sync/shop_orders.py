"""One shop's order walk as the engine runs it (sync/order_walk.py does the slicing and the workers): each page
stored through `apply_orders` with its cursor, what the round counts, and the progress told. Several shops download
at once (each has its own call limit) from coordinator threads, but every database step — storing a page, telling
the progress — runs on the engine thread through `EngineTurns`, the only thread with the database connection; the
engine serves the shops one after another, so orders are stored shop by shop as before (which shop's order oversold
a product does not depend on which download came first) while the next shops' first pages are already coming."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from datetime import timedelta
from typing import Any, TypeVar

from companion.domain.marketplace import OrderPage
from companion.services.change import Change
from companion.services.online_orders import apply_orders
from companion.store.database import Database
from companion.sync import order_walk
from companion.sync.progress import ShopProgress
from companion.sync.rounds import AccountRun

T = TypeVar("T")
OnEngine = Callable[[Callable[[], Any]], Any]


def here(fn: Callable[[], T]) -> T:
    """Already on the engine thread: run it."""
    return fn()


class EngineTurns:
    """Other threads hand short steps to the engine thread and wait for their outcome; the engine thread serves
    them until every one of those threads has said it is done."""

    def __init__(self) -> None:
        self._steps: queue.Queue[tuple[Callable[[], Any], Future[Any]] | None] = queue.Queue()

    def run(self, fn: Callable[[], T]) -> T:
        """From another thread: `fn` on the engine thread; its result or its exception here."""
        done: Future[T] = Future()
        self._steps.put((fn, done))
        return done.result()

    def done(self) -> None:
        """From another thread: it asks for nothing more."""
        self._steps.put(None)

    def serve(self, threads: int) -> None:
        """On the engine thread: run what is handed over until `threads` threads are done."""
        while threads:
            step = self._steps.get()
            if step is None:
                threads -= 1
                continue
            fn, done = step
            try:
                done.set_result(fn())
            except BaseException as exc:  # the asking thread gets it
                done.set_exception(exc)


class ShopOrders:
    """What one shop's order walk recorded and told; `walk()` may run on any thread, `on_engine` carries every
    database step (and the progress) to the engine thread."""

    def __init__(self, db: Database, acc: AccountRun, fetch: order_walk.Fetch,
                 tell: Callable[[ShopProgress], None], *, first_window: timedelta, overlap: timedelta,
                 max_pages: int, stop: threading.Event, on_engine: OnEngine = here) -> None:
        self.db, self.acc, self.fetch, self.tell = db, acc, fetch, tell
        self.first_window, self.overlap, self.max_pages, self.stop = first_window, overlap, max_pages, stop
        self.on_engine = on_engine
        self.change = Change()
        self.recorded = 0
        self._seen: set[str] = set()  # orders read twice (slice edges, Lazada's re-read second) count once

    def load(self) -> order_walk.WalkPlan:
        """On the engine thread: the walk in progress, or a new one (sync/order_walk.load_plan)."""
        return order_walk.load_plan(self.db, self.acc.row.id, self.first_window)

    def walk(self, plan: order_walk.WalkPlan | None = None) -> None:
        """The walk from `plan` (else its stored cursor); raises what a worker or a page's storing raised (recorded
        pages stay)."""
        plan = plan or self.on_engine(self.load)
        order_walk.walk_orders(plan, self.fetch,
                               lambda page, cursor: self.on_engine(lambda: self._record(page, cursor)),
                               overlap=self.overlap, max_pages=self.max_pages, stop=self.stop,
                               progress=lambda *told: self.on_engine(lambda: self._told(*told)))

    def finished(self) -> None:
        """On the engine thread: the strip's line for this shop is over."""
        self.tell(order_walk.progress_record(self.acc.row.id, self.recorded, 1.0, 1.0, 0.0, finished=True))

    def _record(self, page: OrderPage, cursor: str) -> int:
        applied = apply_orders(self.db, self.acc.row.id, page.orders, cursor=(order_walk.ORDERS, cursor))
        self.acc.new += applied.new
        self.acc.updated += applied.updated
        self.acc.incidents += applied.incidents
        self.change |= applied.change
        fresh = {o.order_id for o in page.orders} - self._seen
        self._seen.update(fresh)
        return len(fresh)

    def _told(self, _walked: int, fraction: float, covered: float, left: float | None) -> None:
        self.recorded = len(self._seen)  # across the walks of this round (a refused login walks again)
        self.tell(order_walk.progress_record(self.acc.row.id, self.recorded, fraction, covered, left))
