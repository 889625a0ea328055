"""Opening the shop database: WAL, synchronous=FULL, foreign keys, a busy timeout, one connection per thread.

Every write goes through `write(db)`, which opens a `BEGIN IMMEDIATE` transaction so a
read-then-write never fails half-way with SQLITE_BUSY_SNAPSHOT when another thread committed.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_MS = 10_000
_local = threading.local()


class Database:
    """A thread's handle on the shop file. Owns one sqlite3 connection; never share it across threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.conn = sqlite3.connect(
            str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=True
        )
        self.conn.row_factory = sqlite3.Row
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        self._depth = 0
        self._utils: sqlite_utils.Database | None = None

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
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self
        except BaseException:
            self._depth = 0
            self.conn.execute("ROLLBACK")
            raise
        self._depth = 0
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    def defer_checkpoints(self) -> None:
        """Stop this connection from checkpointing the WAL on commit, so the cashier's save never pays for it;
        the app runs `checkpoint()` from a background thread instead."""
        self.conn.execute("PRAGMA wal_autocheckpoint = 0")

    def checkpoint(self) -> None:
        """Copy committed WAL pages into the main file without blocking writers."""
        self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def close(self) -> None:
        self.conn.close()


def open_database(path: Path) -> Database:
    """A fresh connection for the calling thread, with the schema brought up to date."""
    from companion.store.migrations import migrate

    db = Database(path)
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
