"""Applying other laptops' changes (store/hub_apply.py through services/hub.py): several laptops as separate shop
files exchanging their journals through an in-test change log (tests/hub_local_fleet.py); every action is a real
service call."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from companion.domain.errors import NotFound
from companion.domain.hub_records import HubChange
from companion.domain.hub_tables import renamed
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput
from companion.domain.settings_keys import SHOP_NAME
from companion.services import hub as hub_service
from companion.services.cashiers import add_cashier, set_owner_pin
from companion.services.categories import add_category, delete_category, set_category
from companion.services.products import add_product, edit_product
from companion.services.sales import record_sale, void_sale
from companion.services.settings import save_settings
from companion.services.stock import adjust_stock, count_stock
from companion.store import hub_state, stock
from companion.store import products as product_store
from companion.store import settings as settings_store
from companion.store.hub_apply import apply_changes
from companion.store.hub_digest import digest
from companion.store.hub_rows import ApplyConflict
from tests.hub_local_fleet import ChangeLog, Laptop, enrol, fleet, new_laptop, same_everywhere


def _product(laptop: Laptop, sku: str, price: int = 10_000, opening: int | None = 20) -> str:
    product_id, _ = add_product(laptop.db, ProductInput(sku, f"Barang {sku}", price), opening)
    return product_id


def _sell(laptop: Laptop, product_id: str, qty: int = 1) -> str:
    return record_sale(laptop.db, [LineInput(product_id, qty, 10_000)], amount_paid=10_000 * qty).sale_id


def _count(laptop: Laptop, table: str) -> int:
    return int(laptop.db.scalar(f"SELECT COUNT(*) FROM {table}"))


def test_a_sale_reaches_every_laptop_once_even_when_applied_and_pushed_twice(tmp_path: Path) -> None:
    a, b, c = fleet(tmp_path)
    log = ChangeLog()
    pid = _product(a, "KOPI-1")
    log.meet([a, b, c])
    sale = _sell(b, pid, 2)
    log.push(b, mark=False)  # cut before the hub's commit was seen: the same changes are pushed again
    log.push(b)
    assert sum(1 for ch in log.changes if ch.table == "sales") == 1
    batch = log.batch(a)
    hub_service.apply_pulled(a.db, batch)
    with a.db.write():  # the same batch applied once more (a pull repeated after a cut)
        a.db.execute("UPDATE hub_state SET pull_cursor = '0:0'")
    log.pull(a)
    log.meet([a, b, c])
    for laptop in (a, b, c):
        assert _count(laptop, "sales") == 1
        assert laptop.db.scalar("SELECT id FROM sales") == sale
        assert stock.on_hand(laptop.db, pid) == 18
    same_everywhere([a, b, c])


def test_applying_never_echoes_into_the_journal(tmp_path: Path) -> None:
    a, b, _ = fleet(tmp_path)
    log = ChangeLog()
    _sell(a, _product(a, "TEH-1"))
    log.push(a)
    before = int(b.db.scalar("SELECT COUNT(*) FROM hub_journal"))
    log.pull(b)
    assert int(b.db.scalar("SELECT COUNT(*) FROM hub_journal")) == before
    assert hub_state.identity(b.db).journal == 1
    assert hub_state.identity(b.db).pull_cursor == log.changes[-1].cursor
    assert hub_state.identity(b.db).hlc >= max(ch.hlc for ch in log.changes)


def test_concurrent_edits_merge_per_field_and_the_later_edit_wins_everywhere(tmp_path: Path) -> None:
    a, b, c = fleet(tmp_path)
    log = ChangeLog()
    pid = _product(a, "ROTI-1", 5_000)
    log.meet([a, b, c])
    edit_product(a.db, pid, ProductInput("ROTI-1", "Roti tawar", 5_000))  # the name on one laptop
    edit_product(b.db, pid, ProductInput("ROTI-1", "Barang ROTI-1", 6_000))  # the price on another
    hub_state.set_clock_offset(c.db, 60_000)  # the third edit is a minute later (not left to the millisecond)
    edit_product(c.db, pid, ProductInput("ROTI-1", "Barang ROTI-1", 6_500))  # a later price on a third
    log.push(c)
    log.push(b)
    log.push(a)
    for laptop in (c, a, b):
        log.pull(laptop)
    for laptop in (a, b, c):
        row = product_store.get(laptop.db, pid)
        assert row is not None
        assert (row.name, row.sell_price) == ("Roti tawar", 6_500)
    same_everywhere([a, b, c])


def test_the_same_sku_made_on_two_laptops_is_renamed_on_the_later_one_everywhere(tmp_path: Path) -> None:
    a, b, c = fleet(tmp_path)
    log = ChangeLog()
    first = _product(a, "GULA-1")
    later = _product(b, "gula-1")  # the same SKU (SKUs ignore case), offline
    log.push(b)
    log.push(a)
    log.pull(c)
    log.pull(a)
    log.pull(b)
    for laptop in (a, b, c):
        assert laptop.db.scalar("SELECT sku FROM products WHERE id = ?", (first,)) == "GULA-1"
        assert laptop.db.scalar("SELECT sku FROM products WHERE id = ?", (later,)) == renamed("gula-1", later)
    same_everywhere([a, b, c])


def test_colliding_receipt_numbers_lose_no_sale(tmp_path: Path) -> None:
    a, b = new_laptop(tmp_path, "a"), new_laptop(tmp_path, "b")
    pa, pb = _product(a, "A-1"), _product(b, "B-1")
    sales = {_sell(a, pa), _sell(a, pa), _sell(b, pb), _sell(b, pb)}  # before joining: no prefixes, same numbers
    enrol(a, "A")
    enrol(b, "B")
    log = ChangeLog()
    log.meet([a, b])
    for laptop in (a, b):  # every change pulled once more (a pull repeated after a cut): renamed numbers stay
        with laptop.db.write():
            laptop.db.execute("UPDATE hub_state SET pull_cursor = '0:0'")
        log.pull(laptop)
    for laptop in (a, b):
        assert {str(r[0]) for r in laptop.db.query("SELECT id FROM sales")} == sales
        numbers = [str(r[0]) for r in laptop.db.query("SELECT number FROM sales")]
        assert len(set(numbers)) == 4
    same_everywhere([a, b])


def test_a_stocktake_while_others_sell_gives_one_level_everywhere(tmp_path: Path) -> None:
    a, b, c = fleet(tmp_path)
    log = ChangeLog()
    pid = _product(a, "BERAS-5", opening=100)
    log.meet([a, b, c])
    _sell(b, pid, 3)
    count_stock(a.db, {pid: 50}, "hitung bulanan")
    _sell(c, pid, 2)
    adjust_stock(b.db, pid, -1, "rusak")
    log.push(c)
    log.push(a)
    log.pull(b)
    log.push(b)
    log.meet([a, b, c])
    levels = {stock.on_hand(laptop.db, pid) for laptop in (a, b, c)}
    assert len(levels) == 1
    assert levels == {stock.ledger_on_hand(a.db, pid)}
    same_everywhere([a, b, c])


def test_settings_are_shared_but_the_printer_stays_on_its_laptop(tmp_path: Path) -> None:
    a, b = fleet(tmp_path, 2)
    log = ChangeLog()
    save_settings(a.db, {"shop_name": "Toko Maju"})
    with a.db.write():
        a.db.execute("INSERT INTO settings (key, value) VALUES ('printer_name', 'EPSON-A')"
                     " ON CONFLICT(key) DO UPDATE SET value = excluded.value")
    log.meet([a, b])
    assert b.db.scalar("SELECT value FROM settings WHERE key = 'shop_name'") == "Toko Maju"
    assert b.db.scalar("SELECT value FROM settings WHERE key = 'printer_name'") is None


def test_a_cut_before_commit_then_the_same_batch_gives_the_same_result(tmp_path: Path) -> None:
    a, b, c = fleet(tmp_path)
    log = ChangeLog()
    pid = _product(a, "SUSU-1")
    _sell(a, pid)
    count_stock(a.db, {pid: 7})
    log.meet([a, b, c])
    _sell(a, pid, 2)
    edit_product(a.db, pid, ProductInput("SUSU-1", "Susu", 12_000))
    log.push(a)
    batch = log.batch(b)
    before = digest(b.db)
    with pytest.raises(RuntimeError), b.db.write():  # killed between apply and commit: everything rolls back
        apply_changes(b.db, batch, b.device_id)
        raise RuntimeError("power cut")
    assert digest(b.db) == before
    assert hub_state.identity(b.db).pull_cursor != batch[-1].cursor
    log.pull(b)
    log.pull(c)
    same_everywhere([a, b, c])


def test_a_rolled_back_sale_leaves_no_journal_row(tmp_path: Path) -> None:
    (a,) = fleet(tmp_path, 1)
    pid = _product(a, "KECAP-1")
    before = int(a.db.scalar("SELECT COUNT(*) FROM hub_journal"))
    with pytest.raises(NotFound):
        record_sale(a.db, [LineInput(pid, 1, 10_000), LineInput("missing", 1, 1)], amount_paid=20_000)
    assert int(a.db.scalar("SELECT COUNT(*) FROM hub_journal")) == before
    _sell(a, pid)
    tables = [str(r[0]) for r in a.db.query("SELECT tbl FROM hub_journal WHERE seq > ?", (before,))]
    assert {"sales", "sale_lines", "sale_payments", "stock_movements"} <= set(tables)


def test_two_laptops_voiding_one_sale_offline_put_it_back_once(tmp_path: Path) -> None:
    a, b, c = fleet(tmp_path)
    log = ChangeLog()
    pid = _product(a, "MIE-1", opening=10)
    sale = _sell(a, pid, 4)
    log.meet([a, b, c])
    void_sale(a.db, sale, "salah scan")
    void_sale(b.db, sale, "pembeli batal")
    log.meet([a, b, c])
    for laptop in (a, b, c):
        assert _count(laptop, "sale_voids") == 1
        assert stock.on_hand(laptop.db, pid) == 10
        assert laptop.db.scalar("SELECT COUNT(*) FROM stock_movements WHERE reference = ?", (f"void:{sale}",)) == 1
    same_everywhere([a, b, c])


def test_a_joining_laptops_defaults_do_not_overwrite_the_shop(tmp_path: Path) -> None:
    a = new_laptop(tmp_path, "a")
    save_settings(a.db, {"shop_name": "Toko Maju"})
    pid = _product(a, "KOPI-9", 9_000)
    enrol(a, "A")
    b = new_laptop(tmp_path, "b")
    save_settings(b.db, {"shop_name": "Toko Baru"})  # a fresh laptop's own answer, before it joined
    own = _product(b, "ES-1")  # and its own product: kept, and uploaded
    enrol(b, "B")
    log = ChangeLog()
    log.meet([a, b])
    for laptop in (a, b):
        assert settings_store.get(laptop.db, SHOP_NAME) == "Toko Maju"
        assert product_store.get(laptop.db, own) is not None
        assert product_store.get(laptop.db, pid) is not None
    same_everywhere([a, b])


def test_categories_with_one_name_and_two_owners_converge(tmp_path: Path) -> None:
    a, b = fleet(tmp_path, 2)
    log = ChangeLog()
    first, _ = add_category(a.db, "Minuman")
    later, _ = add_category(b.db, "minuman")
    log.meet([a, b])
    for laptop in (a, b):
        names = {str(r[0]): str(r[1]) for r in laptop.db.query("SELECT id, name FROM categories")}
        assert names[first] == "Minuman"
        assert names[later] == renamed("minuman", later)
    same_everywhere([a, b])


def test_unknown_tables_and_columns_from_a_newer_laptop_are_ignored(tmp_path: Path) -> None:
    a, b = fleet(tmp_path, 2)
    pid = _product(a, "BARU-1")
    log = ChangeLog()
    log.push(a)
    newer = [HubChange("x1", a.device_id, 10_000, "loyalty_points", "p1", "insert", 1, None, "{}", "9000:1")]
    payload = dict(json.loads(a.db.scalar("SELECT payload FROM hub_journal WHERE tbl = 'products'")))
    payload["colour"] = "red"
    newer.append(HubChange("x2", a.device_id, 10_001, "products", pid, "update", 2 ** 60, '["colour", "name"]',
                           json.dumps({**payload, "name": "Baru"}), "9000:2"))
    log.pull(b)
    hub_service.apply_pulled(b.db, newer)
    row = product_store.get(b.db, pid)
    assert row is not None and row.name == "Baru"


def test_a_collision_no_rule_covers_is_never_dropped_silently(tmp_path: Path) -> None:
    a, b = fleet(tmp_path, 2)
    log = ChangeLog()
    pid = _product(a, "X-1")
    log.meet([a, b])
    line = dict(json.loads(a.db.scalar("SELECT payload FROM hub_journal WHERE tbl = 'products'")))
    clash = HubChange("c1", a.device_id, 99, "stock_movements", "m-new", "insert", 2 ** 60, None, json.dumps({
        "id": "m-new", "product_id": pid, "kind": "adjustment", "quantity": 1, "reason": None, "reference": None,
        "dedupe_key": str(a.db.scalar("SELECT id FROM products")) + "-key", "created_at": line["created_at"],
        "actor_id": None, "outlet_id": "outlet-main"}), "99:1")
    with b.db.write():
        b.db.execute("INSERT INTO stock_movements (id, product_id, kind, quantity, dedupe_key, created_at)"
                     " VALUES ('m-old', ?, 'adjustment', 1, ?, ?)", (pid, f"{pid}-key", line["created_at"]))
    with pytest.raises(ApplyConflict, match="stock_movements"):
        hub_service.apply_pulled(b.db, [clash])
    assert b.db.scalar("SELECT COUNT(*) FROM stock_movements WHERE id = 'm-new'") == 0


def test_sqlite_upsert_checks_its_own_key_first(tmp_path: Path) -> None:
    """The same deterministic fact on two laptops collides on id and dedupe key at once; SQLite's upsert takes the
    id's conflict as its own (https://www.sqlite.org/lang_upsert.html), so the repeat is a no-op, not an error."""
    conn = sqlite3.connect(tmp_path / "u.db")
    conn.execute("CREATE TABLE m (id TEXT, k TEXT)")
    conn.execute("CREATE UNIQUE INDEX m_id ON m(id)")
    conn.execute("CREATE UNIQUE INDEX m_k ON m(k) WHERE k IS NOT NULL")
    conn.execute("INSERT INTO m VALUES ('1', 'a')")
    assert conn.execute("INSERT INTO m VALUES ('1', 'a') ON CONFLICT(id) DO NOTHING").rowcount == 0


