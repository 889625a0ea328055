"""Counter sales: record, void and return. A sale, its lines, its stock movements and its
outbox entry commit together or not at all; voids and returns are new facts, never deletions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from companion.domain.clock import local_day, now_utc, stamp
from companion.domain.errors import NotFound, UserError
from companion.domain.ids import fact_id, new_id, new_ids
from companion.domain.ledger import MovementKind
from companion.domain.money import check_quantity
from companion.domain.payments import Payment, Settlement, settle
from companion.domain.sale import LineInput, PaymentMethod, SaleTotals, totals
from companion.domain.settings_keys import TIME_ZONE
from companion.i18n import N_
from companion.services.change import Change
from companion.services.stock_push import queue_stock_push
from companion.store import credit as credit_store
from companion.store import sales as sale_store
from companion.store import settings as settings_store
from companion.store import shifts as shift_store
from companion.store import stock as stock_store
from companion.store.database import Database


@dataclass(frozen=True)
class SaleResult:
    sale_id: str
    number: str
    totals: SaleTotals
    amount_paid: int
    change_given: int
    change: Change
    already_saved: bool = False
    settlement: Settlement | None = None  # how it was paid (None when an earlier press had saved it)


def record_sale(
    db: Database,
    lines: list[LineInput],
    method: PaymentMethod = PaymentMethod.CASH,
    amount_paid: int | None = None,
    sale_discount: int = 0,
    sale_id: str | None = None,
    *,
    payment: Payment | None = None,
    actor: str | None = None,
    now: datetime | None = None,
) -> SaleResult:
    """Save a finished counter sale. `sale_id` is made when the cart opens, so pressing Enter twice
    (or retrying after a crash) finds the saved sale instead of selling twice. `payment` says how it was paid
    (several methods, kasbon); without it `method` paid the whole total (cash: `amount_paid` handed over).
    `actor` is the cashier at the counter; the open shift is attached here. `now` back-dates a sale (sample
    data, imports); the counter leaves it out."""
    t = totals(lines, sale_discount)
    moment = now or now_utc()
    payment = payment or Payment.single(method, amount_paid)
    sale_id = sale_id or new_id()
    created = stamp(moment)
    with db.write():
        existing = sale_store.get(db, sale_id)
        if existing is not None:
            return SaleResult(sale_id, existing.number, t, existing.amount_paid, existing.change_given,
                              Change(sales=frozenset({sale_id})), already_saved=True)
        zone = settings_store.get(db, TIME_ZONE)
        paid = settle(t.total, payment, local_day(moment, zone) if now is None else None)
        if paid.credit and not credit_store.customer_usable(db, payment.customer_id or ""):
            raise NotFound(N_("This customer was not found: choose them again or add them."))
        # Read once, inside the transaction (never cached across sales: another laptop's hub apply or another
        # process may change the shift, outlet or products between two sales): number, shift and outlet in one
        # statement, every product of the cart in one more. Every line's stock comes out of this laptop's outlet.
        start = sale_store.counter_start(db, local_day(moment, zone).strftime("%Y%m%d"))
        named = sale_store.line_products(db, [line.product_id for line in lines])
        if any(line.product_id not in named for line in lines):
            raise NotFound(N_("A product in the cart no longer exists: remove it and scan again."))
        _insert_sale(db, sale_id, start, created, (t, len(lines)), paid, payment, actor)
        line_ids = new_ids(len(lines))
        sale_store.insert_lines(db, [
            {"id": line_ids[no - 1], "sale_id": sale_id, "line_no": no, "product_id": line.product_id,
             "sku": named[line.product_id].sku, "name": named[line.product_id].name, "quantity": line.quantity,
             "unit_price": line.unit_price, "line_discount": line.line_discount, "line_total": line.total}
            for no, line in enumerate(lines, start=1)])
        stock_store.add_counter_movements(db, [(line.product_id, -line.quantity) for line in lines],
                                          MovementKind.COUNTER_SALE, reference=f"sale:{sale_id}", created_at=created,
                                          actor_id=actor, outlet_id=start.outlet_id)
        product_ids = {line.product_id for line in lines}
        queue_stock_push(db, product_ids, f"sale:{sale_id}")
    customers = frozenset({payment.customer_id}) if payment.customer_id else frozenset()
    return SaleResult(sale_id, start.number, t, paid.tendered, paid.change,
                      Change(products=frozenset(product_ids), sales=frozenset({sale_id}), customers=customers),
                      settlement=paid)


def _insert_sale(db: Database, sale_id: str, start: sale_store.CounterStart, created: str,
                 counted: tuple[SaleTotals, int], paid: Settlement, payment: Payment, actor: str | None) -> None:
    """The sale row and one row per payment method (what counts, what was handed over); `start`: its number, the
    open shift and the outlet it was sold at."""
    t, line_count = counted
    shift_id = start.shift_id
    sale_store.insert_sale(db, {
        "id": sale_id, "number": start.number, "created_at": created, "subtotal": t.subtotal,
        "sale_discount": t.sale_discount, "total": t.total, "payment_method": paid.summary,
        "amount_paid": paid.tendered, "change_given": paid.change, "line_count": line_count,
        "customer_id": payment.customer_id, "credit_amount": paid.credit,
        "due_date": payment.due_date.isoformat() if paid.credit and payment.due_date else None,
        "cashier_id": actor, "shift_id": shift_id, "outlet_id": start.outlet_id,
    })
    sale_store.insert_payments(db, [{"id": payment_id, "sale_id": sale_id, "method": part.method.value,
                                     "amount": part.amount, "tendered": part.tendered, "created_at": created,
                                     "shift_id": shift_id}
                                    for part, payment_id in zip(paid.parts, new_ids(len(paid.parts)), strict=True)])


def void_sale(db: Database, sale_id: str, reason: str, *, actor: str | None = None) -> Change:
    """Cancel a whole sale: a void fact plus movements that put every unit back. A kasbon sale's unpaid part
    comes off the customer's debt; only what was paid is handed back in cash (`refund_cash`)."""
    if not reason.strip():
        raise UserError(N_("Write why the sale is cancelled, such as \"wrong item scanned\"."))
    with db.write():
        sale = sale_store.get(db, sale_id)
        if sale is None:
            raise NotFound(N_("This sale was not found: search for it again."))
        if sale.voided:
            raise UserError(N_("This sale was already cancelled."))
        if any(line.returned for line in sale.lines):
            raise UserError(N_("Items of this sale were already returned: return the remaining items instead."))
        off_debt = _credit_share(db, sale, sale.total)
        # One void per sale on every laptop: its id and its movements' ids come from the sale (domain/ids.fact_id),
        # so two laptops voiding the same sale offline merge into one void, put back into stock once.
        sale_store.insert_void(db, {"id": fact_id(f"void:{sale_id}"), "sale_id": sale_id, "reason": reason.strip(),
                                    "created_at": stamp(), "cashier_id": actor,
                                    "shift_id": shift_store.open_shift_id(db), "credit_reduction": off_debt,
                                    "refund_cash": sale.total - off_debt})
        for line in sale.lines:
            stock_store.add_movement(db, line.product_id, MovementKind.COUNTER_RETURN, line.quantity,
                                     reason=reason.strip(), reference=f"void:{sale_id}",
                                     dedupe_key=f"void:{sale_id}:{line.id}", actor_id=actor,
                                     outlet_id=sale.outlet_id)  # the units never left the outlet that sold them
        product_ids = {line.product_id for line in sale.lines}
        queue_stock_push(db, product_ids, f"void:{sale_id}")
    customers = frozenset({sale.customer_id}) if sale.customer_id else frozenset()
    return Change(products=frozenset(product_ids), sales=frozenset({sale_id}), customers=customers)


