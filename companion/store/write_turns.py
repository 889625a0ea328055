"""Writers of one shop file in this process take turns in arrival order.

SQLite's busy handler is not fair: a waiting writer sleeps and polls, and a thread that commits and begins again
at once (the counter at full speed) can win every time, until the waiting sync thread's busy timeout runs out with
"database is locked". Queueing the writers of this process first bounds each one's wait to the transactions
ahead of it. Other processes still meet SQLite's own lock and busy timeout.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from pathlib import Path

_queues: dict[str, WriteTurns] = {}
_queues_lock = threading.Lock()


class WriteTurns:
    """A first-come, first-served turn for write transactions (the head of the queue holds the turn)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._queue: deque[object] = deque()

    def enter(self, timeout: float) -> object | None:
        """Wait for this thread's turn; None after `timeout` (the caller goes on and meets SQLite's lock)."""
        me = object()
        with self._cond:
            self._queue.append(me)
            if self._cond.wait_for(lambda: self._queue[0] is me, timeout):
                return me
            self._queue.remove(me)
            self._cond.notify_all()
            return None

    @property
    def waiting(self) -> int:
        """Writers holding or waiting for the turn."""
        with self._cond:
            return len(self._queue)

    def leave(self, turn: object | None) -> None:
        if turn is None:
            return
        with self._cond:
            self._queue.remove(turn)
            self._cond.notify_all()


def turns_for(path: Path) -> WriteTurns:
    """The one queue of this process for the file at `path`."""
    key = str(Path(path).resolve())
    with _queues_lock:
        found = _queues.get(key)
        if found is None:
            found = _queues[key] = WriteTurns()
        return found


# Between the pieces of long work (an import's pages) a writer in another process needs a gap: SQLite's busy
# handler there retries only every 50–100 ms, and a writer that commits and begins again at once wins nearly every
# time. With a 100,000-row order import beside the counter (a sale every 100 ms), no pause gave a worst sale wait
# of 1.6–2.6 s; 20 ms after each 200-order page gave 80 ms (p95 22–36 ms), for ~5 s more on the whole import.
OTHER_PROCESSES_PAUSE = 0.02


def pause_for_other_processes() -> None:
    """Called between the transactions of long work, so a waiting writer in another process gets its turn."""
    time.sleep(OTHER_PROCESSES_PAUSE)
