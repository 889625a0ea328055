"""What the start looks at before the window: only whether the shop file opens and is of this version.

The full `PRAGMA quick_check` reads every page (a quarter of a second on a 270 MB shop), so it runs once the window
has painted (gui/startup_later.py) and offers the restore then. A file that does not even open, or that needs a
migration, is checked in full first, as before: a migration must never write into a damaged file.
The handle opened for this look is the one the window then works with (AppContext's `db`): the file opens once.
Unexpected errors before the paint are logged as always (the command line set up the log) and held for the
"Salin detail" dialog, which is set up once the window is on screen (`HeldErrors`).
"""

from __future__ import annotations

import threading
from pathlib import Path

from companion.error_log import add_presenter, remove_presenter
from companion.store.database import Database
from companion.store.location import db_path
from companion.store.schema_version import up_to_date


def open_if_current(data_dir: Path) -> Database | None:
    """The shop file opened, when it opens and is up to date; None when it is missing, does not open, or needs a
    migration (the caller tells a new shop from the others with `opens_cleanly`)."""
    path = db_path(data_dir)
    if not path.exists():
        return None
    try:
        db = Database(path)
    except Exception:  # (any failure to open: the full check says what it is)
        return None
    try:
        if up_to_date(db):
            return db
    except Exception:  # (a damaged schema page, a file that is no database)
        pass
    db.close()
    return None


def opens_cleanly(data_dir: Path) -> bool:
    """True when the shop file opens and is up to date (or does not exist yet: a new shop); False sends the start
    through the full check and the restore offer before the window."""
    if not db_path(data_dir).exists():
        return True
    db = open_if_current(data_dir)
    if db is None:
        return False
    db.close()
    return True


class HeldErrors:
    """Holds the unexpected errors of the start before its first paint, then hands them to the error dialog: loading
    the dialog (and its QMessageBox) is not something the first paint should wait for."""

    def __init__(self) -> None:
        self.held: list[tuple[BaseException, str]] = []
        self.released = False
        self._lock = threading.Lock()  # an error may come from a pool thread
        add_presenter(self.keep)

    def keep(self, exc: BaseException, details: str) -> None:
        with self._lock:
            self.held.append((exc, details))

    def release(self, data_dir: Path) -> None:
        """The dialog's reporter takes over, and shows what was held (each error once: the reporter says so).
        Called before a dialog of the start's own (the full check, the welcome) and after the paint; once."""
        if self.released:
            return
        self.released = True
        from companion.gui.error_dialog import install_error_handling, reporter

        install_error_handling(data_dir)
        remove_presenter(self.keep)
        with self._lock:
            held, self.held = self.held, []
        for exc, details in held:
            reporter().present(exc, details)