def _credit_share(db: Database, sale: sale_store.SaleRow, value: int) -> int:
    """How much of `value` given back on a kasbon sale comes off the customer's debt instead of out of the till:
    at most the sale's kasbon not yet taken off, and at most what the customer still owes."""
    if not sale.credit_amount or not sale.customer_id:
        return 0
    already = credit_store.returned_off_debt(db, sale.id)
    return max(0, min(value, sale.credit_amount - already, credit_store.owed(db, sale.customer_id)))


def return_items(db: Database, sale_id: str, quantities: dict[str, int], reason: str,
                 *, actor: str | None = None) -> tuple[int, Change]:
    """Take back some units of a sale (by sale line id); returns the refund in rupiah (on a kasbon sale, the part
    that comes off the customer's debt is included: it is recorded as `credit_reduction`)."""
    if not reason.strip():
        raise UserError(N_("Write why the items are returned, such as \"damaged\"."))
    quantities = {k: v for k, v in quantities.items() if v}
    if not quantities:
        raise UserError(N_("Choose how many units come back for at least one item."))
    for qty in quantities.values():
        check_quantity(qty)
    return_id = new_id()
    with db.write():
        sale = sale_store.get(db, sale_id)
        if sale is None:
            raise NotFound(N_("This sale was not found: search for it again."))
        if sale.voided:
            raise UserError(N_("This sale was cancelled, so nothing can be returned."))
        lines = {line.id: line for line in sale.lines}
        refund = 0
        for line_id, qty in quantities.items():
            line = lines.get(line_id)
            if line is None:
                raise NotFound(N_("An item is not part of this sale: open the sale again."))
            if qty > line.quantity - line.returned:
                raise UserError(N_("Only {left} of \"{name}\" can still be returned."),
                                left=line.quantity - line.returned, name=line.name)
            refund += _refund_share(sale, line.line_total, line.quantity, qty)
        sale_store.insert_return(db, {"id": return_id, "sale_id": sale_id, "reason": reason.strip(),
                                      "refund": refund, "created_at": stamp(), "cashier_id": actor,
                                      "shift_id": shift_store.open_shift_id(db),
                                      "credit_reduction": _credit_share(db, sale, refund)}, quantities)
        for line_id, qty in quantities.items():
            stock_store.add_movement(db, lines[line_id].product_id, MovementKind.COUNTER_RETURN, qty,
                                     reason=reason.strip(), reference=f"return:{return_id}", actor_id=actor)
        product_ids = {lines[i].product_id for i in quantities}
        queue_stock_push(db, product_ids, f"return:{return_id}")
    customers = frozenset({sale.customer_id}) if sale.customer_id else frozenset()
    return refund, Change(products=frozenset(product_ids), sales=frozenset({sale_id}), customers=customers)


def _refund_share(sale: sale_store.SaleRow, line_total: int, line_qty: int, qty: int) -> int:
    """What the buyer paid for `qty` units of a line, after its share of the sale discount (rounded down)."""
    paid_for_line = line_total
    if sale.sale_discount and sale.subtotal:
        paid_for_line = line_total - (sale.sale_discount * line_total) // sale.subtotal
    return (paid_for_line * qty) // line_qty
