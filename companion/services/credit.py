"""Kasbon payments (one transaction each) and where a customer's kasbon stands, read in the shop's days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from companion.domain.clock import local_day, now_utc, parse_stamp, stamp
from companion.domain.credit import CreditPayment, CreditState, KasbonSale, Reduction, credit_state
from companion.domain.errors import NotFound, UserError
from companion.domain.ids import new_id
from companion.domain.money import check_price, format_rupiah
from companion.domain.sale import PaymentMethod
from companion.domain.settings_keys import TIME_ZONE
from companion.i18n import N_
from companion.services.change import Change
from companion.store import credit as credit_store
from companion.store import customers as customer_store
from companion.store import settings as settings_store
from companion.store import shifts as shift_store
from companion.store.database import Database

MAX_NOTE = 200


def pay_credit(db: Database, customer_id: str, amount: int, method: PaymentMethod | str, note: str = "",
               actor: str | None = None, *, payment_id: str | None = None) -> Change:
    """Record a payment against a customer's kasbon, carrying the open shift and the cashier. Refused when it is
    zero, negative or more than what is owed. `payment_id`, made when the form opens, makes a second press
    (or a retry after a crash) find the saved payment instead of paying twice."""
    method = PaymentMethod(method)
    if amount <= 0:
        raise UserError(N_("Write how much the customer pays now: more than Rp0."))
    check_price(amount, N_("Payment"))
    if len(note) > MAX_NOTE:
        raise UserError(N_("The note is too long: keep it under {n} letters."), n=MAX_NOTE)
    payment_id = payment_id or new_id()
    with db.write():
        if credit_store.payment_exists(db, payment_id):
            return Change(customers=frozenset({customer_id}))
        customer = customer_store.get(db, customer_id)
        if customer is None:
            raise NotFound(N_("This customer was not found: choose them again or add them."))
        if customer.owed <= 0:
            raise UserError(N_("{name} owes nothing on kasbon now: there is nothing to pay."), name=customer.name)
        if amount > customer.owed:
            raise UserError(N_("The payment is larger than the debt {owed}: receive at most {owed}."),
                            owed=format_rupiah(customer.owed))
        credit_store.insert_payment(db, {
            "id": payment_id, "customer_id": customer_id, "amount": amount, "method": method.value,
            "note": note.strip(), "created_at": stamp(), "cashier_id": actor,
            "shift_id": shift_store.open_shift_id(db)})
    return Change(customers=frozenset({customer_id}))


@dataclass(frozen=True)
class CustomerCredit:
    """A customer's kasbon as the debt page shows it: the rows and where they stand today."""

    sales: list[credit_store.KasbonSaleRow]
    payments: list[credit_store.CreditPaymentRow]
    state: CreditState


def customer_credit(db: Database, customer_id: str, today: date | None = None) -> CustomerCredit:
    """Read the customer's kasbon rows and work out owed, since when and how late (reads only)."""
    zone = settings_store.get(db, TIME_ZONE)
    today = today or local_day(now_utc(), zone)

    def day(text: str) -> date:
        return local_day(parse_stamp(text), zone)

    sales = credit_store.kasbon_sales(db, customer_id)
    paid = credit_store.payments(db, customer_id)
    state = credit_state(
        [KasbonSale(s.sale_id, s.number, day(s.created_at), s.credit_amount,
                    date.fromisoformat(s.due_date) if s.due_date else None) for s in sales],
        [CreditPayment(p.id, day(p.created_at), p.amount, p.method, p.note) for p in paid],
        [Reduction(r.sale_id, day(r.created_at), r.amount) for r in credit_store.reductions(db, customer_id)],
        today)
    return CustomerCredit(sales, paid, state)


@dataclass(frozen=True)
class CustomerLine:
    """A row of the customer list: the customer and, when they owe anything, where their kasbon stands."""

    customer: customer_store.CustomerRow
    state: CreditState | None


def customer_lines(db: Database, text: str = "", limit: int = 200, today: date | None = None) -> list[CustomerLine]:
    """The customer list (those who owe first, the most first), with since when and how late for each who owes."""
    zone = settings_store.get(db, TIME_ZONE)
    today = today or local_day(now_utc(), zone)
    rows = customer_store.search(db, text, limit, owing_first=True)
    return [CustomerLine(c, customer_credit(db, c.id, today).state if c.owed > 0 else None) for c in rows]
