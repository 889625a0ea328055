"""Where the shop's data lives: --data-dir, then COMPANION_DATA_DIR, then the OS user data folder."""

from __future__ import annotations

import os
from pathlib import Path

from companion.domain.errors import UserError
from companion.i18n import N_

DB_NAME = "companion.sqlite3"
PRACTICE_BOOK_NAME = "book.sqlite3"  # in the practice folder, beside the practice marketplace's own record


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        path = Path(explicit)
    elif os.environ.get("COMPANION_DATA_DIR"):
        path = Path(os.environ["COMPANION_DATA_DIR"])
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("SellerCompanion", appauthor=False))
    _make_folder(path)
    return path.resolve()


def _make_folder(path: Path) -> None:
    """The data folder, created if missing; a file in its place or a folder that cannot be made, in words."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise UserError(N_("{folder} is a file, not a folder: give a folder as the data folder (--data-dir), then "
                           "try again."), folder=_file_in_the_way(path)) from exc
    except OSError as exc:
        raise UserError(N_("The data folder {folder} could not be made ({reason}): choose a folder you can write "
                           "to, then try again."), folder=path, reason=exc.strerror or type(exc).__name__) from exc


def _file_in_the_way(path: Path) -> Path:
    """The nearest part of `path` that exists and is not a folder (the data folder itself, or a parent)."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate if not candidate.is_dir() else path
    return path


def db_path(folder: Path) -> Path:
    return folder / DB_NAME


def backup_dir(folder: Path) -> Path:
    return folder / "backups"


def practice_dir(folder: Path) -> Path:
    """The practice marketplace's own folder (its record, pictures) and the practice book beside it."""
    return folder / "practice"


def practice_book_path(folder: Path) -> Path:
    """Mode Latihan's own shop file: practice sales, orders and chats never touch the shop's book."""
    return practice_dir(folder) / PRACTICE_BOOK_NAME
