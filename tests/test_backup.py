"""Backups are checked copies, restore refuses bad files without touching the data, damage is noticed."""

from __future__ import annotations

import os
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from companion.domain.errors import UserError
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.domain.settings_keys import LAST_AUTO_BACKUP
from companion.services.products import add_product
from companion.services.sales import record_sale
from companion.store import backup, migrations
from companion.store import settings as settings_store
from companion.store.database import Database, open_database
from companion.store.location import backup_dir, db_path


def _shop(db: Database, sales: int = 3) -> str:
    pid, _ = add_product(db, ProductInput(sku="TEH-1", name="Teh Melati", sell_price=4_000), 500)
    for _ in range(sales):
        record_sale(db, [LineInput(pid, 1, 4_000)], PaymentMethod.CASH)
    return pid


def _count(path: Path, table: str = "sales") -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def _damage(path: Path) -> None:
    """Overwrite the middle of the file with garbage, as a failing disk would."""
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.seek(4096)
        f.write(b"\xde\xad\xbe\xef" * ((size - 8192) // 4))


def test_backup_is_a_checked_single_file_in_the_backups_folder(db: Database, data_dir: Path) -> None:
    _shop(db)
    path = backup.make_backup(data_dir)
    assert path.parent == backup_dir(data_dir) and path.name.startswith("companion-")
    assert not Path(str(path) + "-wal").exists() and not list(path.parent.glob("*.partial"))
    assert backup.quick_check(path) and _count(path) == 3
    infos = backup.list_backups(data_dir)
    assert [i.path for i in infos] == [path] and infos[0].size == path.stat().st_size


def test_backup_with_nothing_recorded_says_so(data_dir: Path) -> None:
    with pytest.raises(UserError, match="Belum ada data"):
        backup.make_backup(data_dir)
    assert not db_path(data_dir).exists()


def test_backup_of_a_live_database_during_writes_is_valid(db: Database, data_dir: Path) -> None:
    pid = _shop(db, sales=1)
    stop = threading.Event()
    errors: list[BaseException] = []

    def sell() -> None:
        own = open_database(db_path(data_dir))
        try:
            while not stop.is_set():
                record_sale(own, [LineInput(pid, 1, 4_000)], PaymentMethod.QRIS)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            own.close()

    writer = threading.Thread(target=sell)
    writer.start()
    try:
        copies = [backup.make_backup(data_dir, data_dir / f"live-{n}.sqlite3") for n in range(5)]
    finally:
        stop.set()
        writer.join()
    assert not errors
    for copy in copies:
        assert backup.quick_check(copy)
        conn = sqlite3.connect(copy)
        lines = conn.execute("SELECT COUNT(*) FROM sale_lines").fetchone()[0]
        moves = conn.execute("SELECT COUNT(*) FROM stock_movements WHERE kind = 'counter_sale'").fetchone()[0]
        conn.close()
        assert lines == moves == _count(copy)  # each copy holds whole sales only


def test_prune_keeps_the_newest_14_and_the_copies_kept_before_restores(db: Database, data_dir: Path) -> None:
    _shop(db, sales=0)
    made = [backup.make_backup(data_dir) for _ in range(17)]
    safety = backup_dir(data_dir) / "before-restore-20200101-000000-000000.sqlite3"
    safety.write_bytes(made[-1].read_bytes())
    backup.prune(data_dir)
    regular = sorted(backup_dir(data_dir).glob("companion-*.sqlite3"))
    assert regular == sorted(made[-14:]) and safety.exists()


def test_backup_if_due_once_per_start_and_daily(db: Database, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _shop(db, sales=1)
    monkeypatch.setattr(backup, "_started", set())
    first = backup.backup_if_due(data_dir, "start")
    assert first is not None and backup.backup_if_due(data_dir, "start") is None
    assert settings_store.get(db, LAST_AUTO_BACKUP) != ""
    assert backup.backup_if_due(data_dir, "daily") is None  # the start-up one is less than a day old
    old = first.with_name(f"companion-{(datetime.now(UTC) - timedelta(hours=25)).strftime('%Y%m%d-%H%M%S-%f')}"
                          ".sqlite3")
    os.replace(first, old)
    daily = backup.backup_if_due(data_dir, "daily")
    assert daily is not None and backup.list_backups(data_dir)[0].path == daily


def test_backup_if_due_without_data_does_nothing(data_dir: Path) -> None:
    assert backup.backup_if_due(data_dir, "daily") is None
    assert not db_path(data_dir).exists()


def test_quick_check_finds_damage_and_never_raises(db: Database, data_dir: Path, tmp_path: Path) -> None:
    _shop(db, sales=40)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    path = db_path(data_dir)
    assert backup.quick_check(path)
    _damage(path)
    assert not backup.quick_check(path)
    (tmp_path / "note.txt").write_text("bukan database")
    assert not backup.quick_check(tmp_path / "note.txt")
    assert not backup.quick_check(tmp_path / "missing.sqlite3")
    (tmp_path / "empty.sqlite3").write_bytes(b"")  # SQLite's own empty database
    assert backup.quick_check(tmp_path / "empty.sqlite3")
    assert not (tmp_path / "missing.sqlite3").exists()


def test_newest_good_backup_skips_a_damaged_one(db: Database, data_dir: Path) -> None:
    _shop(db, sales=40)
    good = backup.make_backup(data_dir)
    bad = backup.make_backup(data_dir)
    _damage(bad)
    assert backup.newest_good_backup(data_dir) == good


def test_restore_brings_back_the_backup_and_keeps_the_data_from_before(db: Database, data_dir: Path) -> None:
    pid = _shop(db, sales=2)
    saved = backup.make_backup(data_dir)
    record_sale(db, [LineInput(pid, 1, 4_000)], PaymentMethod.CASH)
    db.close()
    kept = backup.restore(data_dir, saved)
    assert kept is not None and kept.name.startswith("before-restore-") and _count(kept) == 3
    assert _count(db_path(data_dir)) == 2
    assert not Path(str(db_path(data_dir)) + ".restoring").exists()
    again = open_database(db_path(data_dir))
    assert migrations.current_version(again) == migrations.latest_version()
    again.close()


def _refused(data_dir: Path, file: Path, message: str) -> None:
    before = _count(db_path(data_dir))
    with pytest.raises(UserError) as caught:
        backup.restore(data_dir, file)
    assert message in caught.value.message()
    assert _count(db_path(data_dir)) == before and backup.quick_check(db_path(data_dir))
    assert not [p for p in backup_dir(data_dir).glob("before-restore-*")]


def test_restore_refuses_a_file_that_is_not_sqlite(db: Database, data_dir: Path, tmp_path: Path) -> None:
    _shop(db)
    (tmp_path / "laporan.xlsx").write_bytes(b"PK\x03\x04 not a database")
    _refused(data_dir, tmp_path / "laporan.xlsx", "bukan cadangan Seller Companion")
    _refused(data_dir, tmp_path / "hilang.sqlite3", "tidak bisa dibuka")


def test_restore_refuses_a_truncated_backup(db: Database, data_dir: Path) -> None:
    _shop(db, sales=40)
    saved = backup.make_backup(data_dir)
    data = saved.read_bytes()
    saved.write_bytes(data[: len(data) // 2])
    _refused(data_dir, saved, "rusak")


def test_restore_refuses_a_backup_from_a_newer_version(db: Database, data_dir: Path) -> None:
    _shop(db)
    saved = backup.make_backup(data_dir)
    conn = sqlite3.connect(saved)
    conn.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (?, 'later')",
                 (migrations.latest_version() + 1,))
    conn.commit()
    conn.close()
    _refused(data_dir, saved, "versi Seller Companion yang lebih baru")


def test_restore_refuses_another_apps_database(db: Database, data_dir: Path, tmp_path: Path) -> None:
    _shop(db)
    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    _refused(data_dir, other, "bukan cadangan Seller Companion")


def test_restore_of_an_older_backup_is_migrated(db: Database, data_dir: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _shop(db)
    saved = backup.make_backup(data_dir)
    db.close()
    nxt = migrations.latest_version() + 1
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, (nxt, "CREATE TABLE later_things (x);")])
    backup.restore(data_dir, saved)
    conn = sqlite3.connect(db_path(data_dir))
    assert conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] == nxt
    assert conn.execute("SELECT COUNT(*) FROM later_things").fetchone()[0] == 0
    conn.close()


def test_restore_over_a_damaged_database_keeps_its_bytes(db: Database, data_dir: Path) -> None:
    _shop(db, sales=40)
    saved = backup.make_backup(data_dir)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    _damage(db_path(data_dir))
    kept = backup.restore(data_dir, saved)
    assert kept is not None and kept.exists()
    assert backup.quick_check(db_path(data_dir)) and _count(db_path(data_dir)) == 40


def test_restarts_never_push_out_the_oldest_days(db: Database, data_dir: Path) -> None:
    """14 daily backups, then 3 starts of the app today (each backs up): 14 different days are still there."""
    _shop(db, sales=0)
    today = datetime.now(UTC)
    for days_ago in range(14, 0, -1):
        name = f"companion-{(today - timedelta(days=days_ago)).strftime('%Y%m%d-%H%M%S-%f')}.sqlite3"
        backup.make_backup(data_dir, to=backup_dir(data_dir) / name)
    for _ in range(3):
        backup.make_backup(data_dir)
    days = {i.time.date() for i in backup.list_backups(data_dir)}
    assert len(days) == 14 and len(backup.list_backups(data_dir)) == 16  # today and the 13 days before
    for _ in range(20):  # many more starts today: the count stays bounded, the old days stay
        backup.make_backup(data_dir)
    kept = backup.list_backups(data_dir)
    assert len(kept) == 14 + 13 and len({i.time.date() for i in kept}) == 14
