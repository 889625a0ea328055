"""Row-level reads and writes for applying other laptops' changes: a synced row found by its key, its field
clocks and tombstone, and the plain INSERT/UPDATE/DELETE (all inside hub_apply's transaction)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from companion.domain.errors import UserError
from companion.domain.hlc import wins
from companion.domain.hub_tables import SyncedTable
from companion.i18n import N_
from companion.store.database import Database
from companion.store.hub_triggers import TOMBSTONE

Clock = tuple[int, str]  # (hlc, device id)


class ApplyConflict(UserError):
    """A change that would break a rule of this file no merge rule covers (a unique value, a missing parent): never
    dropped silently. The whole batch rolls back, so the pull stops here until it is fixed; the laptop keeps
    working and keeps its own changes."""

    def __init__(self, table: str, row_id: str, detail: str) -> None:
        super().__init__(CONFLICT, table=table, key=row_id)
        self.table, self.row_id, self.detail = table, row_id, detail


CONFLICT = N_("Changes from another laptop could not be merged here ({table}, {key}): nothing was lost and this "
              "laptop keeps working; contact support with this message.")


def local_columns(db: Database, table: SyncedTable) -> list[str]:
    """The travelling columns this app version knows for `table` (a newer laptop's extra ones are ignored)."""
    return [str(r[1]) for r in db.query(f"PRAGMA table_info('{table.name}')") if str(r[1]) not in table.local_columns]


def decode(payload: str) -> dict[str, object]:
    value = json.loads(payload)
    return value if isinstance(value, dict) else {}


def _where(table: SyncedTable) -> str:
    return " AND ".join(f"{k} IS ?" for k in table.key)


def key_values(table: SyncedTable, row: dict[str, object]) -> tuple[object, ...]:
    return tuple(row.get(k) for k in table.key)


def current(db: Database, table: SyncedTable, row: dict[str, object]) -> sqlite3.Row | None:
    return db.one(f"SELECT * FROM {table.name} WHERE {_where(table)}", key_values(table, row))


def clocks(db: Database, table: str, row_id: str) -> dict[str, Clock]:
    rows = db.query("SELECT field, hlc, device_id FROM hub_field_clock WHERE tbl = ? AND row_id = ?", (table, row_id))
    return {str(r["field"]): (int(r["hlc"]), str(r["device_id"])) for r in rows}


class FieldClocks:
    """The field clocks of one batch's rows: read with one query per table for the whole batch (not one per change)
    and kept level with every clock written here. Only hub_apply writes clocks while it applies (the journal's
    triggers, which also write them, are off), so what this holds is what the table holds."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._held: dict[tuple[str, str], dict[str, Clock]] = {}

    def load(self, keys: Iterable[tuple[str, str]]) -> None:
        """Read the clocks of these (table, row id) at once (a row without any: an empty dict)."""
        by_table: dict[str, list[str]] = {}
        for table, row_id in dict.fromkeys(keys):
            if (table, row_id) not in self._held:
                by_table.setdefault(table, []).append(row_id)
        for table, ids in by_table.items():
            for start in range(0, len(ids), _CHUNK):
                part = ids[start:start + _CHUNK]
                for r in self.db.query("SELECT row_id, field, hlc, device_id FROM hub_field_clock WHERE tbl = ?"
                                       f" AND row_id IN ({','.join('?' * len(part))})", (table, *part)):
                    self._held.setdefault((table, str(r[0])), {})[str(r[1])] = (int(r[2]), str(r[3]))
            for row_id in ids:
                self._held.setdefault((table, row_id), {})

    def get(self, table: str, row_id: str) -> dict[str, Clock]:
        if (table, row_id) not in self._held:
            self._held[(table, row_id)] = clocks(self.db, table, row_id)
        return dict(self._held[(table, row_id)])

    def set(self, table: str, row_id: str, fields: list[str], stamp: Clock) -> None:
        set_clocks(self.db, table, row_id, fields, stamp)
        if (table, row_id) in self._held:
            self._held[(table, row_id)].update((f, stamp) for f in fields)
        else:
            self._held[(table, row_id)] = clocks(self.db, table, row_id)

    def clear(self, table: str, row_id: str) -> None:
        """Every clock of the row dropped (a row inserted anew, or deleted); no statement when it has none."""
        if self._held.get((table, row_id), None) == {}:
            return
        self.db.execute("DELETE FROM hub_field_clock WHERE tbl = ? AND row_id = ?", (table, row_id))
        self._held[(table, row_id)] = {}


_CHUNK = 500  # row ids per IN (...) list


def beats(stamp: Clock, other: Clock | None) -> bool:
    return other is None or wins(stamp[0], stamp[1], other[0], other[1])


def set_clocks(db: Database, table: str, row_id: str, fields: list[str], stamp: Clock) -> None:
    db.executemany(
        "INSERT INTO hub_field_clock (tbl, row_id, field, hlc, device_id) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (tbl, row_id, field) DO UPDATE SET hlc = excluded.hlc, device_id = excluded.device_id",
        [(table, row_id, f, stamp[0], stamp[1]) for f in fields])


def insert(db: Database, table: SyncedTable, values: dict[str, object]) -> bool:
    """`INSERT … ON CONFLICT(<key>) DO NOTHING`: True when the row was new. Never INSERT OR IGNORE, which would
    also swallow any other unique rule the row breaks; that one raises ApplyConflict naming table and key."""
    cols = list(values)
    sql = (f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
           f" ON CONFLICT({', '.join(table.key)}) DO NOTHING")
    try:
        return db.execute(sql, tuple(values.values())).rowcount == 1
    except sqlite3.IntegrityError as exc:
        raise ApplyConflict(table.name, str(key_values(table, values)), str(exc)) from exc


def update(db: Database, table: SyncedTable, row: dict[str, object], values: dict[str, object]) -> None:
    if not values:
        return
    sets = ", ".join(f"{c} = ?" for c in values)
    try:
        db.execute(f"UPDATE {table.name} SET {sets} WHERE {_where(table)}",
                   (*values.values(), *key_values(table, row)))
    except sqlite3.IntegrityError as exc:
        raise ApplyConflict(table.name, str(key_values(table, row)), str(exc)) from exc


def delete(known: FieldClocks, table: SyncedTable, row: dict[str, object], row_id: str, stamp: Clock) -> None:
    known.db.execute(f"DELETE FROM {table.name} WHERE {_where(table)}", key_values(table, row))
    known.clear(table.name, row_id)
    known.set(table.name, row_id, [TOMBSTONE], stamp)


def replace_append_only(db: Database, table: str, row_id_sql: tuple[str, object], values: dict[str, object]) -> None:
    """Rewrite fields of an append-only ledger row (stock_movements refuses updates by trigger): only used when two
    laptops recorded one deterministic fact (same id) with different details, so every laptop keeps the same one.
    The trigger is dropped and remade inside the transaction (SQLite DDL is transactional)."""
    guard = db.scalar("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (f"{table}_no_update",))
    if guard:
        db.execute(f"DROP TRIGGER {table}_no_update")
    sets = ", ".join(f"{c} = ?" for c in values)
    db.execute(f"UPDATE {table} SET {sets} WHERE {row_id_sql[0]} = ?", (*values.values(), row_id_sql[1]))
    if guard:
        db.execute(str(guard))
