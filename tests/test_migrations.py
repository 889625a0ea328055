"""Upgrades keep the data, record their version, and a failed migration leaves nothing of itself behind."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from companion.domain.clock import stamp
from companion.domain.ids import new_id
from companion.domain.ledger import MovementKind
from companion.store import migrations
from companion.store import products as product_store
from companion.store import stock as stock_store
from companion.store.database import Database
from companion.store.location import db_path
from companion.store.schema_shape import differences, shape_of

V2 = """
ALTER TABLE products ADD COLUMN note TEXT;
CREATE TABLE suppliers (id TEXT PRIMARY KEY, name TEXT NOT NULL);
"""


def _first_version(data_dir: Path) -> Database:
    db = Database(db_path(data_dir))
    assert migrations.migrate(db, target=1) == [1]
    return db


def _v1_product(db: Database, sku: str, name: str, price: int, opening: int) -> str:
    """A product with its opening stock and stock change as a version-1 file holds them (today's services write
    the newer outbox columns, today's ledger the outlet of v12)."""
    pid = new_id()
    with db.write():
        db.execute("INSERT INTO products (id, sku, name, sell_price, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                   (pid, sku, name, price, stamp(), stamp()))
        seq = db.execute("INSERT INTO stock_movements (id, product_id, kind, quantity, dedupe_key, created_at)"
                         " VALUES (?, ?, 'opening', ?, ?, ?)",
                         (new_id(), pid, opening, f"product:{pid}:opening", stamp())).lastrowid
        db.execute("INSERT INTO stock_levels (product_id, on_hand, last_seq) VALUES (?, ?, ?)", (pid, opening, seq))
        db.execute("INSERT INTO outbox (id, kind, payload, idempotency_key, created_at) VALUES (?, ?, ?, ?, ?)",
                   (new_id(), "stock_changed", json.dumps({"product_ids": [pid]}), f"product:{pid}:opening", stamp()))
    return pid


def test_a_new_file_gets_every_migration(data_dir: Path) -> None:
    db = Database(db_path(data_dir))
    assert migrations.current_version(db) == 0
    assert migrations.migrate(db) == [v for v, _ in migrations.MIGRATIONS]
    assert migrations.migrate(db) == []
    assert migrations.current_version(db) == migrations.latest_version()
    db.close()


def test_upgrade_from_the_first_version_keeps_the_data(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = _first_version(data_dir)
    pid = _v1_product(db, "GULA-1", "Gula Pasir 1 kg", 17_500, 12)
    latest = migrations.latest_version()
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, (latest + 1, V2)])
    assert migrations.migrate(db)[-1] == latest + 1
    assert migrations.current_version(db) == latest + 1
    product = product_store.get(db, pid)
    assert product is not None and product.name == "Gula Pasir 1 kg" and product.on_hand == 12
    assert stock_store.verify_levels(db) == []
    assert db.scalar("SELECT note FROM products WHERE id = ?", (pid,)) is None
    versions = [r["version"] for r in db.query("SELECT version FROM schema_migrations ORDER BY version")]
    assert versions == list(range(1, latest + 2))
    db.close()


def test_a_failing_migration_leaves_nothing_behind(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = _first_version(data_dir)
    _v1_product(db, "GULA-1", "Gula Pasir 1 kg", 17_500, 12)
    latest = migrations.latest_version()
    broken = """
CREATE TABLE half_done (x INTEGER);
ALTER TABLE products ADD COLUMN half_column TEXT;
INSERT INTO no_such_table VALUES (1);
"""
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, (latest + 1, broken)])
    with pytest.raises(sqlite3.OperationalError):
        migrations.migrate(db)
    assert migrations.current_version(db) == latest
    assert db.scalar("SELECT 1 FROM sqlite_master WHERE name = 'half_done'") is None
    assert "half_column" not in {r["name"] for r in db.query("PRAGMA table_info(products)")}
    assert db.scalar("SELECT COUNT(*) FROM products") == 1
    assert not db.conn.in_transaction
    db.close()


def test_statements_keep_trigger_bodies_whole() -> None:
    script = "CREATE TABLE t (x);\nCREATE TRIGGER t_no BEFORE DELETE ON t\nBEGIN\n SELECT RAISE(ABORT, 'no');\nEND;\n"
    assert len(migrations.statements(script)) == 2
    with pytest.raises(ValueError):
        migrations.statements("CREATE TABLE t (x")


def test_a_file_upgraded_step_by_step_ends_with_the_fresh_schema(data_dir: Path, tmp_path: Path) -> None:
    """Every migration after the first, applied to a file holding data, gives exactly what a new file gets (the
    rebuilt ledger of v9 included: its rows, indexes and append-only triggers)."""
    db = _first_version(data_dir)
    pid = _v1_product(db, "GULA-1", "Gula Pasir 1 kg", 17_500, 12)
    for version in range(2, migrations.latest_version() + 1):
        assert migrations.migrate(db, target=version) == [version]
    fresh = Database(tmp_path / "fresh.sqlite3")
    migrations.migrate(fresh)
    assert differences(shape_of(db), shape_of(fresh)) == []
    assert db.query("PRAGMA foreign_key_check") == [] and stock_store.verify_levels(db) == []
    assert [m.kind for m in stock_store.history(db, pid)] == [MovementKind.OPENING]
    with pytest.raises(sqlite3.IntegrityError), db.write():
        db.execute("UPDATE stock_movements SET quantity = 0")
    fresh.close()
    db.close()


