"""Shipping labels: the platform's PDF as a file in `<data dir>/labels/` (the data dir is the database file's
folder), named from our order id, and its row in `shipping_labels`.

A file is written whole or not at all (a temporary file beside it, flushed and fsynced, then renamed over the old
one), so a crash never leaves half a label to print. Backups do not carry the labels folder: a label is the
platform's to hand out again (the sync fetches any label whose file is missing), a backup stays one checked SQLite
file, and a restored row whose file is gone simply reads as "not fetched yet".
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from companion.store.database import Database

FOLDER = "labels"


@dataclass(frozen=True)
class LabelRow:
    order_id: str
    package_id: str
    file_name: str
    fetched_at: str
    printed_at: str | None


def folder(db: Database) -> Path:
    return db.path.parent / FOLDER


def file_name(order_id: str) -> str:
    """Our order ids are UUIDs (letters, digits, dashes): safe as a file name on every system."""
    return f"{order_id}.pdf"


def write_file(target: Path, data: bytes) -> None:
    """`data` at `target`, atomically: the old file (if any) stays whole until the new one is on disk."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    if os.name != "nt":  # the rename itself made durable; directories cannot be opened on Windows
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _row(r: sqlite3.Row) -> LabelRow:
    return LabelRow(r["order_id"], r["package_id"], r["file_name"], r["fetched_at"], r["printed_at"])


def get(db: Database, order_id: str) -> LabelRow | None:
    r = db.one("SELECT * FROM shipping_labels WHERE order_id = ?", (order_id,))
    return _row(r) if r else None


def put(db: Database, order_id: str, package_id: str, name: str, fetched_at: str) -> None:
    """The label row after a fetch: a newer label replaces the old one and is not printed yet."""
    db.execute("INSERT INTO shipping_labels (order_id, package_id, file_name, fetched_at) VALUES (?, ?, ?, ?)"
               " ON CONFLICT(order_id) DO UPDATE SET package_id = excluded.package_id, file_name = excluded.file_name,"
               " fetched_at = excluded.fetched_at, printed_at = NULL", (order_id, package_id, name, fetched_at))


def mark_printed(db: Database, order_ids: Collection[str], at: str) -> None:
    db.executemany("UPDATE shipping_labels SET printed_at = ? WHERE order_id = ?", [(at, o) for o in order_ids])
