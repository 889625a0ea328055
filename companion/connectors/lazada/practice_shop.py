"""What a practice Lazada shop holds beyond the shared record, so the practice marketplace is as strict as Lazada
(issue 14): stock split the way Lazada splits it, items in a campaign, per-item cancellations, messages its safety
check blocked, and a note of a caller that polls the chat lists.

Lazada's stock (inventory-calculation-logic, [LZD-DOCS] data/processed/lazada/guides/api-best-practice/
product-operation/product-inventory-management/): SellableQuantity is what buyers can buy (it includes units a campaign
locks, `channelInventories`); WithholdQuantity holds units of unpaid orders, OccupyQuantity of paid ones until ready to
ship; the total is the sum. The shared record's listing `stock` is the sellable number (an order takes its units off
it); withheld and occupied units are worked out here from the open orders.
"""

from __future__ import annotations

import re
from typing import Any

from companion.practice.state import PracticeState

KEY = "lazada:shop_rules"
WITHHOLD = frozenset({"unpaid"})                           # moved back to sellable after 30 unpaid minutes
OCCUPY = frozenset({"pending", "topack", "packed"})        # paid, not yet ready to ship
# The IM guide's example notice for a message the safety check stopped ([LZD-DOCS] api-best-practice/
# lazada-im-open-api.md, message fields table, process_msg).
BLOCK_NOTICE = ("NOTE: The message has not been sent. Please be polite and aware that you are required to comply "
                "with local laws & policies")
# What the practice safety check stops: contact details that take the buyer off the platform (Lazada does not publish
# its rules; this is the practice shop's own stand-in).
BLOCKED_WORDS = re.compile(r"(wa\.me|whatsapp|\+?\d[\d\s-]{8,}\d)", re.IGNORECASE)
# A caller that lists sessions this often is polling, which the IM guide forbids ("if an ISV polling call is found,
# the API permissions will be immediately reclaimed"): more than POLL_CALLS lists within POLL_WINDOW seconds.
POLL_CALLS, POLL_WINDOW = 5, 600.0


def _rules(state: PracticeState) -> dict[str, Any]:
    found = state.get_meta(KEY, {})
    rules: dict[str, Any] = found if isinstance(found, dict) else {}
    for name in ("campaign", "cancelled", "blocked", "cancelled_idx", "refused_lines"):
        rules.setdefault(name, {})
    rules.setdefault("im_lists", [])
    rules.setdefault("polled", False)
    rules.setdefault("chooses_provider", False)
    rules.setdefault("first_mile", "pickup")
    return rules


def _save(state: PracticeState, rules: dict[str, Any]) -> None:
    state.set_meta(KEY, rules)


# -- stock ------------------------------------------------------------------------------------------------------
def put_in_campaign(state: PracticeState, seller_sku: str, locked: int) -> None:
    """The item joins a campaign that locks `locked` units (channelInventories); 0 takes it out."""
    listing = state.listing_by_sku("lazada", seller_sku)
    rules = _rules(state)
    if locked > 0:
        rules["campaign"][listing["model_id"]] = locked
    else:
        rules["campaign"].pop(listing["model_id"], None)
    _save(state, rules)


def campaign_lock(state: PracticeState, model_id: str) -> int:
    return int(_rules(state)["campaign"].get(model_id, 0))


def cancelled_units(state: PracticeState, ref: str) -> dict[str, int]:
    """Per order line id: how many of its units (order items) are cancelled."""
    return {k: int(v) for k, v in _rules(state)["cancelled"].get(ref, {}).items()}


def unit_id(line_id: int, unit: int) -> int:
    """The order item id of one unit of an order line (Lazada keeps one order item per unit)."""
    return int(f"{line_id}{unit:04d}")


def unit_of(order: dict[str, Any], item_id: object) -> tuple[dict[str, Any], int] | None:
    """(order line, unit index) of an order item id of this order; None for any other id."""
    text = str(item_id)
    if not text.isdigit() or len(text) < 5:
        return None
    line_id, unit = int(text[:-4]), int(text[-4:])
    line = next((x for x in order["lines"] if int(x["id"]) == line_id), None)
    return (line, unit) if line is not None and unit < int(line["quantity"]) else None


def cancelled_indexes(state: PracticeState, ref: str, line: dict[str, Any], legacy: int = 0) -> set[int]:
    """Which units (0-based) of an order line are cancelled: those cancelled by their order item id first, then the
    line's first units up to its cancelled count (the shared record's count plus `cancel_items`' own)."""
    named = {int(i) for i in _rules(state)["cancelled_idx"].get(ref, {}).get(str(line["id"]), [])}
    count = min(int(line["quantity"]), int(line.get("cancelled") or 0) + legacy)
    rest = (i for i in range(int(line["quantity"])) if i not in named)
    found = set(sorted(named)[:count])
    while len(found) < count:
        found.add(next(rest))
    return found


def name_cancelled(state: PracticeState, ref: str, line_id: int, units: list[int]) -> None:
    """Remember which units (by their order item's index) the seller cancelled, before the record counts them."""
    with state.locked():
        rules = _rules(state)
        lines = rules["cancelled_idx"].setdefault(ref, {})
        lines[str(line_id)] = sorted(set(lines.get(str(line_id), [])) | set(units))
        _save(state, rules)


