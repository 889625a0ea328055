"""Cancelling and returns on Lazada (contracts_reverse.py): the seller's cancel per order item (validate → create),
the answer to a buyer's cancel request, reverse orders (returns, refund-only requests) and the answers to them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from companion.connectors.errors import AlreadyDone, NotPermitted, Permanent
from companion.connectors.lazada import fulfilment_mapping as fm
from companion.connectors.lazada.client import LazadaClient
from companion.connectors.lazada.shipping import order_items
from companion.domain.fulfilment import CancelLine, ReturnAction, ReturnAnswer, ReturnPage, ReturnRequest, ReturnState

RETURN_PAGE = 20  # "default 10", no maximum documented
RETURN_TYPES = '["RETURN","ONLY_REFUND"]'  # CANCEL rows are buyers' cancel requests, read from the order items
# The cancel reasons of the cancellation guide's example (ids "may be different for each country": the connector
# matches a chosen id that OrderCancelValidate does not offer by its name).
REASON_NAMES = {"10000021": "out of stock", "10000019": "sourcing delay", "10000023": "wrong price or pricing error"}


def _tip_error(data: dict[str, Any]) -> None:
    """'Orders that do not meet the criteria will report an error ... in the tip_content field'."""
    if str(data.get("tip_type") or "").lower() == "error":
        raise Permanent("tip_error", str(data.get("tip_content") or ""))


def _reason_id(options: list[dict[str, Any]], wanted: str) -> str:
    ids = {str(o.get("reason_id")): str(o.get("reason_name") or "").lower() for o in options}
    if wanted in ids:
        return wanted
    name = REASON_NAMES.get(wanted, wanted).lower()
    return next((i for i, n in ids.items() if n == name), wanted)  # not offered: Lazada says why (E0104)


def cancel_order(client: LazadaClient, order_id: str, reason: str, lines: Sequence[CancelLine]) -> None:
    """Lazada cancels order items (one unit each): `lines` name them by order item id; none: every live item."""
    if any(line.quantity != 1 for line in lines):
        raise Permanent("bad_lines", "a Lazada order item is one unit: name each item to cancel")
    items = order_items(client, order_id)
    wanted = [line.line_id for line in lines] or [str(i["order_item_id"]) for i in items
                                                  if fm.status(i) not in fm.CANCELLED]
    live = {str(i["order_item_id"]) for i in items if fm.status(i) not in fm.CANCELLED}
    if wanted and not set(wanted) & live and set(wanted) <= {str(i["order_item_id"]) for i in items}:
        raise AlreadyDone("canceled", "the order items are already canceled")
    if not wanted:
        raise AlreadyDone("canceled", "every item of the order is already canceled")
    listed = json.dumps([str(i) for i in wanted])
    data = client.call("GET", "/order/reverse/cancel/validate",
                       {"order_id": order_id, "order_item_id_list": listed}).get("data") or {}
    _tip_error(data)
    reason_id = _reason_id([o for o in data.get("reason_options") or [] if isinstance(o, dict)], reason)
    made = client.call("GET", "/order/reverse/cancel/create",
                       {"order_id": order_id, "order_item_id_list": listed, "reason_id": reason_id}).get("data") or {}
    _tip_error(made)


def answer_cancel_request(client: LazadaClient, order_id: str, request_id: str, accept: bool, reason: str) -> None:
    params = {"reverse_order_id": request_id, "agree_cancel": "true" if accept else "false"}
    if reason.isdigit():
        params["reason_code"] = reason
    try:
        client.call("GET", "/order/reverse/cancel/seller/decide", params)
    except AlreadyDone:
        raise
    except Permanent as refused:
        items = order_items(client, order_id)
        still = fm.cancel_request(items, datetime.now(UTC))
        if still is None or still.request_id != request_id:
            raise AlreadyDone(refused.platform_code, refused.platform_message) from None
        raise


def _reverse_orders(client: LazadaClient, params: dict[str, str]) -> dict[str, Any]:
    envelope = client.call("GET", "/reverse/getreverseordersforseller", params)
    result = envelope.get("result")
    return result if isinstance(result, dict) else {}


def _photos(client: LazadaClient, row: dict[str, Any]) -> tuple[str, ...]:
    """The buyer's pictures are in the reverse line's communication history."""
    lines = row.get("reverse_order_lines") or []
    if not lines:
        return ()
    data = client.call("GET", "/order/reverse/return/history/list",
                       {"reverse_order_line_id": str(lines[0].get("reverse_order_line_id"))}).get("data") or {}
    return tuple(str(p) for entry in data.get("list") or [] for p in entry.get("picture") or [] if p)


def pull_returns(client: LazadaClient, updated_from: datetime, updated_to: datetime,
                 cursor: str | None, page_size: int = RETURN_PAGE) -> ReturnPage:
    """Reverse orders whose lines changed in the window (ms), a page at a time (cursor = the next page_no)."""
    page = int(cursor or 1)
    result = _reverse_orders(client, {
        "page_size": str(page_size), "page_no": str(page), "request_type_list": RETURN_TYPES,
        "ReverseOrderLineModifiedTimeRangeStart": str(int(updated_from.timestamp() * 1000)),
        "ReverseOrderLineModifiedTimeRangeEnd": str(int(updated_to.timestamp() * 1000))})
    rows = [r for r in result.get("items") or [] if isinstance(r, dict)]
    found = []
    for row in rows:
        request = fm.reverse_order(row)
        if request.state is ReturnState.REQUESTED:
            request = fm.reverse_order(row, _photos(client, row))
        found.append(request)
    more = page * page_size < int(result.get("total") or 0) and bool(rows)
    return ReturnPage(tuple(found), str(page + 1) if more else None, not more)


def _one(client: LazadaClient, return_id: str) -> tuple[dict[str, Any], ReturnRequest]:
    result = _reverse_orders(client, {"page_size": "10", "page_no": "1", "reverse_order_id": return_id})
    rows = [r for r in result.get("items") or [] if str(r.get("reverse_order_id")) == return_id]
    if not rows:
        raise Permanent("112", "E0112: no reverse order found")
    return rows[0], fm.reverse_order(rows[0])


def _line_ids(row: dict[str, Any]) -> list[str]:
    return [str(x.get("reverse_order_line_id")) for x in row.get("reverse_order_lines") or []]


def _refuse_reason(client: LazadaClient, line_id: str, wanted: str) -> tuple[str, str]:
    """The reject reason for a line: the one asked for (id or words), else the first Lazada offers."""
    data = client.call("GET", "/order/reverse/reason/list", {"reverse_order_line_id": line_id}).get("data") or []
    options = [(str(r.get("reason_id")), str(r.get("text") or r.get("muti_language_text") or ""))
               for r in data if isinstance(r, dict)]
    chosen = next((o for o in options if wanted and wanted in o), options[0] if options else (wanted, ""))
    return chosen


def answer_return(client: LazadaClient, return_id: str, answer: ReturnAnswer) -> None:
    row, request = _one(client, return_id)
    if request.state is not ReturnState.REQUESTED:
        raise AlreadyDone(request.state_raw, f"the return is {request.state_raw}")
    if answer.action is ReturnAction.PARTIAL_REFUND:
        raise NotPermitted("unsupported", "Lazada lets the buyer name the amount; the seller accepts or refuses it")
    lines = _line_ids(row)
    if not request.needs_item_back:  # refund only: "currently list size can be only 1"
        if answer.action is ReturnAction.REFUSE:
            raise NotPermitted("unsupported", "refusing a refund-only request needs a dispute with pictures: "
                                              "use Seller Center")
        for line in lines:
            client.call("GET", "/order/reverse/onlyrefund/seller/decide",
                        {"action": "agreeRefund", "reverse_order_id": return_id, "reverse_order_item_ids": f"[{line}]"})
        return
    if answer.action is ReturnAction.ACCEPT:
        client.call("GET", "/order/reverse/return/update",
                    {"action": "agreeReturn", "reverse_order_id": return_id,
                     "reverse_order_item_ids": fm.json_ids(lines)})
        return
    for line in lines:  # E0111: no refusal of several lines at once
        reason_id, words = _refuse_reason(client, line, answer.reason)
        client.call("GET", "/order/reverse/return/update",
                    {"action": "refuseReturn", "reverse_order_id": return_id, "reverse_order_item_ids": f"[{line}]",
                     "reason_id": reason_id, "comment": answer.note.strip() or words or "-"})
