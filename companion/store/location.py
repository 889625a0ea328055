"""Where the shop's data lives: --data-dir, then COMPANION_DATA_DIR, then the OS user data folder."""

from __future__ import annotations

import os
from pathlib import Path

DB_NAME = "companion.sqlite3"


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        path = Path(explicit)
    elif os.environ.get("COMPANION_DATA_DIR"):
        path = Path(os.environ["COMPANION_DATA_DIR"])
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("SellerCompanion", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def db_path(folder: Path) -> Path:
    return folder / DB_NAME


def backup_dir(folder: Path) -> Path:
    return folder / "backups"
