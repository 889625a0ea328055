"""The plain records of buyers' reviews: what a platform reports of a rating, and what it says to a reply.

Connectors return and take them, services store them, the practice marketplace speaks them. Pure values: no I/O,
no Qt, no platform names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

LOW_RATING = 3  # 1–3 stars are the ones to answer first (they count in the tray and the opening checklist)


@dataclass(frozen=True)
class Review:
    review_id: str               # the platform's id, kept as text (some send numbers, some text)
    order_id: str                # the platform's order number the review came from ("" when not given)
    item_id: str                 # the platform's product id
    sku_id: str                  # the variant's id ("" when the platform does not say)
    product_name: str
    rating: int                  # 1–5 stars
    text: str
    photos: tuple[str, ...]      # picture URLs
    buyer_name: str
    created_at: datetime
    updated_at: datetime         # the latest change the platform reports (a reply, an edit); created_at if none
    reply_text: str = ""         # the seller's reply on the platform ("" = none yet)
    replied_at: datetime | None = None
    hidden: bool = False         # deleted or hidden (by the buyer or the platform): shown as gone, never replied to


@dataclass(frozen=True)
class ReviewPage:
    reviews: tuple[Review, ...]
    next_cursor: str | None
    done: bool


@dataclass(frozen=True)
class ReviewReply:
    review_id: str
    text: str


@dataclass(frozen=True)
class ReviewReplyResult:
    """One reply's fate: ok, or refused with the platform's code and its own words."""

    review_id: str
    ok: bool
    code: str = ""
    words: str = ""
    already_replied: bool = False  # the platform already holds a reply (ours, sent before the answer was lost)
    gone: bool = False             # the review was deleted or hidden meanwhile


@dataclass(frozen=True)
class ReviewRules:
    """A channel's review rules, declared in its spec (ChannelSpec.reviews), each from the platform's reference."""

    available: bool                   # False: the platform gives apps no reviews (say so, open the seller centre)
    max_reply_length: int = 0         # characters a reply may hold
    one_reply: bool = True            # a review takes one reply, never edited or repeated
    replies_per_call: int = 1         # how many replies one call may carry
    note: str = ""                    # msgid: shown in the reviews view (e.g. why reviews are not available)
    seller_centre_url: str = ""       # where the owner reads and answers them when the app cannot
