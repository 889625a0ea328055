"""What a practice TikTok shop can have that the platform refuses on (kept in the practice record's meta table):
SKUs in several warehouses, SKUs locked by a promotion, hidden messages, partly cancelled orders, an IP allow-list
and a Customer Service API not yet approved. Tests and the practice admin set them; practice_routes obeys them."""

from __future__ import annotations

from typing import Any

from companion.practice.state import PracticeState

PLATFORM = "tiktok"
WAREHOUSE_ID = "7068517275539719942"  # every SKU's warehouse unless it has several
_WAREHOUSES = "tiktok:warehouses"     # {sku_id: {warehouse_id: quantity}} for SKUs in several warehouses
_PROMOTION = "tiktok:promotion"       # {sku_id: units locked by a promotion}
_HIDDEN = "tiktok:hidden_messages"    # [message id]: is_visible=false
_IP_LIST = "tiktok:ip_allow_list"     # true: the app key has an IP allow-list this caller is not on
_CS_INACTIVE = "tiktok:cs_inactive"   # true: Customer Service API not approved (scope missing)


def set_warehouses(state: PracticeState, sku_id: str, quantities: dict[str, int]) -> None:
    """The SKU sits in several warehouses; the listing's stock becomes their sum."""
    listing = next(x for x in state.listings(PLATFORM) if x["model_id"] == sku_id)
    state.set_meta(_WAREHOUSES, state.get_meta(_WAREHOUSES, {}) | {sku_id: dict(quantities)})
    state.set_stock(listing["id"], sum(quantities.values()))


def warehouses(state: PracticeState, listing: dict[str, Any]) -> dict[str, int]:
    """Each warehouse's units; orders taken since the split came off the first warehouse."""
    split = dict(state.get_meta(_WAREHOUSES, {}).get(listing["model_id"]) or {WAREHOUSE_ID: listing["stock"]})
    first = next(iter(split))
    split[first] += listing["stock"] - sum(split.values())
    return split


def store_warehouses(state: PracticeState, listing: dict[str, Any], split: dict[str, int]) -> None:
    if len(split) > 1:
        state.set_meta(_WAREHOUSES, state.get_meta(_WAREHOUSES, {}) | {listing["model_id"]: split})
    state.set_stock(listing["id"], sum(split.values()))


def lock_for_promotion(state: PracticeState, sku_id: str, units: int) -> None:
    state.set_meta(_PROMOTION, state.get_meta(_PROMOTION, {}) | {sku_id: units})


def promotion_lock(state: PracticeState, sku_id: str) -> int:
    return int(state.get_meta(_PROMOTION, {}).get(sku_id, 0))


def hide_message(state: PracticeState, message_id: str) -> None:
    state.set_meta(_HIDDEN, [*state.get_meta(_HIDDEN, []), message_id])


def is_hidden(state: PracticeState, message_id: str) -> bool:
    return message_id in state.get_meta(_HIDDEN, [])


def cancel_units(state: PracticeState, order_id: str, seller_sku: str, units: int) -> None:
    """The platform cancels `units` of one line (a partial cancellation): those units' line items say CANCELLED,
    their stock goes back to the listing once (the practice record counts them per line, so a later whole-order
    cancel gives back only the rest) and the order's update_time moves on."""
    order = state.order(PLATFORM, order_id)
    line = next(li for li in order["lines"] if li["seller_sku"] == seller_sku)
    state.cancel_units(PLATFORM, order_id, int(line["id"]), units)


def cancelled_units(state: PracticeState, order_id: str) -> dict[str, int]:
    """Cancelled units per order line id (as text), for the lines that have any."""
    order = state.order(PLATFORM, order_id)
    return {str(li["id"]): int(li["cancelled"]) for li in order["lines"] if int(li.get("cancelled") or 0)}


def set_ip_allow_list(state: PracticeState, on: bool) -> None:
    state.set_meta(_IP_LIST, bool(on))


def ip_refused(state: PracticeState) -> bool:
    return bool(state.get_meta(_IP_LIST, False))


def set_customer_service(state: PracticeState, approved: bool) -> None:
    state.set_meta(_CS_INACTIVE, not approved)


def customer_service_inactive(state: PracticeState) -> bool:
    return bool(state.get_meta(_CS_INACTIVE, False))


_SELLER_SHIPPING = "tiktok:seller_shipping"  # [order id]: shipping_type SELLER (the shop's own courier)
_IDEMPOTENCY = "tiktok:idempotency_keys"   # [key]: reverse calls already done (a repeat answers success again)
PACKAGE_OFFSET = 576_000_000_000_000_000    # package id = order id + this (ids like the reference's 1152…)
DELIVERY_OPTION_ID = "7091146663229654785"  # the reference's sample delivery option
PROVIDER_BASE = 6_617_675_021_119_438_849   # shipping provider ids (the reference's sample) + a count


def set_seller_shipping(state: PracticeState, order_id: str, on: bool = True) -> None:
    """The order is shipped by the seller (delivery option SEND_BY_SELLER): own courier with a tracking number."""
    now = set(state.get_meta(_SELLER_SHIPPING, []))
    (now.add if on else now.discard)(order_id)
    state.set_meta(_SELLER_SHIPPING, sorted(now))


def seller_shipping(state: PracticeState, order_id: str) -> bool:
    return order_id in state.get_meta(_SELLER_SHIPPING, [])


def package_id(order_id: str) -> str:
    return str(int(order_id) + PACKAGE_OFFSET) if order_id.isdigit() else ""


def order_of_package(package: str) -> str:
    return str(int(package) - PACKAGE_OFFSET) if package.isdigit() and int(package) > PACKAGE_OFFSET else ""


def seen_key(state: PracticeState, key: str) -> bool:
    return bool(key) and key in state.get_meta(_IDEMPOTENCY, [])


def remember_key(state: PracticeState, key: str) -> None:
    if key:
        state.set_meta(_IDEMPOTENCY, [*state.get_meta(_IDEMPOTENCY, []), key])
