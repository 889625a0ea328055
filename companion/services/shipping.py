"""Arranging shipments from the app: queue a ship command per selected order (one transaction for the batch, each
order refused on its own in one sentence), remember each shop's usual choice, and record what the platform said.

An order is shipped through the command outbox (kind `ship_order`): offline, it waits ("menunggu dikirim") and the
sync sends it exactly once (the handler looks back before sending again). Each attempt has its own key
(`ship:<order id>:<n>`), and an order never has two open ship commands. A refusal never moves stock.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from companion.domain.clock import stamp
from companion.domain.errors import NotFound, UserError
from companion.domain.fulfilment import ShipChoice, ShipMethod, Shipped
from companion.domain.marketplace import OrderStatus
from companion.domain.settings_keys import USUAL_SHIP_CHOICE
from companion.i18n import N_
from companion.services.change import Change
from companion.services.fulfilment_rules import clean_tracking, rules_for
from companion.services.shipping_labels import label_file
from companion.store import accounts as account_store
from companion.store import online_orders as order_store
from companion.store import outbox
from companion.store import settings as settings_store
from companion.store import shipping as ship_store
from companion.store.database import Database
from companion.store.online_orders import OnlineOrderRow
from companion.store.shipping import LabelNeed

SHIP_ORDER = "ship_order"
OPEN = (outbox.WAITING, outbox.SENDING)
# how far an order's status has gone; arranging never moves one back
_RANK = {OrderStatus.UNPAID: 0, OrderStatus.PAID: 1, OrderStatus.READY_TO_SHIP: 2, OrderStatus.SHIPPED: 3,
         OrderStatus.COMPLETED: 4}

NOT_FOUND = N_("This order is no longer in the list: refresh the list.")
NO_FULFILMENT = N_("This shop's orders cannot be shipped from the app: ship it in the seller centre.")
NOT_READY = N_("This order cannot be shipped now: only paid orders waiting to be packed are shipped.")
ALREADY_WAITING = N_("This order is already waiting to be sent: it goes out with the next sync.")
NO_CHOICE = N_("Choose how this shop's orders are sent first (pickup, drop-off or your own courier).")
METHOD_NOT_OFFERED = N_("This marketplace does not offer that way of sending: choose another one.")
TRACKING_NEEDED = N_("Sending with your own courier needs the tracking number (4-40 letters and digits): type it "
                     "as printed on the receipt.")


@dataclass(frozen=True)
class ShipQueued:
    change: Change
    queued: tuple[str, ...]                 # our order ids now waiting to be shipped
    skipped: tuple[tuple[str, str], ...]    # (order id, msgid): one sentence per order left out


def ship_key_prefix(order_id: str) -> str:
    return f"ship:{order_id}:"


def open_ship_command(db: Database, order_id: str) -> outbox.CommandRow | None:
    """The order's ship command still waiting or being sent, if any."""
    return next((c for c in outbox.by_key_prefix(db, ship_key_prefix(order_id)) if c.state in OPEN), None)


def queue_shipments(db: Database, order_ids: Sequence[str], choices: Mapping[str, ShipChoice]) -> ShipQueued:
    """"Kirim semua yang dipilih": one ship command per order that may go, with its shop's choice; the others are
    listed back with the reason. One transaction: the batch is queued whole or not at all."""
    queued: list[str] = []
    skipped: list[tuple[str, str]] = []
    with db.write():
        for order_id in dict.fromkeys(order_ids):
            refusal = _queue_one(db, order_id, choices)
            if refusal is None:
                queued.append(order_id)
            else:
                skipped.append((order_id, refusal))
    return ShipQueued(Change(orders=frozenset(queued), sync=bool(queued)), tuple(queued), tuple(skipped))


def _queue_one(db: Database, order_id: str, choices: Mapping[str, ShipChoice]) -> str | None:
    """Queue one order's shipment inside the batch's transaction; the msgid of the refusal, or None when queued."""
    order = order_store.get(db, order_id)
    if order is None:
        return NOT_FOUND
    rules = rules_for(account_store.get(db, order.account_id))
    if rules is None:
        return NO_FULFILMENT
    if order.ship_state == ship_store.WAITING or open_ship_command(db, order_id) is not None:
        return ALREADY_WAITING
    if not _may_ship(order):
        return NOT_READY
    choice = choices.get(order.account_id)
    if choice is None:
        return NO_CHOICE
    if choice.method not in rules.methods:
        return METHOD_NOT_OFFERED
    if choice.method is ShipMethod.OWN_COURIER:
        tracking = clean_tracking(choice.tracking_number)
        if tracking is None:
            return TRACKING_NEEDED
        choice = replace(choice, tracking_number=tracking, courier=" ".join(choice.courier.split()))
    attempts = outbox.by_key_prefix(db, ship_key_prefix(order_id))
    for old in attempts:  # an earlier refused attempt is replaced by this one, never sent beside it
        if old.state == outbox.FAILED:
            outbox.set_state(db, old.id, outbox.CANCELLED)
    outbox.enqueue(db, SHIP_ORDER, {"order_id": order_id, "choice": choice.to_json()},
                   f"{ship_key_prefix(order_id)}{len(attempts) + 1}", order.account_id)
    ship_store.set_ship_state(db, order_id, ship_store.WAITING)
    return None


