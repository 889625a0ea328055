"""What a counter shift should hold when it closes, and what a close must say (pure rules, no I/O).

The drawer holds the opening cash plus the cash that came in during the shift (sales' cash parts — their
`amount`, which already leaves out the change handed back — and kasbon paid in cash) minus the cash handed back
(voids' `refund_cash`, returns' refund less what came off a kasbon debt instead). QRIS and transfer are expected
the same way: sales' and kasbon payments' amounts by that method (refunds are handed back in cash).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from companion.domain.errors import UserError
from companion.domain.money import check_price
from companion.i18n import N_

CASH, QRIS, TRANSFER = "tunai", "qris", "transfer"  # the methods a close counts (sale_payments.method values)
MAX_REASON = 300
REASON_NEEDED = N_("The count differs from what was expected: write why, such as \"change given wrongly\".")
REASON_LONG = N_("The reason is too long: keep it under {count} characters.")


@dataclass(frozen=True)
class ShiftMoney:
    """The sums of one shift as the store reads them (all whole rupiah)."""

    opening_cash: int
    sales: Mapping[str, int] = field(default_factory=dict)  # sale payments' amount by method
    kasbon_payments: Mapping[str, int] = field(default_factory=dict)  # credit payments by method
    void_refund_cash: int = 0  # Σ sale_voids.refund_cash of voids made in the shift
    return_refund_cash: int = 0  # Σ (refund − credit_reduction) of returns made in the shift


@dataclass(frozen=True)
class ShiftActivity:
    """What happened in a shift, for its report (voided sales are counted in the sales, and again as voids)."""

    sale_count: int
    sale_total: int
    kasbon_given: int
    void_count: int
    void_total: int  # Σ totals of the sales voided in the shift (kasbon taken off included)
    return_count: int
    return_total: int  # Σ refunds of returns made in the shift (kasbon taken off included)


@dataclass(frozen=True)
class Expected:
    cash: int
    qris: int
    transfer: int


@dataclass(frozen=True)
class Counted:
    """What the cashier counted; QRIS and transfer only when the shop counts them (None = not counted)."""

    cash: int
    qris: int | None = None
    transfer: int | None = None


@dataclass(frozen=True)
class Close:
    expected: Expected
    counted: Counted
    difference: int  # counted − expected over what was counted (positive: more than expected)
    reason: str


def expected(money: ShiftMoney) -> Expected:
    """What the drawer and the QRIS/transfer statements should show at the close."""
    def by(method: str) -> int:
        return int(money.sales.get(method, 0)) + int(money.kasbon_payments.get(method, 0))
    cash = money.opening_cash + by(CASH) - money.void_refund_cash - money.return_refund_cash
    return Expected(cash=cash, qris=by(QRIS), transfer=by(TRANSFER))


def differences(exp: Expected, counted: Counted) -> dict[str, int]:
    """counted − expected per counted method (cash always; QRIS and transfer when counted)."""
    out = {CASH: counted.cash - exp.cash}
    if counted.qris is not None:
        out[QRIS] = counted.qris - exp.qris
    if counted.transfer is not None:
        out[TRANSFER] = counted.transfer - exp.transfer
    return out


def difference(exp: Expected, counted: Counted) -> int:
    """The one number a close keeps: the sum of every counted method's difference."""
    return sum(differences(exp, counted).values())


def close(money: ShiftMoney, counted: Counted, reason: str = "") -> Close:
    """Check a close: counts are whole rupiah ≥ 0, and a close that does not add up says why in one sentence."""
    for amount, name in ((counted.cash, N_("Counted cash")), (counted.qris, N_("Counted QRIS")),
                         (counted.transfer, N_("Counted transfer"))):
        if amount is not None:
            check_price(amount, name)
    exp = expected(money)
    diffs = differences(exp, counted)
    why = " ".join(reason.split())
    if any(diffs.values()) and not why:
        raise UserError(REASON_NEEDED)
    if len(why) > MAX_REASON:
        raise UserError(REASON_LONG, count=MAX_REASON)
    return Close(exp, counted, sum(diffs.values()), why)


def check_opening(opening_cash: int) -> int:
    """Opening cash: whole rupiah, 0 up to the most a price may be."""
    return check_price(opening_cash, N_("Opening cash"))
