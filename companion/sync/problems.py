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
from companion.i18n import N_
from companion.sync.events import (
    AUTH_EXPIRED,
    NOT_PERMITTED,
    OFFLINE,
    PERMANENT,
    TEMPORARY,
    THROTTLED,
    Problem,
)

RELINK = N_("The link to this online shop has expired: link the shop again in Settings.")
LOGIN_REFUSED = N_("The marketplace did not accept the shop's login just now: the app will try again by itself.")
OFFLINE_SENTENCE = N_("No internet connection: changes are kept and sent when the connection is back.")
SLOW_DOWN = N_("The marketplace asked the app to slow down: it will try again in a moment.")
NO_ANSWER = N_("The marketplace did not answer properly: the app will try again by itself.")
REFUSED = N_("The marketplace refused the request: copy the details and ask for help if it keeps happening.")
NOT_ALLOWED = N_("The marketplace does not allow this for your shop: check the app's permissions in the seller "
                 "centre.")
STOCK_REFUSED = N_("The marketplace refused some stock numbers: copy the details and check those listings.")
GONE = N_("This online shop is no longer linked: link it again in Settings.")
KEYS_MISSING = N_("The keys for this online shop are not available: link the shop again in Settings, or start "
                  "practice mode again from Home.")


def is_offline(exc: BaseException) -> bool:
    """Connection refused or name not resolved: nothing left the laptop, so this is 'offline', not a failure."""
    return isinstance(exc, Temporary) and exc.message.startswith("could not connect")


def problem_for(exc: BaseException, secrets: Iterable[str] = ()) -> Problem:
    """The Problem for an error raised during a round; `detail` carries the platform's words, never a secret."""
    hidden = tuple(secrets)
    detail = redact(exc.message if isinstance(exc, ConnectorError) else str(exc), hidden)
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
