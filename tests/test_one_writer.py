"""One data folder across processes: a restore never swaps the file under an import or a sync in another process,
and says what holds the folder when it cannot wait; opening a file that needs no migration takes no write lock."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from order_files import shopee_file, shopee_line

from companion import cli
from companion.domain.product import ProductInput
from companion.services.products import add_product
from companion.store import backup, folder_lock
from companion.store.database import Database, open_database
from companion.store.location import backup_dir, db_path

ORDERS = 1500
# `companion restore` in a process of its own, trying the folder once instead of waiting (so it meets the import).
RESTORE_AT_ONCE = (
    "import sys; from companion.store import folder_lock; folder_lock.EXCLUSIVE_WAIT = 0.0; from companion import cli;"
    " sys.exit(cli.main(['--lang', 'en', '--data-dir', sys.argv[1], 'restore', sys.argv[2]]))"
)


def _command(data_dir: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "companion", "--lang", "en", "--data-dir", str(data_dir), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _order_ids(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT platform_order_id FROM online_orders")}
    finally:
        conn.close()


def test_a_restore_beside_an_import_and_a_sync_loses_nothing_confirmed(db: Database, data_dir: Path,
                                                                       tmp_path: Path) -> None:
    add_product(db, ProductInput(sku="KOPI-250", name="Kopi", sell_price=35_000), 50_000)
    older = backup.make_backup(data_dir, tmp_path / "older.sqlite3")
    db.close()
    orders = shopee_file(tmp_path / "orders.csv",
                         [shopee_line(f"2612{n:06d}", "KOPI-250", 1, "35.000") for n in range(ORDERS)])
    importing = _command(data_dir, "import", str(orders))
    syncing = _command(data_dir, "sync", "--once")
    restores: list[tuple[int, str]] = []
    while importing.poll() is None or syncing.poll() is None or not restores:
        done = subprocess.run([sys.executable, "-c", RESTORE_AT_ONCE, str(data_dir), str(older)],
                              capture_output=True, text=True, timeout=120)
        restores.append((done.returncode, (done.stdout + done.stderr).strip()))
    out, err = importing.communicate(timeout=120)
    syncing.communicate(timeout=120)
    for code, said in restores:  # each restore either ran alone or said who held the folder, in one line
        assert "Traceback" not in said and len(said.splitlines()) == 1, said
        assert code == 0 or re.search(r"in use by companion (import|sync) \(pid \d+", said), said
    saved = re.search(r"Saved: (\d+) new", out)
    assert importing.returncode == 0 and saved, (out, err)
    confirmed = {f"2612{n:06d}" for n in range(ORDERS)}
    assert int(saved.group(1)) == ORDERS
    live = _order_ids(db_path(data_dir))
    if confirmed <= live:
        return
    # A restore that ran after the import finished replaced its orders on purpose: they are in its kept copy.
    kept = [_order_ids(p) for p in backup_dir(data_dir).glob("before-restore-*.sqlite3")]
    assert any(confirmed <= ids for ids in kept), (len(live), [len(k) for k in kept])


@pytest.fixture
def held_by_import(data_dir: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process sharing the folder as `companion import` does, until the test ends."""
    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from companion.store import folder_lock
        folder_lock.hold_shared(Path({str(data_dir)!r}), "companion import")
        print("holding", flush=True)
        sys.stdin.readline()
    """)
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "holding"
    yield child
    child.kill()
    child.wait(timeout=30)


def test_restore_refuses_naming_what_holds_the_folder(db: Database, data_dir: Path, tmp_path: Path,
                                                      held_by_import: subprocess.Popen[str],
                                                      capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    add_product(db, ProductInput(sku="KOPI-250", name="Kopi", sell_price=35_000), 5)
    saved = backup.make_backup(data_dir, tmp_path / "saved.sqlite3")
    db.close()
    monkeypatch.setattr(folder_lock, "EXCLUSIVE_WAIT", 0.0)
    assert cli.main(["--lang", "en", "restore", str(saved), "--data-dir", str(data_dir)]) == 1
    said = capsys.readouterr().err.strip()
    assert said.startswith(f"The data folder is in use by companion import (pid {held_by_import.pid}, since ")
    assert len(said.splitlines()) == 1
    assert not list(backup_dir(data_dir).glob("before-restore-*"))


def test_the_apps_own_restore_sets_its_shared_hold_aside(db: Database, data_dir: Path, tmp_path: Path) -> None:
    """In the app the restore runs in the process that shares the folder: it trades that hold for the exclusive
    one, and holds the folder shared again afterwards (a second process is still kept out)."""
    add_product(db, ProductInput(sku="KOPI-250", name="Kopi", sell_price=35_000), 5)
    saved = backup.make_backup(data_dir, tmp_path / "saved.sqlite3")
    db.close()
    with folder_lock.shared(data_dir, folder_lock.APP):
        assert backup.restore(data_dir, saved) is not None
        assert folder_lock.held_here(data_dir)
        probe = subprocess.run(
            [sys.executable, "-c", "import sys; from pathlib import Path; from companion.store.file_lock import "
             "FileLock; l = FileLock(Path(sys.argv[1])); print(l.acquire(exclusive=True), l.holder())",
             str(folder_lock.lock_path(data_dir))], capture_output=True, text=True, timeout=60)
        assert probe.stdout.startswith("False app (pid "), probe.stdout + probe.stderr
    assert not folder_lock.held_here(data_dir)


def test_opening_takes_no_write_lock_when_no_migration_is_due(db: Database, data_dir: Path) -> None:
    """A long write in another connection (an import in another process) must not keep the app from starting."""
    writer = sqlite3.connect(db_path(data_dir), isolation_level=None, timeout=0)
    writer.execute("BEGIN IMMEDIATE")
    try:
        opened = open_database(db_path(data_dir))  # would wait BUSY_TIMEOUT and fail if it began a write
        assert opened.scalar("SELECT COUNT(*) FROM schema_migrations") >= 1
        opened.close()
    finally:
        writer.execute("ROLLBACK")
        writer.close()
