"""Shopee v2 HTTP client: common parameters, signing, envelope and error mapping."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from companion.connectors.call_pacing import pace
from companion.connectors.errors import (
    CHAT_NOT_APPROVED,
    IP_NOT_ALLOWED,
    SCOPE_MISSING,
    AuthExpired,
    ConnectorError,
    NotPermitted,
    Permanent,
    Temporary,
    Throttled,
    redact,
)
from companion.connectors.http import Http, HttpResponse, not_json_error, status_error
from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.connectors.shopee.signing import base_string, sign
from companion.domain.clock import now_utc

AUTH_ERRORS = frozenset({"error_auth", "invalid_access_token", "invalid_acceess_token", "error_token"})
REAUTHORIZE_ERRORS = frozenset({"refresh_token_expired", "shop_access_expired", "error_shop_refresh_token",
                                "shop_no_linked", "shop_banned", "partner_shop_no_link"})
# UNCONFIRMED (§1.6): Shopee publishes no limit and its body-level refusal names no wait; a few seconds keeps a
# ~100 calls/min budget (the only figure seen, third-party) without stalling a sync.
THROTTLE_WAIT = 5.0
# error_limit: the app's daily call count is used up "until 00:00 (UTC+08:00)"; an hour between tries is plenty.
DAILY_LIMIT_WAIT = 3600.0
NOT_PERMITTED_ERRORS = frozenset({"error_api_call_restricted", "api_suspended", "error_permission",
                                  "error_api_permission", "error_ashop_api_permission", "error_perm_non_admin"})
# `error_auth` is Shopee's code for token trouble AND for many refusals that have nothing to do with the token
# ("Total stock must be more than reserved stock.", "Lack of location_id", holiday mode, "cnsc shop not upgraded"):
# only these words in its message make it a token problem (reference "Corrections"; contracts.py).
TOKEN_WORDS = ("access_token", "access token", "accesstoken")
RELINK_WORDS = ("partner_id or shopid", "refresh_token")
PERMISSION_WORDS = ("permission", "whitelist", "restricted")


class ShopeeClient:
    """Signs and sends one call; returns the `response` payload or raises a typed error."""

    def __init__(self, credentials: ShopeeCredentials, http: Http | None = None,
                 clock: Callable[[], datetime] = now_utc) -> None:
        self.credentials = credentials
        self.http = http or Http()
        self.clock = clock

    def call(self, method: str, path: str, params: Sequence[tuple[str, str]] = (),
             body: dict[str, Any] | None = None, *, shop_level: bool = True) -> dict[str, Any]:
        """One API call. GET request params go in the query, POST ones in a JSON body (§1.1)."""
        resp = self.send(method, path, params, body, shop_level=shop_level)
        return self.parse(resp, method, path)

    def send(self, method: str, path: str, params: Sequence[tuple[str, str]] = (),
             body: dict[str, Any] | None = None, *, shop_level: bool = True) -> HttpResponse:
        c = self.credentials
        timestamp = int(self.clock().timestamp())
        query = [("partner_id", str(c.partner_id)), ("timestamp", str(timestamp))]
        if shop_level:
            base = base_string(c.partner_id, path, timestamp, c.access_token, c.shop_id)
            query += [("access_token", c.access_token), ("shop_id", str(c.shop_id))]
        else:
            base = base_string(c.partner_id, path, timestamp)
        query.append(("sign", sign(c.partner_key, base)))
        query += list(params)
        text = None if body is None else json.dumps(body, separators=(",", ":"), ensure_ascii=False)
        headers = {"Content-Type": "application/json"} if text is not None else {}
        pace("shopee", str(c.partner_id), str(c.shop_id) if shop_level else "", path)  # the shop's call limit
        return self.http.send(method, c.base_url.rstrip("/") + path, params=query, body=text, headers=headers)

    def parse(self, resp: HttpResponse, method: str, path: str) -> dict[str, Any]:
        failure = status_error(resp, method)
        if isinstance(failure, Throttled) and failure.retry_after_seconds is None:
            failure = Throttled(failure.message, THROTTLE_WAIT)  # error_rate_limit names no wait
        if failure is not None:
            raise failure
        envelope = resp.json_object()
        if envelope is not None and failed(envelope):
            raise envelope_error(envelope, path, self.credentials.secrets())
        if envelope is None:
            raise not_json_error(resp, method)
        if resp.status >= 400:
            raise Permanent(f"http_{resp.status}", "request refused")
        return envelope


def failed(envelope: dict[str, Any]) -> bool:
    """Whether an answer is a refusal. The reference's own samples of success answer `"error": " "` (returns.confirm,
    offer, dispute) and `"error": "-"` (get_return_list, get_return_detail): blank and "-" are no error."""
    return str(envelope.get("error") or "").strip() not in ("", "-")


def envelope_error(envelope: dict[str, Any], path: str, secrets: Sequence[str]) -> ConnectorError:
    """Shopee's `error` string to a typed error (§1.4, §1.5, §1.9; the codes and meanings in contracts.py)."""
    code = str(envelope.get("error"))
    message = redact(str(envelope.get("message") or ""), secrets)
    lowered = f"{code} {message}".lower()
    words = message.lower()
    token_call = path.startswith("/api/v2/auth/")
    if code == "source_ip_undeclared":
        return NotPermitted(code, message, reason=IP_NOT_ALLOWED)
    if code in REAUTHORIZE_ERRORS or (token_call and code in AUTH_ERRORS):
        return AuthExpired(f"{code}: {message}", reauthorize=True)
    chat = "/sellerchat/" in path
    if code in NOT_PERMITTED_ERRORS or (code in AUTH_ERRORS and any(w in words for w in PERMISSION_WORDS)):
        # Chat is whitelisted (§1.9); the exact refusal code is not documented, so also match on words.
        reason = CHAT_NOT_APPROVED if chat else SCOPE_MISSING if code == "error_api_permission" else ""
        return NotPermitted(code, message, reason=reason)
    if code in AUTH_ERRORS:
        if code != "error_auth" or not words or any(w in words for w in TOKEN_WORDS):
            return AuthExpired(f"{code}: {message}")
        if any(w in words for w in RELINK_WORDS):
            return AuthExpired(f"{code}: {message}", reauthorize=True)
        # error_auth for a stock or item rule: the request is refused, the token is fine (reference "Corrections")
        return Permanent(code, message)
    if code == "error_rate_limit" or "rate_limit" in lowered or "too many" in lowered:
        return Throttled(f"{code}: {message}", THROTTLE_WAIT)
    if code == "error_limit":
        return Throttled(f"{code}: {message}", DAILY_LIMIT_WAIT)
    if code in ("error_server", "error_inner", "error_system_busy", "error_busy", "error_network"):
        return Temporary(f"{code}: {message}")
    return Permanent(code, message)
