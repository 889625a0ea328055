"""Restore takes only a file that is exactly what the app makes: crafted backups are refused and change nothing,
genuine older backups (old CHECK lists included) come back whole, and a failed open after the swap puts the data
from before back."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from companion.domain.clock import stamp
from companion.domain.errors import UserError
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.services.products import add_product
from companion.services.sales import record_sale
from companion.store import backup, migrations
from companion.store.database import Database, open_database
from companion.store.location import backup_dir, db_path
from companion.store.schema_v2 import V2
from companion.store.schema_v4 import V4

OLD_ACCOUNTS_CHANNEL = "channel TEXT NOT NULL CHECK (channel IN ('shopee', 'tiktok', 'lazada')),"
OLD_CONVERSATIONS_CHANNEL = "channel TEXT NOT NULL CHECK (channel IN ('shopee', 'tiktok', 'lazada', 'manual')),"


def _shop(db: Database, sales: int = 3) -> None:
    pid, _ = add_product(db, ProductInput(sku="TEH-1", name="Teh Melati", sell_price=4_000), 500)
    for _ in range(sales):
        record_sale(db, [LineInput(pid, 1, 4_000)], PaymentMethod.CASH)


def _fingerprint(path: Path) -> tuple[dict[str, int], str]:
    """Row counts of the tables that matter and a checksum of the whole dump: what "unchanged" means here."""
    conn = sqlite3.connect(path)
    try:
        counts = {t: int(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0])
                  for t in ("products", "sales", "stock_movements", "schema_migrations")}
        digest = hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()
    return counts, digest


def _edit(path: Path, *sql: str) -> Path:
    conn = sqlite3.connect(path)
    try:
        for statement in sql:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()
    return path


def _backup_then(data_dir: Path, *sql: str) -> Path:
    return _edit(backup.make_backup(data_dir), *sql)


def _foreign(data_dir: Path, tmp_path: Path) -> Path:
    """Another program's database that happens to keep a `schema_migrations` table, at version 2."""
    path = tmp_path / "other.sqlite3"
    return _edit(path, "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
                 "INSERT INTO schema_migrations VALUES (1, 'x'), (2, 'y')", "CREATE TABLE notes (body TEXT)",
                 "INSERT INTO notes VALUES ('hello')")


CRAFTED: dict[str, tuple[Callable[[Path, Path], Path], str]] = {
    "extra trigger": (lambda d, _t: _backup_then(d, "CREATE TRIGGER rename_all AFTER INSERT ON online_orders "
                                                    "BEGIN UPDATE products SET name = 'x', sell_price = 0; END"),
                      "extra trigger rename_all"),
    "extra view": (lambda d, _t: _backup_then(d, "CREATE VIEW cheap AS SELECT * FROM products"), "extra view cheap"),
    "dropped guard": (lambda d, _t: _backup_then(d, "DROP TRIGGER stock_movements_no_update"),
                      "missing trigger stock_movements_no_update"),
    "missing table": (lambda d, _t: _backup_then(d, "PRAGMA foreign_keys = OFF", "DROP TABLE sale_lines"),
                      "missing table sale_lines"),
    "shadow-named table": (lambda d, _t: _backup_then(d, "CREATE TABLE notes_data (x)"), "extra table notes_data"),
    "foreign migrations table": (_foreign, "extra table notes"),
    "edited version rows": (lambda d, _t: _backup_then(d, "DELETE FROM schema_migrations WHERE version = 3"),
                            "version rows 1, 2, 4"),
    "latest version row removed": (lambda d, _t: _backup_then(
        d, f"DELETE FROM schema_migrations WHERE version = {migrations.latest_version()}"),
        "table stock_movements changed"),  # what the latest migration (v13) changes: one index fewer
    "newer version": (lambda d, _t: _backup_then(
        d, f"INSERT INTO schema_migrations VALUES ({migrations.latest_version() + 1}, 'later')"),
                      "versi Seller Companion yang lebih baru"),
}


