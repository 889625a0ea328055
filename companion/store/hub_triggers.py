"""The change journal's triggers: every write to a synced table records itself in `hub_journal` in the same
transaction, so no service can forget to, and a rolled-back write leaves no change behind.

Triggers fire only while `hub_state.journal = 1` (the laptop is enrolled): 0 = no hub, nothing recorded;
2 = the laptop is applying other laptops' changes, which must not echo back. Each change gets the next
hybrid-logical-clock stamp (domain/hlc.py, here in SQL: max(previous + 1, (wall ms + clock offset) << 16)).
LATEST tables also keep, per field, the stamp and device of the write that set it (`hub_field_clock`), which
is what a later change from another laptop is compared with. A delete replaces its row's clocks with one tombstone
(field `~deleted`), so a change made elsewhere before the delete, arriving after it, stays deleted here too.

The triggers are generated from the tables' columns, so a migration that changes a synced table must call
`install_journal_triggers` again (they are dropped and remade).
"""

from __future__ import annotations

import json
import sqlite3

from companion.domain.hub_tables import SYNCED_TABLES, Merge, SyncedTable

_WALL_MS = "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)"
_TICK = f"UPDATE hub_state SET hlc = max(hlc + 1, ({_WALL_MS} + clock_offset_ms) * 65536) WHERE id = 1;"
_ON = "(SELECT journal FROM hub_state WHERE id = 1) = 1"
TOMBSTONE = "~deleted"  # the field clock a delete leaves: a change stamped before it cannot bring the row back
_CLOCK_UPSERT = (" ON CONFLICT (tbl, row_id, field) DO UPDATE SET hlc = excluded.hlc,"
                 " device_id = excluded.device_id;")


def columns(conn: sqlite3.Connection, table: SyncedTable) -> list[str]:
    """The columns of `table` that travel (all but its local ones), in the table's order."""
    return [str(r[1]) for r in conn.execute(f"PRAGMA table_info('{table.name}')")
            if str(r[1]) not in table.local_columns]


def key_sql(table: SyncedTable, row: str) -> str:
    """SQL for a row's text key (as domain.hub_tables.row_key makes it in Python)."""
    if len(table.key) == 1:
        return f"CAST({row}.{table.key[0]} AS TEXT)"
    return "json_array(" + ", ".join(f"{row}.{k}" for k in table.key) + ")"


def _object(row: str, cols: list[str]) -> str:
    return "json_object(" + ", ".join(f"'{c}', {row}.{c}" for c in cols) + ")"


def _local(table: SyncedTable, row: str) -> str:
    return f" AND NOT {table.local_when.format(row=row)}" if table.local_when else ""


def _journal_insert(table: SyncedTable, op: str, row: str, fields: str, payload: str) -> str:
    return (f"INSERT INTO hub_journal (change_id, tbl, row_id, op, hlc, fields, payload)"
            f" SELECT lower(hex(randomblob(16))), '{table.name}', {key_sql(table, row)}, '{op}', hlc, {fields},"
            f" {payload} FROM hub_state WHERE id = 1;")


def _clocks(table: SyncedTable, row: str, names_sql: str) -> str:
    return (f"INSERT INTO hub_field_clock (tbl, row_id, field, hlc, device_id)"
            f" SELECT '{table.name}', {key_sql(table, row)}, j.value, s.hlc, s.device_id"
            f" FROM hub_state s, json_each({names_sql}) j WHERE s.id = 1" + _CLOCK_UPSERT)


def trigger_sql(conn: sqlite3.Connection, table: SyncedTable) -> list[str]:
    """CREATE TRIGGER statements (insert, update, delete) for one synced table."""
    cols = columns(conn, table)
    name = table.name
    all_names = "'" + json.dumps(cols) + "'"
    insert_body = [_TICK, _journal_insert(table, "insert", "NEW", "NULL", _object("NEW", cols))]
    if table.merge is Merge.LATEST:
        insert_body.append(_clocks(table, "NEW", all_names))
    changed = " || ".join(f"(CASE WHEN OLD.{c} IS NOT NEW.{c} THEN '\"{c}\",' ELSE '' END)" for c in cols)
    fields = f"'[' || rtrim({changed}, ',') || ']'"
    any_change = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in cols)
    last_fields = "(SELECT fields FROM hub_journal WHERE seq = (SELECT max(seq) FROM hub_journal))"
    update_body = [_TICK, _journal_insert(table, "update", "NEW", fields, _object("NEW", cols)),
                   _clocks(table, "NEW", last_fields)]
    delete_body = [_TICK, _journal_insert(table, "delete", "OLD", "NULL", _object("OLD", list(table.key))),
                   f"DELETE FROM hub_field_clock WHERE tbl = '{name}' AND row_id = {key_sql(table, 'OLD')};",
                   _clocks(table, "OLD", f"'[\"{TOMBSTONE}\"]'")]
    return [
        f"CREATE TRIGGER hubj_{name}_ins AFTER INSERT ON {name} WHEN {_ON}{_local(table, 'NEW')}"
        f" BEGIN {' '.join(insert_body)} END",
        f"CREATE TRIGGER hubj_{name}_upd AFTER UPDATE ON {name} WHEN {_ON}{_local(table, 'NEW')}"
        f" AND ({any_change}) BEGIN {' '.join(update_body)} END",
        f"CREATE TRIGGER hubj_{name}_del AFTER DELETE ON {name} WHEN {_ON}{_local(table, 'OLD')}"
        f" BEGIN {' '.join(delete_body)} END",
    ]


def install_journal_triggers(conn: sqlite3.Connection) -> None:
    """(Re)make every synced table's triggers; runs inside the caller's transaction (a migration)."""
    for table in SYNCED_TABLES:
        for kind in ("ins", "upd", "del"):
            conn.execute(f"DROP TRIGGER IF EXISTS hubj_{table.name}_{kind}")
        for stmt in trigger_sql(conn, table):
            conn.execute(stmt)


def snapshot_sql(conn: sqlite3.Connection, table: SyncedTable) -> list[str]:
    """Statements that journal every row `table` holds now, as inserts stamped with the current clock: the
    laptop's whole history, uploaded when it first joins a hub (run after one tick of the clock)."""
    cols = columns(conn, table)
    where = f" WHERE NOT {table.local_when.format(row=table.name)}" if table.local_when else ""
    order = " ORDER BY seq" if "seq" in table.local_columns else " ORDER BY rowid"
    out = [f"INSERT INTO hub_journal (change_id, tbl, row_id, op, hlc, fields, payload)"
           f" SELECT lower(hex(randomblob(16))), '{table.name}', {key_sql(table, table.name)}, 'insert',"
           f" (SELECT hlc FROM hub_state WHERE id = 1), NULL, {_object(table.name, cols)}"
           f" FROM {table.name}{where}{order}"]
    if table.merge is Merge.LATEST:
        out.append(f"INSERT INTO hub_field_clock (tbl, row_id, field, hlc, device_id)"
                   f" SELECT '{table.name}', {key_sql(table, table.name)}, j.value, s.hlc, s.device_id"
                   f" FROM {table.name}, hub_state s, json_each('{json.dumps(cols)}') j WHERE s.id = 1"
                   f"{where.replace(' WHERE ', ' AND ')}" + _CLOCK_UPSERT)
    return out


def tick_sql() -> str:
    """One step of the clock (what every trigger does first)."""
    return _TICK
