"""Practice TikTok Shop "reverse" calls (return_refund/202309): Cancel Order, Search / Approve / Reject
Cancellations, Search Returns, Get Return Records, Approve / Reject Return, in the reference's shapes and codes
(fulfilment_contracts.py) on the practice core. An ID shop: whole orders only (25005010 for line items); reasons
from the ID tables (fulfilment_rules.py); the idempotency key answers a repeat with success."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from companion.connectors.tiktok import fulfilment_rules as rules
from companion.connectors.tiktok import practice_shop as shop
from companion.connectors.tiktok.practice_reply import err, ok
from companion.practice import fulfilment as core
from companion.practice.exchange import Context, Reply, Request, parse_int
from companion.practice.photos import picture_url
from companion.practice.state import NotFound

INVALID = (25001001, "An invalid request parameter was passed. Please check that you have the correct parameter "
                     "type(s) and format.")
UNPAID_REASONS = ("seller_cancel_unpaid_reason_out_of_stock", "seller_cancel_unpaid_reason_wrong_price",
                  "seller_cancel_unpaid_reason_buyer_hasnt_paid_within_time_allowed")
REQUEST_STATE = {"open": "CANCELLATION_REQUEST_PENDING", "accepted": "CANCELLATION_REQUEST_COMPLETE",
                 "refused": "CANCELLATION_REQUEST_CANCEL"}
RETURN_REJECT = frozenset(r.code for r in rules.REFUSE_REASONS)


def _body(req: Request) -> dict[str, Any] | None:
    body = req.json() if req.body else {}
    return body if isinstance(body, dict) else None


def cancel_order(ctx: Context, req: Request) -> Reply:
    body = _body(req)
    if body is None or not isinstance(body.get("order_id"), str) or not isinstance(body.get("cancel_reason"), str):
        return err(*INVALID)
    if body.get("skus") or body.get("order_line_item_ids"):
        return err(25005010, "Unable to cancel individual line items within this request.")
    reason, ref = body["cancel_reason"], body["order_id"]
    try:
        order = ctx.state.order(ctx.platform, ref)
    except (NotFound, LookupError):
        return err(25020005, "No permission to process this order")
    known = {r.code for r in rules.CANCEL_REASONS}
    if reason not in known | set(UNPAID_REASONS):
        return err(25001014, "Unknown return reason. Please ensure you are passing a valid return reason.")
    if (reason in UNPAID_REASONS) != (order["status"] == ctx.channel().statuses.unpaid):
        return err(25001021, "Reason not match order status")
    try:
        core.seller_cancel(ctx.state, ctx.platform, ref, reason)
    except core.Refused as refused:
        if refused.reason == "cancelled":
            return err(25001011, "A return request is already in process, or the order has already been cancelled.")
        return err(25001045, "The order has already been shipped and we are unable to cancel shipment with the "
                             "courier.")
    return ok({"cancel_id": str(4_035_000_000_000_000_000 + ctx.state.count_up(ctx.platform, "seller_cancel")),
               "cancel_status": "CANCELLATION_REQUEST_SUCCESS"})


def _cancellation(ctx: Context, row: dict[str, Any]) -> dict[str, Any]:
    order = ctx.state.order(ctx.platform, row["order_ref"])
    pending = row["state"] == "open"
    return {"cancel_id": row["ref"], "order_id": row["order_ref"], "cancel_type": "BUYER_CANCEL", "role": "BUYER",
            "cancel_status": REQUEST_STATE.get(row["state"], "CANCELLATION_REQUEST_CANCEL"),
            "cancel_reason": "ecom_order_to_ship_canceled_reason_created_by_mistakes",
            "cancel_reason_text": row["reason"], "create_time": int(row["created"]), "update_time": int(row["updated"]),
            "seller_next_action_response": [{"action": "SELLER_RESPOND_CANCEL", "deadline": int(row["answer_by"])}]
            if pending else [],
            "cancel_line_items": [{"order_line_item_id": f"{li['id']}{unit:04d}", "sku_id": li["model_id"],
                                   "seller_sku": li["seller_sku"], "product_name": li["name"]}
                                  for li in order["lines"] for unit in range(li["quantity"])]}


def cancellations_search(ctx: Context, req: Request) -> Reply:
    body, size = _body(req), parse_int(req.q("page_size") or "10")
    if body is None or size is None or not 1 <= size <= 50:
        return err(*INVALID)
    rows = ctx.state.records("cancel_requests", platform=ctx.platform)
    if body.get("order_ids"):
        rows = [r for r in rows if r["order_ref"] in {str(x) for x in body["order_ids"]}]
    if body.get("cancel_ids"):
        rows = [r for r in rows if r["ref"] in {str(x) for x in body["cancel_ids"]}]
    found = [_cancellation(ctx, r) for r in rows]
    if body.get("cancel_status"):
        found = [c for c in found if c["cancel_status"] in body["cancel_status"]]
    if body.get("cancel_types") and "BUYER_CANCEL" not in body["cancel_types"]:
        found = []
    return ok({"cancellations": found[:size], "total_count": len(found), "next_page_token": ""})


def answer_cancellation(ctx: Context, req: Request, cancel_id: str, verb: str) -> Reply:
    key = req.q("idempotency_key") or ""
    if shop.seen_key(ctx.state, key):
        return ok({})
    rows = ctx.state.records("cancel_requests", platform=ctx.platform, ref=cancel_id)
    if not rows:
        return err(25007006, "Order not found.")
    if verb == "reject":
        body = _body(req) or {}
        reason = str(body.get("reject_reason") or "")
        if reason in RETURN_REJECT:
            return err(25001057, "reverse reason not match reason type")
        if reason not in rules.CANCEL_REJECT_CODES:
            return err(25001014, "Unknown return reason. Please ensure you are passing a valid return reason.")
    try:
        core.answer_cancel(ctx.state, ctx.platform, rows[0]["order_ref"], verb == "approve")
    except core.Refused:
        if verb == "approve":
            return err(25011012, "reverse status cannot approve application")
        return err(25011011, "reverse status cannot reject application")
    shop.remember_key(ctx.state, key)
    return ok({})


RETURN_STATUS = {"accepted": "AWAITING_BUYER_SHIP", "refused": "REFUND_OR_RETURN_REQUEST_REJECT",
                 "refunded": "RETURN_OR_REFUND_REQUEST_COMPLETE", "closed": "RETURN_OR_REFUND_REQUEST_CANCEL",
                 "requested": "RETURN_OR_REFUND_REQUEST_PENDING"}


def _stage(r: dict[str, Any]) -> str:
    return "SELLER_RESPOND_RETURN" if r["needs_item_back"] else "SELLER_RESPOND_REFUND"


def _return(r: dict[str, Any]) -> dict[str, Any]:
    """A core return as a Search Returns row: line items one per unit, like the order's."""
    items = [{"return_line_item_id": f"{r['ref']}{li['line_ref']}{unit:02d}",
              "order_line_item_id": f"{li['line_ref']}{unit:04d}", "sku_id": li["model_id"],
              "seller_sku": li["seller_sku"], "product_name": li["name"],
              "sku_name": "", "refund_amount": {"currency": "IDR", "refund_total": str(li["price"])}}
             for li in r["lines"] for unit in range(li["quantity"])]
    open_ = r["state"] == "requested"
    partial = r["state"] == "refunded" and 0 < r["refund"] < r["amount"]
    return {"return_id": r["ref"], "order_id": r["order_ref"], "role": "BUYER",
            "return_type": "RETURN_AND_REFUND" if r["needs_item_back"] else "REFUND",
            "return_status": RETURN_STATUS[r["state"]], "return_reason": "ecom_order_delivered_refund_and_return_"
            "reason_not_match_description", "return_reason_text": r["reason"], "create_time": int(r["created"]),
            "update_time": int(r["updated"]), "can_buyer_keep_item": not r["needs_item_back"],
            "seller_next_action_response": [{"action": _stage(r), "deadline": int(r["answer_by"])}] if open_ else [],
            "return_line_items": items, "refund_amount": {"currency": "IDR", "refund_total": str(r["amount"])},
            **({"seller_proposed_return_type": "PARTIAL_REFUND",
                "partial_refund": {"currency": "IDR", "amount": str(r["refund"])}} if partial else {})}


