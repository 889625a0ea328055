"""The persisted command outbox: everything that must leave the laptop, one row per command, keyed for idempotency.

A command is waiting (due at `next_attempt_at`, or now when NULL), sending (it may have left: look back before
sending again), sent, failed (the platform's words in `last_error`) or cancelled. `account_id` is the shop it goes
to; NULL means every active shop (a stock change). Row writes only, inside the caller's transaction: the state rules
are in services/commands.py and the services of each kind.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from companion.domain.clock import stamp
from companion.domain.ids import fact_id
from companion.store.database import Database

WAITING, SENDING, SENT, FAILED, CANCELLED = "waiting", "sending", "sent", "failed", "cancelled"
STATES = (WAITING, SENDING, SENT, FAILED, CANCELLED)


@dataclass(frozen=True)
class CommandRow:
    id: str
    kind: str
    account_id: str | None
    idempotency_key: str
    payload: dict[str, Any]
    state: str
    attempts: int
    next_attempt_at: str | None
    last_error: str | None
    created_at: str
    updated_at: str
    account_name: str = ""


def _row(r: sqlite3.Row) -> CommandRow:
    keys = r.keys()
    return CommandRow(r["id"], r["kind"], r["account_id"], r["idempotency_key"], json.loads(r["payload"] or "{}"),
                      r["state"], int(r["attempts"]), r["next_attempt_at"], r["last_error"], r["created_at"],
                      r["updated_at"], (r["account_name"] or "") if "account_name" in keys else "")


def enqueue(db: Database, kind: str, payload: dict[str, object], idempotency_key: str,
            account_id: str | None = None) -> bool:
    """Queue one command inside the caller's transaction; False when the key was already queued."""
    now = stamp()
    cur = db.execute(
        "INSERT INTO outbox (id, kind, account_id, payload, idempotency_key, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(idempotency_key) DO NOTHING",
        # The id comes from the key (domain/ids.fact_id): two laptops of one shop queueing the same command (both
        # voided one sale offline) make one row on the hub, not two rows fighting over the unique key.
        (fact_id(f"outbox:{idempotency_key}"), kind, account_id, json.dumps(payload, sort_keys=True), idempotency_key,
         now, now),
    )
    return cur.rowcount == 1


def get(db: Database, command_id: str) -> CommandRow | None:
    r = db.one("SELECT * FROM outbox WHERE id = ?", (command_id,))
    return _row(r) if r else None


def by_key(db: Database, idempotency_key: str) -> CommandRow | None:
    r = db.one("SELECT * FROM outbox WHERE idempotency_key = ?", (idempotency_key,))
    return _row(r) if r else None


def by_key_prefix(db: Database, prefix: str) -> list[CommandRow]:
    """Commands whose key starts with `prefix` (e.g. every attempt at one order's shipment), oldest first; a range
    on the unique key's index, so it stays quick however long the outbox grows."""
    rows = db.query("SELECT * FROM outbox WHERE idempotency_key >= ? AND idempotency_key < ? ORDER BY created_at, id",
                    (prefix, prefix + "\U0010ffff"))
    return [_row(r) for r in rows]


def pending_count(db: Database) -> int:
    """Commands the platforms do not have yet (waiting or sending), due now or later."""
    return int(db.scalar("SELECT COUNT(*) FROM outbox WHERE state IN ('waiting', 'sending')") or 0)


def due(db: Database, now: str | None = None) -> list[CommandRow]:
    """Open commands the sync should handle now, oldest first: waiting ones whose time has come, and every
    'sending' one (its answer was lost: the handler looks back before sending again)."""
    rows = db.query("SELECT * FROM outbox WHERE state = 'sending' OR (state = 'waiting' AND"
                    " (next_attempt_at IS NULL OR next_attempt_at <= ?)) ORDER BY created_at, id",
                    (now or stamp(),))
    return [_row(r) for r in rows]


def pending(db: Database, kind: str, limit: int = 10_000) -> list[tuple[str, dict[str, object]]]:
    """(id, payload) of due waiting commands of one kind, oldest first."""
    rows = db.query("SELECT id, payload FROM outbox WHERE state = 'waiting' AND kind = ?"
                    " AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY created_at LIMIT ?",
                    (kind, stamp(), limit))
    return [(r["id"], json.loads(r["payload"])) for r in rows]


def open_ids(db: Database, kind: str) -> list[str]:
    """Every open command of one kind, due or not (a push of every listing covers them all)."""
    return [str(r["id"]) for r in db.query("SELECT id FROM outbox WHERE state IN ('waiting', 'sending')"
                                           " AND kind = ?", (kind,))]


def listed(db: Database, states: Sequence[str] = (WAITING, SENDING, FAILED), limit: int = 500) -> list[CommandRow]:
    """Commands in these states with their shop's name, newest first (the list in Pengaturan)."""
    marks = ", ".join("?" for _ in states)
    rows = db.query(f"SELECT o.*, a.name AS account_name FROM outbox o LEFT JOIN accounts a ON a.id = o.account_id"
                    f" WHERE o.state IN ({marks}) ORDER BY o.created_at DESC, o.id DESC LIMIT ?", (*states, limit))
    return [_row(r) for r in rows]


def set_state(db: Database, command_id: str, state: str, error: str | None = None) -> None:
    """A new state: waiting clears the wait, sent clears the last error, failed keeps the platform's words."""
    db.execute("UPDATE outbox SET state = :state, updated_at = :now,"
               " last_error = CASE :state WHEN 'failed' THEN :error WHEN 'sent' THEN NULL ELSE last_error END,"
               " next_attempt_at = CASE :state WHEN 'waiting' THEN NULL ELSE next_attempt_at END WHERE id = :id",
               {"state": state, "error": error, "now": stamp(), "id": command_id})


def set_state_by_key(db: Database, idempotency_key: str, state: str, error: str | None = None) -> None:
    command = by_key(db, idempotency_key)
    if command is not None:
        set_state(db, command.id, state, error)


def count_attempt(db: Database, command_id: str, error: str, next_attempt_at: str | None = None) -> None:
    """A try that did not deliver: counted, explained, back to waiting and due at `next_attempt_at`."""
    db.execute("UPDATE outbox SET state = 'waiting', attempts = attempts + 1, last_error = ?, next_attempt_at = ?,"
               " updated_at = ? WHERE id = ?", (error, next_attempt_at, stamp(), command_id))


def attempts(db: Database, command_id: str) -> int:
    """How many times a command has failed so far (the engine's backoff grows with it)."""
    return int(db.scalar("SELECT attempts FROM outbox WHERE id = ?", (command_id,)) or 0)


def retarget(db: Database, idempotency_keys: Sequence[str], account_id: str) -> None:
    """Open commands now go to another account (a shop linked again takes its chats along)."""
    for key in idempotency_keys:
        db.execute("UPDATE outbox SET account_id = ?, updated_at = ? WHERE idempotency_key = ?"
                   " AND state IN ('waiting', 'sending', 'failed')", (account_id, stamp(), key))
