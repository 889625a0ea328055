"""Shopee's part of the practice marketplace: its host's routes, app keys, id shapes, order statuses and token
lifetimes (reference §1), set as the channel spec's `practice`."""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from typing import Any

from companion.connectors.shopee.practice_routes import handle, throttled
from companion.practice.plugin import IdShapes, Lifetimes, OrderStatuses, PracticeChannel, Route

HOUR, DAY = 3600, 86400


def order_sn(number: int, now: float) -> str:
    """Shopee's order_sn: yymmdd + 8 upper-case letters/digits."""
    return time.strftime("%y%m%d", time.gmtime(now)) + _base36(number).rjust(8, "0")


def _base36(n: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out or "0"


def make_keys() -> dict[str, Any]:
    return {"partner_id": 2_000_000 + secrets.randbelow(900_000), "partner_key": "shpk" + secrets.token_hex(30),
            "shop_id": 100_000_000 + secrets.randbelow(800_000_000)}


def export_credentials(keys: Mapping[str, Any], tokens: Mapping[str, str], base_urls: Mapping[str, str]
                       ) -> dict[str, Any]:
    """What spec._practice_credentials reads."""
    return {"base_url": base_urls["shopee"], "partner_id": keys["partner_id"], "partner_key": keys["partner_key"],
            "shop_id": keys["shop_id"], "email": "toko.latihan@example.com", **tokens}


PRACTICE = PracticeChannel(
    name="shopee",
    ids=IdShapes(item=800_000_000, model=900_000_000, buyer=300_000_000, order=1_000_000,
                 conversation=1_000_000_000_000_000, message=2_000_000_000_000_000_000, order_ref=order_sn,
                 single_model_id="0"),  # an item without variants has model_id 0
    # order statuses as the reference's data definition names them (v2-0-data-definition.md, marketplaces.md §1.7)
    statuses=OrderStatuses(unpaid="UNPAID", open="READY_TO_SHIP", cancelled="CANCELLED", arranged="PROCESSED",
                           shipped="SHIPPED", delivered="TO_CONFIRM_RECEIVE", completed="COMPLETED",
                           in_cancel="IN_CANCEL"),
    lifetimes=Lifetimes(access=4 * HOUR, refresh=30 * DAY, code=10 * 60),
    make_keys=make_keys,
    export_credentials=export_credentials,
    chat_needs_approval=True,  # sellerchat is whitelisted per app
    routes=(Route("/shopee", "shopee", handle),),
    # Shopee Indonesia's own courier (SPX Express); its tracking numbers start "SPXID"
    courier="SPX Express",
    tracking_prefix="SPXID0",
    throttled=throttled,
)
