"""How a counter sale is paid: one method, several (cash + QRIS), part or all on kasbon (credit), in whole rupiah.

The cashier types what came by QRIS, transfer or another way, and what is left on kasbon; whatever remains is
due in cash, and the cash handed over may be more (the rest is change). Change only ever comes from cash.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from companion.domain.errors import UserError
from companion.domain.money import check_price
from companion.domain.sale import PaymentMethod
from companion.i18n import N_

SPLIT = "campuran"  # sales.payment_method when several methods (or some kasbon with money) paid the sale
CREDIT = "kasbon"  # sales.payment_method when nothing was paid at the counter


@dataclass(frozen=True)
class Payment:
    """What the cashier entered at payment time, before it is checked against the total."""

    others: Mapping[PaymentMethod, int]  # QRIS, transfer, other: exact amounts (cash is never here)
    cash_given: int | None = None  # cash handed over; None = exactly what is due in cash
    credit: int = 0  # left on kasbon
    customer_id: str | None = None  # required with credit; optional otherwise (a regular buyer)
    due_date: date | None = None  # required with credit

    @classmethod
    def single(cls, method: PaymentMethod, cash_given: int | None = None) -> Payment:
        """The whole total by one method (cash: `cash_given` handed over, None = exact)."""
        if method is PaymentMethod.CASH:
            return cls({}, cash_given)
        return cls({method: -1})  # -1: "the whole total", resolved by settle()


@dataclass(frozen=True)
class PaymentPart:
    method: PaymentMethod
    amount: int  # what counts towards the sale
    tendered: int  # what was handed over (cash: amount + change)


@dataclass(frozen=True)
class Settlement:
    parts: tuple[PaymentPart, ...]
    credit: int
    change: int
    summary: str  # sales.payment_method: one method's value, SPLIT or CREDIT

    @property
    def tendered(self) -> int:
        """sales.amount_paid: everything handed over at the counter."""
        return sum(p.tendered for p in self.parts)

    @property
    def paid_now(self) -> int:
        return sum(p.amount for p in self.parts)


def settle(total: int, payment: Payment, today: date | None = None) -> Settlement:
    """Check `payment` against `total`; UserError with one plain sentence when it cannot pay the sale."""
    resolved = {m: (total if a == -1 else a) for m, a in payment.others.items()}
    others = {m: a for m, a in resolved.items() if a}
    if PaymentMethod.CASH in others:
        raise ValueError("cash goes in cash_given, not others")
    for amount in [*others.values(), payment.credit]:
        if amount < 0:
            raise UserError(N_("A payment cannot be negative."))
        check_price(amount, N_("Payment"))
    if payment.credit:
        _check_credit(payment, today)
    cash_due = total - sum(others.values()) - payment.credit
    if cash_due < 0:
        raise UserError(N_("The payments add up to more than the total: lower the QRIS, transfer or kasbon amount."))
    parts = [PaymentPart(m, a, a) for m, a in others.items()]
    change = 0
    given = cash_due if payment.cash_given is None else payment.cash_given
    check_price(given, N_("Cash given"))
    if cash_due > 0:
        if given < cash_due and not others and not payment.credit:
            raise UserError(N_("The cash given is less than the total: ask for more or choose another payment."))
        if given < cash_due:
            raise UserError(N_("The cash given is less than what is due in cash: ask for more or choose another "
                               "payment."))
        parts.insert(0, PaymentPart(PaymentMethod.CASH, cash_due, given))
        change = given - cash_due
    elif given > 0:
        raise UserError(N_("No cash is due: the other payments already cover the total."))
    return Settlement(tuple(parts), payment.credit, change, _summary(parts, payment.credit, total))


def _check_credit(payment: Payment, today: date | None) -> None:
    if not payment.customer_id:
        raise UserError(N_("Choose the customer who takes this on kasbon, or add them first."))
    if payment.due_date is None:
        raise UserError(N_("Choose when the kasbon must be paid."))
    if today is not None and payment.due_date < today:
        raise UserError(N_("The kasbon due date has already passed: choose today or a later day."))


def _summary(parts: list[PaymentPart], credit: int, total: int) -> str:
    if credit and credit == total:
        return CREDIT
    if len(parts) == 1 and not credit:
        return parts[0].method.value
    if not parts and not credit:  # a free sale (total 0): recorded as cash, as before v11
        return PaymentMethod.CASH.value
    return SPLIT
