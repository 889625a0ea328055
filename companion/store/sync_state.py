"""Sync bookkeeping: cursors per account and stream, the last success and problem, oversell incidents."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from companion.domain.ids import new_id
from companion.store.database import Database


def cursor(db: Database, account_id: str, stream: str) -> str | None:
    value = db.scalar("SELECT value FROM sync_cursors WHERE account_id = ? AND stream = ?", (account_id, stream))
    return None if value is None else str(value)


def set_cursor(db: Database, account_id: str, stream: str, value: str, at: str) -> None:
    """Only inside the transaction that stores the data the cursor covers."""
    db.execute("INSERT INTO sync_cursors (account_id, stream, value, updated_at) VALUES (?, ?, ?, ?)"
               " ON CONFLICT(account_id, stream) DO UPDATE SET value = excluded.value,"
               " updated_at = excluded.updated_at",
               (account_id, stream, value, at))


@dataclass(frozen=True)
class SyncStatusRow:
    account_id: str
    last_success_at: str | None
    last_attempt_at: str | None
    problem_kind: str | None
    problem_detail: str | None
    problem_at: str | None


def status(db: Database, account_id: str) -> SyncStatusRow:
    r = db.one("SELECT * FROM sync_status WHERE account_id = ?", (account_id,))
    if r is None:
        return SyncStatusRow(account_id, None, None, None, None, None)
    return SyncStatusRow(r["account_id"], r["last_success_at"], r["last_attempt_at"], r["problem_kind"],
                         r["problem_detail"], r["problem_at"])


def record_attempt(db: Database, account_id: str, at: str, ok: bool, problem_kind: str | None = None,
                   problem_detail: str | None = None) -> None:
    """After each sync round of an account: success clears the problem; a failure keeps the last success time."""
    db.execute("INSERT INTO sync_status (account_id) VALUES (?) ON CONFLICT(account_id) DO NOTHING", (account_id,))
    if ok:
        db.execute("UPDATE sync_status SET last_success_at = ?, last_attempt_at = ?, problem_kind = NULL,"
                   " problem_detail = NULL, problem_at = NULL WHERE account_id = ?", (at, at, account_id))
    else:
        db.execute("UPDATE sync_status SET last_attempt_at = ?, problem_kind = ?, problem_detail = ?, problem_at = ?"
                   " WHERE account_id = ?", (at, problem_kind, problem_detail, at, account_id))


@dataclass(frozen=True)
class IncidentRow:
    id: str
    product_id: str
    product_name: str
    order_id: str | None
    platform_order_id: str | None
    channel: str | None
    shortfall: int
    on_hand_after: int
    created_at: str
    resolved_at: str | None
    resolution: str | None


def add_incident(db: Database, product_id: str, order_id: str | None, shortfall: int, on_hand_after: int,
                 at: str) -> bool:
    """Record an oversell once per (order, product); True when it is new.

    Several lines of one order for the same product (some channels send one line per unit) add their
    shortfall to the same incident instead of being dropped.
    """
    existing = db.scalar("SELECT id FROM oversell_incidents WHERE order_id IS ? AND product_id = ?",
                         (order_id, product_id))
    if existing:
        db.execute("UPDATE oversell_incidents SET shortfall = shortfall + ?, on_hand_after = ? WHERE id = ?",
                   (shortfall, on_hand_after, existing))
        return False
    db.execute("INSERT INTO oversell_incidents (id, product_id, order_id, shortfall, on_hand_after, created_at)"
               " VALUES (?, ?, ?, ?, ?, ?)", (new_id(), product_id, order_id, shortfall, on_hand_after, at))
    return True


def _incident(r: sqlite3.Row) -> IncidentRow:
    return IncidentRow(r["id"], r["product_id"], r["product_name"], r["order_id"], r["platform_order_id"],
                       r["channel"], r["shortfall"], r["on_hand_after"], r["created_at"], r["resolved_at"],
                       r["resolution"])


def incidents(db: Database, open_only: bool = True) -> list[IncidentRow]:
    where = " WHERE i.resolved_at IS NULL" if open_only else ""
    return [_incident(r) for r in db.query(
        "SELECT i.*, p.name AS product_name, o.platform_order_id, o.channel FROM oversell_incidents i"
        " JOIN products p ON p.id = i.product_id LEFT JOIN online_orders o ON o.id = i.order_id"
        + where + " ORDER BY i.created_at DESC")]


def resolve_incident(db: Database, incident_id: str, resolution: str, at: str) -> bool:
    cur = db.execute("UPDATE oversell_incidents SET resolved_at = ?, resolution = ?"
                     " WHERE id = ? AND resolved_at IS NULL", (at, resolution, incident_id))
    return cur.rowcount == 1