def _may_ship(order: OnlineOrderRow) -> bool:
    """Paid and waiting to be packed, or refused before and not yet with the courier (a refused second step: ready
    to ship after packing; the platform says if it is already done) nor cancelled."""
    if order.status == OrderStatus.PAID.value:
        return True
    return order.ship_state == ship_store.FAILED and order.status == OrderStatus.READY_TO_SHIP.value


def remember_choice(db: Database, account_id: str, choice: ShipChoice) -> Change:
    """The shop's usual way of sending, so next time "Kirim semua yang dipilih" is one click. A tracking number
    belongs to one parcel and is never remembered."""
    if account_store.get(db, account_id) is None:
        raise NotFound(N_("This online shop is no longer linked: link it again in Settings."))
    kept = replace(choice, tracking_number="")
    with db.write():
        settings_store.put(db, USUAL_SHIP_CHOICE.of(account_id), json.dumps(kept.to_json(), sort_keys=True))
    return Change(settings=True)


def usual_choice(db: Database, account_id: str) -> ShipChoice | None:
    """The shop's remembered choice, or None (never chosen, or unreadable after an update)."""
    text = settings_store.get(db, USUAL_SHIP_CHOICE.of(account_id))
    if not text:
        return None
    try:
        data = json.loads(text)
        return ShipChoice.from_json(data) if isinstance(data, dict) else None
    except ValueError:
        return None


def record_shipped(db: Database, order_id: str, shipped: Shipped) -> Change:
    """The platform arranged the shipment (or it already was, from the seller centre): the order is ready to ship
    (unless it is already further), its parcel's facts kept, its ship command sent."""
    with db.write():
        order = order_store.get(db, order_id)
        if order is None:
            raise NotFound(NOT_FOUND)
        status = OrderStatus(order.status)
        if status in _RANK and _RANK[status] < _RANK[OrderStatus.READY_TO_SHIP]:
            status = OrderStatus.READY_TO_SHIP
        ship_store.mark_arranged(db, order_id, status.value, shipped.tracking_number, shipped.courier,
                                 shipped.package_id, stamp())
        for command in outbox.by_key_prefix(db, ship_key_prefix(order_id)):
            if command.state in OPEN:
                outbox.set_state(db, command.id, outbox.SENT)
    return Change(orders=frozenset({order_id}), sync=True)


def record_ship_refused(db: Database, order_id: str, words: str) -> Change:
    """The platform refused the shipment: its words on the order and on the command; stock never changes here."""
    with db.write():
        if order_store.get(db, order_id) is None:
            raise NotFound(NOT_FOUND)
        ship_store.set_ship_state(db, order_id, ship_store.FAILED, words)
        for command in outbox.by_key_prefix(db, ship_key_prefix(order_id)):
            if command.state in OPEN:
                outbox.set_state(db, command.id, outbox.FAILED, words)
    return Change(orders=frozenset({order_id}), sync=True)


def cancel_shipment(db: Database, command: outbox.CommandRow) -> Change:
    """"Batalkan" on a waiting ship command: not sent, and the order is back to waiting to be packed."""
    order_id = str(command.payload.get("order_id", ""))
    with db.write():
        current = outbox.get(db, command.id)
        if current is None or current.state != outbox.WAITING:
            raise UserError(N_("This item cannot be cancelled now: it is already being sent, or the shop needs it."))
        outbox.set_state(db, command.id, outbox.CANCELLED)
        if order_store.get(db, order_id) is not None:
            ship_store.set_ship_state(db, order_id, "")
    return Change(orders=frozenset({order_id}), sync=True)


def retry_shipment(db: Database, command: outbox.CommandRow) -> Change:
    """"Kirim ulang" on a refused ship command: it waits again, and the order says so."""
    order_id = str(command.payload.get("order_id", ""))
    with db.write():
        current = outbox.get(db, command.id)
        if current is None or current.state != outbox.FAILED:
            raise NotFound(N_("This item is no longer waiting to be sent again: refresh the list."))
        if open_ship_command(db, order_id) is not None:
            raise NotFound(ALREADY_WAITING)
        outbox.set_state(db, command.id, outbox.WAITING)
        if order_store.get(db, order_id) is not None:
            ship_store.set_ship_state(db, order_id, ship_store.WAITING)
    return Change(orders=frozenset({order_id}), sync=True)


def orders_needing_labels(db: Database, account_id: str) -> list[LabelNeed]:
    """The shop's arranged orders whose label was never fetched, was made for another package (arranged again), or
    whose file is missing or unreadable."""
    return [need for need in ship_store.arranged_orders(db, account_id)
            if need.file_name is None or (need.package_id and need.label_package_id != need.package_id)
            or label_file(db, need.order_id) is None]