# -- shipping ---------------------------------------------------------------------------------------------------
def let_seller_choose_provider(state: PracticeState, choose: bool = True) -> None:
    """The shop must pick its provider (GetShipmentProvider platform_default 0, a cross-border NTFS shop); by
    default it is a local TFS shop whose provider Lazada assigns."""
    with state.locked():
        rules = _rules(state)
        rules["chooses_provider"] = choose
        _save(state, rules)


def chooses_provider(state: PracticeState) -> bool:
    return bool(_rules(state)["chooses_provider"])


def set_first_mile(state: PracticeState, method: str) -> None:
    """The shop's Seller Center setting: the courier picks parcels up ("pickup") or the shop drops them off."""
    with state.locked():
        rules = _rules(state)
        rules["first_mile"] = method
        _save(state, rules)


def first_mile(state: PracticeState) -> str:
    return str(_rules(state)["first_mile"])


def refuse_line(state: PracticeState, ref: str, line_id: str) -> list[str]:
    """A return's line the seller refused (Lazada takes one line a refusal); every refused line so far."""
    with state.locked():
        rules = _rules(state)
        lines = sorted(set(rules["refused_lines"].get(ref, [])) | {line_id})
        rules["refused_lines"][ref] = lines
        _save(state, rules)
        return lines


def refused_lines(state: PracticeState, ref: str) -> set[str]:
    return set(_rules(state)["refused_lines"].get(ref, []))


def held_units(state: PracticeState) -> dict[int, tuple[int, int]]:
    """Per listing id: (withheld, occupied) units, the open orders' live (not cancelled) units."""
    found: dict[int, tuple[int, int]] = {}
    for status in sorted(WITHHOLD | OCCUPY):
        for order in state.orders("lazada", status=status):
            gone = cancelled_units(state, order["ref"])
            for line in order["lines"]:
                live = line["quantity"] - min(line["quantity"], int(line.get("cancelled") or 0)
                                              + gone.get(str(line["id"]), 0))
                withhold, occupy = found.get(line["listing_id"], (0, 0))
                found[line["listing_id"]] = ((withhold + live, occupy) if status in WITHHOLD
                                             else (withhold, occupy + live))
    return found


def stock_numbers(state: PracticeState, listing: dict[str, Any],
                  held: dict[int, tuple[int, int]] | None = None) -> dict[str, int]:
    """The SKU's numbers as Lazada names them (GetProducts multiWarehouseInventories); `held` from `held_units`
    when several listings are read at once."""
    withhold, occupy = (held if held is not None else held_units(state)).get(int(listing["id"]), (0, 0))
    sellable = int(listing["stock"])
    return {"sellableQuantity": sellable, "withholdQuantity": withhold, "occupyQuantity": occupy,
            "totalQuantity": sellable + withhold + occupy,
            "channelInventories": campaign_lock(state, str(listing["model_id"]))}


def cancel_items(state: PracticeState, ref: str, seller_sku: str, units: int) -> dict[str, Any]:
    """Cancel `units` order items of one line (Lazada keeps one status per order item): their occupied units go
    back to sellable stock; when every item of the order is cancelled the order is."""
    order = state.order("lazada", ref)
    line = next(x for x in order["lines"] if x["seller_sku"] == seller_sku)
    rules = _rules(state)
    gone = rules["cancelled"].setdefault(ref, {})
    before = int(gone.get(str(line["id"]), 0))
    now = min(line["quantity"], before + units)
    gone[str(line["id"])] = now
    _save(state, rules)
    if all(int(gone.get(str(x["id"]), 0)) >= x["quantity"] for x in order["lines"]):
        returned = {x["listing_id"]: 0 for x in order["lines"]}
        for x in order["lines"]:
            returned[x["listing_id"]] += int(gone.get(str(x["id"]), 0)) - (now - before if x is line else 0)
        state.cancel_order("lazada", ref, "canceled", "seller")  # gives every line's units back ...
        for listing_id, extra in returned.items():            # ... so take off what item cancels gave already
            if extra:
                state.set_stock(listing_id, int(state.listing(listing_id)["stock"]) - extra)
    else:
        listing = state.listing(line["listing_id"])
        state.set_stock(line["listing_id"], int(listing["stock"]) + now - before)
        state.touch_order("lazada", ref)
    return state.order("lazada", ref)


# -- chat -------------------------------------------------------------------------------------------------------
def block_if_needed(state: PracticeState, message_ref: str, text: str) -> str:
    """The practice safety check: a reply carrying contact details is kept but blocked (seller-only)."""
    if not BLOCKED_WORDS.search(text):
        return ""
    rules = _rules(state)
    rules["blocked"][message_ref] = BLOCK_NOTICE
    _save(state, rules)
    return BLOCK_NOTICE


def block_message(state: PracticeState, message_ref: str, notice: str = BLOCK_NOTICE) -> None:
    rules = _rules(state)
    rules["blocked"][message_ref] = notice
    _save(state, rules)


def notice_of(state: PracticeState, message_ref: str) -> str:
    return str(_rules(state)["blocked"].get(message_ref, ""))


def note_session_list(state: PracticeState) -> None:
    """Remember when the session list was called; flag the caller once it polls."""
    rules = _rules(state)
    now = state.now()
    calls = [t for t in rules["im_lists"] if now - float(t) < POLL_WINDOW] + [now]
    rules["im_lists"] = calls
    rules["polled"] = bool(rules["polled"] or len(calls) > POLL_CALLS)
    _save(state, rules)


def polling_flagged(state: PracticeState) -> bool:
    """True once a caller listed sessions like a poller would (Lazada would reclaim the app's API permissions)."""
    return bool(_rules(state)["polled"])
