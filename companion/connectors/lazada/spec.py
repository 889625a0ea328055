"""The Lazada channel's one declaration: everything the app knows about Lazada comes from here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from companion.connectors.http import Http
from companion.connectors.lazada.auth_flow import LazadaAuthFlow
from companion.connectors.lazada.call_limit import CALL_LIMIT
from companion.connectors.lazada.connector import LazadaConnector
from companion.connectors.lazada.contracts_reviews import REPLY_LENGTH
from companion.connectors.lazada.credentials import AUTH_HOST, HOST, LazadaCredentials
from companion.connectors.lazada.export_format import LAYOUT
from companion.connectors.lazada.export_guide import GUIDE as EXPORT_GUIDE
from companion.connectors.lazada.practice import PRACTICE
from companion.connectors.lazada.reply_rule import RULE
from companion.connectors.spec import ChannelSpec
from companion.domain.fulfilment import CancelReason, FulfilmentRules, ShipMethod
from companion.domain.marketplace import Capability
from companion.domain.reviews import ReviewRules
from companion.i18n import N_

NAME = "lazada"


def _connector(credentials: LazadaCredentials, http: Http | None, clock: Any) -> LazadaConnector:
    return LazadaConnector(credentials, http, clock)


def _practice_credentials(market: Mapping[str, Any], base_urls: Mapping[str, str]) -> LazadaCredentials:
    return LazadaCredentials(
        app_key=str(market["app_key"]), app_secret=str(market["app_secret"]),
        access_token=str(market.get("access_token") or ""), refresh_token=str(market.get("refresh_token") or ""),
        base_url=base_urls["lazada"], auth_base_url=base_urls["lazada_auth"])


# contracts_fulfilment.py / contracts_reverse.py: Lazada ships with Pack then ReadyToShip; whether the courier picks
# up or the shop drops off is the shop's Seller Center setting (not chosen per order), no time slots, no own courier
# for ordinary sellers. Cancel reasons: the cancellation guide's example (ids may differ by country: the connector
# matches them by name against OrderCancelValidate's list). Lazada cancels order items. Reject reasons come per
# return line (GetReverseOrderReasonList), so none are fixed here; the buyer names the refund amount, the seller
# accepts or refuses it (no partial-refund offer). The SLA: ReadyToShip ("deliver the parcels ... within SLA time").
FULFILMENT = FulfilmentRules(
    methods=(ShipMethod.PICKUP, ShipMethod.DROPOFF),
    cancel_reasons=(CancelReason("10000021", N_("Out of stock")),
                    CancelReason("10000019", N_("The stock is late from my supplier")),
                    CancelReason("10000023", N_("The price was wrong"))),
    cancels_lines=True,
    refuse_reasons=(),
    partial_refund=False,
    late_note=N_("Lazada expects each parcel ready to ship before the order's promised shipping time; a parcel you "
                 "drop off must reach the drop-off point within that time. Whether the courier picks up or you drop "
                 "off is set in Lazada Seller Center."),
    seller_centre_url="https://sellercenter.lazada.co.id",
)

# contracts_reviews.py: a reply is text of at most 500 characters, one per review ("does not support multiple
# replies"), one review a call, checked by Lazada before it shows ("quality control"), only within the reply period;
# reviews can be read 90 days back.
REVIEWS = ReviewRules(
    available=True, max_reply_length=REPLY_LENGTH, one_reply=True, replies_per_call=1,
    note=N_("Lazada takes one reply per review, within its reply period, and checks each reply before buyers see "
            "it. Reviews older than 90 days cannot be read from Lazada."),
    seller_centre_url="https://sellercenter.lazada.co.id",
)

SPEC = ChannelSpec(
    name=NAME,
    label=N_("Lazada"),
    long_label=N_("Lazada"),
    practice_name=N_("Practice Lazada"),
    color="#2a4fd0",
    credentials_type=LazadaCredentials,
    connector=_connector,
    capabilities=frozenset({Capability.ORDERS, Capability.STOCK, Capability.CHAT, Capability.FULFILMENT,
                            Capability.REVIEWS}),
    real_hosts={"base_url": HOST, "auth_base_url": AUTH_HOST},
    practice_credentials=_practice_credentials,
    practice=PRACTICE,
    reply_rule=RULE,
    export_layouts=(LAYOUT,),
    export_guide=EXPORT_GUIDE,
    auth=LazadaAuthFlow(),
    order=30,
    chat_permission_sentence=None,
    # Lazada's IM guide: polling /im/session/list or /im/message/list gets the app's API permissions reclaimed at
    # once; it expects its IM push, which needs a relay (a later issue). Until then chat is read when asked.
    chat_pull="on_demand",
    chat_pull_note=N_("Lazada forbids apps from checking its chats on a timer, so Lazada chats are read only when "
                      "you open the Lazada filter or press \"Check Lazada chats\"."),
    picture_hosts=("slatic.net", "lazcdn.com"),  # Lazada's image CDNs (id-live.slatic.net, img.lazcdn.com): UNCONFIRMED
    fulfilment=FULFILMENT,
    reviews=REVIEWS,
    call_limit=CALL_LIMIT,  # call_limit.py: the published figure and its source
)
