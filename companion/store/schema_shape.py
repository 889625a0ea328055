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
import tempfile
from dataclasses import dataclass
from pathlib import Path

from companion.store.database import Database
from companion.store.migrations import migrate

INTERNAL = re.compile(r"^sqlite_|_(data|idx|content|docsize|config)$")


@dataclass(frozen=True)
class SchemaShape:
    tables: dict[str, tuple[object, ...]]   # name -> (columns, foreign keys, indexes, folded CREATE text)
    triggers: dict[str, str]                # name -> folded CREATE text
    views: dict[str, str]


def _fold(sql: str | None) -> str:
    return " ".join((sql or "").split())


def shape_of(db: Database) -> SchemaShape:
    """The schema of an open shop file, as sqlite-utils introspects it."""
    u = db.utils
    tables: dict[str, tuple[object, ...]] = {}
    for table in u.tables:
        if INTERNAL.search(table.name):
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