def test_v10_adds_reviews_searchable_beside_the_data_of_v9(data_dir: Path) -> None:
    """Reviews (issue 16) come to a file holding a shop's data: the table, its full-text index kept by triggers,
    and the partial index the Ulasan view's first band walks."""
    db = _first_version(data_dir)
    _v1_product(db, "GULA-1", "Gula Pasir 1 kg", 17_500, 12)
    assert migrations.migrate(db, target=9)[-1] == 9
    with db.write():
        db.execute("INSERT INTO accounts (id, channel, name, base_url, created_at) VALUES ('a1', 'shopee', 'Toko',"
                   " 'http://127.0.0.1:1', ?)", (stamp(),))
    assert migrations.migrate(db, target=10) == [10]
    with db.write():
        db.execute("INSERT INTO reviews (id, account_id, channel, platform_review_id, rating, text, created_at,"
                   " updated_at) VALUES ('r1', 'a1', 'shopee', '9001', 1, 'Gulanya basah', ?, ?)", (stamp(), stamp()))
        db.execute("UPDATE reviews SET reply_text = 'Maaf kak, kami ganti' WHERE id = 'r1'")
    assert db.scalar("SELECT rowid FROM reviews_fts WHERE reviews_fts MATCH '\"ganti\"*'") == 1
    plan = " ".join(str(r[3]) for r in db.query(
        "EXPLAIN QUERY PLAN SELECT * FROM reviews r WHERE r.rating <= 3 AND r.reply_text = ''"
        " AND r.reply_state IN ('', 'failed') AND r.hidden = 0 ORDER BY r.created_at DESC LIMIT 500"))
    assert "reviews_unanswered_low" in plan
    with pytest.raises(sqlite3.IntegrityError), db.write():
        db.execute("UPDATE reviews SET rating = 6")
    db.close()


def test_v11_rebuilds_sales_keeping_every_sale_its_lines_voids_and_payment(data_dir: Path) -> None:
    """v11 rebuilds `sales` (its CHECK gains split and kasbon) with foreign keys off: every sale keeps its lines,
    voids and returns pointing at it, gains one payment row from its old columns, and foreign keys are on again."""
    db = _first_version(data_dir)
    pid = _v1_product(db, "GULA-1", "Gula Pasir 1 kg", 17_500, 12)
    assert migrations.migrate(db, target=10)[-1] == 10
    with db.write():
        for n, (method, paid) in enumerate([("tunai", 50_000), ("qris", 35_000)], start=1):
            db.execute("INSERT INTO sales (id, number, created_at, subtotal, total, payment_method, amount_paid,"
                       " change_given, line_count) VALUES (?, ?, ?, 35000, 35000, ?, ?, ?, 1)",
                       (f"s{n}", f"20261201-000{n}", stamp(), method, paid, paid - 35_000))
            db.execute("INSERT INTO sale_lines (id, sale_id, line_no, product_id, sku, name, quantity, unit_price,"
                       " line_discount, line_total) VALUES (?, ?, 1, ?, 'GULA-1', 'Gula', 2, 17500, 0, 35000)",
                       (f"l{n}", f"s{n}", pid))
        db.execute("INSERT INTO sale_voids (id, sale_id, reason, created_at) VALUES ('v1', 's2', 'salah', ?)",
                   (stamp(),))
    assert migrations.migrate(db, target=11) == [11]
    assert db.scalar("PRAGMA foreign_keys") == 1
    assert db.query("PRAGMA foreign_key_check") == []
    payments = [tuple(r) for r in db.query("SELECT sale_id, method, amount, tendered FROM sale_payments ORDER BY 1")]
    assert payments == [("s1", "tunai", 35_000, 50_000), ("s2", "qris", 35_000, 35_000)]
    assert db.scalar("SELECT refund_cash FROM sale_voids WHERE id = 'v1'") == 35_000
    assert db.scalar("SELECT COUNT(*) FROM sale_lines l JOIN sales s ON s.id = l.sale_id") == 2
    with pytest.raises(sqlite3.IntegrityError), db.write():  # the rebuilt table's references still hold
        db.execute("INSERT INTO sale_lines (id, sale_id, line_no, product_id, sku, name, quantity, unit_price,"
                   " line_discount, line_total) VALUES ('lx', 'nope', 1, ?, 'G', 'G', 1, 1, 0, 1)", (pid,))
    with pytest.raises(sqlite3.IntegrityError), db.write():  # kasbon needs a customer
        db.execute("UPDATE sales SET credit_amount = 1000 WHERE id = 's1'")
    db.close()
