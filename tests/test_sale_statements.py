"""A counter sale in a fixed number of statements (issue 21): what the batched writes must still do exactly as the
line-by-line ones did — every row journalled while a hub is joined, the caches right when a later movement exists,
nothing read before the sale's own transaction, the indexes the reads rely on."""

from __future__ import annotations

import json
from pathlib import Path

from companion.domain.hub_tables import SYNCED_TABLES
from companion.domain.ledger import MovementKind
from companion.domain.payments import Payment
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.services import outlets as outlet_service
from companion.services import shifts as shift_service
from companion.services.products import add_product
from companion.services.sales import record_sale
from companion.store import sales as sale_store
from companion.store import shifts as shift_store
from companion.store import stock as stock_store
from companion.store.database import Database, open_database
from companion.store.hub_triggers import columns
from tests.hub_local_fleet import ChangeLog, fleet, same_everywhere


def _cart(db: Database) -> tuple[list[LineInput], str, str]:
    kopi, _ = add_product(db, ProductInput("KOPI-1", "Kopi", 5_000), 20)
    kaos, _ = add_product(db, ProductInput("KAOS-M", "Kaos", 40_000, parent_name="Kaos", variant_name="Merah"), 5)
    return [LineInput(kopi, 2, 5_000), LineInput(kaos, 1, 40_000), LineInput(kopi, 3, 5_000)], kopi, kaos


def test_one_sale_of_many_lines_writes_every_row_and_both_caches(db: Database) -> None:
    lines, kopi, kaos = _cart(db)
    sale = record_sale(db, lines, payment=Payment({PaymentMethod.QRIS: 20_000}, 50_000), actor=None)
    row = sale_store.get(db, sale.sale_id)
    assert row is not None
    assert [(x.line_no, x.sku, x.name, x.quantity) for x in row.lines] == [
        (1, "KOPI-1", "Kopi", 2), (2, "KAOS-M", "Kaos – Merah", 1), (3, "KOPI-1", "Kopi", 3)]
    assert sorted((p.method, p.amount) for p in row.payments) == [("qris", 20_000), ("tunai", 45_000)]
    assert stock_store.on_hand(db, kopi) == 15 and stock_store.on_hand(db, kaos) == 4
    assert stock_store.outlet_levels(db, kopi) == {"outlet-main": 15}
    moved = db.query("SELECT product_id, quantity, reference, created_at, outlet_id FROM stock_movements"
                     " WHERE kind = 'counter_sale' ORDER BY seq")
    assert [(r[0], r[1]) for r in moved] == [(kopi, -2), (kaos, -1), (kopi, -3)]
    assert {(r[2], r[3], r[4]) for r in moved} == {(f"sale:{sale.sale_id}", row.created_at, "outlet-main")}
    last = db.scalar("SELECT MAX(seq) FROM stock_movements WHERE product_id = ?", (kopi,))
    assert db.scalar("SELECT last_seq FROM stock_levels WHERE product_id = ?", (kopi,)) == last
    assert stock_store.verify_levels(db) == []


def test_a_movement_already_later_than_the_sale_makes_its_outlet_count_again(db: Database) -> None:
    """A stocktake stamped ahead of the sale (a laptop whose clock ran ahead) still sets the level: the sale's units
    came out before it. Adding the sale to the cache instead would leave 47 where the ledger says 50."""
    kopi, _ = add_product(db, ProductInput("KOPI-1", "Kopi", 5_000), 20)
    with db.write():
        stock_store.add_movement(db, kopi, MovementKind.STOCKTAKE, 50, created_at="2099-01-01T00:00:00.000Z")
    record_sale(db, [LineInput(kopi, 3, 5_000)], PaymentMethod.QRIS)
    assert stock_store.on_hand(db, kopi) == 50
    assert stock_store.verify_levels(db) == []


def test_a_sale_reads_the_shift_and_outlet_another_connection_just_changed(db: Database) -> None:
    """Nothing about the till is kept between sales: another window, process or hub apply may change it."""
    kopi, _ = add_product(db, ProductInput("KOPI-1", "Kopi", 5_000), 20)
    other = open_database(db.path)
    try:
        shift_id, _ = shift_service.open_shift(other, 100_000)
        branch, _ = outlet_service.add_outlet(other, "Cabang Pasar")
        outlet_service.choose_outlet(other, branch)
        first = sale_store.get(db, record_sale(db, [LineInput(kopi, 1, 5_000)], PaymentMethod.QRIS).sale_id)
        assert first is not None and (first.shift_id, first.outlet_id) == (shift_id, branch)
        shift_service.close_shift(other, shift_id, 100_000, reason="tes")
        second = sale_store.get(db, record_sale(db, [LineInput(kopi, 1, 5_000)], PaymentMethod.QRIS).sale_id)
        assert second is not None and second.shift_id is None
    finally:
        other.close()
    assert stock_store.outlet_levels(db, kopi) == {"outlet-main": 20, branch: -2}


