"""How a sale is paid (domain/payments.py): the parts always add up to the total, change only ever comes from cash,
and every impossible payment is one plain sentence."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion.domain.errors import UserError
from companion.domain.payments import CREDIT, SPLIT, Payment, settle
from companion.domain.sale import PaymentMethod

TODAY = date(2026, 12, 7)


def test_one_method_pays_the_whole_total() -> None:
    cash = settle(35_000, Payment.single(PaymentMethod.CASH, 50_000))
    assert (cash.summary, cash.change, cash.tendered, cash.paid_now) == ("tunai", 15_000, 50_000, 35_000)
    qris = settle(35_000, Payment.single(PaymentMethod.QRIS))
    assert (qris.summary, qris.change, [(p.method, p.amount) for p in qris.parts]) == (
        "qris", 0, [(PaymentMethod.QRIS, 35_000)])


def test_cash_and_qris_split_with_change_only_from_cash() -> None:
    paid = settle(85_000, Payment({PaymentMethod.QRIS: 50_000}, cash_given=40_000))
    assert paid.summary == SPLIT
    assert [(p.method, p.amount, p.tendered) for p in paid.parts] == [
        (PaymentMethod.CASH, 35_000, 40_000), (PaymentMethod.QRIS, 50_000, 50_000)]
    assert paid.change == 5_000


def test_kasbon_whole_or_part() -> None:
    whole = settle(60_000, Payment({}, credit=60_000, customer_id="c1", due_date=TODAY), TODAY)
    assert (whole.summary, whole.parts, whole.credit) == (CREDIT, (), 60_000)
    part = settle(60_000, Payment({}, cash_given=20_000, credit=40_000, customer_id="c1", due_date=TODAY), TODAY)
    assert (part.summary, part.paid_now, part.credit, part.change) == (SPLIT, 20_000, 40_000, 0)


@pytest.mark.parametrize(("payment", "words"), [
    (Payment({}, cash_given=10_000), "less than the total"),
    (Payment({PaymentMethod.QRIS: 20_000}, cash_given=5_000), "less than what is due in cash"),
    (Payment({PaymentMethod.QRIS: 40_000}), "more than the total"),
    (Payment({PaymentMethod.QRIS: 30_000}, cash_given=5_000), "No cash is due"),
    (Payment({PaymentMethod.TRANSFER: -5}), "cannot be negative"),
    (Payment({}, credit=30_000, due_date=TODAY), "Choose the customer"),
    (Payment({}, credit=30_000, customer_id="c1"), "Choose when"),
    (Payment({}, credit=30_000, customer_id="c1", due_date=date(2026, 12, 6)), "already passed"),
])
def test_impossible_payments_are_one_sentence(payment: Payment, words: str) -> None:
    with pytest.raises(UserError) as refused:
        settle(30_000, payment, TODAY)
    assert words in str(refused.value.args[0]) and "\n" not in refused.value.message()


@given(total=st.integers(0, 5_000_000), qris=st.integers(0, 5_000_000), credit=st.integers(0, 5_000_000),
       extra=st.integers(0, 200_000))
def test_parts_and_kasbon_always_make_the_total(total: int, qris: int, credit: int, extra: int) -> None:
    payment = Payment({PaymentMethod.QRIS: qris}, cash_given=None, credit=credit, customer_id="c1", due_date=TODAY)
    due_in_cash = total - qris - credit
    if due_in_cash < 0:
        with pytest.raises(UserError):
            settle(total, payment, TODAY)
        return
    with_cash = Payment(payment.others, due_in_cash + extra if due_in_cash else None, credit, "c1", TODAY)
    paid = settle(total, with_cash, TODAY)
    assert paid.paid_now + paid.credit == total
    assert paid.change == (extra if due_in_cash else 0)
    assert all(p.amount > 0 and p.tendered >= p.amount for p in paid.parts)
    assert all(p.tendered == p.amount for p in paid.parts if p.method is not PaymentMethod.CASH)
