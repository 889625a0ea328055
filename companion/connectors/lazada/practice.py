"""Lazada's part of the practice marketplace: its API and auth hosts' routes, app keys, id shapes, order statuses
and token lifetimes (reference §3), set as the channel spec's `practice`."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from companion.connectors.lazada.practice_fulfilment_routes import handle_files
from companion.connectors.lazada.practice_routes import handle, handle_auth, throttled
from companion.practice.plugin import IdShapes, Lifetimes, OrderStatuses, PracticeChannel, Route

DAY = 86400


def make_keys() -> dict[str, Any]:
    return {"app_key": str(100_000 + secrets.randbelow(899_999)), "app_secret": secrets.token_urlsafe(24),
            "seller_id": str(1_000_000_000 + secrets.randbelow(10**9)),
            "user_id": str(200_000_000 + secrets.randbelow(10**8))}


def export_credentials(keys: Mapping[str, Any], tokens: Mapping[str, str], base_urls: Mapping[str, str]
                       ) -> dict[str, Any]:
    """What spec._practice_credentials reads."""
    return {"base_url": base_urls["lazada"], "auth_base_url": base_urls["lazada_auth"], "app_key": keys["app_key"],
            "app_secret": keys["app_secret"], **tokens}


PRACTICE = PracticeChannel(
    name="lazada",
    ids=IdShapes(item=3_000_000_000, model=15_000_000_000, buyer=500_000, order=450_000_000_000_000,
                 conversation=100_000_000, message=4_000_000_000_000),
    # GetOrders' item statuses; Lazada has no status past delivered ("confirmed" is "not common to all countries")
    # and a buyer's cancel request leaves the items as they were (need_cancel_confirm marks them).
    statuses=OrderStatuses(unpaid="unpaid", open="pending", cancelled="canceled", packed="packed",
                           arranged="ready_to_ship", shipped="shipped", delivered="delivered"),
    courier="LEX ID", tracking_prefix="LXAD", package_prefix="FP",  # Lazada Express; package ids "FP0945…"
    lifetimes=Lifetimes(access=7 * DAY, refresh=30 * DAY, code=30 * 60),  # a test-status app's lifetimes
    make_keys=make_keys,
    export_credentials=export_credentials,
    # /lazada-files: where the practice shop's label PDFs are (PrintAWB's pdf_url; Lazada's is a ten-minute link)
    routes=(Route("/lazada/rest", "lazada", handle), Route("/lazada-auth/rest", "lazada_auth", handle_auth),
            Route("/lazada-files", "lazada_files", handle_files)),
    throttled=throttled,
)
