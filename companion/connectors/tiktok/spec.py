"""The TikTok Shop channel's one declaration: everything the app knows about TikTok Shop comes from here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from companion.connectors.http import Http
from companion.connectors.spec import ChannelSpec
from companion.connectors.tiktok.auth_flow import TikTokAuthFlow
from companion.connectors.tiktok.call_limit import CALL_LIMIT
from companion.connectors.tiktok.connector import TikTokConnector
from companion.connectors.tiktok.credentials import AUTH_HOST, HOST, TikTokCredentials
from companion.connectors.tiktok.export_format import LAYOUT
from companion.connectors.tiktok.export_guide import GUIDE as EXPORT_GUIDE
from companion.connectors.tiktok.fulfilment_rules import RULES
from companion.connectors.tiktok.practice import PRACTICE
from companion.connectors.tiktok.reply_rule import RULE
from companion.domain.marketplace import Capability
from companion.domain.reviews import ReviewRules
from companion.i18n import N_

NAME = "tiktok"


def _connector(credentials: TikTokCredentials, http: Http | None, clock: Any) -> TikTokConnector:
    return TikTokConnector(credentials, http, clock)


def _practice_credentials(market: Mapping[str, Any], base_urls: Mapping[str, str]) -> TikTokCredentials:
    return TikTokCredentials(
        app_key=str(market["app_key"]), app_secret=str(market["app_secret"]),
        shop_cipher=str(market.get("shop_cipher") or ""), access_token=str(market.get("access_token") or ""),
        refresh_token=str(market.get("refresh_token") or ""), base_url=base_urls["tiktok"],
        auth_base_url=base_urls["tiktok_auth"])


SPEC = ChannelSpec(
    name=NAME,
    label=N_("TikTok Shop"),
    long_label=N_("TikTok Shop (Tokopedia)"),
    practice_name=N_("Practice TikTok Shop"),
    color="#2b2b2b",
    credentials_type=TikTokCredentials,
    connector=_connector,
    capabilities=frozenset({Capability.ORDERS, Capability.STOCK, Capability.CHAT, Capability.FULFILMENT}),
    fulfilment=RULES,
    # No review API: the Partner API reference (lazykern/ecommerce-api-docs data/raw/tiktok/api-reference, 18 groups)
    # and its webhooks have no review or rating call or event; the ID seller guide names Seller Center > Products >
    # Product Rating, the page (/product/rating, as on the other regions' seller centres) where the seller answers.
    reviews=ReviewRules(
        available=False,
        note=N_("TikTok Shop does not let apps read or answer its reviews. Open TikTok Shop Seller Center to see "
                "and answer them (Products > Product Rating)."),
        seller_centre_url="https://seller-id.tokopedia.com/product/rating?shop_region=ID",
    ),
    real_hosts={"base_url": HOST, "auth_base_url": AUTH_HOST},
    practice_credentials=_practice_credentials,
    practice=PRACTICE,
    reply_rule=RULE,
    export_layouts=(LAYOUT,),
    export_guide=EXPORT_GUIDE,
    auth=TikTokAuthFlow(),
    order=20,
    chat_permission_sentence=None,
    picture_hosts=("ibyteimg.com", "byteimg.com", "tiktokcdn.com"),  # TikTok Shop's image CDNs: UNCONFIRMED
    call_limit=CALL_LIMIT,  # call_limit.py: the published figure and its source
)
