"""The shape of a shop file's schema, read with sqlite-utils' introspection, and how it differs from the shape the
app's own migrations make. The doctor names every difference (an extra trigger or view, a missing index, a table
whose columns or constraints were changed), so a file edited by hand or by another program is found out.

Each table is described by its columns (name, type, not-null, default, primary key), its foreign keys, its indexes
and its CREATE text with the whitespace folded (that is where CHECK constraints live, which no introspection
lists). Triggers and views by name and CREATE text. SQLite's own and FTS5's internal tables are left out: they
follow from the virtual table's definition.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from companion.store.database import Database
from companion.store.migrations import migrate

if TYPE_CHECKING:
    import sqlite_utils

INTERNAL = re.compile(r"^sqlite_|_(data|idx|content|docsize|config)$")
# Schema v2 (accounts) and v4 (conversations) listed the channels in a CHECK; this release's text of those
# migrations has no list (v6 rebuilds both tables without it), so a genuine file made before differs only there.
_OLD_CHANNEL_CHECK = re.compile(r" CHECK \(channel IN \((?:'[a-z_]+'(?:, )?)+\)\)")
_OLD_CHECK_TABLES = ("accounts", "conversations")
_CHECKS_DROPPED_IN = 6


@dataclass(frozen=True)
class SchemaShape:
    tables: dict[str, tuple[object, ...]]   # name -> (columns, foreign keys, indexes, folded CREATE text)
    triggers: dict[str, str]                # name -> folded CREATE text
    views: dict[str, str]


def _internal(name: str, virtual: list[str]) -> bool:
    """SQLite's own tables and a virtual table's shadow tables (FTS5's `<name>_data` …), which follow from it;
    a plain table that merely ends like one (`notes_data`) is still compared."""
    if name.startswith("sqlite_"):
        return True
    match = INTERNAL.search(name)
    return match is not None and name[: match.start()] in virtual


def _fold(sql: str | None) -> str:
    return " ".join((sql or "").split())


def shape_of(db: Database) -> SchemaShape:
    """The schema of an open shop file, as sqlite-utils introspects it."""
    return shape_of_connection(db.utils)


def shape_of_file(conn: sqlite3.Connection) -> SchemaShape:
    """The schema of a file opened read-only with plain sqlite3 (a restore's candidate, never migrated in place)."""
    import sqlite_utils

    return shape_of_connection(sqlite_utils.Database(conn))


def shape_of_connection(u: sqlite_utils.Database) -> SchemaShape:
    """The shape read through sqlite-utils' introspection on an open connection."""
    tables: dict[str, tuple[object, ...]] = {}
    virtual = [t.name for t in u.tables if _fold(t.schema).upper().startswith("CREATE VIRTUAL TABLE")]
    for table in u.tables:
        if _internal(table.name, virtual):
            continue
        columns = tuple((c.name, c.type.upper(), bool(c.notnull), c.default_value, c.is_pk) for c in table.columns)
        keys = tuple(sorted((k.column, k.other_table, k.other_column) for k in table.foreign_keys))
        indexes = tuple(sorted((i.name, tuple(i.columns), bool(i.unique), bool(i.partial))
                               for i in table.indexes if not i.name.startswith("sqlite_autoindex")))
        tables[table.name] = (columns, keys, indexes, _fold(table.schema))
    triggers = {t.name: _fold(t.sql) for t in u.triggers}
    views = {v.name: _fold(v.schema) for v in u.views}
    return SchemaShape(tables, triggers, views)


def expected_shape(version: int | None = None) -> SchemaShape:
    """What the app's migrations make (up to `version`, default all) in a new file."""
    with tempfile.TemporaryDirectory(prefix="companion-schema-") as folder:
        db = Database(Path(folder) / "expected.sqlite3")
        try:
            migrate(db, version)
            return shape_of(db)
        finally:
            db.close()


def differences(actual: SchemaShape, expected: SchemaShape) -> list[str]:
    """Each difference in a few plain words ("extra trigger x", "table y changed"), sorted; empty when exact."""
    found: list[str] = []
    for kind, have, want in (("table", actual.tables, expected.tables), ("trigger", actual.triggers,
                                                                        expected.triggers),
                             ("view", actual.views, expected.views)):
        found += [f"extra {kind} {name}" for name in sorted(set(have) - set(want))]
        found += [f"missing {kind} {name}" for name in sorted(set(want) - set(have))]
        found += [f"{kind} {name} changed" for name in sorted(set(have) & set(want)) if have[name] != want[name]]
    return found


def without_old_channel_checks(shape: SchemaShape, version: int) -> SchemaShape:
    """A file of a version before 6 as this release's migrations would have made it: the channel CHECK lists of
    `accounts` and `conversations` taken out (nothing else: any other difference still shows)."""
    if version >= _CHECKS_DROPPED_IN:
        return shape
    tables = dict(shape.tables)
    for name in _OLD_CHECK_TABLES:
        if name in tables:
            *rest, text = tables[name]
            tables[name] = (*rest, _OLD_CHANNEL_CHECK.sub("", str(text), count=1))
    return replace(shape, tables=tables)


def summary(found: list[str], limit: int = 6) -> str:
    """Differences for one sentence: the first few, and how many more."""
    shown = "; ".join(found[:limit])
    return shown if len(found) <= limit else f"{shown}; +{len(found) - limit}"