def returns_search(ctx: Context, req: Request) -> Reply:
    body, size = _body(req), parse_int(req.q("page_size") or "10")
    start = parse_int(req.q("page_token") or "0")
    if body is None or size is None or not 10 <= size <= 50 or start is None or start < 0:
        return err(*INVALID)
    if body.get("return_ids"):
        found = []
        for ref in body["return_ids"]:
            try:
                found.append(core.return_(ctx.state, ctx.platform, str(ref)))
            except core.Refused:
                continue
        return ok({"return_orders": [_return(r) for r in found], "total_count": len(found), "next_page_token": ""})
    low, high = body.get("update_time_ge"), body.get("update_time_lt")
    rows, total = core.returns_page(ctx.state, ctx.platform, low, None if high is None else high - 0.001,
                                    ctx.served_start(start, size), size)
    more = start + size < total
    return ok({"return_orders": [_return(r) for r in rows], "total_count": total,
               "next_page_token": str(start + size) if more else ""})


def return_records(ctx: Context, req: Request, return_id: str) -> Reply:
    try:
        r = core.return_(ctx.state, ctx.platform, return_id)
    except core.Refused:
        return err(36009003, "Internal error. Please try again. (no such return)")
    return ok({"records": [{"event": "ORDER_RETURN", "role": "BUYER", "description": "Customer submitted a return "
                            "request", "reason_text": r["reason"], "note": r["note"], "create_time": int(r["created"]),
                            "images": [{"url": picture_url(p, ctx.host), "width": 96, "height": 72}
                                       for p in r["photos"]], "videos": []}]})


