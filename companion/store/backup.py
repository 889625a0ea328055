"""Backups and restore of the shop file, made so that a crash at any moment leaves a usable record.

Backups are written with SQLite's online backup API from a fresh connection (a plain file copy of a
WAL database can miss committed pages or catch a half-written one), checked with `integrity_check`,
and kept as self-contained single files (journal mode DELETE). A restore writes the new database to
a temporary file next to the live one, syncs it to disk and swaps it in with one `os.replace`, so the
live file is always either the old data or the new data, never a mix.

Shipping labels (`<data dir>/labels/`, store/label_files.py) are not in backups: each is the platform's to hand out
again, and a label row whose file is missing reads as not fetched, so the sync fetches it after a restore.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from companion.domain.errors import UserError
from companion.i18n import N_
from companion.store.hub_state import renew_identity
from companion.store.location import backup_dir, db_path
from companion.store.storage_errors import os_storage_error, storage_error

KEEP = 14  # automatic and manual backups kept in the backups folder
DAILY = timedelta(hours=24)
PREFIX = "companion-"
SAFETY_PREFIX = "before-restore-"
SUFFIX = ".sqlite3"
_STAMP = "%Y%m%d-%H%M%S-%f"  # UTC, so names sort by time and mean the same on every laptop
_NAME = re.compile(r"^(?:companion|before-restore)-(\d{8}-\d{6}-\d{6})\.sqlite3$")
_MAGIC = b"SQLite format 3\x00"
_started: set[Path] = set()  # data folders that had their start-up backup in this process


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    time: datetime  # UTC
    size: int  # bytes


def _connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    """A plain connection that never creates a missing file when `readonly`."""
    from companion.store.database import read_only_uri

    uri = read_only_uri(path) if readonly else f"{path.resolve().as_uri()}?mode=rwc"
    conn = sqlite3.connect(uri, uri=True, timeout=10, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


def _fsync(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())
    if os.name != "nt":  # make the rename itself durable; directories cannot be opened on Windows
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def integrity_ok(conn: sqlite3.Connection, pragma: str = "integrity_check") -> bool:
    try:
        rows = conn.execute(f"PRAGMA {pragma}").fetchall()
    except sqlite3.DatabaseError:
        return False
    return [tuple(r) for r in rows] == [("ok",)]


def _copy_into(source: sqlite3.Connection, target: Path) -> None:
    """Write `source` into the new file `target` with the backup API, as a single self-contained file."""
    _remove(target)
    dest = _connect(target)
    try:
        source.backup(dest, pages=1024)
        dest.execute("PRAGMA journal_mode = DELETE")
        ok = integrity_ok(dest)
    finally:
        dest.close()
    _remove(Path(str(target) + "-wal"))
    _remove(Path(str(target) + "-shm"))
    if not ok:
        _remove(target)
        raise UserError(N_("The backup did not pass its check and was deleted: try again, and if it fails again "
                           "contact support."))
    _fsync(target)


def _stamp_name(prefix: str) -> str:
    return f"{prefix}{datetime.now(UTC).strftime(_STAMP)}{SUFFIX}"


def make_backup(data_dir: Path, to: Path | None = None) -> Path:
    """A checked copy of the shop file; by default into the backups folder, keeping the newest 14."""
    live = db_path(data_dir)
    if not live.exists():
        raise UserError(N_("There is no shop data to back up yet: record something first."))
    folder = backup_dir(data_dir)
    target = _backup_target(data_dir, Path(to)) if to is not None else folder / _stamp_name(PREFIX)
    if to is None:
        _make_backups_folder(data_dir)
    partial = target.with_name(target.name + ".partial")
    source = _connect(live, readonly=True)
    try:
        _copy_into(source, partial)
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as exc:  # disk full or write-protected: no half-written file stays behind
        for leftover in (partial, Path(str(partial) + "-journal"), Path(str(partial) + "-wal"),
                         Path(str(partial) + "-shm")):
            _remove(leftover)
        mapped = os_storage_error(exc) if isinstance(exc, OSError) else storage_error(exc)
        if mapped is None:
            raise
        raise mapped from exc
    finally:
        source.close()
    if target.parent == folder:
        prune(data_dir)
    return target


def _backup_target(data_dir: Path, to: Path) -> Path:
    """`backup --to`: a file in a folder that exists (a read-only data folder can still be backed up elsewhere)."""
    if to.is_dir():
        return to / _stamp_name(PREFIX)
    if to.parent == backup_dir(data_dir):
        _make_backups_folder(data_dir)
    if not to.parent.is_dir():
        raise UserError(N_("The folder {folder} does not exist: create it or choose another place for the backup, "
                           "then try again."), folder=to.parent)
    return to


def _make_backups_folder(data_dir: Path) -> None:
    from companion.store.database import folder_writable

    try:
        backup_dir(data_dir).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if not folder_writable(Path(data_dir)):
            raise UserError(N_("The data folder {folder} is read-only, so no backup can be kept in it (the data is "
                               "not damaged): make a backup elsewhere with backup --to."), folder=data_dir) from exc
        raise os_storage_error(exc) from exc


def _info(path: Path) -> BackupInfo | None:
    try:
        st = path.stat()
    except OSError:
        return None
    match = _NAME.match(path.name)
    if match:
        moment = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
    else:
        moment = datetime.fromtimestamp(st.st_mtime, UTC)
    return BackupInfo(path, moment, st.st_size)


def list_backups(data_dir: Path) -> list[BackupInfo]:
    """Backups in the backups folder (including copies kept before a restore), newest first."""
    folder = backup_dir(data_dir)
    if not folder.is_dir():
        return []
    infos = [_info(p) for p in folder.glob(f"*{SUFFIX}") if p.is_file()]
    return sorted((i for i in infos if i is not None), key=lambda i: (i.time, i.path.name), reverse=True)


def prune(data_dir: Path, keep: int = KEEP) -> list[Path]:
    """Delete all but the newest `keep` regular backups and the newest one of each of the last `keep` days that
    have one (so restarts, which back up too, never push out the oldest days); copies kept before a restore stay."""
    regular = [i for i in list_backups(data_dir) if i.path.name.startswith(PREFIX)]
    kept = {i.path for i in regular[:keep]}
    days: set[object] = set()
    for info in regular:  # newest first: the first one seen of a day is that day's newest
        day = info.time.date()
        if day not in days and len(days) < keep:
            days.add(day)
            kept.add(info.path)
    gone = [i.path for i in regular if i.path not in kept]
    for path in gone:
        _remove(path)
    return gone


def _record_auto_backup(data_dir: Path, when: datetime) -> None:
    from companion.domain.settings_keys import LAST_AUTO_BACKUP
    from companion.store import settings as settings_store
    from companion.store.database import Database

    db = Database(db_path(data_dir))
    try:
        with db.write():
            settings_store.put(db, LAST_AUTO_BACKUP, when.isoformat(timespec="seconds"))
    finally:
        db.close()


def backup_if_due(data_dir: Path, reason: str) -> Path | None:
    """The automatic backup: "start" once per start of the app, "daily" when the newest is over 24 h old."""
    key = Path(data_dir).resolve()
    if not db_path(key).exists():
        return None
    if reason == "start":
        if key in _started:
            return None
        _started.add(key)
    elif reason == "daily":
        backups = list_backups(key)
        if backups and datetime.now(UTC) - backups[0].time < DAILY:
            return None
    else:
        raise ValueError(f"unknown backup reason {reason!r}")
    path = make_backup(key)
    _record_auto_backup(key, datetime.now(UTC))
    return path


def quick_check(path: Path) -> bool:
    """True when `path` is an SQLite file that passes `PRAGMA quick_check`; never raises.

    An empty file is an empty database to SQLite (a first start killed before its first write).
    """
    try:
        if Path(path).stat().st_size == 0:
            return True
        with open(path, "rb") as f:
            if f.read(16) != _MAGIC:
                return False
        conn = _connect(Path(path), readonly=True)
    except (OSError, sqlite3.Error):
        return False
    try:
        return integrity_ok(conn, "quick_check")
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def _check_file(path: Path, pragma: str = "integrity_check") -> bool:
    try:
        with open(path, "rb") as f:
            if f.read(16) != _MAGIC:
                return False
        conn = _connect(path, readonly=True)
    except (OSError, sqlite3.Error):
        return False
    try:
        return integrity_ok(conn, pragma)
    finally:
        conn.close()


def full_check(path: Path) -> bool:
    """A full `integrity_check` on a read-only connection (the doctor's; works in a read-only folder)."""
    return _check_file(Path(path))


def newest_good_backup(data_dir: Path) -> Path | None:
    """The newest backup that passes a full integrity check."""
    for info in list_backups(data_dir):
        if _check_file(info.path):
            return info.path
    return None


NOT_OURS = N_("The chosen file is not a Seller Companion backup: choose a file from the backups folder.")
DAMAGED = N_("The chosen backup is damaged: choose another backup.")
NEWER = N_("The chosen backup was made by a newer version of Seller Companion: update the app first, then restore it.")
NOT_EXACT = N_("The chosen file is not exactly what Seller Companion makes ({differences}), so nothing was changed: "
               "choose a backup made by the app.")
NOT_UPDATABLE = N_("The chosen backup could not be brought up to this version of the app, so nothing was changed: "
                   "choose another backup.")
PUT_BACK = N_("The restored data could not be opened, so the data from before was put back: choose another backup, "
              "or contact support.")
NOT_PUT_BACK = N_("The restored data could not be opened and the data from before could not be put back: copy "
                  "{file} over the data file, or contact support.")


def _versions(conn: sqlite3.Connection) -> list[int] | None:
    """The version rows, in order; None when the file has no migrations table (another program's file)."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'").fetchone():
        return None
    return [int(r[0]) for r in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]


def _validate(conn: sqlite3.Connection) -> int:
    """Refuse a file the app cannot use, in one sentence the person can act on; returns its version.

    Exact, not merely plausible: the version rows must be 1..N with nothing missing or added, and the schema
    (tables, columns, indexes, triggers, views) must be what the app's own migrations make for version N. A file
    carrying an extra trigger or view, lacking a guard or a table, or another program's file that happens to have
    a `schema_migrations` table, is refused before anything is kept, copied or swapped.
    """
    from companion.store.migrations import latest_version
    from companion.store.schema_shape import (
        differences,
        expected_shape,
        shape_of_file,
        summary,
        without_old_channel_checks,
    )

    try:
        if not integrity_ok(conn):
            raise UserError(DAMAGED)
        versions = _versions(conn)
        if versions is None or not versions:
            raise UserError(NOT_OURS)
        version = versions[-1]
        if version > latest_version():
            raise UserError(NEWER)
        if versions != list(range(1, version + 1)):
            shown = ", ".join(str(v) for v in versions[:12])
            raise UserError(NOT_EXACT, differences=f"version rows {shown}")
        found = differences(without_old_channel_checks(shape_of_file(conn), version), expected_shape(version))
    except sqlite3.DatabaseError as exc:
        raise UserError(DAMAGED) from exc
    if found:
        raise UserError(NOT_EXACT, differences=summary(found))
    return version


def _bring_up_to_date(incoming: Path) -> None:
    """Migrate the private copy before it is swapped in, and check it again: a backup that cannot become this
    version's exact schema is refused while the live data is still untouched."""
    from companion.store.database import Database
    from companion.store.migrations import migrate
    from companion.store.schema_shape import differences, expected_shape, shape_of, summary

    try:
        db = Database(incoming)
    except sqlite3.Error as exc:
        raise UserError(NOT_UPDATABLE) from exc
    try:
        migrate(db)
        # A restored copy must never push to a hub as the laptop it was copied from: a new device id, to join again.
        renew_identity(db)
        found = differences(shape_of(db), expected_shape())
        db.conn.execute("PRAGMA journal_mode = DELETE")  # one self-contained file again, the WAL folded in
    except UserError:
        raise
    except sqlite3.Error as exc:
        mapped = storage_error(exc)
        raise (mapped or UserError(NOT_UPDATABLE)) from exc
    finally:
        db.close()
    if found:
        raise UserError(NOT_EXACT, differences=summary(found))


def _open_source(file: Path) -> sqlite3.Connection:
    try:
        with open(file, "rb") as f:
            magic = f.read(16)
    except OSError as exc:
        raise UserError(N_("The chosen file could not be opened: check it is still there and try again.")) from exc
    if magic != _MAGIC:
        raise UserError(NOT_OURS)
    try:
        return _connect(file, readonly=True)
    except sqlite3.Error as exc:
        raise UserError(DAMAGED) from exc


def _keep_current(data_dir: Path) -> Path | None:
    """A copy of the data as it is now, kept before it is replaced; a raw copy when it cannot be read."""
    live = db_path(data_dir)
    if not live.exists():
        return None
    folder = backup_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / _stamp_name(SAFETY_PREFIX)
    partial = target.with_name(target.name + ".partial")
    try:
        source = _connect(live, readonly=True)
        try:
            sink = _connect(partial)
            try:
                source.backup(sink, pages=1024)
                sink.execute("PRAGMA journal_mode = DELETE")
            finally:
                sink.close()
        finally:
            source.close()
    except sqlite3.Error:  # damaged beyond reading: keep the bytes as they are, for support
        _remove(partial)
        shutil.copyfile(live, partial)
    _remove(Path(str(partial) + "-wal"))
    _remove(Path(str(partial) + "-shm"))
    _fsync(partial)
    os.replace(partial, target)
    return target


def _checkpoint(live: Path) -> None:
    """Move everything in the live WAL into the main file (a safety copy was already kept)."""
    if not live.exists():
        return
    try:
        conn = _connect(live)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except sqlite3.Error:
        pass  # damaged: its safety copy holds what could be read


def restore(data_dir: Path, file: Path, program: str | None = None) -> Path | None:
    """Replace the shop's data with `file`; returns where the data from before was kept (None if there was none).

    The folder is taken EXCLUSIVE (store/folder_lock.py): another process with the file open (the app, an
    import, a sync) is waited for briefly, then named in the refusal. Every connection of this process to the live
    database must be closed first (the GUI closes its own). The candidate is checked exactly and brought up to
    date in a private copy; only then is the data from before kept and the copy swapped in.
    """
    from companion.store.folder_lock import exclusive

    with exclusive(data_dir, program):
        return _restore_alone(data_dir, Path(file))


def _restore_alone(data_dir: Path, file: Path) -> Path | None:
    from companion.store.database import folder_writable

    if not folder_writable(Path(data_dir)):
        raise UserError(N_("The data folder {folder} is read-only, so no backup can be restored into it (the data "
                           "is not damaged): make the folder writable, then try again."), folder=data_dir)
    source = _open_source(file)
    live = db_path(data_dir)
    incoming = live.with_name(live.name + ".restoring")
    try:
        try:
            _validate(source)
            _copy_into(source, incoming)
        finally:
            source.close()
        _bring_up_to_date(incoming)
        _fsync(incoming)
        kept = _keep_current(data_dir)
    except BaseException:
        for leftover in (incoming, Path(str(incoming) + "-journal"), Path(str(incoming) + "-wal"),
                         Path(str(incoming) + "-shm")):
            _remove(leftover)
        raise
    _swap_in(incoming, live)
    _open_or_put_back(live, kept)
    return kept


def _swap_in(incoming: Path, live: Path) -> None:
    """One `os.replace`: the live file is the old data or the new data, never a mix."""
    _checkpoint(live)  # an old WAL left beside the new file would be replayed into it
    for stale in (Path(str(live) + "-wal"), Path(str(live) + "-shm")):
        _remove(stale)
    os.replace(incoming, live)
    _fsync(live)


def _open_or_put_back(live: Path, kept: Path | None) -> None:
    """Open the swapped-in file as the app will; when that fails, the kept copy goes back and the message says so."""
    from companion.store.database import forget_thread_databases, open_database

    forget_thread_databases()  # every thread's cached connection points at the old file
    try:
        open_database(live).close()
        return
    except Exception as exc:  # whatever stops the app opening it: put the data from before back
        failure: BaseException = exc
    try:
        if kept is None:
            _remove(live)
        else:
            back = live.with_name(live.name + ".restoring")
            shutil.copyfile(kept, back)
            _fsync(back)
            _swap_in(back, live)
    except OSError as exc:
        raise UserError(NOT_PUT_BACK, file=kept or "-") from exc
    raise UserError(PUT_BACK) from failure
