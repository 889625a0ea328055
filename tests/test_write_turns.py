"""Two threads writing the shop file at full speed take turns: the sync thread is not starved by the counter until
its busy timeout runs out with "database is locked" (found by the reliability campaign's concurrency run)."""

from __future__ import annotations

import threading
from pathlib import Path

from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.services.products import add_product
from companion.services.sales import record_sale
from companion.services.stock import adjust_stock
from companion.store.database import Database, open_database
from companion.store.stock import verify_levels
from companion.store.write_turns import WriteTurns, turns_for

SYNC_WRITES = 100


def test_turns_go_in_arrival_order() -> None:
    turns = WriteTurns()
    first = turns.enter(1.0)
    order: list[str] = []

    def writer(name: str) -> None:
        turn = turns.enter(10.0)
        order.append(name)
        turns.leave(turn)

    threads = []
    for n, name in enumerate(("b", "c", "d"), start=2):
        threads.append(threading.Thread(target=writer, args=(name,)))
        threads[-1].start()
        while turns.waiting < n:  # queued behind the holder before the next one arrives
            threading.Event().wait(0.001)
    turns.leave(first)
    for t in threads:
        t.join(10)
    assert order == ["b", "c", "d"]


def test_a_turn_not_given_in_time_is_none_and_leaves_the_queue() -> None:
    turns = WriteTurns()
    held = turns.enter(1.0)
    assert turns.enter(0.01) is None
    assert turns.waiting == 1
    turns.leave(None)  # harmless
    turns.leave(held)
    assert turns.waiting == 0 and turns.enter(0.01) is not None


def test_one_queue_per_file(tmp_path: Path) -> None:
    assert turns_for(tmp_path / "a.sqlite3") is turns_for(tmp_path / "." / "a.sqlite3")
    assert turns_for(tmp_path / "a.sqlite3") is not turns_for(tmp_path / "b.sqlite3")


def test_a_second_writer_is_not_starved_by_a_full_speed_counter(db: Database) -> None:
    pid, _ = add_product(db, ProductInput(sku="T-1", name="Teh", sell_price=5_000), 100_000)
    stop, started = threading.Event(), threading.Event()
    counter: dict[str, object] = {"sales": 0, "error": None}

    def sell() -> None:
        own = open_database(db.path)
        try:
            while not stop.is_set():
                record_sale(own, [LineInput(pid, 1, 5_000)], PaymentMethod.CASH)
                counter["sales"] = int(counter["sales"]) + 1  # type: ignore[call-overload]
                started.set()
        except Exception as exc:  # reported by the assertion below
            counter["error"] = exc
        finally:
            own.close()

    seller = threading.Thread(target=sell)
    seller.start()
    try:
        assert started.wait(30)
        before = int(counter["sales"])  # type: ignore[call-overload]
        for _ in range(SYNC_WRITES):  # this thread plays the sync engine: writes back to back
            adjust_stock(db, pid, 1, "found")
        during = int(counter["sales"]) - before  # type: ignore[call-overload]
    finally:
        stop.set()
        seller.join(30)
    assert counter["error"] is None
    # Taking turns: about one counter sale per write here. SQLite's own busy handler alone lets one thread run far
    # ahead (hundreds of sales during these writes, or almost none).
    assert SYNC_WRITES // 4 <= during <= SYNC_WRITES * 3 // 2, during
    assert verify_levels(db) == []
