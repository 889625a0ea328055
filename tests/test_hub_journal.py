"""This laptop's side of a hub: enrolment and identity (store/hub_state.py), the journal's reading and marking
(store/hub_journal.py), leaving, the keyring, and a restored backup becoming a new device."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from companion.domain.hub_records import Lease
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput
from companion.services import hub as hub_service
from companion.services.products import add_product
from companion.services.sales import record_sale
from companion.store import hub_journal, hub_state
from companion.store.backup import make_backup, restore
from companion.store.database import Database, open_database
from companion.store.location import db_path
from tests.conftest import MemoryKeyring
from tests.hub_local_fleet import Laptop, enrol, new_laptop


def _tables(db: Database, after: int = 0) -> list[str]:
    return [str(r[0]) for r in db.query("SELECT tbl FROM hub_journal WHERE seq > ? ORDER BY seq", (after,))]


def test_nothing_is_journalled_before_joining_and_everything_when_joining(tmp_path: Path) -> None:
    laptop = new_laptop(tmp_path, "a")
    pid, _ = add_product(laptop.db, ProductInput("KOPI-1", "Kopi", 5_000), 10)
    record_sale(laptop.db, [LineInput(pid, 2, 5_000)], amount_paid=10_000)
    assert hub_journal.last_seq(laptop.db) == 0
    enrol(laptop, "A")
    me = hub_state.identity(laptop.db)
    assert me.enrolled and me.journal == 1 and me.prefix == "A" and me.pull_cursor == "0:0"
    assert me.address is not None and me.address.sslmode == "verify-full"
    tables = _tables(laptop.db)
    for table in ("outlets", "products", "sales", "sale_lines", "sale_payments", "stock_movements"):
        assert table in tables
    assert tables.index("products") < tables.index("sale_lines")  # parents first
    assert hub_journal.waiting_count(laptop.db) == len(tables)


def test_a_joining_laptops_own_shop_rows_are_stamped_to_lose_to_the_shops(tmp_path: Path) -> None:
    laptop = new_laptop(tmp_path, "b")
    add_product(laptop.db, ProductInput("ES-1", "Es", 3_000))
    enrol(laptop, "B")
    stamps = {int(r[0]) for r in laptop.db.query("SELECT hlc FROM hub_journal WHERE tbl = 'products'")}
    assert stamps == {hub_state.JOINER_STAMP}
    clocks = {int(r[0]) for r in laptop.db.query("SELECT hlc FROM hub_field_clock WHERE tbl = 'products'")}
    assert clocks == {hub_state.JOINER_STAMP}


def test_waiting_changes_are_read_in_order_and_marked_once_the_hub_has_them(tmp_path: Path) -> None:
    laptop = new_laptop(tmp_path, "a")
    enrol(laptop, "A")
    start = hub_journal.last_seq(laptop.db)
    hub_service.pushed(laptop.db, start)
    assert hub_journal.waiting_count(laptop.db) == 0
    pid, _ = add_product(laptop.db, ProductInput("TEH-1", "Teh", 4_000), 5)
    waiting = hub_journal.waiting(laptop.db, 100)
    assert [w.table for w in waiting][:2] == ["products", "stock_movements"]
    assert [w.device_seq for w in waiting] == sorted(w.device_seq for w in waiting)
    assert waiting[0].row_id == pid and waiting[0].op == "insert"
    assert json.loads(waiting[0].payload)["sku"] == "TEH-1"
    assert waiting[0].hlc < waiting[1].hlc  # every change steps the clock
    assert len(hub_journal.waiting(laptop.db, 1)) == 1
    hub_service.pushed(laptop.db, waiting[0].device_seq)
    assert [w.table for w in hub_journal.waiting(laptop.db, 100)] == [w.table for w in waiting[1:]]


def test_the_password_lives_in_the_keyring_only(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    laptop = new_laptop(tmp_path, "a")
    enrol(laptop, "A")
    assert hub_service.hub_password(laptop.db) == "not-a-real-password"
    with open(laptop.db.path, "rb") as f:
        assert b"not-a-real-password" not in f.read()
    assert not any(b"not-a-real-password" in p.read_bytes() for p in tmp_path.glob("a.sqlite3*"))
    hub_service.leave_hub(laptop.db, "left")
    assert hub_service.hub_password(laptop.db) is None
    assert memory_keyring.items == {}


def test_leaving_keeps_every_row_and_stops_the_journal(tmp_path: Path) -> None:
    laptop = new_laptop(tmp_path, "a")
    enrol(laptop, "A")
    add_product(laptop.db, ProductInput("GULA-1", "Gula", 14_000))
    hub_service.leave_hub(laptop.db, "left")
    me = hub_state.identity(laptop.db)
    assert not me.enrolled and me.stopped_reason == "left" and me.prefix == "A"
    before = hub_journal.last_seq(laptop.db)
    add_product(laptop.db, ProductInput("GULA-2", "Gula 2", 15_000))
    assert hub_journal.last_seq(laptop.db) == before
    assert laptop.db.scalar("SELECT COUNT(*) FROM products") == 2


def test_a_restored_backup_becomes_a_new_device_that_must_join_again(data_dir: Path) -> None:
    db = open_database(db_path(data_dir))
    laptop = Laptop("a", db)
    enrol(laptop, "A")
    old = hub_state.identity(db).device_id
    backup = make_backup(data_dir)
    db.close()
    restore(data_dir, backup)
    db = open_database(db_path(data_dir))
    try:
        me = hub_state.identity(db)
        assert me.device_id != old and not me.enrolled and me.prefix is None
        assert me.address is not None and me.address.host == "hub.example"  # kept as a hint for joining again
        assert hub_journal.waiting_count(db) > 0  # unpushed changes are kept
    finally:
        db.close()


def test_after_restore_found_by_the_hub_renews_the_identity(tmp_path: Path) -> None:
    laptop = new_laptop(tmp_path, "a")
    enrol(laptop, "A")
    old = laptop.device_id
    hub_service.after_restore(laptop.db)
    assert laptop.device_id != old
    assert not hub_state.identity(laptop.db).enrolled
    assert hub_service.hub_password(laptop.db) is None


def test_a_laptop_sends_for_a_shop_only_while_it_holds_the_lease(tmp_path: Path) -> None:
    laptop = new_laptop(tmp_path, "a")
    account_id = _practice_account(laptop)
    assert hub_state.owns_account(laptop.db, account_id)  # alone: every shop is its own
    enrol(laptop, "A")
    assert not hub_state.owns_account(laptop.db, account_id)  # no lease yet
    me = laptop.device_id
    hub_state.replace_leases(laptop.db, [Lease("practice:shop-77", me, "Laptop A", "2026-01-01T00:00:00Z",
                                               "2999-01-01T00:00:00Z")])
    assert hub_state.owns_account(laptop.db, account_id)
    hub_state.replace_leases(laptop.db, [Lease("practice:shop-77", "other", "Laptop B", "2026-01-01T00:00:00Z",
                                               "2999-01-01T00:00:00Z")])
    assert not hub_state.owns_account(laptop.db, account_id)
    hub_state.replace_leases(laptop.db, [Lease("practice:shop-77", me, "Laptop A", "2026-01-01T00:00:00Z",
                                               "2020-01-01T00:00:00Z")])
    assert not hub_state.owns_account(laptop.db, account_id)  # expired


def _practice_account(laptop: Laptop) -> str:
    with laptop.db.write():
        laptop.db.execute("INSERT INTO accounts (id, channel, name, shop_ref, base_url, created_at) VALUES"
                          " ('acc-1', 'practice', 'Toko Latihan', 'shop-77', '', '2026-01-01T00:00:00Z')")
    return "acc-1"


@pytest.mark.parametrize("error", [None, "Hub tidak terjangkau."])
def test_a_round_is_recorded_for_the_sync_strip(tmp_path: Path, error: str | None) -> None:
    laptop = new_laptop(tmp_path, "a")
    enrol(laptop, "A")
    hub_state.record_round(laptop.db, pushed=True, pulled=True, error=error, devices=3)
    me = hub_state.identity(laptop.db)
    assert me.last_push_at and me.last_pull_at and me.devices_seen == 3 and me.last_error == error
