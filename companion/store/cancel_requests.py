"""Buyers' requests to cancel an order (one row per order: the platform's latest request) and our answer's state.

States: open (the seller must answer) → accepting | refusing (an answer command is queued) → accepted | refused
(the platform has it), or failed (the platform refused our answer: `problem` holds its words).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from dataclasses import dataclass

from companion.store.database import Database

OPEN, ACCEPTING, REFUSING, ACCEPTED, REFUSED, FAILED = "open", "accepting", "refusing", "accepted", "refused", "failed"
ANSWERING = (ACCEPTING, REFUSING)
CHUNK = 500


@dataclass(frozen=True)
class CancelRequestRow:
    order_id: str
    request_id: str
    reason: str
    requested_at: str
    answer_by: str | None
    state: str
    problem: str
    updated_at: str


def _row(r: sqlite3.Row) -> CancelRequestRow:
    return CancelRequestRow(r["order_id"], r["request_id"], r["reason"], r["requested_at"], r["answer_by"],
                            r["state"], r["problem"], r["updated_at"])


def get(db: Database, order_id: str) -> CancelRequestRow | None:
    r = db.one("SELECT * FROM order_cancel_requests WHERE order_id = ?", (order_id,))
    return _row(r) if r else None


def of_orders(db: Database, order_ids: Collection[str]) -> dict[str, CancelRequestRow]:
    """The stored request of each of these orders that has one."""
    found: dict[str, CancelRequestRow] = {}
    ids = list(order_ids)
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        rows = db.query(f"SELECT * FROM order_cancel_requests WHERE order_id IN ({','.join('?' * len(part))})",
                        tuple(part))
        found.update((r["order_id"], _row(r)) for r in rows)
    return found


def put(db: Database, row: CancelRequestRow) -> None:
    """Insert or replace the order's request as given (the service decides the state)."""
    db.execute("INSERT INTO order_cancel_requests (order_id, request_id, reason, requested_at, answer_by, state,"
               " problem, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(order_id) DO UPDATE SET"
               " request_id = excluded.request_id, reason = excluded.reason, requested_at = excluded.requested_at,"
               " answer_by = excluded.answer_by, state = excluded.state, problem = excluded.problem,"
               " updated_at = excluded.updated_at",
               (row.order_id, row.request_id, row.reason, row.requested_at, row.answer_by, row.state, row.problem,
                row.updated_at))


def set_state(db: Database, order_id: str, state: str, problem: str, at: str) -> None:
    db.execute("UPDATE order_cancel_requests SET state = ?, problem = ?, updated_at = ? WHERE order_id = ?",
               (state, problem, at, order_id))


def waiting_for_answer(db: Database) -> list[CancelRequestRow]:
    """Requests the seller must still answer (open, or our answer refused), the nearest deadline first: the top of
    Pesanan Online."""
    rows = db.query("SELECT * FROM order_cancel_requests WHERE state IN ('open', 'failed')"
                    " ORDER BY answer_by IS NULL, answer_by, requested_at")
    return [_row(r) for r in rows]
