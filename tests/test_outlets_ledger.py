"""Any mix of sales, counts, adjustments, transfers, outlet changes and late-arriving movements keeps both stock
caches equal to the ledger (issue 20).

Each step goes through the real services (or the store, for what another laptop's movements look like when they
arrive: dated in the past or in the future, at any outlet, counts too) into a real SQLite file. After every step
the test computes every outlet's level itself from the raw rows, ordered by (created_at, id): last count plus the
later movements; the total is their sum. Both caches must equal it, verify_levels finds nothing, and a rebuild of
both caches from the ledger changes nothing.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from companion.domain.clock import stamp
from companion.domain.errors import UserError
from companion.domain.hub_tables import MAIN_OUTLET
from companion.domain.ids import new_id
from companion.domain.ledger import MovementKind
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.services.outlets import add_outlet, choose_outlet, transfer_stock
from companion.services.products import add_product
from companion.services.sales import record_sale
from companion.services.stock import adjust_stock, count_stock
from companion.store import stock as stock_store
from companion.store.database import Database, open_database

# Stamps of another laptop's movements: long past, or a clock running a year ahead (after everything made now).
_STAMPS = st.sampled_from(["2026-01-01T00:00:00.000000Z", "2026-01-01T00:00:01.000000Z",
                           "2026-06-01T12:00:00.000000Z", "2027-12-31T00:00:00.000000Z"])
_KINDS = st.sampled_from([MovementKind.COUNTER_SALE, MovementKind.STOCKTAKE, MovementKind.ONLINE_ORDER,
                          MovementKind.TRANSFER_IN, MovementKind.OPENING, MovementKind.ADJUSTMENT])


def model_levels(db: Database) -> dict[tuple[str, str], int]:
    """(product, outlet) → level, computed here from the raw rows."""
    levels: dict[tuple[str, str], int] = {}
    for r in db.query("SELECT product_id, outlet_id, kind, quantity FROM stock_movements ORDER BY created_at, id"):
        key = (r["product_id"], r["outlet_id"])
        is_count = r["kind"] in ("opening", "stocktake")
        levels[key] = r["quantity"] if is_count else levels.get(key, 0) + r["quantity"]
    return levels


class OutletLedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="outlets-"))
        self.db = open_database(self.folder / "shop.sqlite3")
        self.products: list[str] = []
        self.outlets: list[str] = [MAIN_OUTLET]

    def teardown(self) -> None:
        self.db.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    @initialize(openings=st.lists(st.one_of(st.none(), st.integers(0, 30)), min_size=2, max_size=3))
    def start(self, openings: list[int | None]) -> None:
        for n, opening in enumerate(openings):
            pid, _ = add_product(self.db, ProductInput(sku=f"P-{n}", name=f"Barang {n}", sell_price=1_000), opening)
            self.products.append(pid)
        self.outlets += [add_outlet(self.db, name)[0] for name in ("Cabang Pasar", "Gudang")]

    @rule(data=st.data())
    def choose(self, data: st.DataObject) -> None:
        choose_outlet(self.db, data.draw(st.sampled_from(self.outlets)))

    @rule(data=st.data())
    def sell(self, data: st.DataObject) -> None:
        cart = data.draw(st.lists(st.tuples(st.sampled_from(self.products), st.integers(1, 5)), min_size=1,
                                  max_size=3))
        record_sale(self.db, [LineInput(pid, qty, 1_000) for pid, qty in cart], PaymentMethod.QRIS)

    @rule(data=st.data())
    def count(self, data: st.DataObject) -> None:
        counts = data.draw(st.dictionaries(st.sampled_from(self.products), st.integers(0, 40), min_size=1,
                                           max_size=2))
        count_stock(self.db, counts)

    @rule(data=st.data(), delta=st.integers(-9, 9).filter(bool))
    def adjust(self, data: st.DataObject, delta: int) -> None:
        adjust_stock(self.db, data.draw(st.sampled_from(self.products)), delta, "koreksi")

    @rule(data=st.data(), qty=st.integers(1, 12))
    def transfer(self, data: st.DataObject, qty: int) -> None:
        source, target = data.draw(st.lists(st.sampled_from(self.outlets), min_size=2, max_size=2, unique=True))
        pid = data.draw(st.sampled_from(self.products))
        held = stock_store.outlet_levels(self.db, pid).get(source, 0)
        if qty > held:
            with pytest.raises(UserError):
                transfer_stock(self.db, source, target, [(pid, qty)])
            return
        transfer_stock(self.db, source, target, [(pid, qty)])
        ahead = self.db.scalar("SELECT 1 FROM stock_movements WHERE product_id = ? AND outlet_id = ?"
                               " AND created_at > ?", (pid, source, stamp()))
        if not ahead:  # (a count dated ahead, from a laptop whose clock runs fast, still decides there)
            assert stock_store.outlet_levels(self.db, pid).get(source, 0) == held - qty

    @rule(data=st.data(), kind=_KINDS, qty=st.integers(0, 20), at=_STAMPS)
    def late_movement_written_here(self, data: st.DataObject, kind: MovementKind, qty: int, at: str) -> None:
        """A movement dated away from now through add_movement (the incremental caches)."""
        quantity = qty if kind.is_count or kind is MovementKind.TRANSFER_IN else -qty
        with self.db.write():
            stock_store.add_movement(self.db, data.draw(st.sampled_from(self.products)), kind, quantity,
                                     created_at=at, outlet_id=data.draw(st.sampled_from(self.outlets)))

    @rule(data=st.data(), kind=_KINDS, qty=st.integers(0, 20), at=_STAMPS)
    def pulled_from_another_laptop(self, data: st.DataObject, kind: MovementKind, qty: int, at: str) -> None:
        """A movement inserted as the hub's apply does it, then the product's caches rebuilt."""
        pid = data.draw(st.sampled_from(self.products))
        quantity = qty if kind.is_count or kind is MovementKind.TRANSFER_IN else -qty
        with self.db.write():
            self.db.execute("INSERT INTO stock_movements (id, product_id, kind, quantity, created_at, outlet_id)"
                            " VALUES (?, ?, ?, ?, ?, ?)", (new_id(), pid, kind.value, quantity, at,
                                                           data.draw(st.sampled_from(self.outlets))))
            stock_store.rebuild_levels(self.db, [pid])

    @rule(data=st.data(), at=st.one_of(_STAMPS, st.just("")))
    def page_of_orders(self, data: st.DataObject, at: str) -> None:
        moves = data.draw(st.lists(st.tuples(st.sampled_from(self.products), st.integers(-4, 4),
                                             st.sampled_from([None, *self.outlets])), min_size=1, max_size=4))
        batch = [stock_store.NewMovement(pid, MovementKind.ONLINE_ORDER, q, outlet_id=o) for pid, q, o in moves]
        with self.db.write():
            levels = stock_store.add_movements(self.db, batch, at or stamp())
        assert len(levels) == len(batch)

    @invariant()
    def caches_equal_the_ledger(self) -> None:
        model = model_levels(self.db)
        for pid in self.products:
            mine = {o: level for (p, o), level in model.items() if p == pid}
            assert stock_store.outlet_levels(self.db, pid) == mine
            assert stock_store.on_hand(self.db, pid) == sum(mine.values())
            assert stock_store.ledger_on_hand(self.db, pid) == sum(mine.values())
        assert stock_store.verify_levels(self.db) == []

    @invariant()
    def a_rebuild_changes_nothing(self) -> None:
        def both() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
            return ([tuple(r) for r in self.db.query("SELECT * FROM stock_levels ORDER BY product_id")],
                    [tuple(r) for r in self.db.query("SELECT * FROM stock_outlet_levels ORDER BY 1, 2")])
        before = both()
        assert stock_store.rebuild_levels(self.db) == len(before[0])
        assert both() == before


OutletLedgerMachine.TestCase.settings = settings(
    max_examples=50, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
TestOutletLedger = OutletLedgerMachine.TestCase