def test_a_product_put_in_a_category_deleted_elsewhere_ends_without_one_everywhere(tmp_path: Path) -> None:
    a, b, c = fleet(tmp_path)
    log = ChangeLog()
    category, _ = add_category(a.db, "Snack")
    pid = _product(a, "KERUPUK-1")
    log.meet([a, b, c])
    delete_category(a.db, category)
    hub_state.set_clock_offset(b.db, 60_000)  # b's choice is a minute later than the delete
    set_category(b.db, [pid], category)
    log.push(a)
    log.pull(c)  # the delete arrives in one batch …
    log.push(b)
    log.pull(c)  # … the product pointing at it in a later one
    log.meet([a, b, c])
    for laptop in (a, b, c):
        assert laptop.db.scalar("SELECT COUNT(*) FROM categories") == 0
        assert laptop.db.scalar("SELECT category_id FROM products WHERE id = ?", (pid,)) is None
    same_everywhere([a, b, c])


def test_a_printer_setting_sent_by_another_version_never_replaces_this_laptops(tmp_path: Path) -> None:
    a, b = fleet(tmp_path, 2)
    with b.db.write():
        b.db.execute("INSERT INTO settings (key, value) VALUES ('printer_name', 'EPSON-B')")
    payload = json.dumps({"key": "printer_name", "value": "EPSON-A"})
    hub_service.apply_pulled(b.db, [HubChange("p1", a.device_id, 1, "settings", "printer_name", "insert", 2 ** 60,
                                              None, payload, "1:1")])
    assert b.db.scalar("SELECT value FROM settings WHERE key = 'printer_name'") == "EPSON-B"


def test_two_owners_and_one_cashier_name_made_offline_converge_to_one_owner(tmp_path: Path) -> None:
    a, b = fleet(tmp_path, 2)
    log = ChangeLog()
    set_owner_pin(a.db, "Bu Ani", "2580", "kunci-a", now=datetime(2026, 1, 1, tzinfo=UTC))
    set_owner_pin(b.db, "Pak Budi", "1357", "kunci-b", now=datetime(2026, 2, 1, tzinfo=UTC))  # the later owner
    sari_a, _ = add_cashier(a.db, "Sari", "4826")
    sari_b, _ = add_cashier(b.db, "sari", "9713")
    log.meet([a, b])
    for laptop in (a, b):
        roles = {str(r[0]): str(r[1]) for r in laptop.db.query("SELECT name, role FROM cashiers")}
        assert roles["Bu Ani"] == "owner" and roles["Pak Budi"] == "cashier"
        names = {str(r[0]) for r in laptop.db.query("SELECT name FROM cashiers WHERE id IN (?, ?)", (sari_a, sari_b))}
        assert len(names) == 2
    same_everywhere([a, b])
