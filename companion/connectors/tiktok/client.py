"""TikTok Shop HTTP client: common query parameters, signing, token header, envelope and errors."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from companion.connectors import errors
from companion.connectors.call_pacing import pace
from companion.connectors.errors import (
    AuthExpired,
    ConnectorError,
    NotPermitted,
    Permanent,
    Temporary,
    Throttled,
    redact,
)
from companion.connectors.http import Http, HttpResponse, not_json_error, status_error
from companion.connectors.tiktok.credentials import TikTokCredentials
from companion.connectors.tiktok.signing import sign, string_to_sign
from companion.domain.clock import now_utc

# Documented codes (contracts.py; common-errors.md): 105002 expired token; 36009004 is shared by an invalid
# x-tts-access-token, a missing sign, an invalid app_key or identifier and a timestamp out of range (its message says
# which); 36009002 too many requests; 105005 a scope the app was not granted; 36009033 an IP allow-list.
EXPIRED_TOKEN = 105002
SHARED_CREDENTIALS = 36009004
TOO_MANY_REQUESTS = 36009002
INTERNAL_ERROR = 36009003
SCOPE_MISSING = 105005
IP_NOT_ALLOWED = 36009033
DAILY_QUOTA = 45101004  # Customer Service: 10000 queries a day
LIMIT_SPAN_WAIT = 1.0     # 50 calls a second per API (docs/RATE_LIMITS.md): no Retry-After is sent
DAILY_QUOTA_WAIT = 3600.0  # a day's quota spent: try again in an hour, not in a second
PERMISSION_DENIED = 10006402


class TikTokClient:
    """Signs and sends one call; returns the envelope's `data` or raises a typed error."""

    def __init__(self, credentials: TikTokCredentials, http: Http | None = None,
                 clock: Callable[[], datetime] = now_utc) -> None:
        self.credentials = credentials
        self.http = http or Http()
        self.clock = clock

    def call(self, method: str, path: str, query: Mapping[str, str] | None = None,
             body: dict[str, Any] | None = None, *, shop_scoped: bool = True,
             read_only: bool = False) -> dict[str, Any]:
        """One signed call; `read_only` for POST searches, whose lost answers change nothing."""
        c = self.credentials
        write = False if read_only else None
        params = {"app_key": c.app_key, "timestamp": str(int(self.clock().timestamp()))}
        if shop_scoped and c.shop_cipher:
            params["shop_cipher"] = c.shop_cipher
        params.update(query or {})
        text = "" if body is None else json.dumps(body, separators=(",", ":"), ensure_ascii=False)
        params["sign"] = sign(c.app_secret, string_to_sign(path, params, text))
        headers = {"Content-Type": "application/json", "x-tts-access-token": c.access_token}
        pace("tiktok", c.app_key, c.shop_cipher if shop_scoped else "", path)  # the shop's call limit
        resp = self.http.send(method, c.base_url.rstrip("/") + path, params=params,
                              body=text if body is not None else None, headers=headers, write=write)
        return self.data(resp, method, write=write)

    def data(self, resp: HttpResponse, method: str, *, token_call: bool = False,
             write: bool | None = None) -> dict[str, Any]:
        failure = status_error(resp, method, write)
        if isinstance(failure, Throttled) and failure.retry_after_seconds is None:
            # TikTok's rate-limit page names no Retry-After; its limit is per second, so the next second frees it
            failure = Throttled(failure.message, LIMIT_SPAN_WAIT)
        if failure is not None:
            raise failure
        envelope = resp.json_object()
        if envelope is None:
            raise not_json_error(resp, method, write)
        code = envelope.get("code")
        if code not in (0, "0") or resp.status >= 400:
            raise envelope_error(envelope, resp.status, self.credentials.secrets(), token_call=token_call)
        data = envelope.get("data")
        return data if isinstance(data, dict) else {}


def envelope_error(envelope: dict[str, Any], status: int, secrets: Sequence[str], *,
                   token_call: bool = False) -> ConnectorError:
    """`{code, message, request_id}` with a non-zero code to a typed error, by the documented codes only."""
    raw = envelope.get("code")
    code = int(raw) if isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit()) else None
    message = redact(str(envelope.get("message") or ""), secrets)
    lowered = message.lower().replace("-", "_")
    if code == DAILY_QUOTA:
        return Throttled(f"{raw}: {message}", DAILY_QUOTA_WAIT)
    if code == TOO_MANY_REQUESTS or status == 429:
        return Throttled(f"{raw}: {message}", LIMIT_SPAN_WAIT)
    if code == INTERNAL_ERROR:
        return Temporary(f"{raw}: {message}")
    if token_call and ("app_key" in lowered or "app_secret" in lowered):
        # The app's own key or secret is wrong: authorizing the shop again would not fix it.
        return Permanent(str(raw), message)
    if token_call:
        # A refused token/get or token/refresh cannot be fixed by retrying: the seller re-authorizes.
        return AuthExpired(f"{raw}: {message}", reauthorize=True)
    if code == EXPIRED_TOKEN or (code == SHARED_CREDENTIALS and "access_token" in lowered):
        return AuthExpired(f"{raw}: {message}")
    if code == IP_NOT_ALLOWED:
        return NotPermitted(str(raw), message, reason=errors.IP_NOT_ALLOWED)
    if code in (SCOPE_MISSING, PERMISSION_DENIED):
        return NotPermitted(str(raw), message, reason=errors.SCOPE_MISSING)
    # 106001 sign, 36009004 app_key / timestamp / identifiers, 106013 shop_cipher and every business refusal:
    # neither a token refresh nor a retry can fix them.
    return Permanent(str(raw), message)
