"""The app's estimate of each platform's chat response rate, and one plain tip from the shop's own pattern.

A chat counts as answered when its first human reply came within its channel's window (the channel's ReplyRule,
handed in by the caller, through deadlines.deadline_for): automatic replies never answer; a chat the rule excludes
(e.g. received in holiday mode, where the platform says so) is left out. A chat still
inside its window without a reply is left out too (it can still be answered in time), so a busy evening does not
drag today's estimate down before the platform itself would count it. These are estimates: the platforms compute
their own numbers (with their own weighting), the GUI says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from companion.domain.clock import DEFAULT_ZONE, shop_zone
from companion.domain.deadlines import ReplyRule, aware_utc, deadline_for, rule_for
from companion.i18n import N_

PERIODS = (7, 30, 90)  # days the GUI shows
MIN_CHATS_FOR_TIP = 10  # below this a "pattern" is noise
RUSH_HOURS = 3  # width of the busiest arrival window
RUSH_SHARE = 0.35  # the window must hold this share of chats (an even spread gives 3/24 = 0.125)
AUTO_ONLY_SHARE = 0.2
AUTO_ONLY_MIN = 3
WEEKEND_MIN_REPLIES = 5
WEEKEND_MIN_WAIT = timedelta(hours=2)

TIP_AUTO_ONLY = N_("{count} of {total} questions got only an automatic reply: the platform counts them as "
                   "unanswered, so add a short reply of your own.")
TIP_SLOW_WEEKEND = N_("On weekends buyers wait about {hours} hours for a reply, much longer than on weekdays: "
                      "open the app on Saturday and Sunday too.")
TIP_RUSH = N_("Most questions arrive {start}–{end}: open the app at {when}.")


@dataclass(frozen=True)
class ChatFacts:
    """One buyer-started chat thread: its first question and its first human reply.

    `first_reply_at` is the first reply written by a person (auto-replies excluded); `auto_reply_only` says the
    buyer got automatic replies and nothing else. A human reply wins over the flag when both are given.
    """

    channel: str
    asked_at: datetime
    first_reply_at: datetime | None
    auto_reply_only: bool = False
    holiday_mode: bool = False
    target_minutes: int | None = None  # hand-logged inquiries only

    def __post_init__(self) -> None:
        object.__setattr__(self, "asked_at", aware_utc(self.asked_at, "asked_at"))
        if self.first_reply_at is not None:
            reply = aware_utc(self.first_reply_at, "first_reply_at")
            if reply < self.asked_at:
                raise ValueError(f"first_reply_at {reply} is before asked_at {self.asked_at}")
            object.__setattr__(self, "first_reply_at", reply)

    def wait(self) -> timedelta | None:
        """Time to the first human reply, None when nobody has replied by hand."""
        return None if self.first_reply_at is None else self.first_reply_at - self.asked_at


@dataclass(frozen=True)
class ResponseStats:
    """One channel over the last `days` days, counted the way the platform publishes it."""

    channel: str
    days: int
    chats: int
    answered_in_window: int
    rate: float | None  # answered_in_window / chats, None without chats
    median_first_response: timedelta | None  # None when no chat got a human reply


def _counted(fact: ChatFacts, rule: ReplyRule, zone: str, now: datetime) -> tuple[bool, bool]:
    """(counts at all, answered in window) for one chat, by the platform's rule."""
    deadline = deadline_for(rule, fact.asked_at, zone, fact.target_minutes, fact.holiday_mode)
    if deadline is None:
        return False, False
    answered = fact.first_reply_at is not None and fact.first_reply_at <= deadline
    pending = fact.first_reply_at is None and now <= deadline
    return not pending, answered


def median(values: Sequence[timedelta]) -> timedelta | None:
    """The middle value (mean of the two middle ones for an even count); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def response_stats(facts: Sequence[ChatFacts], channel: str, days: int, now: datetime,
                   zone: str = DEFAULT_ZONE, *, rules: Mapping[str, ReplyRule]) -> ResponseStats:
    """The channel's response rate and median first human reply over chats asked in the last `days` days.

    `rules` maps channel names to their reply rules ("manual" is always known); a channel without one is a
    ValueError, since its chats could not be counted."""
    if days <= 0:
        raise ValueError(f"days must be positive, got {days}")
    now = aware_utc(now, "now")
    rule = rule_for(channel, rules)
    start = now - timedelta(days=days)
    chats = answered = 0
    waits: list[timedelta] = []
    for fact in facts:
        if fact.channel != channel or not start <= fact.asked_at <= now:
            continue
        counts, in_window = _counted(fact, rule, zone, now)
        if not counts:
            continue
        chats += 1
        answered += in_window
        wait = fact.wait()
        if wait is not None:
            waits.append(wait)
    return ResponseStats(channel=channel, days=days, chats=chats, answered_in_window=answered,
                         rate=answered / chats if chats else None, median_first_response=median(waits))


def tip(facts: Sequence[ChatFacts], zone: str = DEFAULT_ZONE) -> tuple[str, dict[str, object]] | None:
    """One plain tip (English msgid, params) from the shop's own chats, the most costly habit first; None when
    there are too few chats or nothing stands out."""
    if len(facts) < MIN_CHATS_FOR_TIP:
        return None
    return _auto_only_tip(facts) or _weekend_tip(facts, zone) or _rush_tip(facts, zone)


def _auto_only_tip(facts: Sequence[ChatFacts]) -> tuple[str, dict[str, object]] | None:
    count = sum(1 for f in facts if f.auto_reply_only and f.first_reply_at is None)
    if count >= AUTO_ONLY_MIN and count >= AUTO_ONLY_SHARE * len(facts):
        return TIP_AUTO_ONLY, {"count": count, "total": len(facts)}
    return None


def _weekend_tip(facts: Sequence[ChatFacts], zone: str) -> tuple[str, dict[str, object]] | None:
    """Weekend waits at least twice the weekday waits and at least two hours."""
    tz = shop_zone(zone)
    weekend: list[timedelta] = []
    weekday: list[timedelta] = []
    for fact in facts:
        wait = fact.wait()
        if wait is not None:
            (weekend if fact.asked_at.astimezone(tz).weekday() >= 5 else weekday).append(wait)
    if len(weekend) < WEEKEND_MIN_REPLIES or len(weekday) < WEEKEND_MIN_REPLIES:
        return None
    slow, usual = median(weekend), median(weekday)
    assert slow is not None and usual is not None
    if slow >= WEEKEND_MIN_WAIT and slow >= 2 * usual:
        return TIP_SLOW_WEEKEND, {"hours": round(slow / timedelta(hours=1))}
    return None


def _rush_tip(facts: Sequence[ChatFacts], zone: str) -> tuple[str, dict[str, object]] | None:
    """The busiest RUSH_HOURS-hour window of arrivals (shop time, may cross midnight), when it clearly stands out.

    The advice is half an hour into the rush: the first questions are still well within any window
    and most of the rush is still to come."""
    tz = shop_zone(zone)
    per_hour = [0] * 24
    for fact in facts:
        per_hour[fact.asked_at.astimezone(tz).hour] += 1
    sums = [sum(per_hour[(h + i) % 24] for i in range(RUSH_HOURS)) for h in range(24)]
    best = max(sums)
    if best < RUSH_SHARE * len(facts):
        return None
    start = sums.index(best)
    return TIP_RUSH, {"start": f"{start:02d}:00", "end": f"{(start + RUSH_HOURS) % 24:02d}:00",
                      "when": f"{start:02d}:30"}
