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
    for name in ("campaign", "cancelled", "blocked"):
        rules.setdefault(name, {})
    rules.setdefault("im_lists", [])
    rules.setdefault("polled", False)
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


def held_units(state: PracticeState) -> dict[int, tuple[int, int]]:
    """Per listing id: (withheld, occupied) units, the open orders' live (not cancelled) units."""
    found: dict[int, tuple[int, int]] = {}
    for status in sorted(WITHHOLD | OCCUPY):
        for order in state.orders("lazada", status=status):
            gone = cancelled_units(state, order["ref"])
            for line in order["lines"]:
                live = line["quantity"] - gone.get(str(line["id"]), 0)
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
