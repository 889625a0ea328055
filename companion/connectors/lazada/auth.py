"""Lazada seller authorization: the oauth/authorize link, /auth/token/create and /auth/token/refresh (§3.3)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from companion.connectors.errors import Permanent
from companion.connectors.http import Http
from companion.connectors.lazada.client import LazadaClient
from companion.connectors.lazada.credentials import LazadaCredentials
from companion.domain.clock import now_utc
from companion.domain.marketplace import TokenSet

AUTHORIZE_HOST = "https://auth.lazada.com"


def authorize_link(app_key: str, redirect_uri: str, state: str = "", base_url: str = AUTHORIZE_HOST) -> str:
    """Link the seller opens; the callback receives ?code=… (valid 30 minutes, single use)."""
    query = {"response_type": "code", "force_auth": "true", "redirect_uri": redirect_uri, "client_id": app_key}
    if state:
        query["uuid"] = state
    return f"{base_url.rstrip('/')}/oauth/authorize?{urlencode(query)}"


def exchange_code(credentials: LazadaCredentials, code: str, http: Http | None = None,
                  now: datetime | None = None) -> TokenSet:
    reply = LazadaClient(credentials, http).call("POST", "/auth/token/create", {"code": code}, auth_host=True)
    return token_set(reply, now or now_utc())


def refresh(credentials: LazadaCredentials, http: Http | None = None,
            clock: Callable[[], datetime] = now_utc) -> TokenSet:
    """Signed like any call, so the timestamp comes from the connector's clock too."""
    reply = LazadaClient(credentials, http, clock).call("POST", "/auth/token/refresh",
                                                        {"refresh_token": credentials.refresh_token}, auth_host=True)
    return token_set(reply, clock())


def token_set(reply: dict[str, Any], now: datetime) -> TokenSet:
    """Durations in seconds; refresh_expires_in = 0 means the token cannot be refreshed at all."""
    nested = reply.get("data")
    body: dict[str, Any] = nested if isinstance(nested, dict) else reply
    if not body.get("access_token"):
        raise Permanent("missing_token", "token answer without access_token")
    access_expires = now + timedelta(seconds=int(body.get("expires_in") or 0))
    refresh_seconds = int(body.get("refresh_expires_in") or 0)
    refresh_expires = now + timedelta(seconds=refresh_seconds) if refresh_seconds > 0 else access_expires
    return TokenSet(str(body["access_token"]), str(body.get("refresh_token") or ""), access_expires,
                    refresh_expires)
