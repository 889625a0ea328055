"""Reading this laptop's change journal (written by the triggers of store/hub_triggers.py) for the push."""

from __future__ import annotations

from companion.domain.hub_records import JournalChange
from companion.store.database import Database


def waiting(db: Database, limit: int = 500) -> list[JournalChange]:
    """The oldest changes not yet on the hub, in journal order (the hub keeps them by device_seq)."""
    rows = db.query("SELECT seq, change_id, tbl, row_id, op, hlc, fields, payload FROM hub_journal"
                    " WHERE pushed = 0 ORDER BY seq LIMIT ?", (limit,))
    return [JournalChange(int(r["seq"]), r["change_id"], r["tbl"], r["row_id"], r["op"], int(r["hlc"]), r["fields"],
                          r["payload"]) for r in rows]


def mark_pushed(db: Database, upto_seq: int) -> None:
    """The hub has committed every change up to `upto_seq` (only called after its commit: a cut before it means
    the same changes are pushed again, and the hub's ON CONFLICT (change_id) keeps one of each)."""
    with db.write():
        db.execute("UPDATE hub_journal SET pushed = 1 WHERE pushed = 0 AND seq <= ?", (upto_seq,))


def waiting_count(db: Database) -> int:
    return int(db.scalar("SELECT COUNT(*) FROM hub_journal WHERE pushed = 0"))


def last_seq(db: Database) -> int:
    """The newest journal sequence (0 when empty): compared with the hub's `last_seq` for this device."""
    # AUTOINCREMENT's own record, not MAX(seq): still right if pushed rows are ever pruned
    return int(db.scalar("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'hub_journal'), 0)"))
