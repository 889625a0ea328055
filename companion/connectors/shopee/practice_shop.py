"""What a practice Shopee shop can have that makes the real Shopee refuse things (issue 14): items in a promotion
(reserved stock), items stocked in several warehouses, holiday mode, partial cancellations, an app key with an IP
allow-list, a used-up daily call limit. Kept in the practice record's meta table under `shopee:` keys, set by tests,
the practice admin and the reliability campaign through these functions."""

from __future__ import annotations

from typing import Any

from companion.practice.state import PracticeState

PLATFORM = "shopee"
LOCATION_ID = "IDZ"  # the seller's own (first) warehouse, as Shopee Indonesia names it
_RESERVED, _WAREHOUSES, _CANCELLED, _FLAGS = "shopee:reserved", "shopee:warehouses", "shopee:cancelled", "shopee:flags"
FLAGS = ("holiday", "ip_allow_list", "daily_limit")


def reserve_for_promotion(state: PracticeState, listing_id: int, units: int) -> None:
    """The listing joins a promotion holding `units` back: update_stock below that is refused (`error_auth`)."""
    table = state.get_meta(_RESERVED, {})
    table[str(listing_id)] = max(0, int(units))
    state.set_meta(_RESERVED, table)


def reserved(state: PracticeState, listing_id: int) -> int:
    return int(state.get_meta(_RESERVED, {}).get(str(listing_id), 0))


def add_warehouse(state: PracticeState, listing_id: int, location_id: str, stock: int) -> None:
    """A second (third …) warehouse for a listing; the listing's total stock grows by `stock`."""
    table = state.get_meta(_WAREHOUSES, {})
    table.setdefault(str(listing_id), {})[location_id] = int(stock)
    state.set_meta(_WAREHOUSES, table)
    listing = state.listing(listing_id)
    state.set_stock(listing_id, int(listing["stock"]) + int(stock))


def warehouses(state: PracticeState, listing: dict[str, Any]) -> dict[str, int]:
    """Stock per location: the extra warehouses as set, the first one holding the rest (buyers' orders come out
    of it), never below 0."""
    extra = {k: int(v) for k, v in state.get_meta(_WAREHOUSES, {}).get(str(listing["id"]), {}).items()}
    return {LOCATION_ID: max(0, int(listing["stock"]) - sum(extra.values())), **extra}


def set_warehouses(state: PracticeState, listing: dict[str, Any], stocks: dict[str, int]) -> None:
    """Stock per location after an update: the listing's total is their sum."""
    table = state.get_meta(_WAREHOUSES, {})
    if str(listing["id"]) in table:
        table[str(listing["id"])] = {k: int(v) for k, v in stocks.items() if k != LOCATION_ID}
        state.set_meta(_WAREHOUSES, table)
    state.set_stock(int(listing["id"]), sum(int(v) for v in stocks.values()))


def cancel_line(state: PracticeState, order_ref: str, line_id: int, units: int) -> None:
    """Part of one line cancelled while the order goes on (Shopee reports `cancelled_qty`/`active_qty` per line):
    those units go back to the listing once and the order counts as updated. The practice record keeps the count
    on the line (as the seller's own partial cancellations do); the meta table remembers these too, for
    `cancelled` (the reliability campaign's tally reads it)."""
    taken = state.cancel_units(PLATFORM, order_ref, int(line_id), int(units))
    table = state.get_meta(_CANCELLED, {})
    table[str(line_id)] = int(table.get(str(line_id), 0)) + taken
    state.set_meta(_CANCELLED, table)


def cancelled(state: PracticeState, line_id: int) -> int:
    """Units of a line cancelled through `cancel_line`."""
    return int(state.get_meta(_CANCELLED, {}).get(str(line_id), 0))


def set_flag(state: PracticeState, flag: str, on: bool = True) -> None:
    """holiday: the shop is in holiday mode; ip_allow_list: the app key only takes calls from declared addresses
    (ours is not one); daily_limit: the app's calls for today are used up."""
    if flag not in FLAGS:
        raise ValueError(f"unknown Shopee practice flag {flag!r}")
    flags = state.get_meta(_FLAGS, {})
    flags[flag] = bool(on)
    state.set_meta(_FLAGS, flags)


def flag(state: PracticeState, name: str) -> bool:
    return bool(state.get_meta(_FLAGS, {}).get(name, False))
