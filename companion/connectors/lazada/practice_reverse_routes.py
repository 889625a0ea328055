"""The practice Lazada's cancel and return calls (contracts_reverse.py) on the shared practice rules
(practice/fulfilment.py), in Lazada's shapes and with its documented E01xx codes.

Lazada cancels order items: a pending order loses only the items named, a packed or readied one its whole package
("other order items in the same package will also be cancelled"). Reverse lines are one per returned unit; a
refusal takes one line a call (E0111), so the practice return is refused once every line is. Amounts are in cents
("currency in cent, except VN"). Not served: reverse rows of buyers' cancel requests (request_type CANCEL: the
items' need_cancel_confirm carries them), and the steps after an accepted return (confirmDelivery, agreeRefund,
refuseRefund: the practice refunds an accepted return by itself, practice/fulfilment.advance_shipments).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from companion.connectors.lazada import practice_shop as shop
from companion.connectors.lazada.practice_reply import err, ok
from companion.practice import fulfilment as core
from companion.practice.exchange import Context, Reply, parse_int
from companion.practice.photos import picture_url

# The cancellation guide's example reasons ("the reason_id may be different for each country").
CANCEL_REASONS = ({"reason_name": "Sourcing Delay", "reason_id": "10000019"},
                  {"reason_name": "Out of Stock", "reason_id": "10000021"},
                  {"reason_name": "Wrong Price or Pricing Error", "reason_id": "10000023"})
CANCEL_TIP = ("SKU stock may be set to 0* after cancellation due to reasons: 'out of stock' or 'incorrect pricing', "
              "to prevent new orders while you adjust your stock/pricing.")
CANCELLED_TIP = ("The order has been cancelled and SKU stock may have been set to 0. Please ensure you check your "
                 "stock/pricing under \"Manage Products\".")
# The practice shop's reject reasons (Lazada hands them out per reverse line; its list is not published).
REJECT_REASONS = ({"reason_id": 4001, "text": "The item returned is not in the condition it was sent"},
                  {"reason_id": 4002, "text": "The pictures do not show the problem the buyer describes"},
                  {"reason_id": 4003, "text": "The return was asked for after the return period"})
REVERSE_STATUS = {"requested": "REQUEST_INITIATE", "refused": "REQUEST_REJECT", "closed": "REQUEST_CANCEL",
                  "accepted": "RTM_SHIPPING_BACK", "refunded": "REFUND_SUCCESS"}
UPDATE_ACTIONS = ("instantRefund", "agreeReturn", "refuseReturn", "agreeRefund", "refuseRefund", "confirmDelivery")


def _ids(text: str | None) -> list[str] | None:
    try:
        value = json.loads(text or "")
    except ValueError:
        return None
    return [str(v) for v in value] if isinstance(value, list) else None


def _tip_error(status: str) -> Reply:
    return ok({"tip_type": "error", "tip_content": f"The order item status {status} does not allow cancellation: "
                                                   "only Pending to Ready To Ship can be cancelled."})


def _cancel_target(ctx: Context, p: dict[str, str]) -> tuple[dict[str, Any], list[tuple[dict[str, Any], int]]] | Reply:
    """The order and the (line, unit) of each item named, or Lazada's refusal."""
    ref = p.get("order_id") or ""
    if not ref:
        return err("115", "E0115: order id is null")
    found = ctx.state.orders_by_refs(ctx.platform, [ref]) if ref.isdigit() else []
    if not found:
        return err("122", "E0122: invalid trade order ")
    ids = _ids(p.get("order_item_id_list"))
    if not ids:
        return err("102", "E0102: trade order line id is empty or invalid")
    units = [shop.unit_of(found[0], i) for i in ids]
    bad = [i for i, u in zip(ids, units, strict=True) if u is None]
    if bad:
        return err("123", f"E0123: invalid trade order lines {','.join(bad)}")
    order = found[0]
    statuses = ctx.channel().statuses
    if order["status"] not in (statuses.open, statuses.packed, statuses.arranged):
        return _tip_error(order["status"])
    return order, [u for u in units if u is not None]


