"""One token refresh at a time per shop, across threads and processes, and the memory of a lost refresh answer.

A platform's refresh token may work only once (some platforms' do): two refreshes of one shop at once, from the app's
sync thread and a `companion sync --once` say, would have one of them refused and the shop asked to be linked again
for nothing. So a refresh runs inside `refresh_turn`, an OS lock on `<data dir>/locks/refresh-<account id>.lock`
(it dies with its process), and a thread lock for the same shop in this process.

When the answer to a refresh is lost after it was sent, the platform may have renewed the login and retired the old
refresh token: `mark_lost` leaves a small file beside the lock, so any process (and the next start) can say so
plainly until a refresh works again or the shop is linked again.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

from companion.store.file_lock import FileLock

LOCKS = "locks"
REFRESH_WAIT = 90.0  # seconds to wait for another process's refresh (its call times out well before this)

_threads: dict[str, threading.Lock] = {}
_threads_lock = threading.Lock()


class RefreshBusy(TimeoutError):
    """Another process kept the shop's refresh turn longer than REFRESH_WAIT."""


def lock_path(data_dir: Path, account_id: str) -> Path:
    return Path(data_dir) / LOCKS / f"refresh-{account_id}.lock"


def _lost_path(data_dir: Path, account_id: str) -> Path:
    return Path(data_dir) / LOCKS / f"refresh-{account_id}.lost"


def _thread_lock(key: str) -> threading.Lock:
    with _threads_lock:
        return _threads.setdefault(key, threading.Lock())


@contextlib.contextmanager
def refresh_turn(data_dir: Path, account_id: str, timeout: float = REFRESH_WAIT) -> Iterator[None]:
    """Hold the shop's refresh turn (this process's threads first, then other processes); RefreshBusy after
    `timeout` seconds of waiting."""
    path = lock_path(data_dir, account_id)
    in_process = _thread_lock(str(path.resolve()))
    if not in_process.acquire(timeout=timeout):
        raise RefreshBusy(account_id)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(path, program="token refresh")
        if not lock.acquire(exclusive=True, timeout=timeout):
            raise RefreshBusy(account_id)
        try:
            yield
        finally:
            lock.release()
    finally:
        in_process.release()


def mark_lost(data_dir: Path, account_id: str) -> None:
    """Remember that a refresh of this shop was sent and its answer lost."""
    path = _lost_path(data_dir, account_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()


def was_lost(data_dir: Path, account_id: str) -> bool:
    return _lost_path(data_dir, account_id).exists()


def clear_lost(data_dir: Path, account_id: str) -> None:
    """A refresh worked again, or the shop was linked again."""
    with contextlib.suppress(FileNotFoundError):
        _lost_path(data_dir, account_id).unlink()
