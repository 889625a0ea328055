"""Money and ledger facts of split and kasbon sales at the counter: every payment row is kept, the rows and the kasbon
add up to the total, change only ever comes from cash, a kasbon lands on the customer's debt, a second press never
sells twice, and the day's recap counts a split sale under each method that paid part of it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from companion.domain.clock import local_day, now_utc
from companion.domain.errors import UserError
from companion.domain.payments import CREDIT, SPLIT, Payment
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.gui.payment_words import payments_text
from companion.services import reports
from companion.services.customers import add_customer
from companion.services.products import add_product
from companion.services.sales import record_sale, return_items, void_sale
from companion.store import credit as credit_store
from companion.store import customers as customer_store
from companion.store import sales as sale_store
from companion.store import stock as stock_store
from companion.store.database import Database

DUE = date.today() + timedelta(days=7)


@pytest.fixture
def kopi(db: Database) -> str:
    product_id, _ = add_product(db, ProductInput(sku="KOPI-250", name="Kopi Bubuk 250 g", sell_price=35_000), 20)
    return product_id


@pytest.fixture
def sari(db: Database) -> str:
    customer_id, _ = add_customer(db, "Bu Sari", "0812 3456 7890")
    return customer_id


def _rows(db: Database) -> list[tuple[str, int, int]]:
    return [(r["method"], r["amount"], r["tendered"]) for r in db.query(
        "SELECT method, amount, tendered FROM sale_payments ORDER BY rowid")]


def test_cash_and_qris_are_two_rows_that_add_up_with_change_from_cash_only(db: Database, kopi: str) -> None:
    result = record_sale(db, [LineInput(kopi, 2, 35_000)],
                         payment=Payment({PaymentMethod.QRIS: 30_000}, cash_given=50_000))
    sale = sale_store.get(db, result.sale_id)
    assert sale is not None
    assert _rows(db) == [("tunai", 40_000, 50_000), ("qris", 30_000, 30_000)]
    assert sum(p.amount for p in sale.payments) + sale.credit_amount == sale.total == 70_000
    assert (sale.payment_method, sale.amount_paid, sale.change_given) == (SPLIT, 80_000, 10_000)
    assert result.change_given == 10_000
    assert stock_store.on_hand(db, kopi) == 18 and stock_store.verify_levels(db) == []
    assert payments_text(sale) == "Tunai Rp40.000 + QRIS Rp30.000"


def test_qris_transfer_and_other_with_no_cash(db: Database, kopi: str) -> None:
    record_sale(db, [LineInput(kopi, 3, 35_000)], payment=Payment(
        {PaymentMethod.QRIS: 50_000, PaymentMethod.TRANSFER: 50_000, PaymentMethod.OTHER: 5_000}))
    assert _rows(db) == [("qris", 50_000, 50_000), ("transfer", 50_000, 50_000), ("lainnya", 5_000, 5_000)]
    sale = sale_store.recent(db, "0000", "9999")[0]
    assert (sale.change_given, sale.amount_paid) == (0, 105_000)


def test_kasbon_part_is_what_the_customer_owes(db: Database, kopi: str, sari: str) -> None:
    result = record_sale(db, [LineInput(kopi, 2, 35_000)], payment=Payment(
        {}, cash_given=20_000, credit=50_000, customer_id=sari, due_date=DUE))
    sale = sale_store.get(db, result.sale_id)
    assert sale is not None
    assert (sale.payment_method, sale.credit_amount, sale.due_date, sale.customer_id) == (
        SPLIT, 50_000, DUE.isoformat(), sari)
    assert _rows(db) == [("tunai", 20_000, 20_000)]
    assert credit_store.owed(db, sari) == 50_000
    assert customer_store.search(db, "sari")[0].owed == 50_000
    assert sari in result.change.customers
    assert payments_text(sale).startswith("Tunai Rp20.000 + Kasbon Rp50.000 · jatuh tempo ")


def test_whole_sale_on_kasbon_then_cancelled_takes_it_off_the_debt(db: Database, kopi: str, sari: str) -> None:
    result = record_sale(db, [LineInput(kopi, 1, 35_000)], payment=Payment(
        {}, credit=35_000, customer_id=sari, due_date=DUE))
    sale = sale_store.get(db, result.sale_id)
    assert sale is not None and sale.payment_method == CREDIT and sale.payments == []
    assert credit_store.owed(db, sari) == 35_000
    void_sale(db, result.sale_id, "salah catat")
    assert credit_store.owed(db, sari) == 0
    assert stock_store.on_hand(db, kopi) == 20


def test_return_on_a_kasbon_sale_comes_off_the_debt_first(db: Database, kopi: str, sari: str) -> None:
    result = record_sale(db, [LineInput(kopi, 2, 35_000)], payment=Payment(
        {}, cash_given=10_000, credit=60_000, customer_id=sari, due_date=DUE))
    sale = sale_store.get(db, result.sale_id)
    assert sale is not None
    refund, _change = return_items(db, result.sale_id, {sale.lines[0].id: 1}, "rusak")
    assert refund == 35_000 and credit_store.owed(db, sari) == 25_000


def test_pressing_twice_records_one_sale(db: Database, kopi: str) -> None:
    payment = Payment({PaymentMethod.QRIS: 20_000}, cash_given=None)
    first = record_sale(db, [LineInput(kopi, 1, 35_000)], payment=payment, sale_id="sale-1")
    again = record_sale(db, [LineInput(kopi, 1, 35_000)], payment=payment, sale_id="sale-1")
    assert again.already_saved and again.number == first.number
    assert len(sale_store.recent(db, "0000", "9999")) == 1 and len(_rows(db)) == 2
    assert stock_store.on_hand(db, kopi) == 19


@pytest.mark.parametrize("payment", [
    Payment({PaymentMethod.QRIS: 40_000}),  # more than the total
    Payment({PaymentMethod.QRIS: 10_000}, cash_given=20_000),  # cash short of the rest
    Payment({}, credit=35_000),  # kasbon without a customer
    Payment({}, credit=35_000, customer_id="nobody", due_date=DUE),  # a customer that does not exist
])
def test_a_wrong_payment_saves_nothing(db: Database, kopi: str, payment: Payment) -> None:
    with pytest.raises(UserError):
        record_sale(db, [LineInput(kopi, 1, 35_000)], payment=payment)
    assert sale_store.recent(db, "0000", "9999") == [] and _rows(db) == []
    assert stock_store.on_hand(db, kopi) == 20


def test_recap_counts_split_sales_under_each_method_and_kasbon_apart(db: Database, kopi: str, sari: str) -> None:
    record_sale(db, [LineInput(kopi, 1, 35_000)], PaymentMethod.CASH, 50_000)
    record_sale(db, [LineInput(kopi, 2, 35_000)], payment=Payment({PaymentMethod.QRIS: 30_000}, cash_given=50_000))
    record_sale(db, [LineInput(kopi, 1, 35_000)], payment=Payment(
        {PaymentMethod.TRANSFER: 5_000}, credit=30_000, customer_id=sari, due_date=DUE))
    recap = reports.daily_recap(db, local_day(now_utc(), "WIB"), "WIB")
    assert recap.by_method == [("tunai", 2, 75_000), ("qris", 1, 30_000), ("transfer", 1, 5_000),
                               ("kasbon", 1, 30_000)]
    assert (recap.counter_sales, recap.counter_gross) == (3, 140_000)
    assert sum(v for _m, _n, v in recap.by_method) == recap.counter_gross
