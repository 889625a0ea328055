"""When each platform counts a waiting buyer as unanswered, so the inbox can put the most urgent chat first.

The rules are the platforms' published response-rate rules (docs: shared/reference/marketplaces.md §5):
- Shopee: the first unanswered buyer message must get a human reply within 12 hours (automatic replies do not count).
- TikTok Shop / Tokopedia: 12 hours; chats received in holiday mode, seller-initiated chats, chats resolved by an
  auto-reply/FAQ and chats from blocked buyers are not counted, so they have no deadline.
- Lazada: a daily cycle in the shop's time zone; chats received from 18:00 yesterday until before 18:00 today are
  due at 19:00 today, a chat received at or after 18:00 is due at 19:00 the next day.
- Hand-logged ("manual", phone/WhatsApp/walk-in): the shop's own target, 60 minutes unless set.
Every datetime in and out is timezone-aware; results are in UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from companion.domain.clock import DEFAULT_ZONE, shop_zone

CHANNELS = ("shopee", "tiktok", "lazada", "manual")
REPLY_WINDOW = timedelta(hours=12)  # Shopee and TikTok Shop / Tokopedia
LAZADA_CUTOFF = time(18, 0)  # chats received before this (shop time) belong to today's cycle
LAZADA_DUE = time(19, 0)  # ... and are due at this shop time
DEFAULT_TARGET_MINUTES = 60  # hand-logged inquiries


# When a platform counts a waiting buyer as unanswered: (waiting since, shop zone, target minutes, holiday mode,
# seller-initiated, auto-resolved, blocked buyer) -> UTC deadline or None when not counted. Each channel declares
# its own (connectors/<name>/spec.py); "manual" is the shop's own target.
ReplyRule = Callable[[datetime, str, "int | None", bool, bool, bool, bool], "datetime | None"]


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


def deadline_for(channel: str, waiting_since: datetime, zone: str = DEFAULT_ZONE,
                 target_minutes: int | None = None, holiday_mode: bool = False, *,
                 seller_initiated: bool = False, auto_resolved: bool = False,
                 blocked_buyer: bool = False) -> datetime | None:
    """The UTC moment the platform counts this waiting buyer as unanswered, or None when it is not counted.

    `holiday_mode`, `seller_initiated`, `auto_resolved` (closed by an auto-reply/FAQ) and `blocked_buyer` are
    TikTok Shop / Tokopedia exclusions; the other platforms publish no such exclusions, so they are ignored there.
    """
    since = aware_utc(waiting_since, "waiting_since")
    if channel in ("shopee", "tiktok"):
        if channel == "tiktok" and (holiday_mode or seller_initiated or auto_resolved or blocked_buyer):
            return None
        return since + REPLY_WINDOW
    if channel == "lazada":
        return _lazada_deadline(since, zone)
    if channel == "manual":
        minutes = DEFAULT_TARGET_MINUTES if target_minutes is None else target_minutes
        if minutes <= 0:
            raise ValueError(f"target_minutes must be positive, got {minutes}")
        return since + timedelta(minutes=minutes)
    raise ValueError(f"unknown channel {channel!r}; expected one of {CHANNELS}")


def _lazada_deadline(since: datetime, zone: str) -> datetime:
    """19:00 shop time on the day of the cycle the chat falls in (cycles run 18:00 to 18:00)."""
    tz = shop_zone(zone)
    local = since.astimezone(tz)
    day = local.date() if local.time() < LAZADA_CUTOFF else local.date() + timedelta(days=1)
    return datetime.combine(day, LAZADA_DUE, tzinfo=tz).astimezone(UTC)


def clock_for(channel: str, waiting_since: datetime, zone: str = DEFAULT_ZONE,
              target_minutes: int | None = None, holiday_mode: bool = False) -> Clock:
    """A Clock for one waiting conversation (shorthand for the inbox view)."""
    deadline = deadline_for(channel, waiting_since, zone, target_minutes, holiday_mode)
    return Clock(waiting_since=waiting_since, deadline=deadline)


def urgency_key(clock: Clock, now: datetime) -> tuple[int, float]:
    """Sort key, ascending = most urgent: overdue first (longest overdue on top), then least time left,
    then chats without a deadline (longest waiting on top)."""
    left = clock.left(now)
    if left is None:
        return (2, clock.waiting_since.timestamp())
    return (0 if left < timedelta(0) else 1, left.total_seconds())
