"""The server's own signature rules, written from the platform reference (never shared with the connectors).

Keeping a separate implementation means a signing mistake in a client cannot hide behind the same mistake here.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping


def _hmac_hex(key: str, message: str) -> str:
    return hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def shopee_base_string(partner_id: str, path: str, timestamp: str, access_token: str = "", shop_id: str = "") -> str:
    """partner_id + api_path + timestamp (+ access_token + shop_id for shop APIs), no separators."""
    return f"{partner_id}{path}{timestamp}{access_token}{shop_id}"


def shopee_sign(partner_key: str, base_string: str) -> str:
    """Lowercase hex HMAC-SHA256 keyed with the partner key's own bytes (not hex-decoded)."""
    return _hmac_hex(partner_key, base_string)


def tiktok_string_to_sign(path: str, params: Mapping[str, str], body: str, drop_empty: bool = False) -> str:
    """Path + sorted {key}{value} (without sign and access_token) + raw body; not yet wrapped in the secret."""
    keys = sorted(k for k in params if k not in ("sign", "access_token") and (params[k] != "" or not drop_empty))
    return path + "".join(f"{k}{params[k]}" for k in keys) + body


def tiktok_sign(app_secret: str, path: str, params: Mapping[str, str], body: str = "",
                drop_empty: bool = False) -> str:
    """Lowercase hex HMAC-SHA256 (key app_secret) over app_secret + string + app_secret."""
    wrapped = app_secret + tiktok_string_to_sign(path, params, body, drop_empty) + app_secret
    return _hmac_hex(app_secret, wrapped)


def lazada_string_to_sign(path: str, params: Mapping[str, str]) -> str:
    """API path + every parameter but sign, sorted by name, as {name}{value}."""
    return path + "".join(f"{k}{params[k]}" for k in sorted(params) if k != "sign")


def lazada_sign(app_secret: str, path: str, params: Mapping[str, str]) -> str:
    """UPPERCASE hex HMAC-SHA256 keyed with the app secret."""
    return _hmac_hex(app_secret, lazada_string_to_sign(path, params)).upper()


def same(expected: str, given: str) -> bool:
    """Constant-time comparison, exact case (Shopee/TikTok lowercase, Lazada uppercase)."""
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


def shopee_timestamp_ok(timestamp: int, now: float) -> bool:
    """A Shopee request must arrive within 5 minutes of its timestamp."""
    return abs(now - timestamp) <= 300


def tiktok_timestamp_ok(timestamp: int, now: float) -> bool:
    """TikTok accepts timestamps from 5 minutes in the past to 30 seconds in the future."""
    return now - 300 <= timestamp <= now + 30


def lazada_timestamp_ok(timestamp_ms: int, now: float) -> bool:
    """Lazada timestamps are milliseconds and must be within 7200 s of the server's UTC time."""
    return abs(now - timestamp_ms / 1000) <= 7200
