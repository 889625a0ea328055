"""When a waiting buyer counts as unanswered, so the inbox can put the most urgent chat first.

The machinery is generic: a channel declares its `ReplyRule` in its own package (connectors/<name>/reply_rule.py,
where the platform's published rule is described) and the services layer hands that rule in. The rule kinds here:
- `FixedWindow`: a reply is due a fixed time after the first unanswered message; some chats (holiday mode,
  seller-initiated, resolved by an auto-reply/FAQ, from a blocked buyer) may be excluded and then have no deadline.
- `DailyCycle`: chats received before a cut-off time (shop time) are due at a set time that day, later ones the
  next day.
- `ShopTarget`: hand-logged inquiries ("manual": phone/WhatsApp/walk-in), the shop's own target, 60 minutes unless set.
Every datetime in and out is timezone-aware; results are in UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol

from companion.domain.clock import DEFAULT_ZONE, shop_zone

MANUAL = "manual"  # the channel name of hand-logged inquiries
DEFAULT_TARGET_MINUTES = 60  # hand-logged inquiries


class Exclusion(StrEnum):
    """Facts about a chat that some platforms leave out of their response rate."""

    HOLIDAY_MODE = "holiday_mode"
    SELLER_INITIATED = "seller_initiated"
    AUTO_RESOLVED = "auto_resolved"  # closed by an auto-reply/FAQ
    BLOCKED_BUYER = "blocked_buyer"


@dataclass(frozen=True)
class WaitingChat:
    """What a rule may look at: since when the buyer waits (UTC), the shop's zone and the chat's facts."""

    since: datetime
    zone: str = DEFAULT_ZONE
    target_minutes: int | None = None  # hand-logged inquiries only
    facts: frozenset[Exclusion] = frozenset()


class ReplyRule(Protocol):
    """When a channel counts a waiting buyer as unanswered; None when the chat is not counted at all.

    A rule never makes a later question due earlier, nor due before it was asked (same facts, same zone): the inbox
    reads its list in `waiting_since` order from an index and relies on it (services/inbox_pages.py)."""

    def deadline(self, chat: WaitingChat) -> datetime | None: ...


@dataclass(frozen=True)
class FixedWindow:
    """Due `window` after the first unanswered message; a chat with one of `excludes` is not counted."""

    window: timedelta
    excludes: frozenset[Exclusion] = frozenset()

    def deadline(self, chat: WaitingChat) -> datetime | None:
        if chat.facts & self.excludes:
            return None
        return chat.since + self.window


@dataclass(frozen=True)
class DailyCycle:
    """Cycles run from `cutoff` to `cutoff` shop time; a chat is due at `due` on its cycle's day."""

    cutoff: time
    due: time
    excludes: frozenset[Exclusion] = frozenset()

    def deadline(self, chat: WaitingChat) -> datetime | None:
        if chat.facts & self.excludes:
            return None
        tz = shop_zone(chat.zone)
        local = chat.since.astimezone(tz)
        day = local.date() if local.time() < self.cutoff else local.date() + timedelta(days=1)
        return datetime.combine(day, self.due, tzinfo=tz).astimezone(UTC)


@dataclass(frozen=True)
class ShopTarget:
    """The shop's own target for hand-logged inquiries: `target_minutes` of the chat, else the default."""

    default_minutes: int = DEFAULT_TARGET_MINUTES

    def deadline(self, chat: WaitingChat) -> datetime | None:
        minutes = self.default_minutes if chat.target_minutes is None else chat.target_minutes
        if minutes <= 0:
            raise ValueError(f"target_minutes must be positive, got {minutes}")
        return chat.since + timedelta(minutes=minutes)


MANUAL_RULE: ReplyRule = ShopTarget()


def rule_for(channel: str, rules: Mapping[str, ReplyRule]) -> ReplyRule:
    """The channel's rule from the caller's table ("manual" is always known); ValueError for any other channel,
    so a caller that must count every chat cannot silently skip one."""
    rule = rules.get(channel) or (MANUAL_RULE if channel == MANUAL else None)
    if rule is None:
        raise ValueError(f"unknown channel {channel!r}; expected one of {(*rules, MANUAL)}")
    return rule


def aware_utc(moment: datetime, name: str) -> datetime:
    """Naive datetimes are refused: guessing their zone would move deadlines by up to 9 hours."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment!r}")
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class Clock:
    """One waiting buyer: since when they wait and when the platform counts them as unanswered."""

    waiting_since: datetime
    deadline: datetime | None  # None: no platform rule applies (excluded chat)

    def __post_init__(self) -> None:
        object.__setattr__(self, "waiting_since", aware_utc(self.waiting_since, "waiting_since"))
        if self.deadline is not None:
            object.__setattr__(self, "deadline", aware_utc(self.deadline, "deadline"))

    def left(self, now: datetime) -> timedelta | None:
        """Time until the deadline; negative once overdue, None without a deadline."""
        if self.deadline is None:
            return None
        return self.deadline - aware_utc(now, "now")

    def overdue(self, now: datetime) -> bool:
        """True after the deadline has passed (a reply exactly at the deadline is still in time)."""
        left = self.left(now)
        return left is not None and left < timedelta(0)

    def due_within(self, now: datetime, window: timedelta) -> bool:
        """True when not yet overdue but the deadline falls within `window` from now (the 'reply soon' alert)."""
        left = self.left(now)
        return left is not None and timedelta(0) <= left <= window


def deadline_for(rule: ReplyRule, waiting_since: datetime, zone: str = DEFAULT_ZONE,
                 target_minutes: int | None = None, holiday_mode: bool = False, *,
                 seller_initiated: bool = False, auto_resolved: bool = False,
                 blocked_buyer: bool = False) -> datetime | None:
    """The UTC moment `rule` counts this waiting buyer as unanswered, or None when it is not counted.

    The flags are facts about the chat; only a rule that excludes them (its `excludes`) looks at them.
    """
    flags = {Exclusion.HOLIDAY_MODE: holiday_mode, Exclusion.SELLER_INITIATED: seller_initiated,
             Exclusion.AUTO_RESOLVED: auto_resolved, Exclusion.BLOCKED_BUYER: blocked_buyer}
    chat = WaitingChat(aware_utc(waiting_since, "waiting_since"), zone, target_minutes,
                       frozenset(fact for fact, on in flags.items() if on))
    deadline = rule.deadline(chat)
    return None if deadline is None else aware_utc(deadline, "deadline")


def clock_for(rule: ReplyRule | None, waiting_since: datetime, zone: str = DEFAULT_ZONE,
              target_minutes: int | None = None, holiday_mode: bool = False) -> Clock:
    """A Clock for one waiting conversation (the inbox view); without a rule (a channel this version does not
    know) the buyer still waits, only without a deadline."""
    deadline = None if rule is None else deadline_for(rule, waiting_since, zone, target_minutes, holiday_mode)
    return Clock(waiting_since=waiting_since, deadline=deadline)


def urgency_key(clock: Clock, now: datetime) -> tuple[int, float]:
    """Sort key, ascending = most urgent: overdue first (longest overdue on top), then least time left,
    then chats without a deadline (longest waiting on top)."""
    left = clock.left(now)
    if left is None:
        return (2, clock.waiting_since.timestamp())
    return (0 if left < timedelta(0) else 1, left.total_seconds())
