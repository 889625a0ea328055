"""Taking the money for the cart: the checks before a sale is recorded, in the order a cashier meets them.

The payment is checked against the total first (one sentence, cart kept); a discount over the owner's limit asks
for the owner's PIN; a QRIS part shows the code with its exact amount until the cashier confirms it was paid; then
the sale is recorded once (the cart's sale id makes a second press find the saved sale).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from companion.domain.clock import local_day, now_utc
from companion.domain.errors import UserError
from companion.domain.money import format_rupiah
from companion.domain.payments import Payment, Settlement, settle
from companion.domain.qris import with_amount
from companion.domain.sale import LineInput, PaymentMethod, SaleTotals, totals
from companion.domain.settings_keys import OWNER_DISCOUNT_LIMIT, TIME_ZONE
from companion.gui.cashier_login import ensure_cashier
from companion.gui.context import AppContext
from companion.gui.messages import error_text
from companion.i18n import tr
from companion.services.qris import static_payload

if TYPE_CHECKING:  # the sale's modules load with the first sale (or right after the first paint), not before it
    from companion.gui.qris_pay_dialog import QrisPayDialog
    from companion.services.sales import SaleResult


@dataclass(frozen=True)
class SaleRequest:
    """Everything the counter hands over to be paid: the cart's lines, its discount and its sale id."""

    sale_id: str
    lines: list[LineInput]
    sale_discount: int


def qris_part(paid: Settlement) -> int:
    return sum(p.amount for p in paid.parts if p.method is PaymentMethod.QRIS)


def cash_taken(paid: Settlement | None) -> bool:
    """Whether cash changed hands (the drawer opens for the receipt)."""
    return paid is not None and any(p.method is PaymentMethod.CASH and p.tendered for p in paid.parts)


def no_qris_note(ctx: AppContext) -> str:
    """The sentence shown when QRIS is chosen but the shop's QRIS is not set up ("" when it is)."""
    if static_payload(ctx.db):
        return ""
    return tr("No QRIS code can be shown: set the shop's QRIS in Settings → Shop QRIS. The sale can still be "
              "recorded as QRIS once the buyer has paid.")


class Checkout:
    """One cart's way to a recorded sale. `failed(sentence)` when it stops; `done(result)` once it is saved."""

    def __init__(self, parent: QWidget, ctx: AppContext, failed: Callable[[str], None],
                 done: Callable[[SaleResult], None], back: Callable[[], None]) -> None:
        self.parent, self.ctx = parent, ctx
        self.failed, self.done, self.back = failed, done, back
        self.qris_dialog: QrisPayDialog | None = None
        self._allowed_discount: tuple[str, int] | None = None  # (sale id, discount) the owner allowed

    def check(self, request: SaleRequest, payment: Payment) -> tuple[SaleTotals, Settlement]:
        """The totals and how they are paid; UserError with the sentence to show when they cannot be."""
        t = totals(request.lines, request.sale_discount)
        today = local_day(now_utc(), self.ctx.setting(TIME_ZONE))
        return t, settle(t.total, payment, today)

    def pay(self, request: SaleRequest, payment: Payment) -> None:
        """Check, ask who must be asked, then record (or say in one sentence why not: the cart stays)."""
        try:
            t, paid = self.check(request, payment)
        except UserError as exc:
            self.failed(exc.message())
            return
        if not ensure_cashier(self.parent, self.ctx):  # cashiers are set up and nobody said who is selling
            self.failed(tr("Choose who is at the counter first: every sale records its cashier."))
            return
        if not self._discount_allowed(request, t):
            return
        amount = qris_part(paid)
        payload = static_payload(self.ctx.db) if amount else ""
        if payload:
            self._confirm_qris(payload, amount, lambda: self.record(request, payment))
        else:
            self.record(request, payment)

    def _discount_allowed(self, request: SaleRequest, t: SaleTotals) -> bool:
        """A discount (line and sale discounts together) over the owner's limit, as a share of the price before
        any discount, needs the owner's PIN once per cart and amount."""
        gross = sum(line.gross for line in request.lines)
        given = gross - t.total
        limit = self.ctx.setting(OWNER_DISCOUNT_LIMIT)
        if not given or given * 100 <= limit * gross or self._allowed_discount == (request.sale_id, given):
            return True
        percent = (given * 100 + gross - 1) // gross
        from companion.gui.owner_pin import ask_owner  # the PIN dialogs load when first asked for

        if ask_owner(self.parent, self.ctx, tr("A discount of {amount} ({percent}%) on this sale.",
                                               amount=format_rupiah(given), percent=percent)):
            self._allowed_discount = (request.sale_id, given)
            return True
        self.failed(tr("A discount over {limit}% needs the owner's PIN: lower the discount or ask the owner.",
                       limit=limit))
        return False

    def _confirm_qris(self, payload: str, amount: int, then: Callable[[], None]) -> None:
        try:
            code = with_amount(payload, amount)
        except UserError as exc:
            self.failed(exc.message())
            return
        from companion.gui.qris_pay_dialog import QrisPayDialog  # segno loads with the first QRIS sale

        dialog = QrisPayDialog(code, amount, self.parent)
        dialog.accepted.connect(then)
        dialog.rejected.connect(self.back)
        self.qris_dialog = dialog
        dialog.open()

    def record(self, request: SaleRequest, payment: Payment) -> None:
        from companion.services.sales import record_sale

        try:
            result = record_sale(self.ctx.db, request.lines, payment=payment, sale_discount=request.sale_discount,
                                 sale_id=request.sale_id, actor=self.ctx.cashier_id)
        except Exception as exc:  # nothing was saved: say why in one sentence, keep the cart
            self.failed(error_text(exc))
            return
        self.done(result)
