"""What `companion doctor` reads from a shop file, read-only: SQLite stays inside store/."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from companion.store.backup import integrity_ok
from companion.store.database import Database

DataFileError = sqlite3.Error  # what opening or reading a damaged, locked or foreign file raises


def integrity_passes(path: Path) -> bool:
    """A full `PRAGMA integrity_check` on a read-only connection (the doctor never changes the file)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return integrity_ok(conn)
    finally:
        conn.close()


def unfinished_outbox(db: Database) -> list[tuple[str, str]]:
    """(state, payload text) of every command not yet sent or cancelled."""
    return [(r["state"], r["payload"])
            for r in db.query("SELECT state, payload FROM outbox WHERE state NOT IN ('sent', 'cancelled')")]
