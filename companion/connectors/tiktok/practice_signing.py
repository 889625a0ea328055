"""The practice server's TikTok Shop signature rules, written from the platform reference (§2.2) and never shared
with the connector (connectors/tiktok/signing.py): a signing mistake there cannot hide behind the same one here."""

from __future__ import annotations

from collections.abc import Mapping

from companion.practice.signing_check import hmac_sha256_hex


def string_to_sign(path: str, params: Mapping[str, str], body: str, drop_empty: bool = False) -> str:
    """Path + sorted {key}{value} (without sign and access_token) + raw body; not yet wrapped in the secret."""
    keys = sorted(k for k in params if k not in ("sign", "access_token") and (params[k] != "" or not drop_empty))
    return path + "".join(f"{k}{params[k]}" for k in keys) + body


def sign(app_secret: str, path: str, params: Mapping[str, str], body: str = "", drop_empty: bool = False) -> str:
    """Lowercase hex HMAC-SHA256 (key app_secret) over app_secret + string + app_secret."""
    wrapped = app_secret + string_to_sign(path, params, body, drop_empty) + app_secret
    return hmac_sha256_hex(app_secret, wrapped)


def timestamp_ok(timestamp: int, now: float) -> bool:
    """TikTok accepts timestamps from 5 minutes in the past to 30 seconds in the future."""
    return now - 300 <= timestamp <= now + 30
