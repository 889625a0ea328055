"""Versioned, append-only schema migrations.

Each migration and the row recording its version commit in one transaction, so a crash leaves
the file either before or after a migration, never between. Never edit a released migration:
add a new one at the end.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from companion.store.hub_triggers import install_journal_triggers
from companion.store.schema_v1 import V1
from companion.store.schema_v2 import V2
from companion.store.schema_v3 import V3
from companion.store.schema_v4 import V4
from companion.store.schema_v5 import V5
from companion.store.schema_v6 import V6
from companion.store.schema_v7 import V7
from companion.store.schema_v8 import V8
from companion.store.schema_v9 import V9
from companion.store.schema_v10 import V10
from companion.store.schema_v11 import V11
from companion.store.schema_v12 import V12
from companion.store.schema_v13 import V13
from companion.store.schema_version import current_version  # (read here and by the start)

if TYPE_CHECKING:  # the database module opens files through migrate(); here it is only a type
    from companion.store.database import Database

MIGRATIONS: list[tuple[int, str]] = [
    (1, V1),
    (2, V2),
    (3, V3),
    (4, V4),
    (5, V5),
    (6, V6),
    (7, V7),
    (8, V8),
    (9, V9),
    (10, V10),
    (11, V11),
    (12, V12),
    (13, V13),
]
# What runs after a version's script, in its transaction: v12's journal triggers are generated from the tables'
# columns. A later version that changes a synced table must list install_journal_triggers here too.
FOLLOW_UPS: dict[int, Callable[[sqlite3.Connection], None]] = {12: install_journal_triggers}
# Versions that rebuild a table other tables point at: run with foreign keys off (SQLite's twelve-step
# procedure; the pragma cannot change inside a transaction) and checked with foreign_key_check before commit.
FOREIGN_KEYS_OFF = frozenset({11})


def latest_version() -> int:
    return MIGRATIONS[-1][0]


def version_rows(db: Database) -> list[int]:
    """Every recorded version, in order: an app-made file has exactly 1..N (the doctor and restore check it)."""
    if not db.scalar("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'"):
        return []
    return [int(r[0]) for r in db.query("SELECT version FROM schema_migrations ORDER BY version")]


def statements(script: str) -> list[str]:
    """Split a script into complete statements (trigger bodies keep their inner semicolons)."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        raise ValueError(f"incomplete SQL statement at end of migration: {buf[:80]!r}")
    return out


def migrate(db: Database, target: int | None = None) -> list[int]:
    """Apply the missing migrations up to `target` (default: all); returns the versions applied.

    The version is read first and `BEGIN IMMEDIATE` starts only when a migration is due, so opening a file that is
    up to date takes no write lock (a long import in another process must not stop the app from starting).
    """
    applied: list[int] = []
    goal = latest_version() if target is None else target
    if current_version(db) >= goal:  # a plain read: opening never waits for (or blocks) another writer
        return applied
    for version, script in MIGRATIONS:
        if version > goal:
            break
        if version in FOREIGN_KEYS_OFF:
            db.conn.execute("PRAGMA foreign_keys = OFF")  # outside a transaction, where the pragma works
        try:
            with db.write():
                if current_version(db) >= version:  # another thread got there first
                    continue
                for stmt in statements(script):
                    db.execute(stmt)
                if version in FOLLOW_UPS:
                    FOLLOW_UPS[version](db.conn)
                if version in FOREIGN_KEYS_OFF and db.query("PRAGMA foreign_key_check"):
                    raise sqlite3.IntegrityError(f"migration {version} left rows pointing at nothing")
                db.execute(
                    "INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)",
                    (version, datetime.now(UTC).isoformat(timespec="seconds")),
                )
        finally:
            if version in FOREIGN_KEYS_OFF:
                db.conn.execute("PRAGMA foreign_keys = ON")
        applied.append(version)
    return applied