def answer_return(ctx: Context, req: Request, return_id: str, verb: str) -> Reply:
    key, body = req.q("idempotency_key") or "", _body(req)
    if shop.seen_key(ctx.state, key):
        return ok({})
    try:
        r = core.return_(ctx.state, ctx.platform, return_id)
    except core.Refused:
        return err(25007006, "Order not found.")
    if body is None:
        return err(*INVALID)
    if r["state"] != "requested":
        return err(*((25011012, "reverse status cannot approve application") if verb == "approve"
                     else (25020010, "Aftersales has been approved and cannot be rejected.")))
    problem, action, amount, reason = _answer(r, verb, body)
    if problem:
        return err(*problem)
    try:
        core.answer_return(ctx.state, ctx.platform, return_id, action, amount, reason)
    except core.Refused as refused:
        if refused.reason == "amount_too_high":
            return err(*INVALID)
        return err(25011012, "reverse status cannot approve application")
    shop.remember_key(ctx.state, key)
    return ok({})


def _answer(r: dict[str, Any], verb: str, body: dict[str, Any]) -> tuple[tuple[int, str] | None, str, int, str]:
    """The decision against the return's stage: (refusal or None, core action, amount, reason)."""
    decision, stage = body.get("decision"), _stage(r)
    if verb == "approve" and decision == "OFFER_PARTIAL_REFUND":
        amount = parse_int(str((body.get("partial_refund") or {}).get("amount") or ""))
        return (INVALID, "", 0, "") if amount is None else (None, "partial_refund", amount, "")
    wanted = {"approve": {"SELLER_RESPOND_RETURN": "APPROVE_RETURN", "SELLER_RESPOND_REFUND": "APPROVE_REFUND"},
              "reject": {"SELLER_RESPOND_RETURN": "REJECT_RETURN", "SELLER_RESPOND_REFUND": "REJECT_REFUND"}}
    if decision != wanted[verb][stage]:
        return (25020004, "decision not match reverse type"), "", 0, ""
    if verb == "approve":
        return None, "accept", 0, ""
    reason = str(body.get("reject_reason") or "")
    if reason in rules.CANCEL_REJECT_CODES or reason in rules.PARCEL_REJECT_CODES:
        return (25001057, "reverse reason not match reason type"), "", 0, ""
    if reason not in RETURN_REJECT:
        return (25001014, "Unknown return reason. Please ensure you are passing a valid return reason."), "", 0, ""
    return None, "refuse", 0, reason


ROUTES: list[tuple[tuple[str, str], Callable[..., Reply]]] = [
    (("POST", r"/return_refund/202309/cancellations"), cancel_order),
    (("POST", r"/return_refund/202309/cancellations/search"), cancellations_search),
    (("POST", r"/return_refund/202309/cancellations/([^/]+)/(approve|reject)"), answer_cancellation),
    (("POST", r"/return_refund/202309/returns/search"), returns_search),
    (("GET", r"/return_refund/202309/returns/([^/]+)/records"), return_records),
    (("POST", r"/return_refund/202309/returns/([^/]+)/(approve|reject)"), answer_return),
]
