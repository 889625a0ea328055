"""Typed errors the sync engine acts on: refresh, wait, retry, give up, or switch a capability off.

Messages carry platform codes and short texts only; tokens and secrets never appear in them (see `redact`).
"""

from __future__ import annotations

from collections.abc import Iterable


class ConnectorError(Exception):
    """Base of every error a connector raises."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class AuthExpired(ConnectorError):
    """The access token is no longer accepted.

    `reauthorize=True` when refreshing cannot help (refresh token expired or revoked): the seller must
    authorize the app again.
    """

    def __init__(self, message: str, *, reauthorize: bool = False) -> None:
        super().__init__(message)
        self.reauthorize = reauthorize


class Throttled(ConnectorError):
    """The platform asked us to slow down; wait `retry_after_seconds` (None when it did not say)."""

    def __init__(self, message: str, retry_after_seconds: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class Temporary(ConnectorError):
    """Server error, timeout or dropped connection: worth retrying later.

    `outcome_unknown=True` when a write may already have been applied (e.g. the POST was sent and the
    answer never came), so the engine must re-read before repeating anything non-idempotent.
    """

    def __init__(self, message: str, *, outcome_unknown: bool = False) -> None:
        super().__init__(message)
        self.outcome_unknown = outcome_unknown


class Permanent(ConnectorError):
    """The platform refused the request for a reason retrying will not fix.

    This includes a wrong app secret (signature refused) and a refused request timestamp: when the computer's clock
    is off by more than the platform's window (from +30 s to 2 h, by platform), every call signed with
    that clock fails the same way, so retrying or refreshing tokens cannot help; `platform_code` says which, and the
    seller has to correct the clock.
    """

    def __init__(self, platform_code: str, platform_message: str = "") -> None:
        super().__init__(f"{platform_code}: {platform_message}" if platform_message else platform_code)
        self.platform_code = platform_code
        self.platform_message = platform_message


class NotPermitted(Permanent):
    """The app may not use this API for this shop (e.g. a platform's chat API before the app is whitelisted).

    `reason` says what the seller must ask the platform for, set by the connector from the platform's codes:
    CHAT_NOT_APPROVED (the app's chat access is not approved yet), IP_NOT_ALLOWED (the computer's address is not on
    the app's allowed list), SCOPE_MISSING (the app lacks a permission scope), or "" (not known).
    """

    def __init__(self, platform_code: str, platform_message: str = "", *, reason: str = "") -> None:
        super().__init__(platform_code, platform_message)
        self.reason = reason


class NotReady(Temporary):
    """The platform is still making what was asked for (a shipping label is made asynchronously): nothing is wrong,
    ask again at the next round."""


class AlreadyDone(Permanent):
    """The platform already has what the command asks for (the order is arranged or shipped from the seller centre,
    already cancelled, a request already answered): record it as done, never send it again. `platform_message` keeps
    the platform's words to show on the order."""


CHAT_NOT_APPROVED = "chat_not_approved"
IP_NOT_ALLOWED = "ip_not_allowed"
SCOPE_MISSING = "scope_missing"
REFUSAL_REASONS = (CHAT_NOT_APPROVED, IP_NOT_ALLOWED, SCOPE_MISSING)


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every non-empty secret found in `text` so platform echoes cannot leak tokens."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text
