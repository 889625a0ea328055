"""The practice Lazada's review calls (contracts_reviews.py): GetHistoryReviewIdList, GetReviewListByIdList and
SubmitSellerReply on the shared practice reviews (practice/reviews.py), in Lazada's shapes and never more lenient:
one product per history call, its create_time window at most 7 days and at most 90 days back, pages of 10 up to page
50, at most 10 ids a list call, a reply of at most 500 characters (UTF-16 units), once, never to a deleted review.

Refusals are PARAMS_VALIDATE_ERROR with the reference's words as the message, and its finer name and words also in
error_code/error_msg (the answer fields the pages document; which of the two Lazada fills is UNCONFIRMED).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from companion.connectors.lazada.contracts_reviews import (
    HISTORY_DAYS,
    IDS_PER_CALL,
    MAX_PAGE,
    REPLY_LENGTH,
    WINDOW_DAYS,
    WORDS,
)
from companion.connectors.lazada.practice_reply import err, ok
from companion.practice import reviews as core
from companion.practice.exchange import Context, Reply, parse_int
from companion.practice.photos import picture_url

PAGE_SIZE = 10  # the history page's sample answers page_size 10; the size is not a parameter
DAY_MS = 86_400_000
# practice/reviews.py's refusals in Lazada's finer names: a review the buyer deleted is "No such review" to Lazada.
REPLY_REFUSALS = {"not_found": "NO_SUCH_REVIEW", "hidden": "NO_SUCH_REVIEW", "already_replied": "REPLY_ALREADY",
                  "empty": "NULL_CONTENT", "too_long": "REPLY_CONTENT_TOO_LONG"}


def refuse(name: str, words: str = "") -> Reply:
    said = words or WORDS[name]
    return err("PARAMS_VALIDATE_ERROR", said, error_code=name, error_msg=said)


def _ms(seconds: float) -> int:
    return int(seconds * 1000)


def history_list(ctx: Context, p: dict[str, str]) -> Reply:
    """GET /review/seller/history/list: the ids of one product's reviews created in [start_time, end_time] (ms,
    both included), oldest first, 10 a page; deleted reviews stay in the history (the list call marks them)."""
    item, current = p.get("item_id", ""), parse_int(p.get("current"))
    start, end = parse_int(p.get("start_time")), parse_int(p.get("end_time"))
    if not item:
        return refuse("NULL_ITEMID")
    if current is None or current < 1:
        return refuse("NULL_CURRENT")
    if current > MAX_PAGE:
        return refuse("CURRENT_ABOVE_LIMIT")
    if start is None or end is None:
        return refuse("NULL_STARTTIME_OR_ENDTIME")
    if p.get("order_id") and parse_int(p["order_id"]) is None:
        return refuse("WRONG_ORDER_ID")
    if start < _ms(ctx.state.now()) - HISTORY_DAYS * DAY_MS:
        return refuse("STARTTIME_OVER_LIMIT")
    if end - start > WINDOW_DAYS * DAY_MS:
        return refuse("TIMESPAN_ABOVE_LIMIT")
    rows, _ = core.reviews_page(ctx.state, ctx.platform, None, None, 0, -1, item_id=item)
    ids = sorted((_ms(r["created"]), int(r["ref"])) for r in rows
                 if start <= _ms(r["created"]) <= end and (not p.get("order_id") or r["order_ref"] == p["order_id"]))
    page = [ref for _, ref in ids[(current - 1) * PAGE_SIZE:current * PAGE_SIZE]]
    return ok({"current": current, "total": len(ids), "page_size": PAGE_SIZE, "id_list": page}, success=True)


def _review(ctx: Context, r: dict[str, Any]) -> dict[str, Any]:
    """A review as GetReviewListByIdList types it (ids and times numbers; the sub-ratings follow the stars)."""
    stars, created = int(r["rating"]), _ms(r["created"])
    return {"id": int(r["ref"]), "product_id": int(r["item_id"]), "order_id": int(r["order_ref"]),
            "submit_time": created, "create_time": created, "can_reply": not r["reply"] and not r["hidden"],
            "review_content": r["text"], "review_type": "PRODUCT_REVIEW", "seller_reply": r["reply"],
            "review_images": [picture_url(x, ctx.host) for x in r["photos"]], "review_videos": [],
            "ratings": {"overall_rating": stars, "product_rating": stars, "seller_rating": stars,
                        "logistics_rating": stars}}


def list_by_ids(ctx: Context, p: dict[str, str]) -> Reply:
    """GET /review/seller/list/v2: the reviews still shown; a deleted or unknown id only in outdated_reviews."""
    try:
        asked = json.loads(p.get("id_list") or "")
    except ValueError:
        asked = None
    if not isinstance(asked, list) or not asked or not all(isinstance(i, int) for i in asked):
        return refuse("NULL_ID")
    if len(asked) > IDS_PER_CALL:
        return err("PARAMS_VALIDATE_ERROR", "id list, maxLength = 10")  # the parameter's words: no finer name
    found = {r["ref"]: r for r in core.reviews_by_refs(ctx.state, ctx.platform, [str(i) for i in asked])}
    shown = [found[str(i)] for i in asked if str(i) in found and not found[str(i)]["hidden"]]
    outdated = [i for i in asked if str(i) not in found or found[str(i)]["hidden"]]
    return ok({"review_list": [_review(ctx, r) for r in shown], "outdated_reviews": outdated}, success=True)


def reply_add(ctx: Context, p: dict[str, str]) -> Reply:
    """GET /review/seller/reply/add: one reply, text only. Counted in UTF-16 units as Lazada's Java side would: a
    text within 500 code points but over 500 units is passed to the core with a limit it then breaks, so the core's
    order of checks (deleted, already replied, empty, too long) holds."""
    ref, text = p.get("id", ""), p.get("content", "")
    if parse_int(ref) is None:
        return refuse("NULL_ID", "Cannot recognize id")
    units = len(text.encode("utf-16-le")) // 2  # counted here on its own, not with the connector's helper
    limit = REPLY_LENGTH if units <= REPLY_LENGTH else len(text) - 1
    try:
        core.reply(ctx.state, ctx.platform, ref, text, limit)
    except core.ReviewRefused as refusal:
        return refuse(REPLY_REFUSALS[refusal.reason])
    return ok(True, success=True)


ROUTES: dict[str, Callable[[Context, dict[str, str]], Reply]] = {
    "/review/seller/history/list": history_list,
    "/review/seller/list/v2": list_by_ids,
    "/review/seller/reply/add": reply_add,
}