def test_the_open_shift_is_found_by_its_index_even_behind_newer_closed_ones(db: Database) -> None:
    """A clock stepped back can leave the open shift older than closed ones: it is still the open one."""
    device = db.scalar("SELECT device_id FROM hub_state WHERE id = 1")
    with db.write():
        db.execute("INSERT INTO shifts (id, opened_at, opening_cash, device_id) VALUES ('open', '2026-01-01', 0, ?)",
                   (device,))
        for n in range(30):
            db.execute("INSERT INTO shifts (id, opened_at, opening_cash, device_id) VALUES (?, ?, 0, ?)",
                       (f"s{n:02d}", f"2026-02-{n + 1:02d}", device))
            db.execute("INSERT INTO shift_closes (shift_id, closed_at, expected_cash, counted_cash, difference)"
                       " VALUES (?, 'x', 0, 0, 0)", (f"s{n:02d}",))
        db.execute("INSERT INTO shifts (id, opened_at, opening_cash, device_id) VALUES ('elsewhere', '2026-03-01',"
                   " 0, 'another-laptop')")
    assert shift_store.open_shift_id(db) == "open"
    assert sale_store.counter_start(db, "20260301").shift_id == "open"
    plan = " ".join(str(r[3]) for r in db.query("EXPLAIN QUERY PLAN " + shift_store.OPEN_SHIFT))
    assert "shifts_device_opened" in plan


def test_the_ledger_reads_of_a_sale_seek_the_outlet_order_index(db: Database) -> None:
    """v13 dropped (product_id, seq): the sale's later-movement check must still be an index seek."""
    names = {str(r[0]) for r in db.query("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "stock_movements_product" not in names and "stock_movements_outlet_order" in names
    plan = " ".join(str(r[3]) for r in db.query("EXPLAIN QUERY PLAN " + stock_store._BEFORE_SALE,
                                               ('["p"]', "outlet-main", "2026")))
    assert "stock_movements_outlet_order (product_id=? AND outlet_id=? AND created_at>?)" in plan


def test_receipt_numbers_from_the_last_one_and_past_9999(db: Database) -> None:
    def sold(number: str) -> None:
        with db.write():
            db.execute("INSERT INTO sales (id, number, created_at, subtotal, total, payment_method, amount_paid,"
                       " change_given, line_count) VALUES (?, ?, 't', 0, 0, 'tunai', 0, 0, 1)", (number, number))

    day = "20261128"
    sold("20261128-0004")
    sold("20261128-0005~a1b2c3")  # renamed after a clash: its digits count
    assert sale_store.counter_start(db, day).number == "20261128-0006"
    sold("20261128-9999~d4e5f6")
    sold("20261128-10000")  # sorts before 9999 as text: the whole day is read
    assert sale_store.counter_start(db, day).number == "20261128-10001"


def test_a_sale_journals_every_row_it_writes_whole_and_arrives_the_same(tmp_path: Path) -> None:
    """While joined (journal = 1) each row of the batched inserts is journalled, with every column that travels;
    a dropped or conditional trigger would leave a row out and fail here."""
    a, b = fleet(tmp_path, 2)
    hub = ChangeLog()
    lines, _kopi, _kaos = _cart(a.db)
    hub.meet([a, b])
    after = int(a.db.scalar("SELECT COALESCE(MAX(seq), 0) FROM hub_journal"))
    sale = record_sale(a.db, lines, payment=Payment({PaymentMethod.QRIS: 20_000}, 50_000))
    journalled = a.db.query("SELECT tbl, row_id, op, payload FROM hub_journal WHERE seq > ?", (after,))
    by_table = {t.name: t for t in SYNCED_TABLES}
    counts: dict[str, int] = {}
    for tbl, row_id, op, payload in journalled:
        assert op == "insert"
        counts[tbl] = counts.get(tbl, 0) + 1
        table = by_table[tbl]
        wanted = columns(a.db.conn, table)
        sent = json.loads(payload)
        assert list(sent) == wanted
        stored = a.db.one(f"SELECT {', '.join(wanted)} FROM {tbl} WHERE {table.key[0]} = ?",
                          (sent[table.key[0]],))
        assert stored is not None and dict(stored) == sent and row_id == str(sent[table.key[0]])
    assert {k: counts.get(k) for k in ("sales", "sale_payments", "sale_lines", "stock_movements")} == {
        "sales": 1, "sale_payments": 2, "sale_lines": 3, "stock_movements": 3}
    hub.meet([a, b])
    same_everywhere([a, b])
    assert sale_store.get(b.db, sale.sale_id) == sale_store.get(a.db, sale.sale_id)
    assert stock_store.verify_levels(b.db) == []
