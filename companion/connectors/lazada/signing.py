"""Lazada Open Platform request signing (reference §3.2): pure functions only."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping


def string_to_sign(api_path: str, params: Mapping[str, str]) -> str:
    """API path + every parameter except `sign`, sorted by name (ASCII), as {name}{value}."""
    return api_path + "".join(f"{k}{params[k]}" for k in sorted(params) if k != "sign")


def sign(app_secret: str, text: str) -> str:
    """UPPERCASE hex HMAC-SHA256 keyed by the app secret."""
    return hmac.new(app_secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest().upper()
