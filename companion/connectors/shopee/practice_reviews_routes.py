"""The practice Shopee's comment calls (review_contracts.py): the buyers' reviews as get_comment pages them and the
seller's replies as reply_comment takes them, through the practice core (practice/reviews.py), each request checked
against its contract and each refusal in the reference's code and words.

Where the reference is silent the practice picks one plausible reading and says so: comments come newest first by
creation (UNCONFIRMED: the reference names no order), the cursor is an offset as in its sample ("20"), at most the
first 500 are served while `more` stays true past them (as its `more` says), a deleted comment is listed with
hidden=true and refuses a reply as "does not exist", and a call whose every reply is refused answers with the first
refusal as a whole-call error (the reference's own sample) while a mixed call answers per comment in result_list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from companion.connectors.contract import Field
from companion.connectors.shopee import review_contracts as rv
from companion.connectors.shopee.practice_answers import err, ok
from companion.connectors.shopee.practice_fulfilment_routes import PLATFORM, wrong
from companion.practice import reviews as core
from companion.practice.exchange import Context, Reply, Request, parse_int
from companion.practice.photos import picture_url

EDITABLE_DAYS = 30  # a buyer may edit a comment once for a while (editable: EDITABLE → EXPIRED); UNCONFIRMED length
REFUSALS = {
    "not_found": (rv.NOT_EXIST, rv.NOT_EXIST_WORDS), "hidden": (rv.NOT_EXIST, rv.NOT_EXIST_WORDS),
    "already_replied": (rv.ALREADY_REPLIED, rv.ALREADY_REPLIED_WORDS),
    "too_long": (rv.LENGTH_INVALID, rv.LENGTH_WORDS), "empty": (rv.LENGTH_INVALID, rv.LENGTH_WORDS),
}
# reply_comment's request without the per-comment length rule: that one is answered per comment, in result_list
_REPLY_SHAPE = replace(rv.REPLY_COMMENT, body=(Field("comment_list", "list", low=1, high=rv.REPLIES_PER_CALL,
                                                     children=(Field("comment_id", "int", low=0),
                                                               Field("comment", "str"))),))


def _comment(ctx: Context, r: dict[str, Any]) -> dict[str, Any]:
    """One review as item_comment_list carries it."""
    created = int(r["created"])
    row: dict[str, Any] = {
        "order_sn": r["order_ref"], "comment_id": str(r["ref"]), "comment": r["text"],
        "buyer_username": r["buyer_name"], "item_id": int(r["item_id"]), "model_id_list": [int(r["model_id"])],
        "rating_star": int(r["rating"]), "hidden": bool(r["hidden"]), "create_time": created,
        "editable": "EDITABLE" if ctx.state.now() - created < EDITABLE_DAYS * 86400 else "EXPIRED",
        "media": {"image_url_list": [picture_url(p, ctx.host) for p in r["photos"]], "video_url_list": []}}
    if r["reply"]:
        row["comment_reply"] = {"reply": r["reply"], "hidden": False, "create_time": int(r["replied_at"])}
    return row


def _one(ctx: Context, comment_id: str, item_id: str) -> Reply:
    try:
        found = core.review(ctx.state, PLATFORM, comment_id)
    except core.ReviewRefused:
        return err("product.cmt_not_exist", rv.CMT_NOT_EXIST_WORDS)
    if item_id and str(found["item_id"]) != item_id:
        return err("product.item_cmt_combine_wrong", "Item id of cmt is not the same as item id get from param.")
    return ok({"more": False, "next_cursor": "", "item_comment_list": [_comment(ctx, found)]})


def get_comment(ctx: Context, req: Request) -> Reply:
    problem = wrong(rv.GET_COMMENT, req)
    if problem is not None:
        return problem
    item_id, comment_id = req.q("item_id") or "", req.q("comment_id") or ""
    if comment_id:
        return _one(ctx, comment_id, item_id)
    if item_id and not any(listing["item_id"] == item_id for listing in ctx.state.listings(PLATFORM)):
        return err("product.item_not_exist", f"Item (ID {item_id}) is not exist.")
    start = parse_int(req.q("cursor")) if req.q("cursor") else 0
    if start is None or start < 0:
        return err("error_param", "Wrong parameters, detail: cursor is invalid.", 400)
    page_size = int(req.q("page_size") or rv.PAGE_SIZE_MAX)
    rows, total = core.reviews_page(ctx.state, PLATFORM, None, None, 0, -1, item_id or None)
    rows.sort(key=lambda r: (float(r["created"]), int(r["ref"])), reverse=True)
    first = ctx.served_start(start, page_size)
    page = rows[:rv.REACHABLE][first:first + page_size]
    more = first + page_size < total
    return ok({"more": more, "next_cursor": str(first + page_size) if more else "",
               "item_comment_list": [_comment(ctx, r) for r in page]})


def reply_comment(ctx: Context, req: Request) -> Reply:
    problem = wrong(_REPLY_SHAPE, req)
    if problem is not None:
        return problem
    wanted = req.json()["comment_list"]
    ids = [int(c["comment_id"]) for c in wanted]
    repeated = next((i for n, i in enumerate(ids) if i in ids[:n]), None)
    if repeated is not None:
        return err("product.duplicate_comment_id", f"Duplicate comment id {repeated}.")
    results: list[dict[str, Any]] = []
    for comment_id, c in zip(ids, wanted, strict=True):
        try:
            core.reply(ctx.state, PLATFORM, str(comment_id), str(c["comment"]), rv.REPLY_LENGTH)
            results.append({"comment_id": comment_id})
        except core.ReviewRefused as refused:
            code, words = REFUSALS.get(refused.reason, (rv.NOT_EXIST, rv.NOT_EXIST_WORDS))
            results.append({"comment_id": comment_id, "fail_error": code, "fail_message": words})
    if all("fail_error" in r for r in results):
        return err(results[0]["fail_error"], results[0]["fail_message"])
    return ok({"result_list": results}, warning=[])


REVIEW_ROUTES: dict[tuple[str, str], Callable[[Context, Request], Reply]] = {
    ("GET", rv.GET_COMMENT.path): get_comment,
    ("POST", rv.REPLY_COMMENT.path): reply_comment,
}
