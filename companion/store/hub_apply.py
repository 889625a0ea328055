"""Applying other laptops' changes pulled from the hub, inside the caller's write transaction.

Merge rules (domain/hub_tables.py):
- APPEND inserts: `INSERT … ON CONFLICT(<key>) DO NOTHING` (the same change applied twice changes nothing). When one
  deterministic fact (an id made from an outside key, a sale's void) was recorded on two laptops with different
  details, every laptop keeps the same version: the one with the earlier (created_at, details), a rule that gives one
  answer whatever order the versions arrive in.
- LATEST rows and updates of APPEND rows: per field, the later (hlc, device id) against `hub_field_clock`; a field
  with no local clock takes the incoming value. An insert for a row already here is an update of all its fields.
- Deletes remove the row only when the delete's stamp beats every field clock of it (a later edit elsewhere keeps
  it), and leave a tombstone clock. A late insert or update stamped before the tombstone is dropped (the delete
  happened after it); one stamped after brings the row back with what it carries.
- Unique values picked on two laptops (renames): the later row gives way everywhere (store/hub_renames.py). Any other
  unique collision raises `ApplyConflict` naming table and key: never dropped silently.
- A row pointing at a parent that was deleted elsewhere: a nullable reference is cleared, any other raises.
- Tables this version does not know (a newer laptop's) are skipped and columns it does not know are ignored; they
  are counted in `AppliedChanges.unknown` so the sync can say the app needs an update.

The journal is switched to 2 ("applying") for the transaction, so nothing here echoes back to the hub; foreign keys
are deferred to the commit (`PRAGMA defer_foreign_keys`, https://www.sqlite.org/pragma.html#pragma_defer_foreign_keys),
since a batch may hold a child before the rename of its parent. The stock caches are settled once per batch
(store/hub_settle.py): new movements add to them where no later count overrides them, any other change to the
ledger counts its product again from the ledger, ordered by (created_at, id), so every laptop shows the same level.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from companion.domain.hub_records import HubChange
from companion.domain.hub_tables import BY_NAME, SYNCED_TABLES, Merge, SyncedTable
from companion.store import hub_rows as rows
from companion.store import hub_settle
from companion.store.database import Database
from companion.store.hub_renames import give_way
from companion.store.hub_rows import ApplyConflict, Clock, FieldClocks
from companion.store.hub_triggers import TOMBSTONE

_REFS = ("product_id", "material_id", "sale_id", "order_id", "conversation_id", "customer_id", "shift_id",
         "account_id", "return_id")


@dataclass
class AppliedChanges:
    """What applying a batch changed: row keys per table, and the ids the changed rows point at."""

    rows: dict[str, set[str]] = field(default_factory=dict)
    refs: dict[str, set[str]] = field(default_factory=dict)  # "product_id" -> product ids of changed rows, …
    moved: set[str] = field(default_factory=set)  # products whose ledger got movements (caches settled)
    added: list[hub_settle.NewMovement] = field(default_factory=list)  # new movements: added to the caches
    recount: set[str] = field(default_factory=set)  # products whose ledger changed otherwise: counted again
    unknown: set[str] = field(default_factory=set)  # tables this app version does not know
    applied: int = 0  # changes that wrote something
    orphans_possible: bool = False  # a row was deleted, or one was dropped for a later delete: check references

    def note(self, table: str, row_id: str, row: dict[str, object]) -> None:
        self.rows.setdefault(table, set()).add(row_id)
        self.applied += 1
        for ref in _REFS:
            if row.get(ref):
                self.refs.setdefault(ref, set()).add(str(row[ref]))

    def ids(self, table: str) -> frozenset[str]:
        return frozenset(self.rows.get(table, set()))

    def pointed(self, ref: str) -> frozenset[str]:
        return frozenset(self.refs.get(ref, set()))


def apply_changes(db: Database, changes: Sequence[HubChange], device_id: str) -> AppliedChanges:
    """Merge a pulled batch into this file (inside the caller's `db.write()`); the caller's own changes are skipped.
    Sets the clock past every received stamp and the pull cursor to the last change's."""
    out = AppliedChanges()
    if not changes:
        return out
    previous = int(db.scalar("SELECT journal FROM hub_state WHERE id = 1"))
    db.execute("PRAGMA defer_foreign_keys = ON")
    db.execute("UPDATE hub_state SET journal = 2 WHERE id = 1")
    known: dict[str, set[str]] = {}
    theirs = [c for c in changes if c.device_id != device_id]
    clocks = FieldClocks(db)
    clocks.load((c.table, c.row_id) for c in theirs if c.table in BY_NAME)
    for change in theirs:
        table = BY_NAME.get(change.table)
        if table is None:
            out.unknown.add(change.table)
            continue
        if table.name not in known:
            known[table.name] = set(rows.local_columns(db, table))
        _apply_one(clocks, table, known[table.name], change, out)
    _settle_references(db, out)
    if out.moved:
        hub_settle.settle(db, out.added, out.recount)
    top = max(c.hlc for c in changes)
    db.execute("UPDATE hub_state SET hlc = max(hlc, ?), pull_cursor = ?, journal = ? WHERE id = 1",
               (top, changes[-1].cursor, 1 if previous == 2 else previous))
    return out


def _apply_one(clocks: FieldClocks, table: SyncedTable, known: set[str], change: HubChange,
               out: AppliedChanges) -> None:
    db = clocks.db
    row = {k: v for k, v in rows.decode(change.payload).items() if k in known}
    if table.local_when and _stays_local(db, table, row):
        return  # this laptop's own (its printer): another version's list of local settings may differ
    stamp: Clock = (change.hlc, change.device_id)
    if change.op == "delete":
        _delete(clocks, table, row, change.row_id, stamp, out)
    elif change.op == "insert" and table.merge is Merge.APPEND:
        _append(clocks, table, row, change.row_id, stamp, out)
    elif change.op in ("insert", "update"):
        carried = list(row) if change.op == "insert" else [f for f in json.loads(change.fields or "[]") if f in row]
        _latest(clocks, table, row, change.row_id, (stamp, carried), out)


def _stays_local(db: Database, table: SyncedTable, row: dict[str, object]) -> bool:
    if not row:
        return False
    names = ", ".join(f"? AS {k}" for k in row)
    return bool(db.scalar(f"SELECT {table.local_when.format(row='r')} FROM (SELECT {names}) r", tuple(row.values())))


def _note(out: AppliedChanges, table: SyncedTable, row_id: str, row: dict[str, object], *, new: bool = False) -> None:
    """`new`: the row was inserted just now (for a movement: a plain addition to the caches, unless a count)."""
    out.note(table.name, row_id, row)
    if table.name == "stock_movements" and row.get("product_id"):
        product = str(row["product_id"])
        out.moved.add(product)
        added = hub_settle.new_movement(row) if new else None
        if added is None:
            out.recount.add(product)
        else:
            out.added.append(added)


def _append(clocks: FieldClocks, table: SyncedTable, row: dict[str, object], row_id: str, stamp: Clock,
            out: AppliedChanges) -> None:
    db = clocks.db
    clock = clocks.get(table.name, row_id)
    if TOMBSTONE in clock and not rows.beats(stamp, clock[TOMBSTONE]):
        out.orphans_possible = True
        return
    touched: set[str] = set()
    if rows.insert(db, table, give_way(db, table, row, row, touched)):
        _note(out, table, row_id, row, new=True)
    else:
        _same_fact(db, table, row, row_id, clock, out)
    for other in touched:
        out.note(table.name, other, {})


def _same_fact(db: Database, table: SyncedTable, row: dict[str, object], row_id: str, clock: dict[str, Clock],
               out: AppliedChanges) -> None:
    """An append-only row already here under this key: a repeat (identical), or the same deterministic fact written
    on two laptops. The version with the smaller (created_at, details) stays, whichever arrived first."""
    existing = rows.current(db, table, row)
    if existing is None:
        return
    # Renamed values (a receipt number given way here) are derived the same on every laptop: not details.
    fields = sorted(f for f in row if f not in table.key and f not in clock and f not in table.renames)
    here = [existing[f] for f in fields]
    there = [row[f] for f in fields]
    if here == there:
        return
    was = dict(existing).get("created_at")
    if _order(row.get("created_at"), there) >= _order(was, here):
        return
    values = {f: row[f] for f in fields}
    if table.name == "stock_movements":
        rows.replace_append_only(db, table.name, ("id", row["id"]), values)
        if existing["product_id"]:  # the replaced version's product is counted again too (it may have been another)
            out.moved.add(str(existing["product_id"]))
            out.recount.add(str(existing["product_id"]))
    else:
        rows.update(db, table, row, values)
    _note(out, table, row_id, row)


def _order(created_at: object, details: list[object]) -> tuple[str, str]:
    return (str(created_at or ""), json.dumps(details, default=str, ensure_ascii=False))


def _latest(clocks: FieldClocks, table: SyncedTable, row: dict[str, object], row_id: str,
            what: tuple[Clock, list[str]], out: AppliedChanges) -> None:
    stamp, carried = what
    db = clocks.db
    clock = clocks.get(table.name, row_id)
    touched: set[str] = set()
    if rows.current(db, table, row) is None:
        if TOMBSTONE in clock and not rows.beats(stamp, clock[TOMBSTONE]):
            out.orphans_possible = True
            return  # stamped before the delete that removed it
        if not all(k in row for k in table.key):
            return
        rows.insert(db, table, give_way(db, table, row, row, touched))
        clocks.clear(table.name, row_id)
        clocks.set(table.name, row_id, [f for f in carried if f not in table.key] or list(row), stamp)
    else:
        winners = [f for f in carried if f not in table.key and rows.beats(stamp, clock.get(f))]
        if not winners:
            return
        rows.update(db, table, row, give_way(db, table, row, {f: row[f] for f in winners}, touched))
        clocks.set(table.name, row_id, winners, stamp)
    _note(out, table, row_id, row)
    for other in touched:
        out.note(table.name, other, {})


def _delete(clocks: FieldClocks, table: SyncedTable, row: dict[str, object], row_id: str, stamp: Clock,
            out: AppliedChanges) -> None:
    clock = clocks.get(table.name, row_id)
    existing = rows.current(clocks.db, table, row)
    if existing is None:
        if rows.beats(stamp, clock.get(TOMBSTONE)):
            clocks.set(table.name, row_id, [TOMBSTONE], stamp)
        return
    if all(rows.beats(stamp, c) for c in clock.values()):
        rows.delete(clocks, table, row, row_id, stamp)
        out.orphans_possible = True
        _note(out, table, row_id, dict(existing))


def _settle_references(db: Database, out: AppliedChanges) -> None:
    """Rows left pointing at a parent deleted on another laptop: a nullable reference is cleared (the same on every
    laptop, as the delete reaches all), anything else stops the batch with the table and row named. Only tables that
    can hold such a row are scanned: all after a delete in this batch, else the written tables whose parents have
    had a delete. Anything missed would still fail the commit loudly (deferred foreign keys), never pass silently."""
    if out.orphans_possible:
        names = [t.name for t in SYNCED_TABLES]
    else:
        names = [name for name in sorted(out.rows) if any(_has_tombstone(db, str(fk["table"]))
                                                         for fk in db.query(f"PRAGMA foreign_key_list('{name}')"))]
    for name in names:
        for bad in db.query(f"PRAGMA foreign_key_check('{name}')"):
            fk = [r for r in db.query(f"PRAGMA foreign_key_list('{name}')") if r["id"] == bad["fkid"]]
            column = str(fk[0]["from"]) if fk else ""
            nullable = any(str(c["name"]) == column and not c["notnull"]
                           for c in db.query(f"PRAGMA table_info('{name}')"))
            if bad["rowid"] is None or not nullable:
                raise ApplyConflict(name, str(bad["rowid"]), f"points at a missing {bad['parent']}")
            db.execute(f"UPDATE {name} SET {column} = NULL WHERE rowid = ?", (bad["rowid"],))


def _has_tombstone(db: Database, table: str) -> bool:
    return bool(db.scalar("SELECT 1 FROM hub_field_clock WHERE tbl = ? AND field = ? LIMIT 1", (table, TOMBSTONE)))
