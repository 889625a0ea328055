"""Typed connector errors to one plain sentence for the owner (an English msgid) plus a copyable detail."""

from __future__ import annotations

import re
from collections.abc import Iterable

from companion.connectors import registry
from companion.connectors.errors import (
    CHAT_NOT_APPROVED,
    IP_NOT_ALLOWED,
    SCOPE_MISSING,
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
    CHAT_NOT_APPROVED_SENTENCE,
    IP_NOT_ALLOWED_SENTENCE,
    KEYS_MISSING,
    KIND_SENTENCES,
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
    SCOPE_SENTENCE,
    SLOW_DOWN,
    STOCK_REFUSED,
    TEMPORARY,
    THROTTLED,
    Problem,
)
from companion.sync.token_refresh import RefreshLost

_REASON_TAG = re.compile(r" \[(chat_not_approved|ip_not_allowed|scope_missing)\]$")


def is_offline(exc: BaseException) -> bool:
    """Connection refused or name not resolved: nothing left the laptop, so this is 'offline', not a failure."""
    return isinstance(exc, Temporary) and exc.message.startswith("could not connect")


def refusal_sentence(exc: NotPermitted, channel: str | None = None, *, chat: bool = False) -> str:
    """One sentence saying what to ask the platform for, by the refusal's reason; the channel's own words (its spec)
    come first. A refusal of unknown reason met while reading chats is the channel's chat sentence."""
    spec = registry.find(channel) if channel else None
    if exc.reason == IP_NOT_ALLOWED:
        return (spec.ip_allowlist_sentence if spec else None) or IP_NOT_ALLOWED_SENTENCE
    if exc.reason == SCOPE_MISSING:
        return (spec.scope_sentence if spec else None) or SCOPE_SENTENCE
    if exc.reason == CHAT_NOT_APPROVED or chat:
        own = spec.chat_permission_sentence if spec else None
        return own or (CHAT_NOT_APPROVED_SENTENCE if exc.reason == CHAT_NOT_APPROVED else NOT_ALLOWED)
    return NOT_ALLOWED


def problem_for(exc: BaseException, secrets: Iterable[str] = (), channel: str | None = None) -> Problem:
    """The Problem for an error raised during a round; `detail` carries the platform's words, never a secret.
    `channel` lets a refusal say, in the channel's own words, what to ask the platform for."""
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
        tag = f" [{exc.reason}]" if exc.reason else ""   # kept with the detail: the sentence outlives a restart
        return Problem(NOT_PERMITTED, refusal_sentence(exc, channel), redact(_platform_words(exc), hidden) + tag)
    if isinstance(exc, Permanent):
        return Problem(PERMANENT, REFUSED, redact(_platform_words(exc), hidden))
    if isinstance(exc, UserError):
        return Problem(AUTH_EXPIRED, KEYS_MISSING, "")
    return Problem(TEMPORARY, NO_ANSWER, type(exc).__name__)


def stored_sentence(kind: str, detail: str | None, channel: str | None = None) -> str:
    """The sentence for a problem known only from its record (kind and detail, after a restart): a refusal with a
    known reason still says what to ask the platform for."""
    found = _REASON_TAG.search(detail or "") if kind == NOT_PERMITTED else None
    if found:
        return refusal_sentence(NotPermitted("", reason=found.group(1)), channel)
    return KIND_SENTENCES.get(kind, NO_ANSWER)


def stock_refused(reasons: Iterable[str]) -> Problem:
    """Some listings refused their number (the rest went through)."""
    return Problem(PERMANENT, STOCK_REFUSED, "; ".join(sorted(set(reasons)))[:500])


def _platform_words(exc: Permanent) -> str:
    return f"{exc.platform_code}: {exc.platform_message}" if exc.platform_message else exc.platform_code
