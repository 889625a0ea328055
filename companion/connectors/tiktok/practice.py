"""TikTok Shop's part of the practice marketplace: its API and auth hosts' routes, app keys, id shapes, order
statuses and token lifetimes (reference §2), set as the channel spec's `practice`."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from companion.connectors.tiktok.practice_routes import handle, handle_auth, throttled
from companion.practice.plugin import IdShapes, Lifetimes, OrderStatuses, PracticeChannel, Route

DAY = 86400


def make_keys() -> dict[str, Any]:
    return {"app_key": "6" + secrets.token_hex(6), "app_secret": secrets.token_hex(20),
            "shop_cipher": "ROW_" + secrets.token_urlsafe(18),
            "shop_id": str(7_494_000_000_000_000_000 + secrets.randbelow(10**15)),
            "open_id": secrets.token_urlsafe(12)}


def export_credentials(keys: Mapping[str, Any], tokens: Mapping[str, str], base_urls: Mapping[str, str]
                       ) -> dict[str, Any]:
    """What spec._practice_credentials reads."""
    return {"base_url": base_urls["tiktok"], "auth_base_url": base_urls["tiktok_auth"], "app_key": keys["app_key"],
            "app_secret": keys["app_secret"], "shop_cipher": keys["shop_cipher"], **tokens}


PRACTICE = PracticeChannel(
    name="tiktok",
    ids=IdShapes(item=1_729_000_000_000_000_000, model=1_729_500_000_000_000_000, buyer=7_494_100_000_000_000_000,
                 order=576_000_000_000_000_000, conversation=7_300_000_000_000_000_000,
                 message=7_400_000_000_000_000_000),
    # a buyer's cancel request leaves the order AWAITING_SHIPMENT (is_buyer_request_cancel says so): no in_cancel
    statuses=OrderStatuses(unpaid="UNPAID", open="AWAITING_SHIPMENT", cancelled="CANCELLED",
                           arranged="AWAITING_COLLECTION", shipped="IN_TRANSIT", delivered="DELIVERED",
                           completed="COMPLETED"),
    lifetimes=Lifetimes(access=7 * DAY, refresh=30 * DAY, code=30 * 60),  # refresh lifetime UNCONFIRMED: 30 days
    make_keys=make_keys,
    export_credentials=export_credentials,
    routes=(Route("/tiktok", "tiktok", handle), Route("/tiktok-auth", "tiktok_auth", handle_auth)),
    throttled=throttled,
    courier="J&T Express",
    tracking_prefix="JX",  # the reference's sample tracking number is JX12345
    chat_needs_approval=True,  # the Customer Service API is inactive until the seller's account manager approves it
)
