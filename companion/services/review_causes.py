"""What caused a low review, from the shop's own record (the rules and their thresholds: domain/review_causes.py),
and the month per product: average rating, how many, how many low, and the most common cause among the low ones.
Reads only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from companion.domain.clock import DEFAULT_ZONE, day_range, now_utc, parse_stamp, stamp
from companion.domain.deadlines import ReplyRule, deadline_for
from companion.domain.errors import NotFound, UserError
from companion.domain.review_causes import (
    CHAT_WINDOW,
    Cause,
    ChatLine,
    ChatWait,
    ReviewCauses,
    StockAtOrder,
    chat_wait,
    first_wait,
    most_common,
    shipment,
)
from companion.domain.reviews import LOW_RATING
from companion.domain.settings_keys import TIME_ZONE
from companion.i18n import N_
from companion.services.reply_rules import reply_rule
from companion.store import online_orders as order_store
from companion.store import review_causes as facts
from companion.store import reviews as review_store
from companion.store import settings as settings_store
from companion.store.database import Database
from companion.store.online_orders import OnlineOrderRow
from companion.store.reviews import ReviewRow


def causes_for(db: Database, review_id: str, now: datetime | None = None) -> ReviewCauses:
    """The chat wait, the shipment and the stock around the order the review came from; each None when the
    record cannot tell (no order on this laptop, no chat with that buyer, no ship_by, no product mapped)."""
    row = review_store.get(db, review_id)
    if row is None:
        raise NotFound(N_("This review is no longer in the list: refresh the list."))
    return _causes(db, row, now or now_utc(), settings_store.get(db, TIME_ZONE) or DEFAULT_ZONE)


def _causes(db: Database, row: ReviewRow, now: datetime, zone: str) -> ReviewCauses:
    order = order_store.get(db, row.order_id) if row.order_id else None
    if order is None:
        return ReviewCauses(row.id, None, row.product_id, None, None, None)
    events = [(status, parse_stamp(at)) for status, _raw, at in order_store.events(db, order.id)]
    ship_by = parse_stamp(order.ship_by) if order.ship_by else None
    return ReviewCauses(row.id, order.id, row.product_id, _chat(db, row, order, now, zone),
                        shipment(ship_by, events, order.status, now), _stock(db, row, order))


def _chat(db: Database, row: ReviewRow, order: OnlineOrderRow, now: datetime, zone: str) -> ChatWait | None:
    """The buyer's first question around the order, over every conversation of the shop with that buyer (named
    as the order names them; the review's name only when the order has none: reviews may show a masked name)."""
    order_at = parse_stamp(order.created_at)
    name = order.buyer_name if order.buyer_name.strip() else row.buyer_name
    rows = facts.buyer_messages(db, order.account_id, {name}, stamp(order_at - CHAT_WINDOW))
    by_conversation: dict[str, list[ChatLine]] = defaultdict(list)
    holiday: dict[str, bool] = {}
    for r in rows:
        answers = not r["from_buyer"] and not r["is_auto_reply"] and r["status"] == "sent" \
            and not r["platform_notice"]
        by_conversation[r["conversation_id"]].append(ChatLine(parse_stamp(r["sent_at"]), bool(r["from_buyer"]),
                                                              answers))
        if r["marked_answered_at"]:
            by_conversation[r["conversation_id"]].append(ChatLine(parse_stamp(r["marked_answered_at"]), False, True))
        holiday[r["conversation_id"]] = bool(r["holiday_mode"])
    rule = reply_rule(order.channel)
    return first_wait(chat_wait(lines, order_at, now, _deadline(rule, zone, holiday[cid]))
                      for cid, lines in by_conversation.items())


def _deadline(rule: ReplyRule | None, zone: str, holiday: bool) -> Callable[[datetime], datetime | None]:
    """The platform's reply deadline for a question asked at a moment (None where its rule gives none)."""
    def at(asked: datetime) -> datetime | None:
        return deadline_for(rule, asked, zone, holiday_mode=holiday) if rule is not None else None
    return at


def _stock(db: Database, row: ReviewRow, order: OnlineOrderRow) -> StockAtOrder | None:
    oversold = facts.oversold(db, order.id, row.product_id)
    if row.product_id is None:
        return StockAtOrder(None, oversold) if oversold else None
    level = facts.level_before(db, row.product_id, order.created_at, f"order:{order.id}")
    return StockAtOrder(level, oversold)


@dataclass(frozen=True)
class ProductMonth:
    """One product's month of reviews (a product not mapped yet is its platform item, `product_id` None)."""

    product_id: str | None
    name: str
    average: float
    count: int
    low_count: int            # ratings of LOW_RATING stars or fewer
    top_cause: Cause | None   # the most common cause among the low ones (None: none found)
    top_cause_count: int


def month_range(month: str, zone: str) -> tuple[str, str]:
    """UTC stamps [start, end) of a "YYYY-MM" month in the shop's zone."""
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        raise UserError(N_("Choose a month as year and month, for example 2026-12.")) from None
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return day_range(first, zone, (after - first).days)


def monthly_by_product(db: Database, month: str, now: datetime | None = None) -> list[ProductMonth]:
    """Each product reviewed in `month` ("YYYY-MM", the shop's zone): most low ratings first, then most reviews.
    The causes are looked up for the low reviews only."""
    zone = settings_store.get(db, TIME_ZONE) or DEFAULT_ZONE
    start, end = month_range(month, zone)
    moment = now or now_utc()
    groups: dict[tuple[str, ...], list[tuple[int, tuple[Cause, ...]]]] = defaultdict(list)
    names: dict[tuple[str, ...], tuple[str | None, str]] = {}
    for r in facts.month_reviews(db, start, end):
        key: tuple[str, ...] = (str(r["product_id"]),) if r["product_id"] else \
            ("", str(r["account_id"]), str(r["item_id"] or r["product_name"]))
        names.setdefault(key, (r["product_id"], r["name"]))
        causes: tuple[Cause, ...] = ()
        if r["rating"] <= LOW_RATING:
            found = review_store.get(db, r["id"])
            causes = _causes(db, found, moment, zone).causes if found else ()
        groups[key].append((int(r["rating"]), causes))
    out = []
    for key, items in groups.items():
        lows = [causes for rating, causes in items if rating <= LOW_RATING]
        top, top_count = most_common(lows)
        product_id, name = names[key]
        out.append(ProductMonth(product_id, name, round(sum(r for r, _ in items) / len(items), 2), len(items),
                                len(lows), top, top_count))
    return sorted(out, key=lambda p: (-p.low_count, -p.count, p.name))
