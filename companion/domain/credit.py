"""A customer's kasbon (credit) as pure maths over its append-only rows: what is owed, since when, how late.

Owed = Σ kasbon of the customer's sales − Σ their payments − Σ what voids and returns took off (always; the
store's SQL sum and this must agree). Which kasbon is still open is a convention the shop knows: a void or return
takes its amount off its own sale first, and payments settle the oldest kasbon first (the day of the payment
does not matter, only the order of the sales). The oldest sale still open says "since when", and the earliest
due date among the open ones says whether the customer is late and by how many days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class KasbonSale:
    sale_id: str
    number: str
    day: date  # the shop day of the sale
    amount: int  # sales.credit_amount (> 0)
    due: date | None  # sales.due_date (None only for rows made without one)


@dataclass(frozen=True)
class CreditPayment:
    payment_id: str
    day: date
    amount: int  # > 0
    method: str
    note: str = ""


@dataclass(frozen=True)
class Reduction:
    """A void or return of a kasbon sale taking part of its kasbon off (credit_reduction)."""

    sale_id: str
    day: date
    amount: int


@dataclass(frozen=True)
class OpenKasbon:
    sale: KasbonSale
    left: int  # still unpaid of this sale's kasbon


@dataclass(frozen=True)
class CreditState:
    owed: int  # < 0: the customer paid ahead
    open: tuple[OpenKasbon, ...]  # oldest first
    since: date | None  # the day of the oldest sale still open
    oldest_due: date | None  # the earliest due date among the open sales
    overdue: bool
    days_late: int  # today − oldest_due when overdue, else 0


def credit_state(sales: Sequence[KasbonSale], payments: Sequence[CreditPayment],
                 reductions: Sequence[Reduction], today: date) -> CreditState:
    """Where a customer's kasbon stands on `today`."""
    owed = sum(s.amount for s in sales) - sum(p.amount for p in payments) - sum(r.amount for r in reductions)
    ordered = sorted(sales, key=lambda s: (s.day, s.number, s.sale_id))
    left = {s.sale_id: s.amount for s in ordered}
    spare = 0  # taken off beyond its own sale's kasbon (not expected): settles the oldest like a payment
    for r in reductions:
        own = min(r.amount, left.get(r.sale_id, 0))
        if r.sale_id in left:
            left[r.sale_id] -= own
        spare += r.amount - own
    pool = spare + sum(p.amount for p in payments)
    still: list[OpenKasbon] = []
    for s in ordered:
        take = min(pool, left[s.sale_id])
        pool -= take
        if left[s.sale_id] - take > 0:
            still.append(OpenKasbon(s, left[s.sale_id] - take))
    dues = [o.sale.due for o in still if o.sale.due is not None]
    oldest_due = min(dues) if dues else None
    overdue = oldest_due is not None and oldest_due < today
    return CreditState(owed, tuple(still), still[0].sale.day if still else None, oldest_due, overdue,
                       (today - oldest_due).days if overdue and oldest_due is not None else 0)


def unpaid_total(state: CreditState) -> int:
    """Σ of what is left on the open sales: equals `owed` whenever owed ≥ 0 (the property tests hold it)."""
    return sum(o.left for o in state.open)
