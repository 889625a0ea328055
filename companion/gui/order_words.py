"""An order as the packer reads it, in words (no Qt): items with variant and the shop's product, buyer and city,
courier and tracking number, where its shipment stands, and the platform's late-shipment rule when it applies.

Shared by the order list and the order detail so both say the same thing the same way.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from companion.connectors import registry
from companion.domain.fulfilment import ShipChoice, ShipMethod
from companion.domain.money import format_quantity
from companion.gui.order_times import SOON, channel_name, time_left
from companion.i18n import N_, tr
from companion.store.order_desk import DeskItem, DeskRow

ITEMS_SHOWN = 2  # item lines in a list cell; the rest are counted
STATUS_WORDS = {
    "unpaid": N_("Not paid yet"), "paid": N_("To pack"), "ready_to_ship": N_("Ready to ship"),
    "shipped": N_("In transit"), "completed": N_("Completed"), "cancelled": N_("Cancelled"),
}
METHOD_WORDS = {
    ShipMethod.PICKUP: N_("Courier pickup"), ShipMethod.DROPOFF: N_("Drop off at a branch"),
    ShipMethod.OWN_COURIER: N_("Own courier"),
}


def item_text(item: DeskItem) -> str:
    """"2 × Kopi Arabika · 250 g": what the buyer bought."""
    name = f"{item.name} · {item.variant}" if item.variant else item.name
    return f"{format_quantity(item.quantity)} × {name or item.seller_sku}"


def product_text(item: DeskItem) -> str:
    """The shelf product it is taken from."""
    return tr("Shop product: {product}", product=item.product_name or tr("not mapped yet"))


def grouped_items(items: tuple[DeskItem, ...]) -> list[DeskItem]:
    """Lines of the same listing as one (some platforms send one line per unit): what to take from the shelf."""
    found: dict[tuple[str, str], DeskItem] = {}
    for item in items:
        key = (item.item_id, item.sku_id)
        same = found.get(key)
        found[key] = item if same is None else replace(same, quantity=same.quantity + item.quantity)
    return list(found.values())


def items_cell(row: DeskRow) -> str:
    """Up to two lines: the shop's product where mapped (what to take from the shelf), else the listing with its
    variant; more items than fit are counted on the last line."""
    def one(item: DeskItem) -> str:
        shown = item.product_name or (f"{item.name} · {item.variant}" if item.variant else item.name)
        return f"{format_quantity(item.quantity)} × {shown}"

    items = grouped_items(row.items)
    if not items:
        return "—"
    if len(items) <= ITEMS_SHOWN:
        return "\n".join(one(item) for item in items)
    shown = [one(item) for item in items[:ITEMS_SHOWN - 1]]
    more = len(items) - len(shown)
    return "\n".join([*shown, tr("+ {count} more items", count=more) if more > 1 else tr("+ 1 more item")])


def items_tooltip(row: DeskRow) -> str:
    """Every item in full: the listing, its variant and the shop product."""
    return "\n".join(f"{item_text(i)} — {product_text(i)}" for i in grouped_items(row.items)) or "—"


def buyer_text(row: DeskRow) -> str:
    name = row.order.buyer_name or "—"
    return f"{name} · {row.buyer_city}" if row.buyer_city else name


def courier_text(row: DeskRow) -> str:
    courier = row.courier or "—"
    return f"{courier} · {row.tracking_number}" if row.tracking_number else courier


def buyer_courier_cell(row: DeskRow) -> str:
    """Where it goes and with whom: the buyer and city, then the courier and tracking number."""
    return f"{buyer_text(row)}\n{courier_text(row)}"


def status_name(status: str) -> str:
    return tr(STATUS_WORDS.get(status, status))


def refusal_text(row: DeskRow) -> str:
    """The platform's refusal in its own words, on one line."""
    words = " ".join(row.ship_problem.split())
    return tr("{shop} refused: {words}", shop=channel_name(row.order.channel), words=words)


def ship_note(row: DeskRow) -> str:
    """The second line of the status: the shipment waiting or refused, a buyer asking to cancel, a return, the
    label ("" when there is nothing to add)."""
    if row.cancel_request is not None and row.cancel_request.needs_answer:
        return tr("Buyer asks to cancel")
    if row.ship_state == "waiting":
        return tr("waiting to be sent")
    if row.ship_state == "failed" and row.ship_problem:
        return refusal_text(row)
    if row.returns:
        return tr("Return requested")
    if row.has_label:
        return tr("Label printed") if row.label_printed_at else tr("Label ready")
    return ""


def status_cell(row: DeskRow) -> str:
    note = ship_note(row)
    name = status_name(row.order.status)
    return f"{name}\n{note}" if note else name


def late_note(row: DeskRow, now: datetime) -> str:
    """The platform's own rule for a late shipment, when the ship-by time is near or past ("" otherwise)."""
    left = time_left(row.order, now)
    if left is None or left >= SOON:
        return ""
    spec = registry.find(row.order.channel)
    rules = spec.fulfilment if spec is not None else None
    return tr(rules.late_note) if rules is not None and rules.late_note else ""


def choice_text(choice: ShipChoice) -> str:
    """A remembered choice in a few words: "Courier pickup, earliest slot"."""
    method = tr(METHOD_WORDS[choice.method])
    if choice.method is ShipMethod.PICKUP and not choice.slot_id:
        return tr("{method}, earliest slot", method=method)
    if choice.method is ShipMethod.OWN_COURIER and choice.courier:
        return f"{method} ({choice.courier})"
    return method
