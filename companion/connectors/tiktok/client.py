"""TikTok Shop HTTP client: common query parameters, signing, token header, envelope and errors."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from companion.connectors.errors import (
    AuthExpired,
    ConnectorError,
    NotPermitted,
    Permanent,
    Throttled,
    redact,
)
from companion.connectors.http import Http, HttpResponse, not_json_error, status_error
from companion.connectors.tiktok.credentials import TikTokCredentials
from companion.connectors.tiktok.signing import sign, string_to_sign
from companion.domain.clock import now_utc

# UNCONFIRMED: these numeric codes are not in the reference (TikTok's published error list, from memory);
# words in the message are checked as well.
AUTH_CODES = frozenset({105001, 105002, 36004004})


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
        resp = self.http.send(method, c.base_url.rstrip("/") + path, params=params,
                              body=text if body is not None else None, headers=headers, write=write)
        return self.data(resp, method, write=write)

    def data(self, resp: HttpResponse, method: str, *, token_call: bool = False,
             write: bool | None = None) -> dict[str, Any]:
        failure = status_error(resp, method, write)
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
    """`{code, message, request_id}` with a non-zero code to a typed error."""
    code = envelope.get("code")
    message = redact(str(envelope.get("message") or ""), secrets)
    lowered = message.lower()
    if "too many" in lowered or "rate limit" in lowered:
        return Throttled(f"{code}: {message}")
    if "sign" in lowered or "timestamp" in lowered or "app_key" in lowered or "shop_cipher" in lowered:
        # A wrong secret, a skewed clock or a wrong shop: TikTok answers these with HTTP 401 too, but neither a
        # token refresh nor a new authorization can fix them, so they must not look like an expired token.
        return Permanent(str(code), message)
    if token_call:
        # A refused token/get or token/refresh cannot be fixed by retrying: the seller re-authorizes.
        return AuthExpired(f"{code}: {message}", reauthorize=True)
    if status == 401 or code in AUTH_CODES or ("access token" in lowered and
                                               ("expire" in lowered or "invalid" in lowered)):
        return AuthExpired(f"{code}: {message}")
    if status == 403 or "scope" in lowered or "permission" in lowered:
        return NotPermitted(str(code), message)
    return Permanent(str(code), message)
