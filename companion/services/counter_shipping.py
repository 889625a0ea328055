"""A counter sale taken by phone or WhatsApp can be sent by courier too: marked "dikirim" with the courier and
(when there is one) the tracking number, so the shop has one list of what left the building
(store/counter_shipments.py `departures`)."""

from __future__ import annotations

from companion.domain.clock import stamp
from companion.domain.errors import NotFound, UserError
from companion.domain.field_problems import FieldProblem, raise_problems
from companion.i18n import N_
from companion.services.change import Change
from companion.services.fulfilment_rules import clean_tracking
from companion.store import counter_shipments as shipment_store
from companion.store import sales as sale_store
from companion.store.counter_shipments import CounterShipmentRow
from companion.store.database import Database

MAX_NAME = 80


def shipping_problems(courier: str, tracking: str, number: str | None, recipient: str) -> list[FieldProblem]:
    """Every box's problem at once ("courier", "tracking", "recipient"), so the dialog marks them together."""
    found: list[FieldProblem] = []
    too_long = UserError(N_("The courier or recipient is too long: use at most 80 characters."))
    if not courier:
        found.append(FieldProblem("courier", UserError(
            N_("Type the courier's name (for example JNE or J&T), then mark the sale as sent."))))
    elif len(courier) > MAX_NAME:
        found.append(FieldProblem("courier", too_long))
    if tracking.strip() and number is None:
        found.append(FieldProblem("tracking", UserError(
            N_("The tracking number should be 4-40 letters and digits: type it as printed on the receipt, or leave "
               "it empty."))))
    if len(recipient) > MAX_NAME:
        found.append(FieldProblem("recipient", too_long))
    return found


def mark_sale_shipped(db: Database, sale_id: str, courier: str, tracking: str = "", recipient: str = "") -> Change:
    """Mark a counter sale sent (again: corrects the courier, tracking number or recipient; the time stays)."""
    courier, recipient = " ".join(courier.split()), " ".join(recipient.split())
    number = clean_tracking(tracking) if tracking.strip() else ""
    raise_problems(shipping_problems(courier, tracking, number, recipient))
    number = number or ""
    with db.write():
        sale = sale_store.get(db, sale_id)
        if sale is None:
            raise NotFound(N_("This sale is no longer in the list: refresh the list."))
        if sale.voided:
            raise UserError(N_("This sale was voided: a voided sale is not sent."))
        before = shipment_store.get(db, sale_id)
        shipment_store.put(db, CounterShipmentRow(sale_id, courier, number, recipient,
                                                  before.shipped_at if before else stamp()))
    return Change(sales=frozenset({sale_id}))
