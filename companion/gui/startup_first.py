"""What the start looks at before the window: only whether the shop file opens and is of this version.

The full `PRAGMA quick_check` reads every page (a quarter of a second on a 270 MB shop), so it runs once the window
has painted (gui/startup_later.py) and offers the restore then. A file that does not even open, or that needs a
migration, is checked in full first, as before: a migration must never write into a damaged file.
"""

from __future__ import annotations

from pathlib import Path

from companion.store.database import Database
from companion.store.location import db_path
from companion.store.migrations import current_version, latest_version


def opens_cleanly(data_dir: Path) -> bool:
    """True when the shop file opens and is up to date (or does not exist yet: a new shop); False sends the start
    through the full check and the restore offer before the window."""
    path = db_path(data_dir)
    if not path.exists():
        return True
    try:
        db = Database(path)
    except Exception:  # (any failure to open: the full check says what it is)
        return False
    try:
        return current_version(db) >= latest_version()
    except Exception:  # (a damaged schema page, a file that is no database)
        return False
    finally:
        db.close()
