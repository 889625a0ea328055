"""Typed connector errors to one plain sentence for the owner (an English msgid) plus a copyable detail."""

from __future__ import annotations

from collections.abc import Iterable

from companion.connectors.errors import (
    AuthExpired,
    ConnectorError,
    NotPermitted,
    Permanent,
    Temporary,
    Throttled,
    redact,
)
from companion.domain.errors import UserError
from companion.sync.events import (
    AUTH_EXPIRED,
    KEYS_MISSING,
    LOGIN_REFUSED,
    NO_ANSWER,
    NOT_ALLOWED,
    NOT_PERMITTED,
    OFFLINE,
    OFFLINE_SENTENCE,
    PERMANENT,
    REFRESH_LOST,
    REFUSED,
    RELINK,
    SLOW_DOWN,
    STOCK_REFUSED,
    TEMPORARY,
    THROTTLED,
    Problem,
)
from companion.sync.token_refresh import RefreshLost


def is_offline(exc: BaseException) -> bool:
    """Connection refused or name not resolved: nothing left the laptop, so this is 'offline', not a failure."""
    return isinstance(exc, Temporary) and exc.message.startswith("could not connect")


def problem_for(exc: BaseException, secrets: Iterable[str] = ()) -> Problem:
    """The Problem for an error raised during a round; `detail` carries the platform's words, never a secret."""
    hidden = tuple(secrets)
    detail = redact(exc.message if isinstance(exc, ConnectorError) else str(exc), hidden)
    if isinstance(exc, RefreshLost):
        return Problem(AUTH_EXPIRED, REFRESH_LOST, detail)
    if isinstance(exc, AuthExpired):
        return Problem(AUTH_EXPIRED, RELINK if exc.reauthorize else LOGIN_REFUSED, detail)
    if isinstance(exc, Throttled):
        return Problem(THROTTLED, SLOW_DOWN, detail)
    if isinstance(exc, Temporary):
        return Problem(OFFLINE, OFFLINE_SENTENCE, detail) if is_offline(exc) else Problem(TEMPORARY, NO_ANSWER, detail)
    if isinstance(exc, NotPermitted):
        return Problem(NOT_PERMITTED, NOT_ALLOWED, redact(_platform_words(exc), hidden))
    if isinstance(exc, Permanent):
        return Problem(PERMANENT, REFUSED, redact(_platform_words(exc), hidden))
    if isinstance(exc, UserError):
        return Problem(AUTH_EXPIRED, KEYS_MISSING, "")
    return Problem(TEMPORARY, NO_ANSWER, type(exc).__name__)


def stock_refused(reasons: Iterable[str]) -> Problem:
    """Some listings refused their number (the rest went through)."""
    return Problem(PERMANENT, STOCK_REFUSED, "; ".join(sorted(set(reasons)))[:500])


def _platform_words(exc: Permanent) -> str:
    return f"{exc.platform_code}: {exc.platform_message}" if exc.platform_message else exc.platform_code
