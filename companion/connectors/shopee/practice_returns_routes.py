"""The practice Shopee's return calls (returns_contracts.py): the list and detail of the practice buyers' return
requests and the seller's confirm / dispute / offer, through the practice core (practice/fulfilment.py), refused with
the reference's codes and words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from companion.connectors.shopee import returns_contracts as rc
from companion.connectors.shopee.practice_answers import err, ok
from companion.connectors.shopee.practice_fulfilment_routes import PLATFORM, wrong
from companion.practice import fulfilment as core
from companion.practice.exchange import Context, Reply, Request, parse_int
from companion.practice.photos import picture_url

STATUS = {"requested": "REQUESTED", "accepted": "ACCEPTED", "refused": "JUDGING", "refunded": "REFUND_PAID",
          "closed": "CLOSED"}
MISSING = ("error_data", "The return you queried doesn't exist.")
# Shopee hands out dispute reasons per return: one needs no photos, one needs them (returns.dispute's notes)
DISPUTE_REASONS = (
    {"dispute_reason": 101, "dispute_requirement": "The returned parcel did not reach the seller.",
     "evidence_module_list": []},
    {"dispute_reason": 102, "dispute_requirement": "The returned item is not what was sent, or is damaged.",
     "evidence_module_list": [{"module_index": 1, "is_required": True,
                               "requirement": "Photo(s) or Video of all returned item(s)"}]},
)
WINDOW = 15 * 86400


def _row(ctx: Context, r: dict[str, Any]) -> dict[str, Any]:
    """One return as get_return_list carries it."""
    order = ctx.state.order(PLATFORM, r["order_ref"])
    due = int(r["answer_by"])
    return {
        "return_sn": r["ref"], "order_sn": r["order_ref"], "status": STATUS[r["state"]], "reason": r["reason"],
        "text_reason": r["note"], "image": [picture_url(p, ctx.host) for p in r["photos"]],
        "refund_amount": float(r["refund"] or r["amount"]), "currency": "IDR", "create_time": int(r["created"]),
        "update_time": int(r["updated"]), "due_date": due, "tracking_number": "",
        "needs_logistics": bool(r["needs_item_back"]), "amount_before_discount": float(r["amount"]),
        "user": {"username": order["buyer_name"], "email": "", "portrait": ""},
        "item": [{"item_id": int(li["item_id"]), "model_id": int(li["model_id"]), "name": li["name"], "images": [],
                  "amount": li["quantity"], "item_price": float(li["price"]), "is_add_on_deal": False,
                  "is_main_item": False, "add_on_deal_id": 0, "item_sku": li["seller_sku"],
                  "variation_sku": li["seller_sku"]} for li in r["lines"]],
        "return_ship_due_date": due, "return_seller_due_date": due,
        "negotiation_status": "PENDING_RESPOND" if r["state"] == "requested" else "TERMINATED",
        "seller_proof_status": "NOT_NEEDED", "seller_compensation_status": "NOT_REQUIRED",
        "return_refund_type": "RRBOC", "return_solution": 0 if r["needs_item_back"] else 1,
        "is_seller_arrange": False, "is_shipping_proof_mandatory": False, "return_refund_request_type": 0,
        "validation_type": "seller_validation"}


def get_return_list(ctx: Context, req: Request) -> Reply:
    problem = wrong(rc.GET_RETURN_LIST, req)
    if problem is not None:
        return problem
    page_no, page_size = parse_int(req.q("page_no")) or 0, parse_int(req.q("page_size")) or 40
    start, end = parse_int(req.q("update_time_from")), parse_int(req.q("update_time_to"))
    if start is not None and end is not None:
        if end < start:
            return err("error_param", "The update_time_to should be later than update_time_from.")
        if end - start > WINDOW:
            return err("error_param", "The period between update_time_from and update_time_to must not more than "
                                      "15 days.")
    rows, total = core.returns_page(ctx.state, PLATFORM, start, end, page_no * page_size, page_size)
    return ok({"more": (page_no + 1) * page_size < total, "return": [_row(ctx, r) for r in rows]})


def _find(ctx: Context, return_sn: str) -> dict[str, Any] | None:
    try:
        return core.return_(ctx.state, PLATFORM, return_sn)
    except core.Refused:
        return None


def get_return_detail(ctx: Context, req: Request) -> Reply:
    problem = wrong(rc.GET_RETURN_DETAIL, req)
    if problem is not None:
        return problem
    found = _find(ctx, req.q("return_sn") or "")
    if found is None:
        return err(*MISSING)
    row = _row(ctx, found)
    open_ = found["state"] == "requested"
    row.update(buyer_videos=[], negotiation={
        "negotiation_status": row["negotiation_status"], "latest_solution": "RETURN_REFUND" if found[
            "needs_item_back"] else "REFUND_ONLY", "latest_offer_amount": float(found["amount"]),
        "latest_offer_creator": row["user"]["username"], "counter_limit": 3 if open_ else 0,
        "offer_due_date": int(found["answer_by"])})
    return ok(row)


def _answer(ctx: Context, return_sn: str, action: str, amount: int = 0, reason: str = "") -> Reply | None:
    """The core's answer; None when done, else the reference's refusal."""
    try:
        core.answer_return(ctx.state, PLATFORM, return_sn, action, amount, reason)
    except core.Refused as refused:
        if refused.reason == "not_found":
            return err(*MISSING)
        if refused.reason == "amount_too_high":
            return err("error_param", "The proposed adjusted refund amount can not exceed max refund amount")
        found = _find(ctx, return_sn)
        status = STATUS[found["state"]] if found else "UNKNOWN"
        if action == "refuse":
            return err("error_return_status", "Cannot raise dispute because return SN is not in REQUESTED, "
                                              "RETURN_PROCESSING, or RETURN_ACCEPTED")
        if action == "partial_refund":
            return err("error_return_status", "The return status cannot support this action")
        return err("error_data", f"Invalid return status: {status}")
    return None


def confirm(ctx: Context, req: Request) -> Reply:
    problem = wrong(rc.CONFIRM, req)
    if problem is not None:
        return problem
    return_sn = req.json()["return_sn"]
    return _answer(ctx, return_sn, "accept") or ok({"return_sn": return_sn})


def dispute_reasons(ctx: Context, req: Request) -> Reply:
    problem = wrong(rc.DISPUTE_REASONS, req)
    if problem is not None:
        return problem
    if _find(ctx, req.q("return_sn") or "") is None:
        return err("dispute.request.param.error", "The return_sn you requested was not queried, please check it")
    return ok({"dispute_reason_list": [dict(r) for r in DISPUTE_REASONS]})


def dispute(ctx: Context, req: Request) -> Reply:
    problem = wrong(rc.DISPUTE, req)
    if problem is not None:
        return problem
    body = req.json()
    if "@" not in body["email"]:
        return err("dispute.request.param.error", f"Input invalid email=[{body['email']}]")
    reason = next((r for r in DISPUTE_REASONS if r["dispute_reason"] == body["dispute_reason_id"]), None)
    if _find(ctx, body["return_sn"]) is None:
        return err(*MISSING)
    if reason is None:
        return err("dispute.request.param.error",
                   "Can't raise dispute because the return_sn and dispute_reason_id does not match.")
    if reason["evidence_module_list"] and not body.get("image_list"):
        return err("dispute.request.param.error", "can't raise dispute because mandatory evidence is missing")
    words = str(body.get("dispute_text_reason") or reason["dispute_requirement"])
    return (_answer(ctx, body["return_sn"], "refuse", reason=words)
            or ok({"return_sn": body["return_sn"], "msg": "dispute return success"}))


def offer(ctx: Context, req: Request) -> Reply:
    problem = wrong(rc.OFFER, req)
    if problem is not None:
        return problem
    body = req.json()
    amount = body.get("proposed_adjusted_refund_amount")
    if body["proposed_solution"] == "REFUND_ONLY" and amount is None:
        return err("error_param", "Please fill a value for proposed adjusted refund amount")
    if amount is not None and amount <= 0:
        return err("error_param", "The proposed adjusted refund amount must be positive")
    if _find(ctx, body["return_sn"]) is None:
        return err(*MISSING)
    return (_answer(ctx, body["return_sn"], "partial_refund", round(amount or 0))
            or ok({"return_sn": body["return_sn"]}))


RETURN_ROUTES: dict[tuple[str, str], Callable[[Context, Request], Reply]] = {
    ("GET", rc.GET_RETURN_LIST.path): get_return_list,
    ("GET", rc.GET_RETURN_DETAIL.path): get_return_detail,
    ("POST", rc.CONFIRM.path): confirm,
    ("GET", rc.DISPUTE_REASONS.path): dispute_reasons,
    ("POST", rc.DISPUTE.path): dispute,
    ("POST", rc.OFFER.path): offer,
}
