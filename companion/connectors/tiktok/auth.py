"""TikTok Shop seller authorization: the authorize link, token/get, token/refresh, shop ciphers (§2.3)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from companion.connectors.convert import from_epoch, require_epoch
from companion.connectors.errors import Permanent
from companion.connectors.http import Http
from companion.connectors.tiktok.client import TikTokClient
from companion.connectors.tiktok.credentials import TikTokCredentials
from companion.domain.marketplace import TokenSet

AUTHORIZE_HOST = "https://services.tiktokshop.com"


@dataclass(frozen=True)
class AuthorizedShop:
    shop_id: str
    name: str
    region: str
    cipher: str  # the shop_cipher every shop-scoped call needs


def authorize_link(service_id: str, state: str = "", base_url: str = AUTHORIZE_HOST) -> str:
    """Link the seller opens; the redirect brings back ?code=…&state=… (code valid 30 minutes)."""
    query = {"service_id": service_id} | ({"state": state} if state else {})
    return f"{base_url.rstrip('/')}/open/authorize?{urlencode(query)}"


def exchange_code(credentials: TikTokCredentials, code: str, http: Http | None = None) -> TokenSet:
    return _token_call(credentials, "/api/v2/token/get",
                       {"auth_code": code, "grant_type": "authorized_code"}, http)


def refresh(credentials: TikTokCredentials, http: Http | None = None) -> TokenSet:
    return _token_call(credentials, "/api/v2/token/refresh",
                       {"refresh_token": credentials.refresh_token, "grant_type": "refresh_token"}, http)


def _token_call(credentials: TikTokCredentials, path: str, params: Mapping[str, str],
                http: Http | None) -> TokenSet:
    """Unsigned GET on the auth host; the app secret travels in the query as the platform requires."""
    client = TikTokClient(credentials, http)
    query = {"app_key": credentials.app_key, "app_secret": credentials.app_secret} | dict(params)
    resp = client.http.send("GET", credentials.auth_base_url.rstrip("/") + path, params=query)
    return token_set(client.data(resp, "GET", token_call=True))


def token_set(data: dict[str, Any]) -> TokenSet:
    """`*_expire_in` are absolute Unix timestamps here, not durations."""
    if not data.get("access_token") or not data.get("refresh_token"):
        raise Permanent("missing_token", "token answer without access_token/refresh_token")
    # UNCONFIRMED (§2.3): refresh-token lifetime is not documented; we trust refresh_token_expire_in.
    return TokenSet(str(data["access_token"]), str(data["refresh_token"]),
                    require_epoch(data.get("access_token_expire_in")),
                    from_epoch(data.get("refresh_token_expire_in")))


def authorized_shops(credentials: TikTokCredentials, http: Http | None = None) -> list[AuthorizedShop]:
    """GET /authorization/202309/shops: not shop-scoped, gives each shop's cipher."""
    data = TikTokClient(credentials, http).call("GET", "/authorization/202309/shops", shop_scoped=False)
    return [AuthorizedShop(str(s.get("id")), str(s.get("name") or ""), str(s.get("region") or ""),
                           str(s.get("cipher") or "")) for s in data.get("shops") or []]
