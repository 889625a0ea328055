"""What each marketplace may show: the shop's stock less what is promised and less the channel's buffer."""

from __future__ import annotations

from math import ceil

# Orders in these states have taken their units out of the ledger (they are paid for).
STOCK_TAKING_STATUSES = frozenset({"paid", "ready_to_ship", "shipped", "completed"})
# Unpaid orders hold units on the platform without a ledger movement yet: they are "reserved".
RESERVING_STATUSES = frozenset({"unpaid"})


def takes_stock(status: str) -> bool:
    return status in STOCK_TAKING_STATUSES


def push_quantity(on_hand: int, reserved: int, buffer_units: int = 0, buffer_percent: int = 0) -> int:
    """Absolute stock to show online; never negative.

    The buffer is the larger of the fixed units and the percentage (rounded up) of what is available,
    so a percentage never lets the last units go online when the fixed buffer would have kept them.
    """
    available = on_hand - reserved
    if available <= 0:
        return 0
    buffer = max(buffer_units, ceil(available * buffer_percent / 100))
    return max(0, available - buffer)
