"""`companion doctor`: one line per health check of the shop's data and install, for support calls."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from companion import i18n
from companion.domain.errors import UserError
from companion.i18n import tr
from companion.store import backup, health, secrets
from companion.store.database import Database, folder_writable
from companion.store.location import db_path

Check = tuple[bool | None, str]  # passed (None: a warning that does not fail), one sentence


def run_doctor(data_dir: Path) -> int:
    """Print each check and a summary; 0 when all pass, 1 otherwise. Never creates a database."""
    path = db_path(data_dir)
    checks: list[Callable[[], Check]] = []
    db: Database | None = None
    writable = folder_writable(Path(data_dir))
    if not writable:  # said first: what follows is read without changing anything
        checks.append(lambda: (False, tr("Data folder: {folder} is read-only; the data is not damaged by that, but "
                                         "nothing can be saved until the folder is writable.", folder=data_dir)))
    if not path.exists():
        checks.append(lambda: (True, tr("Data: no data yet in {folder}.", folder=data_dir)))
    elif not backup.quick_check(path):
        checks.append(_unreadable if not writable else
                      lambda: (False, tr("Data file: damaged; restore the newest backup (companion restore).")))
    else:
        try:
            db = Database(path, readonly=True)
        except (health.DataFileError, UserError) as exc:
            failure: Check = (False, exc.message() if isinstance(exc, UserError)
                              else tr("A check could not run: {reason}.", reason=exc))
            checks.append(lambda: failure)
        else:
            checks += [lambda: _integrity(path), lambda: _migrations(db), lambda: _schema(db), lambda: _stock(db),
                       lambda: _outbox(db)]
    checks += [_keyring, _translations]
    results: list[Check] = []
    try:
        for check in checks:
            results.append(_safely(check))
            ok, line = results[-1]
            print(f"[{'OK' if ok else '!!' if ok is None else 'X '}] {line}")
    finally:
        if db is not None:
            db.close()
    failed = sum(1 for ok, _ in results if ok is False)
    print(tr("All {n} checks passed.", n=len(results)) if not failed
          else tr("{failed} of {n} checks failed.", failed=failed, n=len(results)))
    return 0 if not failed else 1


def _unreadable() -> Check:
    """In a read-only folder SQLite may be unable to read a file whose last session did not finish (its -wal
    needs a -shm it cannot make): that is not damage, and restoring a backup would be the wrong advice."""
    return False, tr("Data file: cannot be read while the folder is read-only (this does not mean it is damaged): "
                     "make the folder writable, then run the doctor again.")


def _safely(check: Callable[[], Check]) -> Check:
    try:
        return check()
    except (health.DataFileError, OSError) as exc:
        return False, tr("A check could not run: {reason}.", reason=exc)


def _integrity(path: Path) -> Check:
    ok = backup.full_check(path)
    return ok, tr("Integrity check: passed.") if ok else tr("Integrity check: the data file is damaged.")


def _migrations(db: Database | None) -> Check:
    from companion.store.migrations import current_version, latest_version, version_rows

    assert db is not None
    have, want = current_version(db), latest_version()
    rows = version_rows(db)
    if rows != list(range(1, have + 1)):
        return False, tr("Data version: the version records ({rows}) were edited; restore a backup made by the app.",
                         rows=", ".join(str(v) for v in rows[:12]))
    if have == want:
        return True, tr("Data version: {have} (latest).", have=have)
    return False, tr("Data version: {have}, expected {want}; open the app once to update it.", have=have, want=want)


def _schema(db: Database | None) -> Check:
    """The file's tables, indexes, triggers and views are exactly what the app's migrations make for its version
    (an extra trigger or a dropped guard would otherwise go unnoticed)."""
    from companion.store.migrations import current_version
    from companion.store.schema_shape import differences, expected_shape, shape_of

    assert db is not None
    version = current_version(db)
    found = differences(shape_of(db), expected_shape(version))
    if not found:
        return True, tr("Schema: exactly what version {version} makes.", version=version)
    return False, tr("Schema: differs from what version {version} makes ({differences}); restore a backup made by "
                     "the app.", version=version, differences="; ".join(found))


def _stock(db: Database | None) -> Check:
    from companion.store.stock import verify_levels

    assert db is not None
    wrong = verify_levels(db)
    if not wrong:
        return True, tr("Stock: the stock numbers match the stock history.")
    return False, tr("Stock: {n} products differ from their stock history.", n=len(wrong))


def _outbox(db: Database | None) -> Check:
    assert db is not None
    counts: dict[str, int] = {}
    unreadable = 0
    for state, payload in health.unfinished_outbox(db):
        counts[state] = counts.get(state, 0) + 1
        try:
            json.loads(payload)
        except ValueError:
            unreadable += 1
    if unreadable:
        return False, tr("Outbox: {n} waiting messages cannot be read.", n=unreadable)
    waiting = counts.get("waiting", 0) + counts.get("sending", 0)
    return True, tr("Outbox: {pending} waiting, {failed} failed.", pending=waiting,
                    failed=counts.get("failed", 0))


def _keyring() -> Check:
    ok, name = secrets.backend_status()
    if ok:
        return True, tr("Password store: {name}.", name=name)
    # Only linked online shops keep secrets; until one is linked this is a warning, not a failure.
    return None, tr("Password store: {name} cannot keep passwords safely; an online shop cannot be linked "
                    "until the system's password store works.", name=name)


def _translations() -> Check:
    ids, en = i18n.catalog("id"), i18n.catalog("en")
    only_one = set(ids) ^ set(en)
    empty = [k for cat in (ids, en) for k, v in cat.items() if not str(v).strip()]
    bad = [k for k in set(ids) & set(en) if _fields(k) != _fields(ids[k]) or _fields(k) != _fields(en[k])]
    if not only_one and not empty and not bad:
        return True, tr("Translations: {n} messages in both languages.", n=len(ids))
    return False, tr("Translations: {missing} missing, {empty} empty, {bad} with wrong placeholders.",
                     missing=len(only_one), empty=len(empty), bad=len(bad))


def _fields(text: str) -> set[str]:
    return set(re.findall(r"{(\w+)}", text))
