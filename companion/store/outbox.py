"""The persisted outbox: everything that must leave the laptop, keyed for idempotency."""

from __future__ import annotations

import json
import uuid

from companion.domain.clock import stamp
from companion.store.database import Database


def enqueue(db: Database, kind: str, payload: dict[str, object], idempotency_key: str) -> bool:
    """Queue one outgoing job inside the caller's transaction; False when the key was already queued."""
    cur = db.execute(
        "INSERT INTO outbox (id, kind, payload, idempotency_key, created_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT(idempotency_key) DO NOTHING",
        (str(uuid.uuid4()), kind, json.dumps(payload, sort_keys=True), idempotency_key, stamp()),
    )
    return cur.rowcount == 1


def pending_count(db: Database) -> int:
    return int(db.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'pending'") or 0)
