"""`companion doctor` passes on healthy data, names what is wrong otherwise, and never creates a database."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from companion.doctor import run_doctor
from companion.domain.product import ProductInput
from companion.services.products import add_product
from companion.store import secrets
from companion.store.database import Database
from companion.store.location import db_path
from companion.store.migrations import latest_version


def test_no_data_yet_is_fine_and_creates_nothing(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_doctor(data_dir) == 0
    out = capsys.readouterr().out
    assert "Belum ada data" in out or "belum ada data" in out
    assert not db_path(data_dir).exists()


def test_healthy_data_passes_every_check(db: Database, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_product(db, ProductInput(sku="A-1", name="Sabun", sell_price=3_000), 10)
    assert run_doctor(data_dir) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 8 and all(line.startswith("[OK]") for line in lines[:-1])  # 7 checks (schema added)
    assert "lolos" in lines[-1]


def test_stock_cache_that_differs_from_the_ledger_fails(db: Database, data_dir: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    pid, _ = add_product(db, ProductInput(sku="A-1", name="Sabun", sell_price=3_000), 10)
    with db.write():
        db.execute("UPDATE stock_levels SET on_hand = 99 WHERE product_id = ?", (pid,))
    assert run_doctor(data_dir) == 1
    assert "1 produk tidak cocok" in capsys.readouterr().out


def test_unreadable_outbox_fails(db: Database, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with db.write():
        db.execute("INSERT INTO outbox (id, kind, payload, idempotency_key, created_at)"
                   " VALUES ('x', 'stock_changed', '{broken', 'k', 'now')")
    assert run_doctor(data_dir) == 1
    assert "tidak bisa dibaca" in capsys.readouterr().out


@pytest.mark.parametrize(("change", "named"), [
    ("CREATE TRIGGER rename_all AFTER INSERT ON online_orders BEGIN UPDATE products SET name = 'x'; END",
     "extra trigger rename_all"),
    ("CREATE VIEW cheap AS SELECT * FROM products WHERE sell_price < 1000", "extra view cheap"),
    ("DROP TRIGGER stock_movements_no_update", "missing trigger stock_movements_no_update"),
    ("ALTER TABLE products ADD COLUMN note TEXT", "table products changed"),
    ("CREATE TABLE extra_stuff (x TEXT)", "extra table extra_stuff"),
])
def test_a_schema_that_is_not_the_apps_own_is_named(db: Database, data_dir: Path, change: str, named: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """What a hand-edited file or a crafted backup carries beyond (or without) what the migrations make."""
    with db.write():
        db.execute(change)
    assert run_doctor(data_dir) == 1
    out = capsys.readouterr().out
    assert named in out and f"Skema: berbeda dari buatan versi {latest_version()}" in out


def test_damaged_file_fails(db: Database, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db.close()
    db_path(data_dir).write_bytes(b"not a database at all" * 100)
    assert run_doctor(data_dir) == 1
    assert "rusak" in capsys.readouterr().out


def test_a_keyring_that_cannot_keep_secrets_is_a_warning(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No shop is linked yet, so nothing needs the keyring: doctor warns (a [!!] line) but passes."""
    keyring.set_keyring(fail.Keyring())
    assert secrets.backend_status()[0] is False
    assert run_doctor(data_dir) == 0
    out = capsys.readouterr().out
    assert "[!!]" in out and "keyring.backends.fail.Keyring" in out


def test_secrets_round_trip_without_showing_the_value(memory_keyring: object) -> None:
    assert secrets.backend_status()[0] is True
    secrets.set_secret("shopee:123", "access_token", "s3cr3t-value")
    assert secrets.get_secret("shopee:123", "access_token") == "s3cr3t-value"
    secrets.delete_secret("shopee:123", "access_token")
    secrets.delete_secret("shopee:123", "access_token")
    assert secrets.get_secret("shopee:123", "access_token") is None
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(Exception) as caught:
        secrets.set_secret("shopee:123", "access_token", "s3cr3t-value")
    assert "s3cr3t-value" not in str(caught.value)
    assert secrets.get_secret("shopee:123", "access_token") is None


def test_edited_version_records_are_named(db: Database, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with db.write():
        db.execute("DELETE FROM schema_migrations WHERE version = 3")
    assert run_doctor(data_dir) == 1
    assert "catatan versinya (1, 2, 4" in capsys.readouterr().out
