"""What each marketplace may show: the shop's stock less what is promised and less the channel's buffer.

Also what the shop can promise at all (available to promise), counting planned production for made-to-order
items only when it finishes inside the order's ship-by window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from math import ceil

# Orders in these states have taken their units out of the ledger (they are paid for).
STOCK_TAKING_STATUSES = frozenset({"paid", "ready_to_ship", "shipped", "completed"})


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


def _aware_utc(moment: datetime, name: str) -> datetime:
    """Naive datetimes are refused: guessing their zone would move a batch in or out of the ship-by window."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment!r}")
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class Allocation:
    """How much of what the shop can promise one channel (account) may show."""

    buffer_units: int = 0
    buffer_percent: int = 0
    keep_last_units: int = 0  # when what is promisable is at or below this, the channel shows 0: the last units stay

    def __post_init__(self) -> None:
        if min(self.buffer_units, self.buffer_percent, self.keep_last_units) < 0:
            raise ValueError(f"allocation values must not be negative: {self!r}")
        if self.buffer_percent > 100:
            raise ValueError(f"buffer_percent must be 0..100, got {self.buffer_percent}")


@dataclass(frozen=True)
class PlannedBatch:
    """Production that is planned but not done yet; it adds stock only once it is finished."""

    quantity: int
    finishes_at: datetime  # UTC (any aware datetime is converted)

    def __post_init__(self) -> None:
        if self.quantity < 0:
            raise ValueError(f"a planned batch cannot be negative: {self.quantity}")
        object.__setattr__(self, "finishes_at", _aware_utc(self.finishes_at, "finishes_at"))


def planned_within(planned: Sequence[PlannedBatch], ship_by: datetime | None) -> int:
    """Units of planned production finishing at or before `ship_by`; none without a window."""
    if ship_by is None:
        return 0
    limit = _aware_utc(ship_by, "ship_by")
    return sum(batch.quantity for batch in planned if batch.finishes_at <= limit)


def available_to_promise(on_hand: int, reserved: int, shop_buffer: int = 0, made_to_order: bool = False,
                         planned: Sequence[PlannedBatch] = (), ship_by: datetime | None = None) -> int:
    """What the shop can really hand over in time; never negative.

    On hand − reserved for unshipped orders − the shop's own buffer, plus, for made-to-order items only,
    planned production that finishes at or before the order's ship-by moment (a later batch would ship late).
    Planned production first makes up for units already promised, so it can lift a negative balance.
    """
    if reserved < 0 or shop_buffer < 0:
        raise ValueError(f"reserved and shop_buffer must not be negative: {reserved}, {shop_buffer}")
    extra = planned_within(planned, ship_by) if made_to_order else 0
    return max(0, on_hand - reserved - shop_buffer + extra)


def channel_quantity(atp: int, allocation: Allocation) -> int:
    """The number one channel shows; never negative and never more than `atp`.

    At or below `keep_last_units` the channel shows 0 so the last units stay for the counter; above it the
    buffer is taken off exactly as `push_quantity` does (the larger of the units and the percentage, rounded up).
    """
    if atp <= 0 or atp <= allocation.keep_last_units:
        return 0
    buffer = max(allocation.buffer_units, ceil(atp * allocation.buffer_percent / 100))
    return max(0, atp - buffer)
