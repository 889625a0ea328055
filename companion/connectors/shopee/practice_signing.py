"""The practice server's Shopee signature rules, written from the platform reference (§1.3) and never shared with
the connector (connectors/shopee/signing.py): a signing mistake there cannot hide behind the same mistake here."""

from __future__ import annotations

from companion.practice.signing_check import hmac_sha256_hex


def base_string(partner_id: str, path: str, timestamp: str, access_token: str = "", shop_id: str = "") -> str:
    """partner_id + api_path + timestamp (+ access_token + shop_id for shop APIs), no separators."""
    return f"{partner_id}{path}{timestamp}{access_token}{shop_id}"


def sign(partner_key: str, base: str) -> str:
    """Lowercase hex HMAC-SHA256 keyed with the partner key's own bytes (not hex-decoded)."""
    return hmac_sha256_hex(partner_key, base)


def timestamp_ok(timestamp: int, now: float) -> bool:
    """A Shopee request must arrive within 5 minutes of its timestamp."""
    return abs(now - timestamp) <= 300
