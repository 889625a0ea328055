"""Shopee shop authorization: the auth_partner link and the code → token exchange (§1.4)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from companion.connectors.errors import Permanent
from companion.connectors.http import Http
from companion.connectors.shopee.client import ShopeeClient
from companion.connectors.shopee.credentials import HOST as SHOPEE_HOST
from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.connectors.shopee.signing import base_string, sign
from companion.domain.clock import now_utc
from companion.domain.marketplace import TokenSet

AUTH_PATH = "/api/v2/shop/auth_partner"
REFRESH_LIFETIME = timedelta(days=30)  # §1.4; the API does not return it


def auth_link(partner_id: int, partner_key: str, redirect_url: str, now: datetime,
              base_url: str = SHOPEE_HOST) -> str:
    """Link the seller opens; valid 5 minutes. Public-type signature over the auth_partner path."""
    timestamp = int(now.timestamp())
    signature = sign(partner_key, base_string(partner_id, AUTH_PATH, timestamp))
    query = urlencode({"partner_id": partner_id, "timestamp": timestamp, "sign": signature,
                       "redirect": redirect_url})
    return f"{base_url.rstrip('/')}{AUTH_PATH}?{query}"


def exchange_code(partner_id: int, partner_key: str, code: str, shop_id: int, http: Http | None = None,
                  base_url: str = SHOPEE_HOST, clock: Callable[[], datetime] = now_utc) -> TokenSet:
    """POST /api/v2/auth/token/get with the single-use code from the redirect (?code=…&shop_id=…)."""
    client = ShopeeClient(ShopeeCredentials(partner_id, partner_key, shop_id, base_url=base_url), http, clock)
    reply = client.call("POST", "/api/v2/auth/token/get",
                        body={"code": code, "partner_id": partner_id, "shop_id": shop_id}, shop_level=False)
    return token_set(reply, clock())


def token_set(reply: dict[str, Any], now: datetime) -> TokenSet:
    """Tokens sit at the top level of the envelope, next to `expire_in` (seconds)."""
    access, refresh = reply.get("access_token"), reply.get("refresh_token")
    if not access or not refresh:
        raise Permanent("missing_token", "token answer without access_token/refresh_token")
    return TokenSet(str(access), str(refresh), now + timedelta(seconds=int(reply.get("expire_in") or 0)),
                    now + REFRESH_LIFETIME)
