"""What the self-test's steps share, kept apart from the runner and the steps so the Qt steps in gui/ can use it
without importing upwards: the outcome words, the skipped-step error and the trial (its data folder and database)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from companion.i18n import tr

if TYPE_CHECKING:
    from companion.store.database import Database

OK, WARNING, FAILED = "ok", "warning", "FAILED"  # fixed words, so scripts and CI can read the report
Outcome = tuple[str, str]  # (OK / WARNING / FAILED, one line)
START_LIMIT_S = 60  # the app start step gives up after this long (only a start that waits for a person takes it)


class StepSkipped(Exception):
    """A step that could not run because an earlier one failed; it counts as failed, with this reason."""


class Trial:
    """What the steps share: the temporary data folder and, once migrated, its database."""

    def __init__(self, folder: Path, copy_from: Path | None) -> None:
        self.folder = folder
        self.copy_from = copy_from
        self.db: Database | None = None

    def database(self) -> Database:
        if self.db is None:
            raise StepSkipped(tr("skipped: the data folder step failed"))
        return self.db

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