@pytest.mark.parametrize("kind", sorted(CRAFTED))
def test_a_crafted_backup_is_refused_and_nothing_changes(kind: str, db: Database, data_dir: Path,
                                                         tmp_path: Path) -> None:
    _shop(db)
    make, named = CRAFTED[kind]
    file = make(data_dir, tmp_path)
    with db.write():  # the live data moves on after the backup: a restore would be visible
        db.execute("UPDATE products SET name = 'Teh Melati Baru'")
    db.close()
    live = db_path(data_dir)
    before = _fingerprint(live)
    with pytest.raises(UserError) as refused:
        backup.restore(data_dir, file)
    said = refused.value.message()
    assert named in said and "\n" not in said
    assert _fingerprint(live) == before
    assert not list(backup_dir(data_dir).glob("before-restore-*"))
    assert not list(data_dir.glob("*.restoring*"))


def _old_v5(path: Path, old_checks: bool) -> Database:
    """A version-5 file as this release's migrations make it, or as the release before did (CHECK lists)."""
    db = Database(path)
    old = {2: V2.replace("channel TEXT NOT NULL,", OLD_ACCOUNTS_CHANNEL, 1),
           4: V4.replace("channel TEXT NOT NULL,", OLD_CONVERSATIONS_CHANNEL, 1)} if old_checks else {}
    for version, script in migrations.MIGRATIONS[:5]:
        with db.write():
            for stmt in migrations.statements(old.get(version, script)):
                db.execute(stmt)
            db.execute("INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)", (version, stamp()))
    with db.write():
        db.execute("INSERT INTO accounts (id, channel, name, base_url, created_at) VALUES ('a1', 'lazada', 'Toko',"
                   " 'http://x', ?)", (stamp(),))
        db.execute("INSERT INTO conversations (id, account_id, channel, platform_conversation_id, created_at)"
                   " VALUES ('c1', 'a1', 'lazada', 'pc1', ?)", (stamp(),))
    return db


@pytest.mark.parametrize("old_checks", [True, False])
def test_a_genuine_version_5_backup_is_restored_and_brought_up_to_date(old_checks: bool, db: Database,
                                                                       data_dir: Path, tmp_path: Path) -> None:
    _shop(db)
    db.close()
    old = _old_v5(tmp_path / "old-v5.sqlite3", old_checks)
    old.conn.execute("PRAGMA journal_mode = DELETE")
    old.close()
    kept = backup.restore(data_dir, tmp_path / "old-v5.sqlite3")
    assert kept is not None and kept.exists()
    again = open_database(db_path(data_dir))
    try:
        assert migrations.current_version(again) == migrations.latest_version()
        assert again.scalar("SELECT name FROM accounts") == "Toko"
        assert again.scalar("SELECT COUNT(*) FROM products") == 0
    finally:
        again.close()


def test_a_crafted_version_5_backup_is_refused_too(db: Database, data_dir: Path, tmp_path: Path) -> None:
    """The allowance for the old CHECK lists covers those two lists only, not a trigger hidden beside them."""
    _shop(db)
    db.close()
    old = _old_v5(tmp_path / "old-v5.sqlite3", old_checks=True)
    with old.write():
        old.execute("CREATE TRIGGER zero AFTER INSERT ON accounts BEGIN UPDATE products SET sell_price = 1; END")
    old.close()
    before = _fingerprint(db_path(data_dir))
    with pytest.raises(UserError, match="extra trigger zero"):
        backup.restore(data_dir, tmp_path / "old-v5.sqlite3")
    assert _fingerprint(db_path(data_dir)) == before


def test_an_open_that_fails_after_the_swap_puts_the_data_from_before_back(
        db: Database, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A disk that fails just after the swap (simulated at the one open that follows it): the kept copy goes back
    and the message says so, truthfully."""
    _shop(db, sales=2)
    saved = backup.make_backup(data_dir)
    record_sale(db, [LineInput(db.scalar("SELECT id FROM products"), 1, 4_000)], PaymentMethod.CASH)
    db.close()
    live = db_path(data_dir)
    before = _fingerprint(live)

    def failing_open(path: Path) -> Database:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr("companion.store.database.open_database", failing_open)
    with pytest.raises(UserError, match="data sebelumnya sudah dikembalikan"):
        backup.restore(data_dir, saved)
    monkeypatch.undo()
    assert _fingerprint(live)[0] == before[0]  # three sales, as before the restore
    assert backup.quick_check(live)
