"""Opening the shop database: WAL, synchronous=FULL, foreign keys, a busy timeout, one connection per thread.

Every write goes through `write(db)`, which opens a `BEGIN IMMEDIATE` transaction so a
read-then-write never fails half-way with SQLITE_BUSY_SNAPSHOT when another thread committed.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from companion.domain.errors import UserError
from companion.i18n import N_
from companion.store.schema_version import up_to_date
from companion.store.storage_errors import storage_error
from companion.store.write_turns import turns_for

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_MS = 10_000
READ_ONLY_FOLDER = N_("The data folder {folder} is read-only, so the shop's data cannot be changed there (the data "
                      "is not damaged): make the folder writable, then try again.")
_local = threading.local()


class Database:
    """A thread's handle on the shop file. Owns one sqlite3 connection; never share it across threads."""

    def __init__(self, path: Path, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly  # the doctor's look: never writes, works in a read-only folder too
        self._depth = 0
        self._utils: sqlite_utils.Database | None = None
        self._stale = False  # the disk failed under this handle: open a fresh one before the next write
        self._deferred_checkpoints = False
        self._turns = turns_for(self.path)
        try:
            self.conn = self._connect()
        except sqlite3.Error as exc:
            raise _opening_error(self.path, exc) from exc

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            read_only_uri(self.path) if self.readonly else str(self.path), uri=self.readonly,
            timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=True
        )
        try:
            self._set_up(conn)
        except BaseException:
            conn.close()  # a half-opened handle would keep the file (and a read-only mount) busy
            raise
        return conn

    def _set_up(self, conn: sqlite3.Connection) -> None:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if self.readonly:
            return
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        if self._deferred_checkpoints:
            conn.execute("PRAGMA wal_autocheckpoint = 0")

    def _reopen(self) -> None:
        """SQLite keeps a file opened read-only (or lost) that way: after the disk is back, start a fresh handle."""
        try:
            fresh = self._connect()
        except sqlite3.Error as exc:
            raise _mapped(exc) from exc
        self.conn.close()
        self.conn = fresh
        self._utils = None
        self._stale = False

    def _rollback(self) -> None:
        """Undo the open transaction; SQLite may already have rolled it back itself (disk full, I/O error)."""
        if self.conn.in_transaction:
            # nothing of the transaction was committed; a broken handle is reopened before the next write
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    def _raise_plainly(self, exc: BaseException) -> NoReturn:
        """Raise what a failed write should say: a disk problem in one sentence, anything else unchanged."""
        mapped = storage_error(exc)
        if mapped is None:
            raise exc
        self._stale = self._stale or mapped.reopen
        raise mapped from exc

    @property
    def utils(self) -> sqlite_utils.Database:
        """sqlite-utils on the same connection, for table introspection and bulk inserts (inside `write()`).

        Imported on first use: it costs ~70–150 ms at start-up and the first screen does not need it.
        """
        if self._utils is None:
            import sqlite_utils

            self._utils = sqlite_utils.Database(self.conn)
        return self._utils

    def query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def one(self, sql: str, params: tuple | dict = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def scalar(self, sql: str, params: tuple | dict = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def execute(self, sql: str, params: tuple | dict = ()) -> sqlite3.Cursor:
        """A write statement; only valid inside `write()`."""
        if self._depth == 0:
            raise RuntimeError("writes must run inside Database.write()")
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[tuple[object, ...]]) -> None:
        """One write statement for many rows (a page of orders, their movements); only valid inside `write()`.

        Plain executemany, not sqlite-utils' insert_all: for a 200-row page of order lines in one FULL-sync
        transaction insert_all took 2.18 ms against 1.22 ms (median of 100 pages; it builds a dict per row and
        reads the table's columns on every call), and the order pull is the bench's slowest row."""
        if self._depth == 0:
            raise RuntimeError("writes must run inside Database.write()")
        if rows:
            self.conn.executemany(sql, rows)

    @contextmanager
    def write(self) -> Iterator[Database]:
        """One IMMEDIATE transaction; nested calls join the outer one. Rolls back on any exception."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        if self._stale:
            self._reopen()
        turn = self._turns.enter(BUSY_TIMEOUT_MS / 1000)  # this process's writers queue first (write_turns.py)
        try:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                self._raise_plainly(exc)
            self._depth = 1
            try:
                yield self
            except BaseException as exc:
                self._depth = 0
                self._rollback()
                self._raise_plainly(exc)
            self._depth = 0
            try:
                self.conn.execute("COMMIT")
            except BaseException as exc:
                self._rollback()
                self._raise_plainly(exc)
        finally:
            self._turns.leave(turn)

    def defer_checkpoints(self) -> None:
        """Stop this connection from checkpointing the WAL on commit, so the cashier's save never pays for it;
        the app runs `checkpoint()` from a background thread instead."""
        self._deferred_checkpoints = True
        self.conn.execute("PRAGMA wal_autocheckpoint = 0")

    def checkpoint(self) -> None:
        """Copy committed WAL pages into the main file without blocking writers."""
        self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def close(self) -> None:
        self.conn.close()


def folder_writable(folder: Path) -> bool:
    """False for a read-only disk or folder (EROFS counts for root too; plain permissions do not bind root)."""
    return os.access(folder, os.W_OK)


def read_only_uri(path: Path) -> str:
    """A URI opening `path` without ever writing. In a folder that cannot be written SQLite cannot make the WAL's
    -shm file, so a file with no -wal beside it (nothing uncommitted to read) is opened immutable."""
    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    wal = Path(str(path) + "-wal")
    if not folder_writable(Path(path).parent) and not wal.exists():
        uri += "&immutable=1"
    return uri


def _opening_error(path: Path, exc: sqlite3.Error) -> BaseException:
    """Opening failed: a read-only folder is said as such (not "damaged"); disk trouble in its sentence."""
    if not folder_writable(path.parent):
        return UserError(READ_ONLY_FOLDER, folder=path.parent)
    return _mapped(exc)


def _mapped(exc: sqlite3.Error) -> BaseException:
    mapped = storage_error(exc)
    return exc if mapped is None else mapped


def open_database(path: Path) -> Database:
    """A fresh connection for the calling thread, with the schema brought up to date."""
    db = Database(path)
    if not up_to_date(db):  # the migration scripts load only when one is due (store/schema_version.py)
        from companion.store.migrations import migrate

        migrate(db)
    return db


_generation = 0  # bumped when the data file is replaced, so every thread reopens its connection


def thread_database(path: Path) -> Database:
    """The calling thread's own connection to `path`, opened on first use (and again after a restore)."""
    cache: dict[Path, tuple[int, Database]] = getattr(_local, "dbs", None) or {}
    _local.dbs = cache
    key = Path(path).resolve()
    held = cache.get(key)
    if held is not None and held[0] != _generation:
        held[1].close()
        held = None
    if held is None:
        held = (_generation, open_database(key))
        cache[key] = held
    return held[1]


def forget_thread_databases() -> None:
    """After the file was replaced: every thread's cached connection is stale and reopens on next use."""
    global _generation
    _generation += 1


def close_thread_databases() -> None:
    for _gen, db in (getattr(_local, "dbs", None) or {}).values():
        db.close()
    _local.dbs = {}
