"""A counter sale taken by phone or WhatsApp can be sent by courier too: marked "dikirim" with the courier and
(when there is one) the tracking number, so the shop has one list of what left the building
(store/counter_shipments.py `departures`)."""

from __future__ import annotations

from companion.domain.clock import stamp
from companion.domain.errors import NotFound, UserError
from companion.i18n import N_
from companion.services.change import Change
from companion.services.fulfilment_rules import clean_tracking
from companion.store import counter_shipments as shipment_store
from companion.store import sales as sale_store
from companion.store.counter_shipments import CounterShipmentRow
from companion.store.database import Database

MAX_NAME = 80


def mark_sale_shipped(db: Database, sale_id: str, courier: str, tracking: str = "", recipient: str = "") -> Change:
    """Mark a counter sale sent (again: corrects the courier, tracking number or recipient; the time stays)."""
    courier, recipient = " ".join(courier.split()), " ".join(recipient.split())
    if not courier:
        raise UserError(N_("Type the courier's name (for example JNE or J&T), then mark the sale as sent."))
    if len(courier) > MAX_NAME or len(recipient) > MAX_NAME:
        raise UserError(N_("The courier or recipient is too long: use at most 80 characters."))
    number = ""
    if tracking.strip():
        cleaned = clean_tracking(tracking)
        if cleaned is None:
            raise UserError(N_("The tracking number should be 4-40 letters and digits: type it as printed on the "
                               "receipt, or leave it empty."))
        number = cleaned
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
