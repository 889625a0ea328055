"""Shopee shipping and return payloads (fulfilment_contracts.py, returns_contracts.py) to plain records, and back."""

from __future__ import annotations

from typing import Any

from companion.connectors.convert import from_epoch, require_epoch, rupiah
from companion.domain.fulfilment import (
    Branch,
    CancelRequest,
    PickupAddress,
    ReturnAction,
    ReturnLine,
    ReturnRequest,
    ReturnState,
    ShipChoice,
    ShipMethod,
    ShippingOptions,
    TimeSlot,
)

# Statuses after shipment was arranged: a ship or cancel refused then means "already done" (RETRY_SHIP is not one:
# the courier failed to pick up and the seller arranges again).
ARRANGED = frozenset({"PROCESSED", "SHIPPED", "TO_CONFIRM_RECEIVE", "COMPLETED", "TO_RETURN"})
# Return statuses (returns_contracts.py docstring) to ours; an unknown one waits for the seller.
RETURN_STATE = {
    "REQUESTED": ReturnState.REQUESTED, "PROCESSING": ReturnState.REQUESTED, "ACCEPTED": ReturnState.ACCEPTED,
    "JUDGING": ReturnState.REFUSED, "SELLER_DISPUTE": ReturnState.REFUSED, "REFUND_PAID": ReturnState.REFUNDED,
    "COMPLETED": ReturnState.REFUNDED, "CANCELLED": ReturnState.CLOSED, "CLOSED": ReturnState.CLOSED,
}
METHODS = (("pickup", ShipMethod.PICKUP), ("dropoff", ShipMethod.DROPOFF), ("non_integrated", ShipMethod.OWN_COURIER))


def _place(row: dict[str, Any]) -> str:
    return ", ".join(str(row[k]) for k in ("address", "district", "city", "state", "zipcode") if row.get(k))


def shipping_options(order_sn: str, params: dict[str, Any]) -> ShippingOptions:
    """get_shipping_parameter's answer: a method is offered when info_needed names it (even with an empty list)."""
    needed = params.get("info_needed") or {}
    methods = tuple(method for key, method in METHODS if needed.get(key) is not None)
    addresses = tuple(
        PickupAddress(str(a["address_id"]), _place(a), tuple(
            TimeSlot(str(s["pickup_time_id"]), from_epoch(s.get("date")), None)
            for s in sorted(a.get("time_slot_list") or [], key=lambda s: int(s.get("date") or 0))))
        for a in (params.get("pickup") or {}).get("address_list") or [])
    branches = tuple(Branch(str(b["branch_id"]), str(b.get("address") or b["branch_id"]),
                            ", ".join(str(b[k]) for k in ("city", "state", "zipcode") if b.get(k)))
                     for b in (params.get("dropoff") or {}).get("branch_list") or [])
    return ShippingOptions(order_sn, "", methods, addresses, branches)


def ship_body(order_sn: str, choice: ShipChoice, options: ShippingOptions, needed: dict[str, Any]
              ) -> dict[str, Any]:
    """ship_order's body: exactly one of pickup / dropoff / non_integrated. An empty address, slot or branch in the
    choice means the first address, its earliest slot, the first branch offered now."""
    body: dict[str, Any] = {"order_sn": order_sn}
    if choice.method is ShipMethod.PICKUP:
        address = next((a for a in options.addresses if a.address_id == choice.address_id),
                       options.addresses[0] if options.addresses else None)
        pickup: dict[str, Any] = {"address_id": _number(choice.address_id or (address.address_id if address else ""))}
        slot = choice.slot_id or (address.slots[0].slot_id if address and address.slots else "")
        if slot:
            pickup["pickup_time_id"] = slot
        if "tracking_number" in (needed.get("pickup") or []) and choice.tracking_number:
            pickup["tracking_number"] = choice.tracking_number
        body["pickup"] = pickup
    elif choice.method is ShipMethod.DROPOFF:
        dropoff: dict[str, Any] = {}
        branch = choice.branch_id or (options.branches[0].branch_id if options.branches else "")
        if branch:
            dropoff["branch_id"] = _number(branch)
        if {"tracking_no", "tracking_number"} & set(needed.get("dropoff") or []) and choice.tracking_number:
            dropoff["tracking_number"] = choice.tracking_number
        body["dropoff"] = dropoff
    else:
        body["non_integrated"] = {"tracking_number": choice.tracking_number} if choice.tracking_number else {}
    return body


def _number(text: str) -> int:
    """A remembered id as Shopee's int64; one that is not a number becomes 0, which Shopee refuses in its words."""
    return int(text) if text.isdigit() else 0


def cancel_request(detail: dict[str, Any]) -> CancelRequest | None:
    """An IN_CANCEL order carries the buyer's open request (Shopee gives it no id and no deadline of its own)."""
    if str(detail.get("order_status") or "") != "IN_CANCEL":
        return None
    return CancelRequest("", str(detail.get("buyer_cancel_reason") or ""),
                         require_epoch(detail.get("update_time") or detail.get("create_time")), None)


def shipping_fields(detail: dict[str, Any]) -> dict[str, Any]:
    """Order fields from get_order_detail's recipient_address, shipping_carrier and package_list."""
    packages = detail.get("package_list") or []
    first = packages[0] if packages else {}
    return {"buyer_city": str((detail.get("recipient_address") or {}).get("city") or ""),
            "courier": str(detail.get("shipping_carrier") or first.get("shipping_carrier") or ""),
            "package_id": str(first.get("package_number") or ""),
            "cancel_request": cancel_request(detail)}


def return_request(row: dict[str, Any]) -> ReturnRequest:
    """One get_return_detail (or get_return_list) entry."""
    raw = str(row.get("status") or "")
    state = RETURN_STATE.get(raw.upper(), ReturnState.REQUESTED)
    refund_only = row.get("return_solution") == 1 or row.get("needs_logistics") is False
    lines = tuple(ReturnLine(f"{i.get('item_id')}:{i.get('model_id') or 0}", str(i.get("item_id")),
                             str(i.get("model_id") or 0), str(i.get("variation_sku") or i.get("item_sku") or ""),
                             str(i.get("name") or ""), int(i.get("amount") or 0))
                  for i in row.get("item") or [] if int(i.get("amount") or 0) > 0)
    return ReturnRequest(
        return_id=str(row["return_sn"]), order_id=str(row.get("order_sn") or ""), state=state, state_raw=raw,
        reason=str(row.get("reason") or ""), buyer_note=str(row.get("text_reason") or ""),
        photos=tuple(str(u) for u in row.get("image") or []), lines=lines,
        refund_amount=rupiah(row.get("refund_amount")), created_at=require_epoch(row.get("create_time")),
        updated_at=require_epoch(row.get("update_time") or row.get("create_time")),
        answer_by=from_epoch(row.get("due_date") or row.get("return_seller_due_date")),
        needs_item_back=not refund_only, actions=actions(state, row))


def actions(state: ReturnState, row: dict[str, Any]) -> tuple[ReturnAction, ...]:
    """confirm and dispute while the return waits for the seller; offer while Shopee's negotiation is open."""
    if state is not ReturnState.REQUESTED:
        return ()
    negotiation = str((row.get("negotiation") or {}).get("negotiation_status") or row.get("negotiation_status") or "")
    offer = (ReturnAction.PARTIAL_REFUND,) if negotiation in ("PENDING_RESPOND", "ONGOING") else ()
    return (ReturnAction.ACCEPT, ReturnAction.REFUSE, *offer)