def cancel_validate(ctx: Context, p: dict[str, str]) -> Reply:
    target = _cancel_target(ctx, p)
    if isinstance(target, Reply):
        return target
    return ok({"tip_type": "warning", "tip_content": CANCEL_TIP, "reason_options": list(CANCEL_REASONS)})


def cancel_create(ctx: Context, p: dict[str, str]) -> Reply:
    target = _cancel_target(ctx, p)
    if isinstance(target, Reply):
        return target
    order, units = target
    reason = next((r["reason_name"] for r in CANCEL_REASONS if r["reason_id"] == p.get("reason_id")), None)
    if reason is None:
        return err("104", "E0104: reason is empty or invalid")
    gone = shop.cancelled_units(ctx.state, order["ref"])
    for line, unit in units:
        if unit in shop.cancelled_indexes(ctx.state, order["ref"], line, gone.get(str(line["id"]), 0)):
            return err("123", f"E0123: invalid trade order lines {shop.unit_id(line['id'], unit)}")
    whole = order["status"] != ctx.channel().statuses.open  # packed or readied: the package goes as a whole
    per_line: dict[int, list[int]] = {}
    for line, unit in units:
        per_line.setdefault(int(line["id"]), []).append(unit)
    try:
        if whole:
            core.seller_cancel(ctx.state, ctx.platform, order["ref"], reason)
        else:
            for line_id, picked in per_line.items():
                shop.name_cancelled(ctx.state, order["ref"], line_id, picked)
            core.seller_cancel(ctx.state, ctx.platform, order["ref"], reason,
                               [(str(k), len(v)) for k, v in per_line.items()])
    except core.Refused as no:
        return _tip_error(order["status"]) if no.reason == "already_shipped" else err(
            "123", f"E0123: invalid trade order lines {no.detail}")
    return ok({"tip_type": "success", "tip_content": CANCELLED_TIP})


def cancel_decide(ctx: Context, p: dict[str, str]) -> Reply:
    ref = p.get("reverse_order_id") or ""
    found = ctx.state.records("cancel_requests", platform=ctx.platform, ref=ref) if ref.isdigit() else []
    if not found:
        return err("105", "E0105: reverse order id is empty or invalid")
    agree = (p.get("agree_cancel") or "").lower()
    if agree not in ("true", "false"):
        return err("131", "E0131: no decision for this reverse order")
    try:
        core.answer_cancel(ctx.state, ctx.platform, found[0]["order_ref"], agree == "true")
    except core.Refused:
        return err("105", "E0105: reverse order id is empty or invalid")  # answered already
    return ok()


# -- reverse orders ----------------------------------------------------------------------------------------------
def _ms(seconds: float) -> int:
    return int(seconds * 1000)


def _reverse_lines(ctx: Context, r: dict[str, Any]) -> list[dict[str, Any]]:
    refused = shop.refused_lines(ctx.state, r["ref"])
    rows, n = [], 0
    for li in r["lines"]:
        for unit in range(int(li["quantity"])):
            line_id = int(r["ref"]) * 1000 + n
            n += 1
            status = REVERSE_STATUS[r["state"]]
            if r["state"] == "requested" and str(line_id) in refused:
                status = "REQUEST_REJECT"
            rows.append({
                "reverse_order_line_id": line_id, "trade_order_line_id": shop.unit_id(int(li["line_ref"]), unit),
                "reverse_status": status, "ofc_status": "INITIAL",
                "product": {"product_id": int(li["item_id"]), "product_sku": str(li["model_id"])},
                "seller_sku_id": li["seller_sku"], "platform_sku_id": f"{li['item_id']}_ID-{li['model_id']}",
                "refund_amount": int(li["price"]) * 100, "item_unit_price": int(li["price"]) * 100,
                "reason_text": r["reason"], "reason_code": 0, "return_order_line_gmt_create": _ms(r["created"]),
                "return_order_line_gmt_modified": _ms(r["updated"]), "sla": _ms(r["answer_by"]),
                "is_need_refund": "true", "is_dispute": False, "tracking_number": "", "buyer": {"buyer_id": 0}})
    return rows


