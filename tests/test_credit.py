"""Kasbon money: sales on credit, partial and whole payments, payments larger than the debt, voids and returns
of kasbon sales, and the maths of what is owed since when (property tests against the rows' sums)."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from companion.domain.clock import local_day, now_utc
from companion.domain.credit import CreditPayment, KasbonSale, Reduction, credit_state, unpaid_total
from companion.domain.errors import UserError
from companion.domain.payments import Payment
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.i18n import set_language
from companion.services.credit import customer_credit, pay_credit
from companion.services.customers import add_customer, delete_customer
from companion.services.products import add_product
from companion.services.sales import record_sale, return_items, void_sale
from companion.store import credit as credit_store
from companion.store import customers as customer_store
from companion.store import sales as sale_store
from companion.store.database import Database, open_database

D = date(2026, 12, 1)
PRICE = 25_000


def _kasbon(db: Database, pid: str, customer: str, qty: int = 2, cash: int = 0, due_days: int = 7) -> str:
    """A sale of `qty` units, `cash` paid now and the rest on kasbon."""
    total = qty * PRICE
    today = local_day(now_utc())
    result = record_sale(db, [LineInput(pid, qty, PRICE)], payment=Payment(
        {}, cash_given=cash or None, credit=total - cash, customer_id=customer,
        due_date=today + timedelta(days=due_days)))
    return result.sale_id


@pytest.fixture
def shop(db: Database) -> tuple[Database, str, str]:
    pid, _ = add_product(db, ProductInput(sku="BRS-5", name="Beras 5 kg", sell_price=PRICE), 100)
    customer, _ = add_customer(db, "Bu Ani", "0812-3456-7890")
    return db, pid, customer


def test_a_kasbon_sale_then_partial_and_whole_payments(shop: tuple[Database, str, str]) -> None:
    db, pid, ani = shop
    _kasbon(db, pid, ani, qty=4, cash=20_000)  # 100.000, 20.000 cash, 80.000 on kasbon
    assert credit_store.owed(db, ani) == 80_000
    change = pay_credit(db, ani, 30_000, PaymentMethod.CASH, "cicilan pertama")
    assert change.customers == {ani}
    assert credit_store.owed(db, ani) == 50_000
    pay_credit(db, ani, 50_000, "qris")
    assert credit_store.owed(db, ani) == 0
    rows = credit_store.payments(db, ani)
    assert [(p.amount, p.method, p.note) for p in rows] == [(30_000, "tunai", "cicilan pertama"),
                                                            (50_000, "qris", "")]
    credit = customer_credit(db, ani)
    assert credit.state.owed == 0 and credit.state.open == () and credit.state.since is None
    delete_customer(db, ani)  # nothing owed: may go


def test_a_payment_larger_than_the_debt_is_refused_and_nothing_is_written(shop: tuple[Database, str, str]) -> None:
    db, pid, ani = shop
    _kasbon(db, pid, ani, qty=2)
    with pytest.raises(UserError) as caught:
        pay_credit(db, ani, 50_001, PaymentMethod.CASH)
    assert caught.value.message() == "Pembayaran lebih besar dari utang Rp50.000: terima paling banyak Rp50.000."
    for amount in (0, -5_000):
        with pytest.raises(UserError, match="lebih dari Rp0"):
            pay_credit(db, ani, amount, PaymentMethod.CASH)
    assert credit_store.payments(db, ani) == [] and credit_store.owed(db, ani) == 50_000
    set_language("en")
    with pytest.raises(UserError, match=r"larger than the debt Rp50\.000"):
        pay_credit(db, ani, 60_000, PaymentMethod.TRANSFER)


def test_nothing_owed_means_nothing_to_pay(shop: tuple[Database, str, str]) -> None:
    db, _pid, ani = shop
    with pytest.raises(UserError, match="tidak punya kasbon"):
        pay_credit(db, ani, 1_000, PaymentMethod.CASH)
    with pytest.raises(UserError, match="tidak ditemukan"):
        pay_credit(db, "nobody", 1_000, PaymentMethod.CASH)


def test_the_same_press_twice_pays_once(shop: tuple[Database, str, str]) -> None:
    db, pid, ani = shop
    _kasbon(db, pid, ani, qty=2)
    pay_credit(db, ani, 10_000, PaymentMethod.CASH, payment_id="pay-1")
    pay_credit(db, ani, 10_000, PaymentMethod.CASH, payment_id="pay-1")
    assert len(credit_store.payments(db, ani)) == 1 and credit_store.owed(db, ani) == 40_000


def test_a_payment_carries_the_open_shift_and_the_cashier(shop: tuple[Database, str, str]) -> None:
    db, pid, ani = shop
    _kasbon(db, pid, ani, qty=2)
    with db.write():
        db.execute("INSERT INTO cashiers (id, name, role, pin_hash, pin_salt, created_at, updated_at)"
                   " VALUES ('k1', 'Sari', 'cashier', 'h', 's', 'now', 'now')")
        # a shift is this laptop's till (v12: shifts.device_id), as services/shifts opens it
        db.execute("INSERT INTO shifts (id, opened_at, opened_by, opening_cash, device_id)"
                   " VALUES ('sh1', 'now', 'k1', 0, (SELECT device_id FROM hub_state))")
    pay_credit(db, ani, 5_000, PaymentMethod.CASH, actor="k1")
    paid = credit_store.payments(db, ani)[0]
    assert (paid.cashier_id, paid.shift_id) == ("k1", "sh1")


def test_a_void_or_return_of_a_kasbon_sale_lowers_the_debt(shop: tuple[Database, str, str]) -> None:
    db, pid, ani = shop
    first = _kasbon(db, pid, ani, qty=2)  # 50.000
    second = _kasbon(db, pid, ani, qty=4, cash=40_000)  # 60.000 on kasbon
    assert credit_store.owed(db, ani) == 110_000
    void_sale(db, first, "salah catat")
    assert credit_store.owed(db, ani) == 60_000
    sale = sale_store.get(db, second)
    assert sale is not None
    refund, change = return_items(db, second, {sale.lines[0].id: 1}, "rusak")
    assert refund == 25_000 and change.customers == {ani}
    assert credit_store.owed(db, ani) == 35_000
    credit = customer_credit(db, ani)
    assert [(o.sale.sale_id, o.left) for o in credit.state.open] == [(second, 35_000)]
    assert [s.voided for s in credit.sales] == [True, False]
    assert [s.taken_off for s in credit.sales] == [50_000, 25_000]
    assert customer_store.get(db, ani).owed == 35_000  # type: ignore[union-attr]


def test_deleting_a_customer_who_owes_is_refused(shop: tuple[Database, str, str]) -> None:
    db, pid, ani = shop
    _kasbon(db, pid, ani, qty=1)
    with pytest.raises(UserError) as caught:
        delete_customer(db, ani)
    assert caught.value.message() == ("Bu Ani masih punya kasbon Rp25.000: terima pembayarannya dulu, "
                                      "baru hapus.")
    assert [c.id for c in customer_store.search(db, "ani")] == [ani]


def test_a_deleted_customer_cannot_take_new_kasbon(shop: tuple[Database, str, str]) -> None:
    db, pid, ani = shop
    delete_customer(db, ani)
    with pytest.raises(UserError, match="tidak ditemukan"):
        _kasbon(db, pid, ani)


def test_payments_settle_the_oldest_kasbon_first() -> None:
    sales = [KasbonSale("b", "0002", D + timedelta(days=3), 40_000, D + timedelta(days=10)),
             KasbonSale("a", "0001", D, 30_000, D + timedelta(days=14))]
    state = credit_state(sales, [CreditPayment("p", D + timedelta(days=5), 35_000, "tunai")], [], D)
    assert state.owed == 35_000
    assert [(o.sale.sale_id, o.left) for o in state.open] == [("b", 35_000)]
    assert state.since == D + timedelta(days=3) and state.oldest_due == D + timedelta(days=10)
    assert not state.overdue and state.days_late == 0
    late = credit_state(sales, [], [], D + timedelta(days=12))
    assert late.since == D and late.oldest_due == D + timedelta(days=10)
    assert late.overdue and late.days_late == 2
    on_the_day = credit_state(sales, [], [], D + timedelta(days=10))
    assert not on_the_day.overdue  # due today is not late yet


def test_a_reduction_comes_off_its_own_sale_first() -> None:
    sales = [KasbonSale("a", "0001", D, 30_000, D), KasbonSale("b", "0002", D + timedelta(days=1), 20_000, None)]
    state = credit_state(sales, [], [Reduction("a", D, 30_000)], D + timedelta(days=9))
    assert [(o.sale.sale_id, o.left) for o in state.open] == [("b", 20_000)]
    assert state.since == D + timedelta(days=1) and state.oldest_due is None and not state.overdue


days = st.integers(0, 60).map(lambda n: D + timedelta(days=n))


@st.composite
def kasbon_rows(draw: st.DrawFn) -> tuple[list[KasbonSale], list[CreditPayment], list[Reduction], date]:
    n = draw(st.integers(0, 6))
    sales = [KasbonSale(f"s{i}", f"{i:04d}", draw(days), draw(st.integers(1, 500_000)),
                        draw(st.one_of(st.none(), days))) for i in range(n)]
    payments = [CreditPayment(f"p{i}", draw(days), draw(st.integers(1, 300_000)), "tunai")
                for i in range(draw(st.integers(0, 6)))]
    reductions = [Reduction(draw(st.sampled_from(sales)).sale_id, draw(days), draw(st.integers(1, 200_000)))
                  for _ in range(draw(st.integers(0, 3)))] if sales else []
    return sales, payments, reductions, draw(days)


@given(kasbon_rows())
def test_owed_is_always_kasbon_minus_payments_minus_reductions(
        rows: tuple[list[KasbonSale], list[CreditPayment], list[Reduction], date]) -> None:
    sales, payments, reductions, today = rows
    state = credit_state(sales, payments, reductions, today)
    assert state.owed == (sum(s.amount for s in sales) - sum(p.amount for p in payments)
                          - sum(r.amount for r in reductions))
    assert unpaid_total(state) == max(state.owed, 0)
    assert all(o.left > 0 for o in state.open)
    open_days = [o.sale.day for o in state.open]
    assert open_days == sorted(open_days)
    assert state.since == (open_days[0] if open_days else None)
    assert state.overdue == (state.days_late > 0)
    for o in state.open[1:]:  # payments settle the oldest first: only the oldest open sale is partly paid
        own = sum(r.amount for r in reductions if r.sale_id == o.sale.sale_id)
        assert o.left == o.sale.amount - own


@given(kasbon_rows(), st.permutations(range(6)))
def test_the_order_rows_arrive_in_does_not_matter(
        rows: tuple[list[KasbonSale], list[CreditPayment], list[Reduction], date], order: list[int]) -> None:
    sales, payments, reductions, today = rows
    shuffled = [sales[i] for i in order if i < len(sales)]
    assert credit_state(shuffled, payments[::-1], reductions[::-1], today) == credit_state(
        sales, payments, reductions, today)


class KasbonMachine(RuleBasedStateMachine):
    """Sales on kasbon, payments (some refused), voids and returns through the real services; after every step
    the store's sum, the customer row, the domain maths and the test's own model agree."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="kasbon-"))
        self.db = open_database(self.folder / "shop.sqlite3")
        self.pid, _ = add_product(self.db, ProductInput(sku="B-1", name="Barang", sell_price=PRICE), 10_000)
        self.customers: dict[str, int] = {}  # id -> the model's owed
        self.sales: dict[str, tuple[str, int]] = {}  # sale id -> (customer, its kasbon)

    def teardown(self) -> None:
        self.db.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    @initialize(n=st.integers(1, 3))
    def start(self, n: int) -> None:
        for i in range(n):
            cid, _ = add_customer(self.db, f"Pelanggan {i}")
            self.customers[cid] = 0

    @rule(data=st.data(), qty=st.integers(1, 4), cash_units=st.integers(0, 3))
    def sell_on_kasbon(self, data: st.DataObject, qty: int, cash_units: int) -> None:
        cid = data.draw(st.sampled_from(list(self.customers)))
        cash = min(cash_units, qty - 1) * PRICE
        sale_id = _kasbon(self.db, self.pid, cid, qty, cash)
        self.sales[sale_id] = (cid, qty * PRICE - cash)
        self.customers[cid] += qty * PRICE - cash

    @rule(data=st.data(), amount=st.integers(-1_000, 150_000))
    def pay(self, data: st.DataObject, amount: int) -> None:
        cid = data.draw(st.sampled_from(list(self.customers)))
        if amount <= 0 or amount > self.customers[cid]:
            with pytest.raises(UserError):
                pay_credit(self.db, cid, amount, PaymentMethod.CASH)
            return
        pay_credit(self.db, cid, amount, data.draw(st.sampled_from(list(PaymentMethod))))
        self.customers[cid] -= amount

    @precondition(lambda self: bool(self.sales))
    @rule(data=st.data())
    def void(self, data: st.DataObject) -> None:
        sale_id = data.draw(st.sampled_from(list(self.sales)))
        sale = sale_store.get(self.db, sale_id)
        assert sale is not None
        if sale.voided or any(line.returned for line in sale.lines):
            with pytest.raises(UserError):
                void_sale(self.db, sale_id, "salah")
            return
        cid, _credit = self.sales[sale_id]
        before = credit_store.owed(self.db, cid)
        void_sale(self.db, sale_id, "salah")
        self.customers[cid] -= before - credit_store.owed(self.db, cid)
        assert 0 <= before - credit_store.owed(self.db, cid) <= min(sale.credit_amount, before)

    @precondition(lambda self: bool(self.sales))
    @rule(data=st.data())
    def give_back_one(self, data: st.DataObject) -> None:
        sale_id = data.draw(st.sampled_from(list(self.sales)))
        sale = sale_store.get(self.db, sale_id)
        assert sale is not None
        line = sale.lines[0]
        if sale.voided or line.returned >= line.quantity:
            with pytest.raises(UserError):
                return_items(self.db, sale_id, {line.id: 1}, "rusak")
            return
        cid, _credit = self.sales[sale_id]
        before = credit_store.owed(self.db, cid)
        refund, _ = return_items(self.db, sale_id, {line.id: 1}, "rusak")
        taken = before - credit_store.owed(self.db, cid)
        assert 0 <= taken <= refund
        self.customers[cid] -= taken

    @invariant()
    def every_reading_of_owed_agrees(self) -> None:
        for cid, owed in self.customers.items():
            assert owed >= 0
            assert credit_store.owed(self.db, cid) == owed
            row = customer_store.get(self.db, cid)
            assert row is not None and row.owed == owed
            credit = customer_credit(self.db, cid)
            assert credit.state.owed == owed and unpaid_total(credit.state) == owed
            rows = (sum(s.credit_amount for s in credit.sales) - sum(p.amount for p in credit.payments)
                    - sum(s.taken_off for s in credit.sales))
            assert rows == owed


KasbonMachine.TestCase.settings = settings(
    max_examples=40, stateful_step_count=15, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
TestKasbon = KasbonMachine.TestCase
