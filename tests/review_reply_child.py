"""Helpers for the review tests, and the child process of the kill test
(`python tests/review_reply_child.py DATA ADMIN_URL`).

The child runs sync rounds in a loop against the practice marketplace until it is killed, printing "round" after
each one; the parent kills it while a reply call is on the wire (tests/test_review_reply_faults.py).
"""

from __future__ import annotations

import json
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ship_child import add_parcels, place_paid
from sync_child import account_ids, engine, setup_shop
from sync_child import main as run_rounds

from companion.practice import reviews as practice_reviews
from companion.practice.server import PracticeMarketplace
from companion.store.database import Database

__all__ = ["account_ids", "engine", "setup_shop"]

REVIEW_PLATFORMS = ("shopee", "lazada")   # the channels whose platforms give apps their reviews
# The platform call that carries the seller's replies, by channel (what "sent once" is counted on, on the wire).
REPLY_CALLS = {"shopee": "/api/v2/product/reply_comment", "lazada": "/review/seller/reply/add"}


def reviewed_shop(db: Database, market: PracticeMarketplace, platform: str, orders: int) -> list[str]:
    """Three linked practice shops with the parcel product, and `orders` delivered orders on `platform` (pulled
    once); their platform order numbers."""
    url = market.base_urls["admin"]
    setup_shop(db, url)
    add_parcels(db, url)
    refs = place_paid(url, platform, orders)
    delivered = market.state.channel(platform).statuses.delivered
    for ref in refs:
        market.state.set_order_status(platform, ref, delivered)
    return refs


def leave(market: PracticeMarketplace, platform: str, order_ref: str, rating: int, text: str = "",
          photos: tuple[str, ...] = (), minutes_ago: int = 0) -> str:
    """A buyer's review of the order's first line, left `minutes_ago` on the platform's clock; its platform id."""
    if minutes_ago:
        market.advance_clock(-60.0 * minutes_ago)
    try:
        return str(practice_reviews.leave_review(market.state, platform, order_ref, rating, text, photos)["ref"])
    finally:
        if minutes_ago:
            market.advance_clock(60.0 * minutes_ago)


def on_platform(market: PracticeMarketplace, platform: str, ref: str) -> dict[str, Any]:
    return practice_reviews.review(market.state, platform, ref)


@dataclass
class ReplyWire:
    """The reply calls of one platform on the wire (a practice recorder): the request bodies and the answers."""

    platform: str
    calls: list[tuple[bytes, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, channel: str, request: Any, reply: Any) -> None:
        if channel == self.platform and request.path.endswith(REPLY_CALLS[channel]):
            with self.lock:
                self.calls.append((request.body, reply))

    def answers(self) -> list[str]:
        """Every answer body as text (the platform's own words live there)."""
        out = []
        for _, reply in self.calls:
            payload = getattr(reply, "payload", b"")
            out.append(json.dumps(payload, ensure_ascii=False) if isinstance(payload, (dict, list))
                       else (payload or b"").decode("utf-8", "replace") if isinstance(payload, bytes)
                       else str(payload))
        return out


if __name__ == "__main__":
    sys.exit(run_rounds(sys.argv[1:]))  # the same child as the sync's: rounds until killed
