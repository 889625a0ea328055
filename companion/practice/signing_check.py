"""What every platform's signature check on the practice server shares. Each channel writes its own rules from
the platform reference in its practice_signing module, never shared with its connector: a signing mistake in a
client cannot hide behind the same mistake here."""

from __future__ import annotations

import hashlib
import hmac


def hmac_sha256_hex(key: str, message: str) -> str:
    """Lowercase hex HMAC-SHA256 keyed with the key's own bytes (not hex-decoded)."""
    return hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def same(expected: str, given: str) -> bool:
    """Constant-time comparison, exact case (platforms differ in the case of their hex signatures)."""
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))
