"""The persisted outbox: everything that must leave the laptop, keyed for idempotency."""

from __future__ import annotations

import json
from collections.abc import Sequence

from companion.domain.clock import stamp
from companion.domain.ids import new_id
from companion.store.database import Database


def enqueue(db: Database, kind: str, payload: dict[str, object], idempotency_key: str) -> bool:
    """Queue one outgoing job inside the caller's transaction; False when the key was already queued."""
    cur = db.execute(
        "INSERT INTO outbox (id, kind, payload, idempotency_key, created_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT(idempotency_key) DO NOTHING",
        (new_id(), kind, json.dumps(payload, sort_keys=True), idempotency_key, stamp()),
    )
    return cur.rowcount == 1


def pending_count(db: Database) -> int:
    return int(db.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'pending'") or 0)


def pending(db: Database, kind: str, limit: int = 10_000) -> list[tuple[str, dict[str, object]]]:
    """(id, payload) of pending entries of one kind that are due, oldest first."""
    rows = db.query("SELECT id, payload FROM outbox WHERE status = 'pending' AND kind = ?"
                    " AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY created_at LIMIT ?",
                    (kind, stamp(), limit))
    return [(r["id"], json.loads(r["payload"])) for r in rows]


def mark_done(db: Database, entry_ids: Sequence[str]) -> None:
    for entry_id in entry_ids:
        db.execute("UPDATE outbox SET status = 'done', last_error = NULL WHERE id = ?", (entry_id,))


def mark_retry(db: Database, entry_id: str, error: str, next_attempt_at: str) -> None:
    """A failed attempt: counted, explained, and due again at `next_attempt_at` (backoff chosen by the engine)."""
    db.execute("UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
               (error, next_attempt_at, entry_id))


def attempts(db: Database, entry_id: str) -> int:
    """How many times an entry has failed so far (the engine's backoff grows with it)."""
    return int(db.scalar("SELECT attempts FROM outbox WHERE id = ?", (entry_id,)) or 0)


def pending_ids(db: Database, kind: str) -> list[str]:
    """Every pending entry of one kind, due or not (a full push of every listing covers them all)."""
    return [str(r["id"]) for r in db.query("SELECT id FROM outbox WHERE status = 'pending' AND kind = ?", (kind,))]


def settle_by_key(db: Database, idempotency_key: str, status: str, error: str | None) -> None:
    """Mark one entry done, failed or pending again (pending clears its wait)."""
    if status == "pending":
        db.execute("UPDATE outbox SET status = 'pending', next_attempt_at = NULL WHERE idempotency_key = ?",
                   (idempotency_key,))
    else:
        db.execute("UPDATE outbox SET status = ?, last_error = ? WHERE idempotency_key = ?",
                   (status, error, idempotency_key))


def count_attempt_by_key(db: Database, idempotency_key: str, error: str) -> None:
    db.execute("UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE idempotency_key = ?",
               (error, idempotency_key))
