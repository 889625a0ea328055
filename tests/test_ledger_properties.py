"""Any mix of sales, returns, voids, counts, adjustments and production keeps the stock ledger honest.

Each step goes through the real services into a real SQLite file; a plain model in this test keeps
the movements per product. After every step: on hand = last count + the movements after it, in the
model, in the cache (stock_levels) and straight from the ledger; verify_levels finds nothing; and a
rebuild of the cache from the ledger changes nothing. Movements can never be updated or deleted.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from companion.domain.errors import UserError
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.services.products import add_product
from companion.services.sales import record_sale, return_items, void_sale
from companion.services.stock import adjust_stock, count_stock, record_production
from companion.store import sales as sale_store
from companion.store import stock as stock_store
from companion.store.database import Database, open_database

MAX_PRODUCTS = 5
PRICE = 10_000


@dataclass
class ModelProduct:
    """The test's own record of one product: (is_count, quantity) in the order they happened."""

    movements: list[tuple[bool, int]] = field(default_factory=list)

    def level(self) -> int:
        counts = [n for n, (is_count, _q) in enumerate(self.movements) if is_count]
        start = counts[-1] if counts else -1
        base = self.movements[start][1] if counts else 0
        return base + sum(q for _c, q in self.movements[start + 1:])


@dataclass
class ModelSale:
    lines: list[tuple[str, str, int]]  # (sale line id, product id, quantity sold)
    returned: dict[str, int] = field(default_factory=dict)
    voided: bool = False


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="ledger-"))
        self.db: Database = open_database(self.folder / "shop.sqlite3")
        # ids are random uuids: draw from these in insertion order (never sorted) so replays draw alike
        self.products: dict[str, ModelProduct] = {}
        self.sales: dict[str, ModelSale] = {}

    def teardown(self) -> None:
        self.db.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _add(self, opening: int | None) -> None:
        n = len(self.products) + 1
        pid, _change = add_product(self.db, ProductInput(sku=f"P-{n}", name=f"Barang {n}", sell_price=PRICE), opening)
        self.products[pid] = ModelProduct([] if opening is None else [(True, opening)])

    @initialize(openings=st.lists(st.one_of(st.none(), st.integers(0, 30)), min_size=2, max_size=3))
    def start(self, openings: list[int | None]) -> None:
        for opening in openings:
            self._add(opening)

    @precondition(lambda self: len(self.products) < MAX_PRODUCTS)
    @rule(opening=st.one_of(st.none(), st.integers(0, 30)))
    def add_product_with_opening(self, opening: int | None) -> None:
        self._add(opening)

    @rule(data=st.data(), method=st.sampled_from(list(PaymentMethod)))
    def sell(self, data: st.DataObject, method: PaymentMethod) -> None:
        cart = data.draw(st.lists(st.tuples(st.sampled_from(list(self.products)), st.integers(1, 6)),
                                  min_size=1, max_size=3))
        result = record_sale(self.db, [LineInput(pid, qty, PRICE) for pid, qty in cart], method)
        sale = sale_store.get(self.db, result.sale_id)
        assert sale is not None
        self.sales[result.sale_id] = ModelSale([(line.id, line.product_id, line.quantity) for line in sale.lines])
        for pid, qty in cart:
            self.products[pid].movements.append((False, -qty))

    @precondition(lambda self: bool(self.sales))
    @rule(data=st.data())
    def void(self, data: st.DataObject) -> None:
        sale_id = data.draw(st.sampled_from(list(self.sales)))
        sale = self.sales[sale_id]
        if sale.voided or sale.returned:
            with pytest.raises(UserError):
                void_sale(self.db, sale_id, "salah scan")
            return
        void_sale(self.db, sale_id, "salah scan")
        sale.voided = True
        for _line_id, pid, qty in sale.lines:
            self.products[pid].movements.append((False, qty))

    @precondition(lambda self: bool(self.sales))
    @rule(data=st.data(), qty=st.integers(1, 7))
    def give_back(self, data: st.DataObject, qty: int) -> None:
        sale_id = data.draw(st.sampled_from(list(self.sales)))
        sale = self.sales[sale_id]
        line_id, pid, sold = data.draw(st.sampled_from(sale.lines))
        left = sold - sale.returned.get(line_id, 0)
        if sale.voided or qty > left:  # bad input on purpose: refused, nothing written
            with pytest.raises(UserError):
                return_items(self.db, sale_id, {line_id: qty}, "rusak")
            return
        return_items(self.db, sale_id, {line_id: qty}, "rusak")
        sale.returned[line_id] = sale.returned.get(line_id, 0) + qty
        self.products[pid].movements.append((False, qty))

    @rule(data=st.data())
    def stocktake(self, data: st.DataObject) -> None:
        counts = data.draw(st.dictionaries(st.sampled_from(list(self.products)), st.integers(0, 40),
                                           min_size=1, max_size=3))
        count_stock(self.db, counts, "stok opname")
        for pid, qty in counts.items():
            self.products[pid].movements.append((True, qty))

    @rule(data=st.data(), delta=st.integers(-15, 15))
    def adjust(self, data: st.DataObject, delta: int) -> None:
        pid = data.draw(st.sampled_from(list(self.products)))
        if delta == 0:
            with pytest.raises(UserError):
                adjust_stock(self.db, pid, 0, "hilang")
            return
        adjust_stock(self.db, pid, delta, "hilang" if delta < 0 else "ketemu di gudang")
        self.products[pid].movements.append((False, delta))

    @rule(data=st.data(), qty=st.integers(1, 20))
    def produce(self, data: st.DataObject, qty: int) -> None:
        pid = data.draw(st.sampled_from(list(self.products)))
        record_production(self.db, pid, qty)
        self.products[pid].movements.append((False, qty))

    @rule(data=st.data())
    def movements_are_append_only(self, data: st.DataObject) -> None:
        seq = self.db.scalar("SELECT MAX(seq) FROM stock_movements")
        if seq is None:
            return
        statement = data.draw(st.sampled_from([
            "UPDATE stock_movements SET quantity = quantity + 1 WHERE seq = ?",
            "DELETE FROM stock_movements WHERE seq = ?",
        ]))
        with pytest.raises(sqlite3.DatabaseError, match="append-only"), self.db.write():
            self.db.execute(statement, (seq,))

    @invariant()
    def on_hand_is_last_count_plus_later_movements(self) -> None:
        for pid, model in self.products.items():
            expected = model.level()
            assert stock_store.on_hand(self.db, pid) == expected
            assert stock_store.ledger_on_hand(self.db, pid) == expected
        assert stock_store.verify_levels(self.db) == []

    @invariant()
    def rebuilding_the_cache_changes_nothing(self) -> None:
        before = _levels(self.db)
        stock_store.rebuild_levels(self.db)
        assert _levels(self.db) == before


def _levels(db: Database) -> dict[str, tuple[int, int]]:
    return {r["product_id"]: (r["on_hand"], r["last_seq"])
            for r in db.query("SELECT product_id, on_hand, last_seq FROM stock_levels")}


LedgerMachine.TestCase.settings = settings(
    max_examples=60, stateful_step_count=20, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
TestLedger = LedgerMachine.TestCase