def _reverse(ctx: Context, r: dict[str, Any]) -> dict[str, Any]:
    return {"reverse_order_id": int(r["ref"]), "trade_order_id": int(r["order_ref"]),
            "request_type": "RETURN" if r["needs_item_back"] else "ONLY_REFUND", "is_rtm": True,
            "shipping_type": "DEFAULT", "reverse_order_lines": _reverse_lines(ctx, r)}


def _returns(ctx: Context, p: dict[str, str]) -> list[dict[str, Any]]:
    wanted = parse_int(p.get("reverse_order_id"))
    if wanted is not None:
        try:
            return [core.return_(ctx.state, ctx.platform, str(wanted))]
        except core.Refused:
            return []
    start = parse_int(p.get("ReverseOrderLineModifiedTimeRangeStart"))
    end = parse_int(p.get("ReverseOrderLineModifiedTimeRangeEnd"))
    rows, _ = core.returns_page(ctx.state, ctx.platform, None if start is None else start / 1000,
                                None if end is None else end / 1000, 0, 1_000_000)
    order = p.get("trade_order_id")
    return [r for r in rows if not order or r["order_ref"] == order]


def reverse_orders(ctx: Context, p: dict[str, str]) -> Reply:
    size, page = parse_int(p.get("page_size")), parse_int(p.get("page_no"))
    if size is None or page is None or not 1 <= size <= 100 or page < 1:
        return err("MissingParameter", "page_size (1-100) and page_no (from 1) are mandatory for processing this "
                                       "request.")
    kinds = _ids(p.get("request_type_list")) if p.get("request_type_list") else ["RETURN", "ONLY_REFUND"]
    rows = [r for r in _returns(ctx, p) if ("RETURN" if r["needs_item_back"] else "ONLY_REFUND") in (kinds or [])]
    chosen = rows[(page - 1) * size: page * size]
    return ok(None, result={"success": True, "page_no": page, "page_size": size, "total": len(rows),
                            "items": [_reverse(ctx, r) for r in chosen]})


