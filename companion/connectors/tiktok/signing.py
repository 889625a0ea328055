"""TikTok Shop Partner API (202309) request signing (reference §2.2): pure functions only."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

EXCLUDED = frozenset({"sign", "access_token"})


def string_to_sign(path: str, query: Mapping[str, str], body: str = "", *, multipart: bool = False) -> str:
    """path + sorted {key}{value} (without sign/access_token/empty values) + raw body unless multipart.

    No slash between the path and the parameters: the guide's slash is a typo (§2.2).
    """
    pairs = "".join(f"{k}{query[k]}" for k in sorted(query) if k not in EXCLUDED and query[k] != "")
    return path + pairs + ("" if multipart else body)


def sign(app_secret: str, text: str) -> str:
    """Lowercase hex HMAC-SHA256(app_secret, app_secret + text + app_secret)."""
    wrapped = f"{app_secret}{text}{app_secret}"
    return hmac.new(app_secret.encode("utf-8"), wrapped.encode("utf-8"), hashlib.sha256).hexdigest()
