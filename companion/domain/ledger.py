"""Stock as an append-only ledger: counts set the level, every other movement adds to it.

On hand = the last count + the sum of the movements recorded after it (or the sum of all
movements when there was never a count). Concurrent sales on different channels each add
their own movement, so none overwrites another.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from companion.i18n import N_, tr


class MovementKind(StrEnum):
    OPENING = "opening"
    STOCKTAKE = "stocktake"
    COUNTER_SALE = "counter_sale"
    COUNTER_RETURN = "counter_return"
    ONLINE_ORDER = "online_order"
    ONLINE_CANCEL = "online_cancel"
    PRODUCTION = "production"
    ADJUSTMENT = "adjustment"
    ONLINE_RETURN = "online_return"        # an online buyer's returned item arrives back at the shop (+)
    RETURN_WRITE_OFF = "return_write_off"  # a returned item that cannot be sold again goes out (-)
    TRANSFER_OUT = "transfer_out"          # carried to another outlet of the shop (-; the total stays)
    TRANSFER_IN = "transfer_in"            # arrived from another outlet of the shop (+)

    @property
    def is_count(self) -> bool:
        """Counts carry an absolute level; every other kind carries a signed change."""
        return self in (MovementKind.OPENING, MovementKind.STOCKTAKE)

    def label(self) -> str:
        return tr(_LABELS[self])


_LABELS = {
    MovementKind.OPENING: N_("Opening count"),
    MovementKind.STOCKTAKE: N_("Stocktake"),
    MovementKind.COUNTER_SALE: N_("Counter sale"),
    MovementKind.COUNTER_RETURN: N_("Counter return"),
    MovementKind.ONLINE_ORDER: N_("Online order"),
    MovementKind.ONLINE_CANCEL: N_("Online cancellation"),
    MovementKind.PRODUCTION: N_("Production"),
    MovementKind.ADJUSTMENT: N_("Adjustment"),
    MovementKind.ONLINE_RETURN: N_("Returned by an online buyer"),
    MovementKind.RETURN_WRITE_OFF: N_("Return written off"),
    MovementKind.TRANSFER_OUT: N_("Moved to another outlet"),
    MovementKind.TRANSFER_IN: N_("Moved from another outlet"),
}

@dataclass(frozen=True)
class Movement:
    kind: MovementKind
    quantity: int  # absolute level for counts, signed change otherwise


def on_hand(movements: Iterable[Movement]) -> int:
    """The level after `movements`, given in the order they were recorded."""
    level = 0
    for m in movements:
        level = m.quantity if m.kind.is_count else level + m.quantity
    return level


def apply(level: int, movement: Movement) -> int:
    """The level after one more movement: what the cached stock table does on every insert."""
    return movement.quantity if movement.kind.is_count else level + movement.quantity
