"""Counter sale arithmetic: line totals, discounts, payment and change, all in whole rupiah."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from companion.domain.errors import UserError
from companion.domain.money import check_price, check_quantity
from companion.i18n import N_, tr


class PaymentMethod(StrEnum):
    CASH = "tunai"
    QRIS = "qris"
    TRANSFER = "transfer"
    OTHER = "lainnya"

    def label(self) -> str:
        return tr(_PAYMENT_LABELS[self])


_PAYMENT_LABELS = {
    PaymentMethod.CASH: N_("Cash"),
    PaymentMethod.QRIS: N_("QRIS"),
    PaymentMethod.TRANSFER: N_("Transfer"),
    PaymentMethod.OTHER: N_("Other"),
}


@dataclass(frozen=True)
class LineInput:
    """One line of the cart as the cashier left it."""

    product_id: str
    quantity: int
    unit_price: int
    line_discount: int = 0

    @property
    def gross(self) -> int:
        return self.quantity * self.unit_price

    @property
    def total(self) -> int:
        return self.gross - self.line_discount


@dataclass(frozen=True)
class SaleTotals:
    subtotal: int  # sum of line totals after line discounts
    sale_discount: int
    total: int


def check_line(line: LineInput) -> None:
    check_quantity(line.quantity)
    check_price(line.unit_price)
    if line.line_discount < 0:
        raise UserError(N_("A discount cannot be negative."))
    if line.line_discount > line.gross:
        raise UserError(N_("The discount on a line cannot be more than the line's price."))


def totals(lines: list[LineInput], sale_discount: int = 0) -> SaleTotals:
    """Totals of a cart; raises UserError on an empty cart or an impossible discount."""
    if not lines:
        raise UserError(N_("The sale has no items: scan or search a product first."))
    for line in lines:
        check_line(line)
    subtotal = sum(line.total for line in lines)
    if sale_discount < 0:
        raise UserError(N_("A discount cannot be negative."))
    if sale_discount > subtotal:
        raise UserError(N_("The discount cannot be more than the sale's total."))
    return SaleTotals(subtotal=subtotal, sale_discount=sale_discount, total=subtotal - sale_discount)


def change_due(total: int, method: PaymentMethod, amount_paid: int | None) -> tuple[int, int]:
    """(amount paid, change). Cash needs at least the total; other methods are paid exactly."""
    if method is not PaymentMethod.CASH:
        return total, 0
    paid = total if amount_paid is None else amount_paid
    if paid < total:
        raise UserError(N_("The cash given is less than the total: ask for more or choose another payment."))
    check_price(paid, N_("Cash given"))
    return paid, paid - total
