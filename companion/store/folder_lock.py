"""One data folder, many processes: who may work in it together, and who must work in it alone.

The app, the sync, an import, a backup or the doctor can share the folder (SQLite keeps their writes apart), so
each holds a SHARED lock on `<data dir>/companion.lock` while it runs. A restore swaps the shop file itself: a
process still holding the old file open would write into a file nobody reads any more (issue 13: 20,000 imported
orders reported saved were in neither file), so it takes the lock EXCLUSIVE, waits briefly, and otherwise refuses
in one sentence naming what holds the folder. The OS drops the lock when a process ends, however it ends.

Holds are counted per folder within a process, so nested commands and the app's own restore work: the restore
trades this process's shared hold for the exclusive one and takes the shared one back afterwards.
"""

from __future__ import annotations

import errno
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from companion.domain.errors import UserError
from companion.i18n import N_, tr
from companion.store.file_lock import FileLock, Holder, default_program

LOCK_NAME = "companion.lock"
SHARED_WAIT = 30.0  # seconds a command waits for a restore in another process to finish
EXCLUSIVE_WAIT = 3.0  # seconds a restore waits for the others to finish
APP = "app"  # the program name the desktop app writes; shown as "the app"

# A folder the OS will not let us write into: nothing can be written there anyway, so no lock is needed to keep
# writers apart (the write itself is refused in words by storage_errors).
_NOT_WRITABLE = (errno.EROFS, errno.EACCES, errno.EPERM)

BUSY = N_("The data folder is in use by {holder}: close it or wait until it has finished, then try again.")
BUSY_RESTORING = N_("The data folder is being restored by {holder}: wait until it has finished, then try again.")


@dataclass
class _Hold:
    lock: FileLock | None  # None: the folder could not hold a lock file (read-only), and needs none
    count: int


_holds: dict[Path, _Hold] = {}
_holds_lock = threading.RLock()


def lock_path(folder: Path) -> Path:
    return Path(folder) / LOCK_NAME


def describe(holder: Holder) -> str:
    """A holder in the reader's language: "the app (pid 12, since …)" or "companion import (pid 34, since …)"."""
    if holder.program == APP:
        return tr("the app (pid {pid}, since {since})", pid=holder.pid, since=holder.since)
    return tr("{program} (pid {pid}, since {since})", program=holder.program, pid=holder.pid, since=holder.since)


def _holders_text(lock: FileLock) -> str:
    found = lock.holders()
    return ", ".join(describe(h) for h in found) if found else tr("another program")


def _new_lock(folder: Path, program: str, exclusive: bool, wait: float) -> FileLock | None:
    """A lock got within `wait` seconds; None when the folder cannot be written; UserError when someone holds it."""
    lock = FileLock(lock_path(folder), program)
    try:
        got = lock.acquire(exclusive=exclusive, timeout=wait)
    except OSError as exc:
        if exc.errno in _NOT_WRITABLE:
            return None
        raise
    if got:
        return lock
    who = _holders_text(lock)
    raise UserError(BUSY if exclusive else BUSY_RESTORING, holder=who)


def hold_shared(folder: Path, program: str, wait: float | None = None) -> None:
    """Share the folder until `let_go(folder)` (or the process ends); waits for a restore, then refuses."""
    key = Path(folder).resolve()
    with _holds_lock:
        held = _holds.get(key)
        if held is not None:
            held.count += 1
            return
        _holds[key] = _Hold(_new_lock(key, program, exclusive=False, wait=SHARED_WAIT if wait is None else wait), 1)


def let_go(folder: Path) -> None:
    key = Path(folder).resolve()
    with _holds_lock:
        held = _holds.get(key)
        if held is None:
            return
        held.count -= 1
        if held.count <= 0:
            del _holds[key]
            if held.lock is not None:
                held.lock.release()


@contextmanager
def shared(folder: Path, program: str, wait: float | None = None) -> Iterator[None]:
    """Work in the folder beside others (the app, sync, import, backup, doctor)."""
    hold_shared(folder, program, wait)
    try:
        yield
    finally:
        let_go(folder)


@contextmanager
def exclusive(folder: Path, program: str | None = None, wait: float | None = None) -> Iterator[None]:
    """Work in the folder alone (a restore): this process's own shared hold is set aside meanwhile.

    `program` defaults to the name this process shares the folder under ("app" in the app)."""
    key = Path(folder).resolve()
    with _holds_lock:
        own = _holds.get(key)
        if own is not None and own.lock is not None:
            program = program or own.lock.program
            own.lock.release()
        try:
            lock = _new_lock(key, program or default_program(), exclusive=True,
                             wait=EXCLUSIVE_WAIT if wait is None else wait)
        except BaseException:
            _take_back(own)
            raise
        try:
            yield
        finally:
            if lock is not None:
                lock.release()
            _take_back(own)


def _take_back(own: _Hold | None) -> None:
    """Hold the shared lock again after an exclusive spell (a restore racing in meanwhile is waited for)."""
    if own is not None and own.lock is not None and not own.lock.held:
        own.lock.acquire(exclusive=False, timeout=SHARED_WAIT)


def held_here(folder: Path) -> bool:
    """True while this process shares the folder (for tests and the app's own checks)."""
    with _holds_lock:
        return Path(folder).resolve() in _holds
