"""Lazada's fulfilment payloads to plain records: an order's shipping facts from its items, a buyer's cancel
request, reverse orders (returns and refunds) and the `result` envelope of the fulfilment calls
(connectors/lazada/contracts_fulfilment.py and contracts_reverse.py cite the reference)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from companion.connectors.convert import from_epoch
from companion.connectors.errors import NotPermitted, Permanent, Temporary
from companion.domain.fulfilment import CancelRequest, ReturnAction, ReturnLine, ReturnRequest, ReturnState

# Order item statuses (GetOrders' list and its statuses demo) as the shipping steps see them.
PACKABLE = frozenset({"pending", "topack", "repacked"})
PACKED = "packed"
CANCELLED = frozenset({"canceled", "cancelled"})
NOT_YET = PACKABLE | {PACKED, "unpaid"} | CANCELLED
# Pack's result codes that mean "try again later" (its error table's "system is busy now ,pls try later").
BUSY = frozenset({"6", "40011", "700024", "1003"})
NO_3PL = "700016"  # "seller not available 3pl , pls contact us to subscription 3pl"


def status(item: dict[str, Any]) -> str:
    return str(item.get("status") or "").lower()


def shipped_already(items: Iterable[dict[str, Any]]) -> str:
    """The status every live item is past packing at ('' while one still waits): the order was readied or sent
    from Seller Center, so shipping it again must not happen."""
    live = [status(i) for i in items if status(i) not in CANCELLED]
    return live[0] if live and all(s not in NOT_YET for s in live) else ""


def shipping_facts(items: Iterable[dict[str, Any]]) -> tuple[str, str, str]:
    """(courier, tracking number, package id) from the first item that has them (GetOrderItems:
    shipment_provider, tracking_code, package_id)."""
    rows = [i for i in items if status(i) not in CANCELLED] or list(items)
    def first(key: str) -> str:
        return next((str(i[key]) for i in rows if i.get(key)), "")
    return first("shipment_provider"), first("tracking_code"), first("package_id")


def truthy(value: object) -> bool:
    return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")


def cancel_request(items: Iterable[dict[str, Any]], asked: datetime) -> CancelRequest | None:
    """A buyer's open request to cancel, from GetOrderItems' need_cancel_confirm ('seller needs to respond to the
    cancellation request from buyer'), reverse_order_id and cancel_trigger_time (the order cancels itself then).
    Lazada gives no time of asking: `asked` (the order's update time) stands in."""
    for item in items:
        if truthy(item.get("need_cancel_confirm")):
            return CancelRequest(request_id=str(item.get("reverse_order_id") or ""),
                                 reason=str(item.get("reason") or ""), requested_at=asked,
                                 answer_by=from_epoch(item.get("cancel_trigger_time")))
    return None


def result_data(envelope: dict[str, Any]) -> dict[str, Any]:
    """The fulfilment calls' `result`: its data, or the refusal as a typed error in Lazada's words."""
    result = envelope.get("result")
    if not isinstance(result, dict):
        raise Temporary("answer without a result")
    if not truthy(result.get("success")):
        code = str(result.get("error_code") or "result_failed")
        words = str(result.get("error_msg") or "")
        if code in BUSY:
            raise Temporary(f"{code}: {words}")
        raise NotPermitted(code, words) if code == NO_3PL else Permanent(code, words)
    data = result.get("data")
    return data if isinstance(data, dict) else {}


def item_failure(row: dict[str, Any]) -> Permanent | Temporary | None:
    """One item's (or package's) refusal inside a successful result; None when its item_err_code is "0"."""
    code = str(row.get("item_err_code") or "0")
    if code == "0":
        return None
    words = str(row.get("msg") or "")
    if code in BUSY or truthy(row.get("retry")):
        return Temporary(f"{code}: {words}")
    return NotPermitted(code, words) if code == NO_3PL else Permanent(code, words)


def json_ids(ids: Iterable[str]) -> str:
    return json.dumps([int(i) if str(i).isdigit() else str(i) for i in ids])


# -- reverse orders ----------------------------------------------------------------------------------------------
def return_state(raw: str) -> ReturnState:
    """Reverse statuses (GetReverseOrderDetail: REQUEST_INITIATE, REQUEST_REJECT, REQUEST_CANCEL, CANCEL_SUCCESS;
    the reverse-order webhook's later steps) to our states. A status past the request that names none of these is a
    return under way: accepted."""
    text = raw.upper()
    if text in ("REQUEST_INITIATE", "RTM_INIT", "RTW_INIT", "REFUND_INIT"):
        return ReturnState.REQUESTED
    if "REJECT" in text:
        return ReturnState.REFUSED
    if "REFUND" in text and ("SUCCESS" in text or "ISSUED" in text):
        return ReturnState.REFUNDED
    if "CANCEL" in text:
        return ReturnState.CLOSED
    return ReturnState.ACCEPTED


def rupiah_from_cents(value: object) -> int:
    """'currency in cent, except VN': Indonesia is not excepted (contracts_reverse.REVERSE_ORDERS)."""
    try:
        return int(str(value or 0)) // 100
    except ValueError:
        return 0


def _line(row: dict[str, Any]) -> ReturnLine:
    found = row.get("product")
    product: dict[str, Any] = found if isinstance(found, dict) else {}
    return ReturnLine(line_id=str(row.get("trade_order_line_id") or ""), item_id=str(product.get("product_id") or ""),
                      sku_id=str(product.get("product_sku") or ""), seller_sku=str(row.get("seller_sku_id") or ""),
                      name=str(row.get("seller_sku_id") or ""), quantity=1)


def _times(lines: list[dict[str, Any]], key: str) -> list[datetime]:
    return [t for t in (from_epoch(x.get(key)) for x in lines) if t is not None]


def reverse_order(row: dict[str, Any], photos: tuple[str, ...] = ()) -> ReturnRequest:
    """One GetReverseOrdersForSeller item: every line is one order item (one unit)."""
    lines = [x for x in row.get("reverse_order_lines") or [] if isinstance(x, dict)]
    raw = str(lines[0].get("reverse_status") or "") if lines else ""
    state = return_state(raw)
    kind = str(row.get("request_type") or "")
    created, updated = _times(lines, "return_order_line_gmt_create"), _times(lines, "return_order_line_gmt_modified")
    if not created:
        raise ValueError(f"reverse order {row.get('reverse_order_id')} without a creation time")
    actions: tuple[ReturnAction, ...] = ()
    if state is ReturnState.REQUESTED:
        actions = (ReturnAction.ACCEPT, ReturnAction.REFUSE) if kind == "RETURN" else (ReturnAction.ACCEPT,)
    return ReturnRequest(
        return_id=str(row.get("reverse_order_id")), order_id=str(row.get("trade_order_id") or ""), state=state,
        state_raw=raw, reason=str(lines[0].get("reason_text") or "") if lines else "", buyer_note="",
        photos=photos, lines=tuple(_line(x) for x in lines),
        refund_amount=sum(rupiah_from_cents(x.get("refund_amount")) for x in lines),
        created_at=min(created), updated_at=max(updated or created),
        answer_by=from_epoch(lines[0].get("sla")) if lines and state is ReturnState.REQUESTED else None,
        needs_item_back=kind != "ONLY_REFUND", actions=actions)
