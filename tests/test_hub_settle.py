"""The stock caches after pulled batches (store/hub_settle.py): new movements add to them where no later count
overrides them, everything else is counted again; after every batch both caches equal the ledger
(stock.verify_levels through hub_digest.problems) whatever order, timing, repeats and counts the laptops produced."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.domain.hub_tables import MAIN_OUTLET
from companion.domain.ledger import MovementKind
from companion.domain.product import ProductInput
from companion.services import hub as hub_service
from companion.services.products import add_product
from companion.store import hub_state, stock
from companion.store.database import close_thread_databases
from companion.store.hub_digest import problems
from tests.hub_local_fleet import ChangeLog, Laptop, fleet, same_everywhere

SECOND = "outlet-gudang"  # movements name their outlet as text: no outlets row is needed for the ledger
START = datetime(2026, 11, 1, tzinfo=UTC)


def _at(minute: int) -> str:
    return (START + timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _shop(folder: Path) -> tuple[list[Laptop], ChangeLog, list[str]]:
    laptops = fleet(folder)
    log = ChangeLog()
    products = [add_product(laptops[0].db, ProductInput(sku, sku, 1_000))[0] for sku in ("KOPI", "TEH")]
    log.meet(laptops)
    return laptops, log, products


def _move(laptop: Laptop, product: str, kind: MovementKind, quantity: int, minute: int,
          outlet: str = MAIN_OUTLET, dedupe_key: str | None = None) -> None:
    with laptop.db.write():
        stock.add_movement(laptop.db, product, kind, quantity, created_at=_at(minute), outlet_id=outlet,
                           dedupe_key=dedupe_key)


def _wrong(laptop: Laptop) -> list[str]:
    """hub_digest's problems (a cache ≠ the ledger among them), and a total not naming its product's newest row."""
    stale = laptop.db.query("SELECT l.product_id FROM stock_levels l WHERE l.last_seq IS NOT"
                            " (SELECT MAX(seq) FROM stock_movements m WHERE m.product_id = l.product_id)")
    return problems(laptop.db) + [f"last_seq of {r[0]}" for r in stale]


def _pull_checked(log: ChangeLog, laptop: Laptop, limit: int) -> None:
    while batch := log.batch(laptop, limit):
        hub_service.apply_pulled(laptop.db, batch)
        assert _wrong(laptop) == [], laptop.name


def _close(laptops: list[Laptop]) -> None:
    for laptop in laptops:
        laptop.db.close()
    close_thread_databases()


def test_a_movement_before_a_later_count_changes_nothing_and_one_after_it_adds(tmp_path: Path) -> None:
    laptops, log, (kopi, _teh) = _shop(tmp_path)
    a, b = laptops[0], laptops[1]
    try:
        _move(a, kopi, MovementKind.STOCKTAKE, 50, minute=100)  # A counts 50 at minute 100
        _move(b, kopi, MovementKind.COUNTER_SALE, -7, minute=50)  # B sold before that count: the count stands
        _move(b, kopi, MovementKind.COUNTER_SALE, -3, minute=150)  # and after it: 47
        log.push(b)
        _pull_checked(log, a, 500)
        assert stock.on_hand(a.db, kopi) == 47
        assert stock.outlet_levels(a.db, kopi) == {MAIN_OUTLET: 47}
    finally:
        _close(laptops)


def test_a_transfer_moves_stock_between_outlets_and_keeps_the_total(tmp_path: Path) -> None:
    laptops, log, (kopi, _teh) = _shop(tmp_path)
    a, b = laptops[0], laptops[1]
    try:
        before = stock.on_hand(a.db, kopi)
        _move(b, kopi, MovementKind.TRANSFER_OUT, -4, minute=10**6)
        _move(b, kopi, MovementKind.TRANSFER_IN, 4, minute=10**6, outlet=SECOND)
        log.push(b)
        _pull_checked(log, a, 1)
        assert stock.on_hand(a.db, kopi) == before
        assert stock.outlet_levels(a.db, kopi) == {MAIN_OUTLET: before - 4, SECOND: 4}
    finally:
        _close(laptops)


def test_the_same_fact_with_other_details_is_counted_again(tmp_path: Path) -> None:
    laptops, log, (kopi, teh) = _shop(tmp_path)
    a, b = laptops[0], laptops[1]
    try:
        _move(a, kopi, MovementKind.ONLINE_ORDER, -2, minute=10**6 + 5, dedupe_key="order:1")
        _move(b, kopi, MovementKind.ONLINE_ORDER, -5, minute=10**6 + 1, dedupe_key="order:1")  # earlier: it stays
        log.push(b)
        _pull_checked(log, a, 500)
        assert stock.ledger_on_hand(a.db, kopi) == stock.on_hand(a.db, kopi)
        assert [m.quantity for m in stock.history(a.db, kopi, 1)] == [-5]
        assert stock.on_hand(a.db, teh) == stock.ledger_on_hand(a.db, teh)
    finally:
        _close(laptops)


KINDS = (MovementKind.COUNTER_SALE, MovementKind.ADJUSTMENT, MovementKind.STOCKTAKE, MovementKind.PRODUCTION,
         "transfer")
work = st.one_of(
    # (laptop, product, kind, quantity, minute, outlet, dedupe key): minutes overlap, so rows land in and out of order
    st.tuples(st.just("move"), st.integers(0, 2), st.integers(0, 1), st.sampled_from(KINDS), st.integers(-5, 30),
              st.integers(0, 60), st.booleans(), st.one_of(st.none(), st.integers(0, 3))),
    st.tuples(st.just("push"), st.integers(0, 2), st.integers(1, 9)),
    st.tuples(st.just("pull"), st.integers(0, 2), st.integers(1, 12)),
    st.tuples(st.just("again"), st.integers(0, 2), st.integers(1, 12)),  # a batch delivered a second time
    # one outside fact (dedupe key) recorded on two laptops offline with other details: (laptops, key, quantities,
    # minutes, outlets of the second): the earlier version replaces the other wherever they meet
    st.tuples(st.just("fact"), st.sampled_from(((0, 1), (1, 2), (2, 0))), st.integers(4, 6),
              st.tuples(st.integers(-5, 5), st.integers(-5, 5)), st.tuples(st.integers(0, 60), st.integers(0, 60)),
              st.booleans()),
)


def _act(log: ChangeLog, laptops: list[Laptop], products: list[str], op: tuple[object, ...]) -> None:
    if op[0] == "fact":
        _, pair, key, quantities, minutes, second = op
        for n, (no, quantity, minute) in enumerate(zip(pair, quantities, minutes, strict=True)):  # type: ignore[call-overload]
            outlet = SECOND if second and n else MAIN_OUTLET
            _move(laptops[no], products[n], MovementKind.ADJUSTMENT, quantity, minute, outlet, f"fact:{key}")
        return
    laptop = laptops[int(str(op[1]))]
    if op[0] == "push":
        log.push(laptop, int(str(op[2])))
    elif op[0] == "pull":
        if batch := log.batch(laptop, int(str(op[2]))):
            hub_service.apply_pulled(laptop.db, batch)
    elif op[0] == "again":
        done = int(hub_state.identity(laptop.db).pull_cursor.split(":")[1])
        if done:
            hub_service.apply_pulled(laptop.db, [c for c in log.changes[max(0, done - int(str(op[2]))):done]])
    else:
        _, _, p, kind, quantity, minute, second, key = op
        product, outlet = products[int(str(p))], SECOND if second else MAIN_OUTLET
        dedupe = None if key is None else f"fact:{key}"
        if kind == "transfer":
            _move(laptop, product, MovementKind.TRANSFER_OUT, -abs(int(str(quantity))), int(str(minute)))
            _move(laptop, product, MovementKind.TRANSFER_IN, abs(int(str(quantity))), int(str(minute)), SECOND)
        else:
            count = kind == MovementKind.STOCKTAKE
            _move(laptop, product, MovementKind(str(kind)), abs(int(str(quantity))) if count else int(str(quantity)),
                  int(str(minute)), outlet, dedupe)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(work, min_size=1, max_size=45))
def test_caches_equal_the_ledger_after_every_batch_whatever_the_laptops_did(ops: list[tuple[object, ...]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        laptops, log, products = _shop(Path(folder))
        try:
            for op in ops:
                _act(log, laptops, products, op)
                for laptop in laptops:
                    assert _wrong(laptop) == [], (laptop.name, op)
            for laptop in laptops:
                log.push(laptop)
            for laptop in laptops:
                _pull_checked(log, laptop, 5)
            same_everywhere(laptops)
        finally:
            _close(laptops)
