"""TikTok Shop fulfilment payloads (fulfilment_contracts.py) to the plain records of domain/fulfilment.py, and the
shipping facts of an order (city, courier, tracking number, package, a buyer's cancel request)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from companion.connectors.convert import from_epoch, require_epoch, rupiah
from companion.domain.fulfilment import (
    CancelRequest,
    PickupAddress,
    ReturnAction,
    ReturnLine,
    ReturnRequest,
    ReturnState,
    ShipMethod,
    ShippingOptions,
    TimeSlot,
)

# Search Returns' return_status values (search-returns.spec.json) to our states; a return whose seller next action
# is open is REQUESTED whatever its status (the seller must answer: a request, or a parcel that came back).
RETURN_STATE = {
    "RETURN_OR_REFUND_REQUEST_PENDING": ReturnState.REQUESTED,
    "REPLACEMENT_REQUEST_PENDING": ReturnState.REQUESTED,
    "AWAITING_BUYER_RESPONSE": ReturnState.REQUESTED,   # the seller offered a partial refund; the buyer decides
    "AWAITING_BUYER_SHIP": ReturnState.ACCEPTED,
    "BUYER_SHIPPED_ITEM": ReturnState.ACCEPTED,
    "RETURN_OR_REFUND_REQUEST_SUCCESS": ReturnState.ACCEPTED,
    "REPLACEMENT_REQUEST_COMPLETE": ReturnState.ACCEPTED,
    "REFUND_OR_RETURN_REQUEST_REJECT": ReturnState.REFUSED,
    "REJECT_RECEIVE_PACKAGE": ReturnState.REFUSED,
    "REPLACEMENT_REQUEST_REJECT": ReturnState.REFUSED,
    "RETURN_OR_REFUND_REQUEST_COMPLETE": ReturnState.REFUNDED,
    "REPLACEMENT_REQUEST_REFUND_SUCCESS": ReturnState.REFUNDED,
    "RETURN_OR_REFUND_REQUEST_CANCEL": ReturnState.CLOSED,
    "REPLACEMENT_REQUEST_CANCEL": ReturnState.CLOSED,
}
# the seller's next action → Approve Return / Reject Return decisions (approve-return, reject-return specs)
APPROVE = {"SELLER_RESPOND_REFUND": "APPROVE_REFUND", "SELLER_RESPOND_RETURN": "APPROVE_RETURN",
           "SELLER_RESPOND_RECEIVE_PACKAGE": "APPROVE_RECEIVED_PACKAGE",
           "SELLER_RESPOND_REPLACEMENT": "APPROVE_REPLACEMENT"}
REJECT = {"SELLER_RESPOND_REFUND": "REJECT_REFUND", "SELLER_RESPOND_RETURN": "REJECT_RETURN",
          "SELLER_RESPOND_RECEIVE_PACKAGE": "REJECT_RECEIVED_PACKAGE",
          "SELLER_RESPOND_REPLACEMENT": "REJECT_REPLACEMENT"}
PARTIAL_STAGES = ("SELLER_RESPOND_REFUND", "SELLER_RESPOND_RETURN")  # a partial refund replaces the request


def city(row: dict[str, Any]) -> str:
    """The regency/city (level L2 in ID's district_info: L0 country, L1 province, L2 city, L3 district)."""
    levels = (row.get("recipient_address") or {}).get("district_info") or []
    by_level = {str(d.get("address_level") or ""): str(d.get("address_name") or "") for d in levels}
    named = next((str(d.get("address_name") or "") for d in levels
                  if any(w in str(d.get("address_level_name") or "").lower() for w in ("city", "regency", "kota"))),
                 "")
    return (by_level.get("L2") or named).strip()


def package_id(row: dict[str, Any]) -> str:
    """The order's package (packages[0].id): this app ships one package per order."""
    packages = row.get("packages") or []
    return str(packages[0].get("id") or "") if packages else ""


def next_action(row: dict[str, Any]) -> tuple[str, int | None]:
    """The seller's next action on a cancellation or return and its deadline ("" when nothing is asked)."""
    for step in row.get("seller_next_action_response") or []:
        if step.get("action"):
            return str(step["action"]), (int(step["deadline"]) if step.get("deadline") else None)
    return "", None


def cancel_request(row: dict[str, Any]) -> CancelRequest:
    """A Search Cancellations record of a buyer's pending request."""
    _, deadline = next_action(row)
    return CancelRequest(
        request_id=str(row.get("cancel_id") or ""),
        reason=str(row.get("cancel_reason_text") or row.get("cancel_reason") or ""),
        requested_at=require_epoch(row.get("create_time")),
        answer_by=from_epoch(deadline),
    )


def shipping_options(order_id: str, package: str, slots: dict[str, Any] | None,
                     providers: Sequence[str]) -> ShippingOptions:
    """Handover time slots (TikTok Shipping) or the providers of a seller-shipped order (own courier)."""
    if slots is None:
        return ShippingOptions(order_id, package, (ShipMethod.OWN_COURIER,), providers=tuple(providers))
    methods = []
    times = tuple(TimeSlot(slot_id(s), from_epoch(s.get("start_time")), from_epoch(s.get("end_time")))
                  for s in slots.get("pickup_slots") or [] if s.get("avaliable", True) and s.get("start_time"))
    if slots.get("can_pickup") and times:
        methods.append(ShipMethod.PICKUP)
    if slots.get("can_drop_off"):
        methods.append(ShipMethod.DROPOFF)
    # no address to choose: TikTok collects at the warehouse's pickup address set in Seller Center
    addresses = (PickupAddress("", "", times),) if ShipMethod.PICKUP in methods else ()
    return ShippingOptions(order_id, package, tuple(methods), addresses=addresses)


def slot_id(slot: dict[str, Any]) -> str:
    """TikTok names a slot by its start and end: "start-end" in Unix seconds, sent back as pickup_slot."""
    return f"{slot['start_time']}-{slot.get('end_time') or slot['start_time']}"


def return_request(row: dict[str, Any], records: Sequence[dict[str, Any]] = (),
                   products: Mapping[str, str] | None = None) -> ReturnRequest:
    """A Search Returns row (+ its records' buyer note and photos; `products`: order line item id → product id,
    which return line items do not carry). Line items are one per unit."""
    action, deadline = next_action(row)
    state = ReturnState.REQUESTED if action else RETURN_STATE.get(str(row.get("return_status")), ReturnState.CLOSED)
    actions: tuple[ReturnAction, ...] = ()
    if action:
        actions = (ReturnAction.ACCEPT, ReturnAction.REFUSE)
        if action in PARTIAL_STAGES:
            actions += (ReturnAction.PARTIAL_REFUND,)
    buyer = [r for r in records if str(r.get("role") or "").upper() == "BUYER"]
    known = products or {}
    lines = tuple(ReturnLine(str(li.get("order_line_item_id") or ""), known.get(str(li.get("order_line_item_id")), ""),
                             str(li.get("sku_id") or ""), str(li.get("seller_sku") or ""), _line_name(li), 1)
                  for li in row.get("return_line_items") or [])
    return ReturnRequest(
        return_id=str(row["return_id"]), order_id=str(row.get("order_id") or ""), state=state,
        state_raw=str(row.get("return_status") or ""),
        reason=str(row.get("return_reason_text") or row.get("return_reason") or ""),
        buyer_note=next((str(r["note"]) for r in buyer if r.get("note")), ""),
        photos=tuple(str(i["url"]) for r in buyer for i in r.get("images") or [] if i.get("url")),
        lines=lines,
        refund_amount=rupiah((row.get("refund_amount") or {}).get("refund_total")),
        created_at=require_epoch(row.get("create_time")),
        updated_at=require_epoch(row.get("update_time") or row.get("create_time")),
        answer_by=from_epoch(deadline),
        needs_item_back=str(row.get("return_type")) != "REFUND",
        actions=actions,
    )


def _line_name(li: dict[str, Any]) -> str:
    name = str(li.get("product_name") or "")
    return f"{name} ({li['sku_name']})" if li.get("sku_name") else name
