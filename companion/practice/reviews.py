"""Buyers' reviews as every practice platform has them, without any platform's shapes: each channel's practice
routes call these and translate to and from their own fields and error codes.

The rules kept here are the strict ones the platforms share: a buyer reviews one line (one product) of a delivered
or completed order, once; the seller replies once, never empty, never longer than the platform allows; a review
the buyer deleted (hidden) takes no reply. Every change moves the review's `updated` time on, so a pull by update
time sees it. Review ids come from a persisted counter, so they never repeat across restarts.
The records live in the practice record's `reviews` table (state.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from companion.practice import fulfilment
from companion.practice.fulfilment import Refused
from companion.practice.state import NotFound, PracticeState

REVIEW_REASONS = frozenset({
    "not_found", "already_replied", "too_long", "empty", "hidden",      # a reply refused
    "not_delivered", "already_reviewed", "bad_rating", "bad_line"})      # a review the buyer may not leave
REVIEW_BASE = 4_000_000_000   # review ids: this plus a persisted counter per platform
DELIVERED_STEPS = ("delivered", "completed")
MAX_PHOTOS = 5


class ReviewRefused(Refused):
    """The platform refuses a review call; `reason` (one of REVIEW_REASONS) is what each platform's route maps to
    its own error code and words. A Refused, so the admin API answers it as any refusal (409 with the reason)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        if reason not in REVIEW_REASONS:
            raise ValueError(f"unknown review refusal {reason!r}")
        Exception.__init__(self, f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


# -- reading ---------------------------------------------------------------------------------------------------
def _view(row: dict[str, Any]) -> dict[str, Any]:
    """A review as the routes read it: photos as stored (practice photo paths or URLs; photos.picture_url)."""
    return {"ref": row["ref"], "order_ref": row["order_ref"], "line_ref": str(row["line_id"]),
            "item_id": row["item_id"], "model_id": row["model_id"], "seller_sku": row["seller_sku"],
            "product_name": row["product_name"], "rating": int(row["rating"]), "text": row["text"],
            "photos": list(json.loads(row["photos"])), "buyer_id": row["buyer_id"], "buyer_name": row["buyer_name"],
            "created": row["created"], "updated": row["updated"], "reply": row["reply"],
            "replied_at": row["replied_at"], "hidden": bool(row["hidden"])}


def _row(state: PracticeState, platform: str, ref: str) -> dict[str, Any]:
    found = state.records("reviews", platform=platform, ref=str(ref))
    if not found:
        raise ReviewRefused("not_found", f"review {ref}")
    return found[0]


def review(state: PracticeState, platform: str, ref: str) -> dict[str, Any]:
    """One review (hidden ones too: the routes decide how a deleted review shows)."""
    return _view(_row(state, platform, ref))


def reviews_by_refs(state: PracticeState, platform: str, refs: Iterable[str]) -> list[dict[str, Any]]:
    """The reviews named, in the order asked; unknown refs are left out (as the platforms' detail calls do)."""
    found: list[dict[str, Any]] = []
    for ref in dict.fromkeys(str(r) for r in refs):
        rows = state.records("reviews", platform=platform, ref=ref)
        found.extend(_view(row) for row in rows)
    return found


def reviews_page(state: PracticeState, platform: str, updated_from: float | None, updated_to: float | None,
                 offset: int = 0, limit: int = 50, item_id: str | None = None,
                 newest_first: bool = False) -> tuple[list[dict[str, Any]], int]:
    """Reviews updated within [updated_from, updated_to] (None: unbounded), of one product when item_id is
    given, in (updated, id) order (or newest first): one page and the total. limit -1: every one."""
    equals = {"item_id": str(item_id)} if item_id else {}
    rows, total = state.updated_page("reviews", platform, updated_from, updated_to, offset, limit, newest_first,
                                     **equals)
    return [_view(row) for row in rows], total


def reviews_of_order(state: PracticeState, platform: str, order_ref: str) -> list[dict[str, Any]]:
    """The reviews left on one order, one per reviewed line, in the order they were left."""
    return [_view(row) for row in state.records("reviews", platform=platform, order_ref=order_ref)]


# -- the buyer -------------------------------------------------------------------------------------------------
def delivered(state: PracticeState, platform: str, order: dict[str, Any]) -> bool:
    """Whether the buyer has the parcel: its package delivered or completed, or the order at the platform's
    delivered or completed status."""
    package = fulfilment.package_of_order(state, platform, order["ref"])
    if package is not None and package["status"] in DELIVERED_STEPS:
        return True
    statuses = state.channel(platform).statuses
    return order["status"] in {statuses.delivered, statuses.completed} - {None}


def unreviewed_lines(state: PracticeState, platform: str, order: dict[str, Any]) -> list[dict[str, Any]]:
    """The order's lines the buyer received (not wholly cancelled) and has not reviewed yet, in line order."""
    done = {int(r["line_id"]) for r in state.records("reviews", platform=platform, order_ref=order["ref"])}
    return [li for li in order["lines"] if li["quantity"] > li["cancelled"] and int(li["id"]) not in done]


def _line(state: PracticeState, platform: str, order: dict[str, Any], line_ref: str | None) -> dict[str, Any]:
    """The line to review: the one named (order line id or seller SKU), else the first not reviewed yet."""
    left = unreviewed_lines(state, platform, order)
    if line_ref is None or str(line_ref) == "":
        if not left:
            raise ReviewRefused("already_reviewed", order["ref"])
        return left[0]
    named = [li for li in order["lines"] if str(line_ref) in (str(li["id"]), li["seller_sku"])]
    if not named or named[0]["quantity"] <= named[0]["cancelled"]:
        raise ReviewRefused("bad_line", f"{order['ref']} line {line_ref}")
    if all(int(li["id"]) != int(named[0]["id"]) for li in left):
        raise ReviewRefused("already_reviewed", f"{order['ref']} line {line_ref}")
    return named[0]


def leave_review(state: PracticeState, platform: str, order_ref: str, rating: int, text: str = "",
                 photos: Sequence[str] = (), line_ref: str | None = None) -> dict[str, Any]:
    """The buyer rates one line's product (1–5 stars) of a delivered or completed order, with words and pictures
    (practice photo paths or URLs). Refused: an order not found or not delivered, a line reviewed already."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ReviewRefused("bad_rating", repr(rating))
    with state.locked():
        try:
            order = state.order(platform, order_ref)
        except NotFound:
            raise ReviewRefused("not_found", f"order {order_ref}") from None
        if not delivered(state, platform, order):
            raise ReviewRefused("not_delivered", f"{order_ref} is {order['status']}")
        line = _line(state, platform, order, line_ref)
        now = state.now()
        ref = str(REVIEW_BASE + state.count_up(platform, "review"))
        name = f"{line['name']} - {line['model_name']}" if line["model_name"] else str(line["name"])
        state.add_record("reviews", {
            "platform": platform, "ref": ref, "order_ref": order_ref, "line_id": int(line["id"]),
            "item_id": line["item_id"], "model_id": line["model_id"], "seller_sku": line["seller_sku"],
            "product_name": name, "rating": rating, "text": text, "photos": json.dumps(list(photos)[:MAX_PHOTOS]),
            "buyer_id": order["buyer_id"], "buyer_name": order["buyer_name"], "created": now, "updated": now})
        return review(state, platform, ref)


def hide(state: PracticeState, platform: str, ref: str) -> dict[str, Any]:
    """The buyer deletes the review (or the platform hides it): it stays listed as hidden and takes no reply.
    Hiding it again changes nothing."""
    with state.locked():
        row = _row(state, platform, ref)
        if not row["hidden"]:
            state.change_records("reviews", {"hidden": 1, "updated": state.now()}, id=row["id"])
        return review(state, platform, ref)


# -- the seller ------------------------------------------------------------------------------------------------
def check_reply(row: dict[str, Any], text: str, max_length: int) -> None:
    """The platforms' reply rules, strictest first: a deleted review, a second reply, an empty text, a text over
    max_length characters (max_length 0: no limit given)."""
    if row["hidden"]:
        raise ReviewRefused("hidden", row["ref"])
    if row["reply"]:
        raise ReviewRefused("already_replied", row["ref"])
    if not text.strip():
        raise ReviewRefused("empty", row["ref"])
    if max_length > 0 and len(text) > max_length:
        raise ReviewRefused("too_long", f"{len(text)} > {max_length}")


def reply(state: PracticeState, platform: str, ref: str, text: str, max_length: int) -> dict[str, Any]:
    """The seller's one reply to a review, kept as written; the caller gives the platform's max_length (from its
    contract). Refused (ReviewRefused.reason): not_found, hidden, already_replied, empty, too_long."""
    with state.locked():
        row = _row(state, platform, ref)
        check_reply(row, str(text), int(max_length))
        now = state.now()
        state.change_records("reviews", {"reply": str(text), "replied_at": now, "updated": now}, id=row["id"])
        return review(state, platform, ref)
