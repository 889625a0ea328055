"""Online orders in words: the shop, the status, the countdown to the ship-by deadline and its urgency (no Qt)."""

from __future__ import annotations

from datetime import datetime, timedelta

from companion.domain.clock import parse_stamp
from companion.gui.channel_names import channel_label
from companion.gui.durations import span_text
from companion.i18n import N_, tr
from companion.store.online_orders import OnlineOrderRow

SOON = timedelta(hours=2)  # less time than this to ship: amber
TO_SHIP = ("paid", "ready_to_ship")
STATUS_NAMES = {
    "unpaid": N_("Not paid yet"), "paid": N_("Paid – pack it"), "ready_to_ship": N_("Waiting for the courier"),
    "shipped": N_("Shipped"), "completed": N_("Completed"), "cancelled": N_("Cancelled"),
}


def channel_name(channel: str) -> str:
    """The channel's short label from the registry (an unknown one as stored)."""
    return channel_label(channel)


def needs_shipping(order: OnlineOrderRow) -> bool:
    return order.status in TO_SHIP


def time_left(order: OnlineOrderRow, now: datetime) -> timedelta | None:
    """Time until the ship-by deadline of an order that still has to go out; negative when late."""
    if not needs_shipping(order) or not order.ship_by:
        return None
    return parse_stamp(order.ship_by) - now


def urgency_key(order: OnlineOrderRow, now: datetime) -> tuple[int, float, str]:
    """Overdue first, then the nearest deadline; orders to ship without one next; the rest newest first."""
    left = time_left(order, now)
    if left is not None:
        return (0, left.total_seconds(), "")
    if needs_shipping(order):
        return (1, 0.0, order.created_at)
    return (2, -parse_stamp(order.updated_at).timestamp(), order.id)


def deadline_text(order: OnlineOrderRow, now: datetime) -> str:
    """"ship within 5 hours 20 minutes" or "2 hours late"; empty when nothing has to be shipped."""
    left = time_left(order, now)
    if left is None:
        return ""
    if left.total_seconds() < 0:
        return tr("{time} late", time=span_text(left))
    return tr("ship within {time}", time=span_text(left))


def shop_text(order: OnlineOrderRow) -> str:
    name = channel_name(order.channel)
    return f"{tr('PRACTICE')} · {name}" if order.practice else name
