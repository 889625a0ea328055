"""Counter sales: record, void and return. A sale, its lines, its stock movements and its
outbox entry commit together or not at all; voids and returns are new facts, never deletions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from companion.domain.clock import local_day, now_utc, stamp
from companion.domain.errors import NotFound, UserError
from companion.domain.ids import new_id
from companion.domain.ledger import MovementKind
from companion.domain.money import check_quantity
from companion.domain.sale import LineInput, PaymentMethod, SaleTotals, change_due, totals
from companion.domain.settings_keys import TIME_ZONE
from companion.i18n import N_
from companion.services.change import Change
from companion.services.stock_push import queue_stock_push
from companion.store import products as product_store
from companion.store import sales as sale_store
from companion.store import settings as settings_store
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


def record_sale(
    db: Database,
    lines: list[LineInput],
    method: PaymentMethod,
    amount_paid: int | None = None,
    sale_discount: int = 0,
    sale_id: str | None = None,
    *,
    now: datetime | None = None,
) -> SaleResult:
    """Save a finished counter sale. `sale_id` is made when the cart opens, so pressing Enter twice
    (or retrying after a crash) finds the saved sale instead of selling twice. `now` back-dates a
    sale (sample data, imports); the counter leaves it out."""
    t = totals(lines, sale_discount)
    paid, change = change_due(t.total, method, amount_paid)
    sale_id = sale_id or new_id()
    moment = now or now_utc()
    created = stamp(moment)
    with db.write():
        existing = sale_store.get(db, sale_id)
        if existing is not None:
            return SaleResult(sale_id, existing.number, t, existing.amount_paid, existing.change_given,
                              Change(sales=frozenset({sale_id})), already_saved=True)
        day_code = local_day(moment, settings_store.get(db, TIME_ZONE)).strftime("%Y%m%d")
        number = sale_store.next_number(db, day_code)
        sale_store.insert_sale(db, {
            "id": sale_id, "number": number, "created_at": created, "subtotal": t.subtotal,
            "sale_discount": t.sale_discount, "total": t.total, "payment_method": method.value,
            "amount_paid": paid, "change_given": change, "line_count": len(lines),
        })
        for no, line in enumerate(lines, start=1):
            product = product_store.get(db, line.product_id)
            if product is None:
                raise NotFound(N_("A product in the cart no longer exists: remove it and scan again."))
            sale_store.insert_line(db, {
                "id": new_id(), "sale_id": sale_id, "line_no": no, "product_id": product.id,
                "sku": product.sku, "name": product.display_name, "quantity": line.quantity,
                "unit_price": line.unit_price, "line_discount": line.line_discount, "line_total": line.total,
            })
            stock_store.add_movement(db, product.id, MovementKind.COUNTER_SALE, -line.quantity,
                                     reference=f"sale:{sale_id}", created_at=created)
        product_ids = {line.product_id for line in lines}
        queue_stock_push(db, product_ids, f"sale:{sale_id}")
    return SaleResult(sale_id, number, t, paid, change, Change(products=frozenset(product_ids),
                                                                sales=frozenset({sale_id})))


def void_sale(db: Database, sale_id: str, reason: str) -> Change:
    """Cancel a whole sale: a void fact plus movements that put every unit back."""
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
        sale_store.insert_void(db, {"id": new_id(), "sale_id": sale_id, "reason": reason.strip(),
                                    "created_at": stamp()})
        for line in sale.lines:
            stock_store.add_movement(db, line.product_id, MovementKind.COUNTER_RETURN, line.quantity,
                                     reason=reason.strip(), reference=f"void:{sale_id}")
        product_ids = {line.product_id for line in sale.lines}
        queue_stock_push(db, product_ids, f"void:{sale_id}")
    return Change(products=frozenset(product_ids), sales=frozenset({sale_id}))


def return_items(db: Database, sale_id: str, quantities: dict[str, int], reason: str) -> tuple[int, Change]:
    """Take back some units of a sale (by sale line id); returns the refund in rupiah."""
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
                                      "refund": refund, "created_at": stamp()}, quantities)
        for line_id, qty in quantities.items():
            stock_store.add_movement(db, lines[line_id].product_id, MovementKind.COUNTER_RETURN, qty,
                                     reason=reason.strip(), reference=f"return:{return_id}")
        product_ids = {lines[i].product_id for i in quantities}
        queue_stock_push(db, product_ids, f"return:{return_id}")
    return refund, Change(products=frozenset(product_ids), sales=frozenset({sale_id}))


def _refund_share(sale: sale_store.SaleRow, line_total: int, line_qty: int, qty: int) -> int:
    """What the buyer paid for `qty` units of a line, after its share of the sale discount (rounded down)."""
    paid_for_line = line_total
    if sale.sale_discount and sale.subtotal:
        paid_for_line = line_total - (sale.sale_discount * line_total) // sale.subtotal
    return (paid_for_line * qty) // line_qty
