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


def test_no_data_yet_is_fine_and_creates_nothing(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_doctor(data_dir) == 0
    out = capsys.readouterr().out
    assert "Belum ada data" in out or "belum ada data" in out
    assert not db_path(data_dir).exists()


def test_healthy_data_passes_every_check(db: Database, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_product(db, ProductInput(sku="A-1", name="Sabun", sell_price=3_000), 10)
    assert run_doctor(data_dir) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 7 and all(line.startswith("[OK]") for line in lines[:-1])
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
