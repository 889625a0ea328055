"""What the app knows of why a buyer left a low rating: the rules, pure (services/review_causes.py reads the facts).

Three causes, each from the shop's own record around the order the review came from; each is a fact the app can
show ("the chat waited 19 hours"), never a guess. A fact the record cannot establish is None ("not known"), never
counted as fine or as a cause.

- Chat waited (`chat_wait`): the buyer's first message in a conversation with that buyer within ±3 days of the
  order (CHAT_WINDOW: questions before buying and "where is my parcel" after it both fall inside; a week-old chat
  about something else does not), until our first human answer (a reply that reached the buyer — not an automatic
  one, not one the platform blocked — or the owner's "answered" mark), or still unanswered. It counts as a cause
  when the answer came after the platform's own reply deadline (the channel's ReplyRule: the moment the platform
  itself counts the chat unanswered), or after SLOW_CHAT (12 hours, the longest window a platform here gives)
  where no deadline applies, or when it never came and that moment has passed.
- Shipped late (`shipment`): the order left for the courier (its first SHIPPED status; COMPLETED when SHIPPED was
  never seen) after its ship_by. The time is the platform's update time of the first copy seen in that status,
  exact only when the order was seen before it shipped; first seen already shipped, the time is only an upper
  bound: on time when it is before ship_by, else not known. Not shipped at all while ship_by has passed (still
  paid or ready to ship) is late too. Any lateness counts: the platforms count a late shipment from the first
  minute.
- Out of stock (`stock_at_order`): the product's level just before the order (the ledger up to the order's
  time, leaving out the order's own movement) was 0 or less, or an oversell incident names the order and the
  product: the shop sold what it did not have, so the buyer waited, got a substitute or a cancellation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from companion.i18n import N_

CHAT_WINDOW = timedelta(days=3)
SLOW_CHAT = timedelta(hours=12)
WAITING_TO_SHIP = ("paid", "ready_to_ship")   # OrderStatus values of an order the seller must still send
BEFORE_SHIPPING = ("unpaid", "paid", "ready_to_ship")


class Cause(StrEnum):
    """In the order ties are broken for the month's most common cause: stock first (the shop can fix it for
    good), then shipping, then chat."""

    OUT_OF_STOCK = "out_of_stock"
    LATE_SHIPMENT = "late_shipment"
    CHAT_WAITED = "chat_waited"


CAUSE_WORDS = {Cause.OUT_OF_STOCK: N_("Out of stock or oversold"), Cause.LATE_SHIPMENT: N_("Shipped late"),
               Cause.CHAT_WAITED: N_("The buyer's chat waited too long")}


@dataclass(frozen=True)
class ChatLine:
    """One message of a conversation, as the rule needs it."""

    at: datetime
    from_buyer: bool
    answers: bool = False  # ours, human, reached the buyer (or the owner's "answered" mark)


@dataclass(frozen=True)
class ChatWait:
    asked_at: datetime
    answered_at: datetime | None   # None: still unanswered
    waited: timedelta              # until the answer, or until now
    limit: datetime                # the platform's deadline, or asked_at + SLOW_CHAT
    slow: bool


def chat_wait(lines: Sequence[ChatLine], order_at: datetime, now: datetime,
              deadline: Callable[[datetime], datetime | None]) -> ChatWait | None:
    """The wait of one conversation's first buyer message within ±CHAT_WINDOW of the order; None without one.
    `deadline(asked_at)` is the platform's rule for this conversation (None where it gives none)."""
    ordered = sorted(lines, key=lambda line: line.at)
    asked = next((line.at for line in ordered if line.from_buyer and abs(line.at - order_at) <= CHAT_WINDOW), None)
    if asked is None:
        return None
    answered = next((line.at for line in ordered if line.answers and line.at >= asked), None)
    limit = deadline(asked) or asked + SLOW_CHAT
    end = answered or now
    return ChatWait(asked, answered, end - asked, limit, end > limit)


def first_wait(waits: Iterable[ChatWait | None]) -> ChatWait | None:
    """Of several conversations with the buyer, the one asked first."""
    found = [w for w in waits if w is not None]
    return min(found, key=lambda w: w.asked_at) if found else None


@dataclass(frozen=True)
class Shipment:
    ship_by: datetime
    shipped_at: datetime | None    # None: not shipped yet (or not known)
    exact: bool                    # shipped_at is when it changed, not an upper bound
    late: bool | None              # None: not known
    late_by: timedelta | None


def shipment(ship_by: datetime | None, events: Sequence[tuple[str, datetime]], status: str,
             now: datetime) -> Shipment | None:
    """Whether the order left after ship_by; `events` are (our status, time) as the orders' history keeps them.
    None when the order has no ship_by."""
    if ship_by is None:
        return None
    ordered = sorted(events, key=lambda e: e[1])
    left = next((at for st, at in ordered if st == "shipped"), None) \
        or next((at for st, at in ordered if st == "completed"), None)
    if left is None:
        if status in WAITING_TO_SHIP and now > ship_by:
            return Shipment(ship_by, None, True, True, now - ship_by)
        return Shipment(ship_by, None, False, None if status not in WAITING_TO_SHIP else False, None)
    exact = any(st in BEFORE_SHIPPING and at < left for st, at in ordered) and \
        any(st == "shipped" for st, _ in ordered)
    if left <= ship_by:
        return Shipment(ship_by, left, exact, False, None)
    return Shipment(ship_by, left, exact, True if exact else None, left - ship_by if exact else None)


@dataclass(frozen=True)
class StockAtOrder:
    level_before: int | None       # None: the ledger holds nothing of the product before the order
    oversold: bool                 # an oversell incident names this order and product

    @property
    def out(self) -> bool:
        return self.oversold or (self.level_before is not None and self.level_before <= 0)


@dataclass(frozen=True)
class ReviewCauses:
    """What the record says around one review's order; None parts are not known (no order, no chat found, no
    ship_by, no product)."""

    review_id: str
    order_id: str | None
    product_id: str | None
    chat: ChatWait | None
    shipment: Shipment | None
    stock: StockAtOrder | None

    @property
    def causes(self) -> tuple[Cause, ...]:
        found = []
        if self.stock is not None and self.stock.out:
            found.append(Cause.OUT_OF_STOCK)
        if self.shipment is not None and self.shipment.late:
            found.append(Cause.LATE_SHIPMENT)
        if self.chat is not None and self.chat.slow:
            found.append(Cause.CHAT_WAITED)
        return tuple(found)


def most_common(causes: Iterable[Sequence[Cause]]) -> tuple[Cause | None, int]:
    """The cause found most often among some reviews, with its count (ties: Cause's order); (None, 0) if none."""
    counts = Counter(c for found in causes for c in found)
    if not counts:
        return None, 0
    order = list(Cause)
    best = max(counts, key=lambda c: (counts[c], -order.index(c)))
    return best, counts[best]
