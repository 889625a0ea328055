"""The Shopee channel's one declaration: everything the app knows about Shopee comes from here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from companion.connectors.http import Http
from companion.connectors.shopee.auth_flow import ShopeeAuthFlow
from companion.connectors.shopee.call_limit import CALL_LIMIT
from companion.connectors.shopee.connector import ShopeeConnector
from companion.connectors.shopee.credentials import HOST, ShopeeCredentials
from companion.connectors.shopee.export_format import LAYOUT
from companion.connectors.shopee.export_guide import GUIDE as EXPORT_GUIDE
from companion.connectors.shopee.practice import PRACTICE
from companion.connectors.shopee.reply_rule import RULE
from companion.connectors.shopee.review_contracts import REPLIES_PER_CALL, REPLY_LENGTH
from companion.connectors.spec import ChannelSpec
from companion.domain.fulfilment import CancelReason, FulfilmentRules, ShipMethod
from companion.domain.marketplace import Capability
from companion.domain.reviews import ReviewRules
from companion.i18n import N_

NAME = "shopee"


def _connector(credentials: ShopeeCredentials, http: Http | None, clock: Any) -> ShopeeConnector:
    return ShopeeConnector(credentials, http, clock)


def _practice_credentials(market: Mapping[str, Any], base_urls: Mapping[str, str]) -> ShopeeCredentials:
    return ShopeeCredentials(
        partner_id=int(market["partner_id"]), partner_key=str(market["partner_key"]), shop_id=int(market["shop_id"]),
        access_token=str(market.get("access_token") or ""), refresh_token=str(market.get("refresh_token") or ""),
        base_url=base_urls["shopee"], email=str(market.get("email") or ""))


# fulfilment_contracts.py: ship_order's pickup / dropoff / non_integrated; cancel_order's cancel_reason values
# (UNDELIVERABLE_AREA is for TW and MY only); returns.offer makes a partial refund; returns.dispute refuses, with a
# reason Shopee hands out per return (so no fixed list here). Late shipments: marketplaces.md §5.1 (ship before
# ship_by_date; Late Shipment Rate target below 10 %, at 10 % or more penalty points).
FULFILMENT = FulfilmentRules(
    methods=(ShipMethod.PICKUP, ShipMethod.DROPOFF, ShipMethod.OWN_COURIER),
    cancel_reasons=(CancelReason("OUT_OF_STOCK", N_("Out of stock")),
                    CancelReason("CUSTOMER_REQUEST", N_("The buyer asked to cancel")),
                    CancelReason("COD_NOT_SUPPORTED", N_("Cash on delivery is not possible for this order"))),
    cancels_lines=True,
    refuse_reasons=(),
    partial_refund=True,
    late_note=N_("Shopee counts a parcel handed over after the order's ship-by date as late; when late orders reach "
                 "10% of the shop's orders (Late Shipment Rate), the shop gets penalty points."),
    seller_centre_url="https://seller.shopee.co.id/",
)

# review_contracts.py: a reply of 1–500 characters, one per comment (a second is refused, none is ever edited),
# 1–100 per reply_comment call; get_comment reaches at most 500 comments (review_contracts.REACHABLE, the note).
# The Seller Centre page for the shop's ratings ("Penilaian Toko") is UNCONFIRMED as an address.
REVIEWS = ReviewRules(
    available=True, max_reply_length=REPLY_LENGTH, one_reply=True, replies_per_call=REPLIES_PER_CALL,
    note=N_("Shopee gives apps at most 500 of the shop's reviews; older ones are in Shopee Seller Centre. A reply is "
            "sent once and cannot be changed afterwards."),
    seller_centre_url="https://seller.shopee.co.id/portal/settings/shop/rating",
)

SPEC = ChannelSpec(
    name=NAME,
    label=N_("Shopee"),
    long_label=N_("Shopee"),
    practice_name=N_("Practice Shopee"),
    color="#ee4d2d",
    credentials_type=ShopeeCredentials,
    connector=_connector,
    capabilities=frozenset({Capability.ORDERS, Capability.STOCK, Capability.CHAT, Capability.FULFILMENT,
                            Capability.REVIEWS}),
    real_hosts={"base_url": HOST},
    practice_credentials=_practice_credentials,
    practice=PRACTICE,
    reply_rule=RULE,
    export_layouts=(LAYOUT,),
    export_guide=EXPORT_GUIDE,
    auth=ShopeeAuthFlow(),
    order=10,
    chat_permission_sentence=N_("Shopee chats need the app's chat permission: in Shopee Open Platform, ask for "
                                "chat access for the Seller In-house System app, then link the shop again in "
                                "Settings."),
    ip_allowlist_sentence=N_("Shopee refused this computer's internet address: in Shopee Open Platform, add it to "
                             "the app's IP Address Whitelist (or turn the whitelist off), then sync again."),
    scope_sentence=N_("Shopee does not let this app type use that part of the shop: in Shopee Open Platform, ask for "
                      "the Seller In-house System app type, then link the shop again in Settings."),
    # cf.shopee.co.id is seen in chat payloads (a third-party relay's docs); down-id.img.susercontent.com: UNCONFIRMED
    picture_hosts=("susercontent.com", "shopee.co.id"),
    fulfilment=FULFILMENT,
    reviews=REVIEWS,
    call_limit=CALL_LIMIT,  # call_limit.py: the published figure and its source
)
