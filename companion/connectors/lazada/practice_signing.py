"""The practice server's Lazada signature rules, written from the platform reference (§3.2, §7) and never shared
with the connector (connectors/lazada/signing.py): a signing mistake there cannot hide behind the same one here."""

from __future__ import annotations

from collections.abc import Mapping

from companion.practice.signing_check import hmac_sha256_hex


def string_to_sign(path: str, params: Mapping[str, str]) -> str:
    """API path + every parameter but sign, sorted by name, as {name}{value}."""
    return path + "".join(f"{k}{params[k]}" for k in sorted(params) if k != "sign")


def sign(app_secret: str, path: str, params: Mapping[str, str]) -> str:
    """UPPERCASE hex HMAC-SHA256 keyed with the app secret."""
    return hmac_sha256_hex(app_secret, string_to_sign(path, params)).upper()


def timestamp_ok(timestamp_ms: int, now: float) -> bool:
    """Lazada timestamps are milliseconds and must be within 7200 s of the server's UTC time."""
    return abs(now - timestamp_ms / 1000) <= 7200
