"""Shopee Open Platform v2 request signing (reference §1.3): pure functions only."""

from __future__ import annotations

import hashlib
import hmac


def base_string(partner_id: int, api_path: str, timestamp: int, access_token: str = "",
                entity_id: int | None = None) -> str:
    """partner_id + path + timestamp [+ access_token + shop_id/merchant_id], no separators.

    Public APIs (auth link, token/get, access_token/get) pass neither token nor entity id.
    """
    text = f"{partner_id}{api_path}{timestamp}"
    if access_token or entity_id is not None:
        text += f"{access_token}{'' if entity_id is None else entity_id}"
    return text


def sign(partner_key: str, base: str) -> str:
    """Lowercase hex HMAC-SHA256 keyed by the partner key string's UTF-8 bytes (not hex-decoded)."""
    return hmac.new(partner_key.encode("utf-8"), base.encode("utf-8"), hashlib.sha256).hexdigest()
