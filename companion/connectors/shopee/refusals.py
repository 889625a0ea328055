"""One Shopee fulfilment call with its refusals read through the contracts: a code the reference describes as
passing trouble ("The order is being allocated, please wait", "Processing, please download later") is Temporary,
anything else refused stays Permanent with Shopee's own words."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from companion.connectors.contract import Endpoint
from companion.connectors.errors import AlreadyDone, NotPermitted, Permanent, Temporary
from companion.connectors.shopee.client import ShopeeClient
from companion.connectors.shopee.contracts import meaning_of


def call(client: ShopeeClient, endpoint: Endpoint, params: Sequence[tuple[str, str]] = (),
         body: dict[str, Any] | None = None) -> dict[str, Any]:
    try:
        return client.call(endpoint.method, endpoint.path, params, body)
    except Permanent as refused:
        raise as_typed(endpoint, refused) from None


def as_typed(endpoint: Endpoint, refused: Permanent) -> Permanent | Temporary:
    """A plain refusal whose documented meaning is "temporary" becomes Temporary; others stay as they are."""
    if isinstance(refused, NotPermitted | AlreadyDone):
        return refused
    found = meaning_of(endpoint, refused.platform_code, refused.platform_message)
    if found is not None and found.meaning == "temporary":
        return Temporary(f"{refused.platform_code}: {refused.platform_message}")
    return refused


def already_done(refused: Permanent) -> AlreadyDone:
    return AlreadyDone(refused.platform_code, refused.platform_message)
