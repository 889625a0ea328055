"""The level formula orders movements by (created_at, id), never by a laptop's own row sequence (issue 20).

Three laptops of one shop sell offline while one counts; each then receives the others' movements in its own
order. Ordering by each laptop's `seq` gave three levels (the issue saw 478 / 404 / 478); by time every laptop
holds the same level, and a sale made before a count (on a laptop that had not synced yet) is covered by that
count wherever it arrives. Real SQLite files; the pulled rows go in as the hub's apply writes them (insert by id,
then `rebuild_levels` of the touched products).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from companion.domain.hub_tables import MAIN_OUTLET
from companion.domain.ledger import MovementKind
from companion.domain.product import ProductInput
from companion.services.products import add_product
from companion.store import stock as stock_store
from companion.store.database import Database, open_database

T = "2026-11-28T0{}:00:00.000000Z"  # T.format(1) … T.format(9): one shop morning, an hour apart


def _laptops(tmp_path: Path) -> tuple[list[Database], str]:
    """Three copies of one shop file (the hub's download): one product, opening count 500 at 00:00."""
    first = open_database(tmp_path / "a.sqlite3")
    pid, _ = add_product(first, ProductInput(sku="KOPI", name="Kopi", sell_price=10_000))
    with first.write():
        stock_store.add_movement(first, pid, MovementKind.OPENING, 500, created_at=T.format(0))
    first.close()
    for name in ("b", "c"):
        shutil.copy(tmp_path / "a.sqlite3", tmp_path / f"{name}.sqlite3")
    return [open_database(tmp_path / f"{name}.sqlite3") for name in ("a", "b", "c")], pid


def _own(db: Database, pid: str, kind: MovementKind, quantity: int, hour: int) -> str:
    with db.write():
        stock_store.add_movement(db, pid, kind, quantity, created_at=T.format(hour))
    return str(db.scalar("SELECT id FROM stock_movements ORDER BY seq DESC LIMIT 1"))


def _pull(db: Database, source: Database, ids: list[str]) -> None:
    """Another laptop's movements, inserted by id as the hub apply does, then the touched product rebuilt."""
    rows = [dict(r) for r in source.query(
        f"SELECT * FROM stock_movements WHERE id IN ({','.join('?' * len(ids))}) ORDER BY seq", tuple(ids))]
    with db.write():
        for row in rows:
            row.pop("seq")
            db.execute(f"INSERT INTO stock_movements ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})"
                       " ON CONFLICT(id) DO NOTHING", tuple(row.values()))
        stock_store.rebuild_levels(db, {str(r["product_id"]) for r in rows})


def _by_seq(db: Database, pid: str) -> int:
    """The old formula: the last count by this laptop's row sequence plus what came after it there."""
    level = 0
    for r in db.query("SELECT kind, quantity FROM stock_movements WHERE product_id = ? ORDER BY seq", (pid,)):
        level = r["quantity"] if r["kind"] in ("opening", "stocktake") else level + r["quantity"]
    return level


def test_three_laptops_agree_after_a_merge_in_three_orders(tmp_path: Path) -> None:
    (a, b, c), pid = _laptops(tmp_path)
    try:
        sold_a = [_own(a, pid, MovementKind.COUNTER_SALE, -10, 1), _own(a, pid, MovementKind.COUNTER_SALE, -12, 4)]
        sold_b = [_own(b, pid, MovementKind.COUNTER_SALE, -5, 2)]
        counted_c = [_own(c, pid, MovementKind.STOCKTAKE, 480, 3)]  # counted at 03:00, after 01:00 and 02:00
        assert [stock_store.on_hand(x, pid) for x in (a, b, c)] == [478, 495, 480]
        _pull(a, b, sold_b)
        _pull(a, c, counted_c)
        _pull(b, a, sold_a)
        _pull(b, c, counted_c)
        _pull(c, b, sold_b)  # C receives the sales in yet another order
        assert stock_store.on_hand(c, pid) == 480  # a sale before the count changes nothing
        _pull(c, a, sold_a)
        # by time: the 03:00 count, then A's 04:00 sale; by each laptop's own sequence the three would disagree
        assert [stock_store.on_hand(x, pid) for x in (a, b, c)] == [468, 468, 468]
        assert [stock_store.ledger_on_hand(x, pid) for x in (a, b, c)] == [468, 468, 468]
        assert len({_by_seq(x, pid) for x in (a, b, c)}) > 1
        assert all(stock_store.verify_levels(x) == [] for x in (a, b, c))
    finally:
        for x in (a, b, c):
            x.close()


def test_a_local_movement_dated_before_a_count_is_covered_by_it(tmp_path: Path) -> None:
    """A laptop whose clock runs behind (or a back-dated fact) writes a movement older than a count it already
    holds: the count still decides, and both caches agree with a rebuild."""
    (a, b, c), pid = _laptops(tmp_path)
    try:
        _pull(a, c, [_own(c, pid, MovementKind.STOCKTAKE, 300, 5)])
        with a.write():
            level = stock_store.add_movement(a, pid, MovementKind.COUNTER_SALE, -7, created_at=T.format(4))
        assert level == 300 and stock_store.outlet_levels(a, pid) == {MAIN_OUTLET: 300}
        with a.write():  # an older count too: the newer one still decides
            assert stock_store.add_movement(a, pid, MovementKind.STOCKTAKE, 50, created_at=T.format(2)) == 300
        with a.write():
            assert stock_store.add_movement(a, pid, MovementKind.COUNTER_SALE, -1, created_at=T.format(6)) == 299
        assert stock_store.verify_levels(a) == []
        with a.write():  # a page of orders dated before the count: recounted, not added
            stock_store.add_movements(a, [stock_store.NewMovement(pid, MovementKind.ONLINE_ORDER, -3)], T.format(4))
        assert stock_store.on_hand(a, pid) == 299 and stock_store.verify_levels(a) == []
        with a.write():  # stamped like the count: the id decides (a new id sorts after it), so it counts
            stock_store.add_movements(a, [stock_store.NewMovement(pid, MovementKind.ONLINE_ORDER, -3)], T.format(5))
        assert stock_store.on_hand(a, pid) == 296 and stock_store.verify_levels(a) == []
    finally:
        for x in (a, b, c):
            x.close()


def test_equal_times_are_ordered_by_id(tmp_path: Path) -> None:
    """Two movements stamped in the same microsecond (two laptops) are ordered by id on every laptop."""
    (a, b, c), pid = _laptops(tmp_path)
    try:
        with a.write():
            for movement_id, kind, quantity in (("m-2", "stocktake", 40), ("m-1", "counter_sale", -3),
                                                ("m-3", "counter_sale", -1)):
                a.execute("INSERT INTO stock_movements (id, product_id, kind, quantity, created_at, outlet_id)"
                          " VALUES (?, ?, ?, ?, ?, ?)", (movement_id, pid, kind, quantity, T.format(1), MAIN_OUTLET))
            stock_store.rebuild_levels(a, [pid])
        assert stock_store.on_hand(a, pid) == 39  # m-1 comes before the count m-2, m-3 after it
    finally:
        for x in (a, b, c):
            x.close()
