"""Lazada HTTP client: system parameters, signing, envelope and error mapping."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

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
from companion.connectors.lazada.credentials import LazadaCredentials
from companion.connectors.lazada.signing import sign, string_to_sign
from companion.domain.clock import now_utc

# The codes each API's reference page documents (connectors/lazada/contracts.py says what each means for us).
# TRAFFIC_CONTROL: the review APIs' own throttling code (product-review-api pages).
THROTTLE_CODES = frozenset({"901", "E901", "ApiCallLimit", "AppCallLimit", "TRAFFIC_CONTROL"})
AUTH_CODES = frozenset({"IllegalAccessToken", "MissingAccessToken", "InvalidAccessToken"})
# AUTH_TYPE_UNSUPPORTED: the app's tokens are bound to a service-market order and cannot be refreshed.
REAUTHORIZE_CODES = frozenset({"IllegalRefreshToken", "InvalidRefreshToken", "AUTH_TYPE_UNSUPPORTED"})
# E006 unexpected internal error, 513 internal call exception, 506 get product failed, 1000 internal error,
# E0106 ROC internal error (the cancel and return calls).
TEMPORARY_CODES = frozenset({"6", "506", "513", "1000", "106"})
# The seller's store opening is not complete: the seller, not the app, must act in Seller Center. MP3 sellers may not
# call the return APIs.
NOT_PERMITTED_CODES = frozenset({"SellerNotVerified", "Mp3SellerApiLimit"})


class LazadaClient:
    """Signs and sends one call; returns the whole envelope (token answers are top-level) or raises."""

    def __init__(self, credentials: LazadaCredentials, http: Http | None = None,
                 clock: Callable[[], datetime] = now_utc) -> None:
        self.credentials = credentials
        self.http = http or Http()
        self.clock = clock

    def signed_params(self, api_path: str, params: Mapping[str, str], *, with_token: bool) -> dict[str, str]:
        c = self.credentials
        full = {"app_key": c.app_key, "timestamp": str(int(self.clock().timestamp() * 1000)),
                "sign_method": "sha256"}
        if with_token:
            full["access_token"] = c.access_token
        full.update(params)
        full["sign"] = sign(c.app_secret, string_to_sign(api_path, full))
        return full

    def send(self, method: str, api_path: str, params: Mapping[str, str] | None = None, *,
             auth_host: bool = False, write: bool | None = None) -> HttpResponse:
        """GET: all parameters in the query; POST: all in a form body (as the official SDK sends them). `write=True`
        marks a GET that changes something (Lazada's review reply is a GET): a lost answer is then outcome_unknown."""
        c = self.credentials
        full = self.signed_params(api_path, params or {}, with_token=not auth_host)
        url = (c.auth_base_url if auth_host else c.base_url).rstrip("/") + api_path
        pace("lazada", c.app_key, "", api_path)  # Lazada names no shop in calls: one window per app (stricter)
        if method.upper() == "GET":
            return self.http.send("GET", url, params=full, write=write)
        return self.http.send(method, url, form=full, write=write)

    def call(self, method: str, api_path: str, params: Mapping[str, str] | None = None, *,
             auth_host: bool = False) -> dict[str, Any]:
        resp = self.send(method, api_path, params, auth_host=auth_host)
        return self.parse(resp, method, token_call=auth_host)

    def parse(self, resp: HttpResponse, method: str, *, token_call: bool = False,
              write: bool | None = None) -> dict[str, Any]:
        failure = status_error(resp, method, write)
        if failure is not None:
            raise failure
        envelope = resp.json_object()
        if envelope is None:
            raise not_json_error(resp, method, write)
        if str(envelope.get("code", "0")) != "0":
            raise envelope_error(envelope, self.credentials.secrets(), token_call=token_call)
        return envelope


def envelope_error(envelope: dict[str, Any], secrets: Sequence[str], *,
                   token_call: bool = False) -> ConnectorError:
    """`{code, type, message}` to a typed error (§3.1)."""
    code = str(envelope.get("code"))
    message = redact(str(envelope.get("message") or ""), secrets)
    if code in THROTTLE_CODES:
        return Throttled(f"{code}: {message}", 1.0)  # QPS limit: "retry next second"
    if code in REAUTHORIZE_CODES or (token_call and code in AUTH_CODES):
        return AuthExpired(f"{code}: {message}", reauthorize=True)
    if code in AUTH_CODES:
        return AuthExpired(f"{code}: {message}")
    if code in NOT_PERMITTED_CODES or "permission" in f"{code} {message}".lower():
        return NotPermitted(code, message)
    if code in TEMPORARY_CODES:
        return Temporary(f"{code}: {message}")
    # UNCONFIRMED: type "ISP" marks a platform-side failure in Lazada's envelope; we treat it as retryable.
    if str(envelope.get("type") or "").upper() == "ISP":
        return Temporary(f"{code}: {message}")
    return Permanent(code, message)
