"""The shop file's schema version, read without loading the migration scripts.

Opening an up-to-date file (every start but the first after an update) only needs "which version is this file?";
the thirteen scripts in migrations.py load only when a migration is due. LATEST_VERSION must equal
`migrations.latest_version()` (tests/test_schema_version.py holds them together): a new migration raises both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from companion.store.database import Database

LATEST_VERSION = 13


def current_version(db: Database) -> int:
    """The newest version recorded in the file; 0 for a new (empty) file."""
    exists = db.scalar("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'")
    if not exists:
        return 0
    return int(db.scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") or 0)


def up_to_date(db: Database) -> bool:
    """True when no migration is due (a file newer than this app counts too: migrate() leaves it alone)."""
    return current_version(db) >= LATEST_VERSION