def _line_return(ctx: Context, p: dict[str, str]) -> dict[str, Any] | None:
    line = parse_int(p.get("reverse_order_line_id"))
    if line is None:
        return None
    try:
        return core.return_(ctx.state, ctx.platform, str(line // 1000))
    except core.Refused:
        return None


def history(ctx: Context, p: dict[str, str]) -> Reply:
    r = _line_return(ctx, p)
    if r is None:
        return err("103", "E0103: reverse order line id is empty when query reject reason")
    size, number = parse_int(p.get("page_size")) or 10, parse_int(p.get("page_number")) or 1
    if size < 1:
        return err("120", "E0120: page size invalid")
    if number < 1:
        return err("121", "E0121: page number invalid")
    entries = [{"operator": "buyer", "picture": [picture_url(x, ctx.host) for x in r["photos"]],
                "time": _ms(r["created"])}]
    return ok({"list": entries[(number - 1) * size: number * size],
               "page_info": {"page_size": size, "current_page_number": number, "total": len(entries)}})


def reason_list(ctx: Context, p: dict[str, str]) -> Reply:
    if _line_return(ctx, p) is None:
        return err("103", "E0103: reverse order line id is empty when query reject reason")
    return ok([{**r, "muti_language_text": r["text"]} for r in REJECT_REASONS])


def _answerable(ctx: Context, p: dict[str, str], refund_only: bool) -> tuple[dict[str, Any], list[str]] | Reply:
    """The requested return and the reverse line ids named, or the refusal."""
    wanted = parse_int(p.get("reverse_order_id"))
    if wanted is None:
        return err("125", "E0125: invalid reverse id")
    try:
        r = core.return_(ctx.state, ctx.platform, str(wanted))
    except core.Refused:
        return err("112", "E0112: no reverse order found")
    ids = _ids(p.get("reverse_order_item_ids"))
    if not ids:
        return err("100", "E0100: reverse order list is empty")
    mine = {str(x["reverse_order_line_id"]) for x in _reverse_lines(ctx, r)}
    if not set(ids) <= mine:
        return err("126", "E0126: invalid reverse order lines")
    if r["state"] != "requested" or r["needs_item_back"] == refund_only:
        return err("114", "E0114: this reverse does not support this action")
    return r, ids


def return_update(ctx: Context, p: dict[str, str]) -> Reply:
    action = p.get("action") or ""
    if action not in UPDATE_ACTIONS:
        return err("107", "E0107: invalid action")
    found = _answerable(ctx, p, refund_only=False)
    if isinstance(found, Reply):
        return found
    r, ids = found
    if action == "agreeReturn":
        core.answer_return(ctx.state, ctx.platform, r["ref"], "accept")
    elif action == "instantRefund":
        core.answer_return(ctx.state, ctx.platform, r["ref"], "partial_refund", amount=r["amount"])
    elif action == "refuseReturn":
        reason = next((str(x["text"]) for x in REJECT_REASONS if str(x["reason_id"]) == p.get("reason_id")), None)
        if reason is None:
            return err("108", "E0108: reason can't be empty if you want to refuse return or refund")
        if not (p.get("comment") or "").strip():
            return err("109", "E0109: comment can't be empty if you want to refuse return or refund")
        if len(ids) > 1:
            return err("111", "E0111: do not support massive reverse order line operation if you want to refuse "
                              "return or refund")
        refused = shop.refuse_line(ctx.state, r["ref"], ids[0])
        if set(refused) >= {str(x["reverse_order_line_id"]) for x in _reverse_lines(ctx, r)}:
            core.answer_return(ctx.state, ctx.platform, r["ref"], "refuse", reason=reason)
    else:  # confirmDelivery, agreeRefund, refuseRefund come after the item is back
        return err("114", "E0114: this reverse does not support this action")
    return ok({"reverse_order_id": int(r["ref"])})


def only_refund_decide(ctx: Context, p: dict[str, str]) -> Reply:
    action = p.get("action") or ""
    if action not in ("agreeRefund", "startDispute"):
        return err("107", "E0107: invalid action")
    if len(_ids(p.get("reverse_order_item_ids")) or []) > 1:
        return err("133", "E0133: do not support batch operation")
    found = _answerable(ctx, p, refund_only=True)
    if isinstance(found, Reply):
        return found
    r, _ = found
    if action == "startDispute":
        if not (p.get("comment") or "").strip():
            return err("109", "E0109: comment can't be empty if startDispute")
        if not _ids(p.get("image_info_list")):
            return err("110", "E0110: image can't be empty if startDispute")
        core.answer_return(ctx.state, ctx.platform, r["ref"], "refuse", reason=p.get("comment") or "")
    else:
        core.answer_return(ctx.state, ctx.platform, r["ref"], "accept")
    return ok()


Route = Callable[[Context, dict[str, str]], Reply]


def _alone(route: Route) -> Route:
    """A call that checks, then changes several records: no other server thread comes between."""
    def run(ctx: Context, p: dict[str, str]) -> Reply:
        with ctx.state.locked():
            return route(ctx, p)
    return run


ROUTES: dict[str, Route] = {
    "/order/reverse/cancel/validate": cancel_validate,
    "/order/reverse/cancel/create": _alone(cancel_create),
    "/order/reverse/cancel/seller/decide": _alone(cancel_decide),
    "/reverse/getreverseordersforseller": reverse_orders,
    "/order/reverse/return/history/list": history,
    "/order/reverse/reason/list": reason_list,
    "/order/reverse/return/update": _alone(return_update),
    "/order/reverse/onlyrefund/seller/decide": _alone(only_refund_decide),
}
