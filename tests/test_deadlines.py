"""Platform reply deadlines: per platform, per shop time zone, across day and year boundaries, and as properties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion.connectors import registry
from companion.domain.clock import shop_zone
from companion.domain.deadlines import MANUAL, Clock, ReplyRule, clock_for, deadline_for, rule_for, urgency_key
from companion.services.reply_rules import reply_rule, reply_rules

ZONES = ("WIB", "WITA", "WIT")
RULES = reply_rules()  # each channel's own rule, as its spec declares it, and "manual"
CHANNELS = (*registry.names(), MANUAL)


def rule(channel: str) -> ReplyRule:
    return rule_for(channel, RULES)


def at(zone: str, day: int, hour: int, minute: int = 0, month: int = 3, year: int = 2026) -> datetime:
    """A shop-local wall-clock moment (aware), as the seller would read it."""
    return datetime(year, month, day, hour, minute, tzinfo=shop_zone(zone))


def utc(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


# --- Shopee and TikTok Shop / Tokopedia: 12 hours -------------------------------------------------------------------

def test_shopee_question_at_eight_pm_is_due_eight_am_next_day() -> None:
    due = deadline_for(rule("shopee"), at("WIB", 10, 20), "WIB")
    assert due == at("WIB", 11, 8)
    assert due is not None and due.tzinfo is UTC
    assert due == utc(2026, 3, 11, 1)


@pytest.mark.parametrize("channel", ["shopee", "tiktok"])
def test_twelve_hours_does_not_depend_on_the_shop_zone(channel: str) -> None:
    asked = utc(2026, 12, 31, 15, 30)  # 22:30 WIB, 23:30 WITA, 00:30 WIT on 1 Jan
    for zone in ZONES:
        assert deadline_for(rule(channel), asked, zone) == utc(2027, 1, 1, 3, 30)


def test_tiktok_holiday_mode_and_other_exclusions_have_no_deadline() -> None:
    asked = at("WIB", 10, 9)
    assert deadline_for(rule("tiktok"), asked, holiday_mode=True) is None
    assert deadline_for(rule("tiktok"), asked, seller_initiated=True) is None
    assert deadline_for(rule("tiktok"), asked, auto_resolved=True) is None
    assert deadline_for(rule("tiktok"), asked, blocked_buyer=True) is None
    assert deadline_for(rule("tiktok"), asked) == asked + timedelta(hours=12)


def test_holiday_mode_is_a_tiktok_rule_only() -> None:
    asked = at("WIB", 10, 9)
    assert deadline_for(rule("shopee"), asked, holiday_mode=True) == asked + timedelta(hours=12)
    assert deadline_for(rule("lazada"), asked, holiday_mode=True) == at("WIB", 10, 19)


# --- Lazada: 18:00-to-18:00 cycles due at 19:00, in the shop's zone -------------------------------------------------

@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize(("hour", "minute", "due_day"), [
    (17, 59, 10),   # last minute of today's cycle: due 19:00 today
    (18, 0, 11),    # first minute of tomorrow's cycle
    (18, 59, 11),   # before today's 19:00, but already tomorrow's cycle
    (23, 59, 11),   # just before midnight
    (0, 0, 10),     # just after midnight: belongs to the cycle that started 18:00 yesterday
    (9, 0, 10),
])
def test_lazada_daily_cycle(zone: str, hour: int, minute: int, due_day: int) -> None:
    assert deadline_for(rule("lazada"), at(zone, 10, hour, minute), zone) == at(zone, due_day, 19)


def test_lazada_uses_the_shop_zone_not_utc_or_the_callers_zone() -> None:
    asked = utc(2026, 3, 10, 9, 30)  # 16:30 WIB, 17:30 WITA, 18:30 WIT
    assert deadline_for(rule("lazada"), asked, "WIB") == at("WIB", 10, 19)
    assert deadline_for(rule("lazada"), asked, "WITA") == at("WITA", 10, 19)
    assert deadline_for(rule("lazada"), asked, "WIT") == at("WIT", 11, 19)
    assert deadline_for(rule("lazada"), asked.astimezone(shop_zone("WIT")), "WIB") == at("WIB", 10, 19)


def test_lazada_when_the_utc_date_is_still_yesterday() -> None:
    asked = at("WIT", 2, 1)  # 1 Mar 16:00 UTC, already 2 Mar in Papua
    assert asked.astimezone(UTC).day == 1
    assert deadline_for(rule("lazada"), asked, "WIT") == at("WIT", 2, 19) == utc(2026, 3, 2, 10)


def test_lazada_across_month_and_year_ends() -> None:
    assert deadline_for(rule("lazada"), at("WIB", 31, 18, 30, month=12), "WIB") == at("WIB", 1, 19, month=1, year=2027)
    assert deadline_for(rule("lazada"), at("WITA", 28, 20, month=2), "WITA") == at("WITA", 1, 19, month=3)


def test_unknown_zone_falls_back_to_wib_like_the_rest_of_the_app() -> None:
    assert deadline_for(rule("lazada"), at("WIB", 10, 17), "XYZ") == at("WIB", 10, 19)


# --- Hand-logged inquiries -------------------------------------------------------------------------------------------

def test_manual_target_defaults_to_an_hour_and_can_be_set() -> None:
    asked = at("WITA", 10, 23, 30)
    assert deadline_for(rule("manual"), asked, "WITA") == at("WITA", 11, 0, 30)
    assert deadline_for(rule("manual"), asked, "WITA", target_minutes=15) == at("WITA", 10, 23, 45)


@pytest.mark.parametrize("minutes", [0, -5])
def test_manual_target_must_be_positive(minutes: int) -> None:
    with pytest.raises(ValueError, match="target_minutes"):
        deadline_for(rule("manual"), at("WIB", 10, 9), target_minutes=minutes)


# --- Bad input -------------------------------------------------------------------------------------------------------

def test_unknown_channel_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown channel"):
        deadline_for(rule("tokopedia-legacy"), at("WIB", 10, 9))


def test_a_stored_channel_this_version_does_not_know_waits_without_a_deadline() -> None:
    assert reply_rule("tokopedia-legacy") is None
    assert reply_rule("manual") is RULES["manual"]
    clock = clock_for(reply_rule("tokopedia-legacy"), at("WIB", 10, 9), "WIB")
    assert clock.deadline is None and not clock.overdue(at("WIB", 20, 9))


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        deadline_for(rule("shopee"), datetime(2026, 3, 10, 9))
    with pytest.raises(ValueError, match="timezone-aware"):
        Clock(waiting_since=datetime(2026, 3, 10, 9), deadline=None)
    with pytest.raises(ValueError, match="timezone-aware"):
        clock_for(rule("shopee"), at("WIB", 10, 9)).left(datetime(2026, 3, 10, 9))


# --- Clock -----------------------------------------------------------------------------------------------------------

def test_clock_counts_down_and_goes_negative_when_overdue() -> None:
    clock = clock_for(rule("shopee"), at("WIB", 10, 20), "WIB")
    assert clock.waiting_since.tzinfo is UTC and clock.deadline is not None and clock.deadline.tzinfo is UTC
    assert clock.left(at("WIB", 11, 7)) == timedelta(hours=1)
    assert not clock.overdue(at("WIB", 11, 8))           # exactly at the deadline is still in time
    assert clock.overdue(at("WIB", 11, 8) + timedelta(seconds=1))
    assert clock.left(at("WIB", 11, 9)) == timedelta(hours=-1)


def test_due_within_is_for_the_reply_soon_alert_not_for_overdue_chats() -> None:
    clock = clock_for(rule("manual"), at("WIB", 10, 9), "WIB", target_minutes=60)
    assert not clock.due_within(at("WIB", 10, 9), timedelta(minutes=30))
    assert clock.due_within(at("WIB", 10, 9, 30), timedelta(minutes=30))
    assert clock.due_within(at("WIB", 10, 10), timedelta(minutes=30))
    assert not clock.due_within(at("WIB", 10, 10, 1), timedelta(minutes=30))


def test_clock_without_deadline_never_alerts() -> None:
    clock = clock_for(rule("tiktok"), at("WIB", 10, 9), "WIB", holiday_mode=True)
    later = at("WIB", 20, 9)
    assert clock.deadline is None and clock.left(later) is None
    assert not clock.overdue(later) and not clock.due_within(later, timedelta(days=30))


def test_urgency_order_overdue_then_least_time_left_then_no_deadline() -> None:
    now = at("WIB", 11, 12)
    long_overdue = clock_for(rule("shopee"), at("WIB", 10, 20), "WIB")      # due 08:00, 4 h over
    just_overdue = clock_for(rule("manual"), at("WIB", 11, 10), "WIB")      # due 11:00, 1 h over
    soon = clock_for(rule("manual"), at("WIB", 11, 11, 30), "WIB")          # due 12:30
    later = clock_for(rule("lazada"), at("WIB", 11, 9), "WIB")              # due 19:00
    old_excluded = clock_for(rule("tiktok"), at("WIB", 9, 9), "WIB", holiday_mode=True)
    new_excluded = clock_for(rule("tiktok"), at("WIB", 11, 9), "WIB", holiday_mode=True)
    shuffled = [new_excluded, later, soon, old_excluded, just_overdue, long_overdue]
    ordered = sorted(shuffled, key=lambda c: urgency_key(c, now))
    assert ordered == [long_overdue, just_overdue, soon, later, old_excluded, new_excluded]


# --- Properties ------------------------------------------------------------------------------------------------------

moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC))


@given(channel=st.sampled_from(CHANNELS), since=moments, zone=st.sampled_from(ZONES),
       target=st.none() | st.integers(min_value=1, max_value=7 * 24 * 60))
def test_deadline_is_never_before_waiting_since(channel: str, since: datetime, zone: str, target: int | None) -> None:
    due = deadline_for(rule(channel), since, zone, target_minutes=target)
    assert due is not None and due > since and due.tzinfo is UTC


@given(since=moments, zone=st.sampled_from(ZONES))
def test_lazada_is_always_19_shop_time_within_25_hours(since: datetime, zone: str) -> None:
    due = deadline_for(rule("lazada"), since, zone)
    assert due is not None
    local = due.astimezone(shop_zone(zone))
    assert (local.hour, local.minute, local.second, local.microsecond) == (19, 0, 0, 0)
    assert timedelta(hours=1) <= due - since <= timedelta(hours=25)


clocks = st.builds(
    lambda channel, since, zone, holiday: clock_for(rule(channel), since, zone, holiday_mode=holiday),
    st.sampled_from(CHANNELS), moments, st.sampled_from(ZONES), st.booleans())


@given(a=clocks, b=clocks, now=moments)
def test_urgency_key_puts_overdue_before_not_overdue(a: Clock, b: Clock, now: datetime) -> None:
    if a.overdue(now) and not b.overdue(now):
        assert urgency_key(a, now) < urgency_key(b, now)
    left_a, left_b = a.left(now), b.left(now)
    if left_a is not None and left_b is not None and left_a < left_b:
        assert urgency_key(a, now) < urgency_key(b, now)
    if left_a is not None and left_b is None:
        assert urgency_key(a, now) < urgency_key(b, now)
