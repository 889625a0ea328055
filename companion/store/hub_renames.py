"""Unique values two laptops picked for different rows while offline (a SKU, a receipt number, a category or
cashier name, the shop's one owner): the later row — by (created_at, id), the same answer on every laptop —
gives way, on every laptop including the one that made it, so all converge without a person first.

Runs inside hub_apply's transaction while the journal is switched to "applying", so giving way never echoes.
"""

from __future__ import annotations

from companion.domain.hub_tables import SyncedTable, renamed
from companion.store.database import Database

# Unique indexes that only hold for some rows (schema: cashiers_name WHERE disabled_at IS NULL).
_PARTIAL = {("cashiers", "name"): "disabled_at IS NULL"}
_ONE_OWNER = ("cashiers", "role", "owner", "cashier")  # one owner per shop: a later second owner becomes a cashier
# Unique columns compared without letter case here but indexed with it (sales.number is BINARY): `= ? COLLATE NOCASE`
# cannot use their index and read the whole table for every pulled sale (a quarter of a big pull). NOCASE folds only
# ASCII A-Z, so the same question is `IN (every spelling of the value's letters)`, which the index answers.
_CASE_INDEXED = {("sales", "number")}
_MOST_SPELLINGS = 64  # six letters; a value with more is asked the slow way (receipt numbers carry one or two)


def _spellings(value: object) -> list[str] | None:
    """Every string equal to `value` under SQLite's NOCASE (ASCII letters in either case), or None: too many."""
    out = [""]
    for ch in str(value):
        if ch.isascii() and ch.isalpha():
            out = [head + case for head in out for case in (ch.lower(), ch.upper())]
            if len(out) > _MOST_SPELLINGS:
                return None
        else:
            out = [head + ch for head in out]
    return out


def _later(a: tuple[str, str], b: tuple[str, str]) -> bool:
    return a > b


def _taken(db: Database, table: str, column: str, value: object, row_id: str) -> tuple[str, str, str] | None:
    """(created_at, id, its own value) of another row holding `value` in `column`, letter case ignored as the unique
    indexes do (products.sku, categories.name, cashiers_name are NOCASE: "gula-1" takes "GULA-1")."""
    extra = _PARTIAL.get((table, column))
    where = f" AND {extra}" if extra else ""
    spellings = _spellings(value) if (table, column) in _CASE_INDEXED and isinstance(value, str) else None
    if spellings is not None:
        r = db.one(f"SELECT created_at, id, {column} FROM {table} WHERE {column} IN ({', '.join('?' * len(spellings))})"
                   f" AND id != ?{where} LIMIT 1", (*spellings, row_id))
    else:
        r = db.one(f"SELECT created_at, id, {column} FROM {table} WHERE {column} = ? COLLATE NOCASE AND id != ?{where}"
                   " LIMIT 1", (value, row_id))
    return None if r is None else (str(r[0]), str(r[1]), str(r[2]))


def _free_value(db: Database, table: str, column: str, value: str, row_id: str) -> str:
    new = renamed(value, row_id)
    while _taken(db, table, column, new, row_id) is not None:  # vanishingly rare: the renamed value is taken too
        new = renamed(new, row_id)
    return new


def give_way(db: Database, table: SyncedTable, row: dict[str, object], values: dict[str, object],
             touched: set[str]) -> dict[str, object]:
    """The `values` about to be written to `row` (the incoming row whole), changed where that row is the later of
    two sharing a unique value; where the local other row is the later one, it is changed here instead (its id
    goes into `touched`)."""
    out = dict(values)
    row_id = str(row.get("id", ""))
    mine = (str(row.get("created_at", "")), row_id)
    for column in table.renames:
        value = out.get(column)
        if value is None and (table.name, column) in _PARTIAL and "disabled_at" in out:
            value = row.get(column)  # enabled again: its name counts among the active ones once more
            if value is not None:
                out[column] = value
        if value is None or ((table.name, column) in _PARTIAL and row.get("disabled_at") is not None):
            continue
        other = _taken(db, table.name, column, value, row_id)
        if other is None:
            continue
        if _later(mine, other[:2]):
            out[column] = _free_value(db, table.name, column, str(value), row_id)
        else:
            db.execute(f"UPDATE {table.name} SET {column} = ? WHERE id = ?",
                       (_free_value(db, table.name, column, other[2], other[1]), other[1]))
            touched.add(other[1])
    if table.name == _ONE_OWNER[0] and out.get(_ONE_OWNER[1]) == _ONE_OWNER[2]:
        _one_owner(db, out, mine, touched)
    return out


def _one_owner(db: Database, out: dict[str, object], mine: tuple[str, str], touched: set[str]) -> None:
    table, column, owner, cashier = _ONE_OWNER
    r = db.one(f"SELECT created_at, id FROM {table} WHERE {column} = ? AND id != ?", (owner, mine[1]))
    if r is None:
        return
    other = (str(r["created_at"]), str(r["id"]))
    if _later(mine, other):
        out[column] = cashier
    else:
        db.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (cashier, other[1]))
        touched.add(other[1])
