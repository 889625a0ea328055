"""Response-rate estimates per platform definition, and the one tip drawn from a shop's own chat pattern."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion.connectors import registry
from companion.domain.clock import shop_zone
from companion.domain.deadlines import MANUAL
from companion.domain.response_metrics import (
    TIP_AUTO_ONLY,
    TIP_RUSH,
    TIP_SLOW_WEEKEND,
    ChatFacts,
    median,
    response_stats,
    tip,
)
from companion.i18n import catalog, set_language, tr
from companion.services.reply_rules import reply_rules

NOW = datetime(2026, 3, 20, 5, 0, tzinfo=UTC)  # Friday 12:00 WIB
H = timedelta(hours=1)
RULES = reply_rules()  # each channel's own rule, as its spec declares it, and "manual"
CHANNELS = (*registry.names(), MANUAL)


def at(zone: str, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=shop_zone(zone))


def chat(channel: str, asked: datetime, reply_after: timedelta | None, *, auto_only: bool = False,
         holiday: bool = False) -> ChatFacts:
    reply = None if reply_after is None else asked + reply_after
    return ChatFacts(channel, asked, reply, auto_reply_only=auto_only, holiday_mode=holiday)


# --- Counting by each platform's definition --------------------------------------------------------------------------

def test_shopee_twelve_hour_window_and_median() -> None:
    asked = NOW - timedelta(days=2)
    facts = [chat("shopee", asked, 11 * H + timedelta(minutes=59)),
             chat("shopee", asked, 12 * H),                      # exactly on time counts
             chat("shopee", asked, 12 * H + timedelta(minutes=1)),  # late: a chat, not answered
             chat("shopee", asked, None)]                        # never answered
    stats = response_stats(facts, "shopee", 7, NOW, "WIB", rules=RULES)
    assert (stats.channel, stats.days, stats.chats, stats.answered_in_window) == ("shopee", 7, 4, 2)
    assert stats.rate == 0.5
    assert stats.median_first_response == 12 * H


def test_auto_reply_only_chats_are_chats_but_not_answered() -> None:
    asked = NOW - timedelta(days=1)
    facts = [chat("shopee", asked, None, auto_only=True), chat("tiktok", asked, None, auto_only=True),
             chat("shopee", asked, H)]
    shopee = response_stats(facts, "shopee", 7, NOW, rules=RULES)
    tiktok = response_stats(facts, "tiktok", 7, NOW, rules=RULES)
    assert (shopee.chats, shopee.answered_in_window, shopee.median_first_response) == (2, 1, H)
    assert (tiktok.chats, tiktok.answered_in_window, tiktok.rate, tiktok.median_first_response) == (1, 0, 0.0, None)


def test_a_human_reply_after_an_auto_reply_counts_at_the_human_reply_time() -> None:
    asked = NOW - timedelta(days=3)
    on_time = ChatFacts("shopee", asked, asked + 5 * H, auto_reply_only=True)  # auto at once, person after 5 h
    too_late = ChatFacts("shopee", asked, asked + 13 * H, auto_reply_only=True)
    stats = response_stats([on_time, too_late], "shopee", 7, NOW, rules=RULES)
    assert (stats.chats, stats.answered_in_window) == (2, 1)
    assert stats.median_first_response == 9 * H


def test_tiktok_holiday_mode_chats_are_left_out_but_not_on_other_platforms() -> None:
    asked = NOW - timedelta(days=1)
    facts = [chat("tiktok", asked, None, holiday=True), chat("tiktok", asked, 48 * H, holiday=True),
             chat("tiktok", asked, H), chat("shopee", asked, None, holiday=True)]
    tiktok = response_stats(facts, "tiktok", 7, NOW, rules=RULES)
    assert (tiktok.chats, tiktok.answered_in_window, tiktok.rate, tiktok.median_first_response) == (1, 1, 1.0, H)
    assert response_stats(facts, "shopee", 7, NOW, rules=RULES).chats == 1


@pytest.mark.parametrize("zone", ["WIB", "WITA", "WIT"])
def test_lazada_counts_by_its_daily_cycle_in_the_shop_zone(zone: str) -> None:
    facts = [ChatFacts("lazada", at(zone, 16, 17, 59), at(zone, 16, 18, 58)),   # due 19:00 same day: in time
             ChatFacts("lazada", at(zone, 16, 18, 0), at(zone, 17, 18, 58)),    # due 19:00 next day: in time
             ChatFacts("lazada", at(zone, 16, 23, 59), at(zone, 17, 19, 1)),    # due 19:00 next day: late
             ChatFacts("lazada", at(zone, 16, 9, 0), at(zone, 16, 19, 1))]      # due 19:00 same day: late
    stats = response_stats(facts, "lazada", 30, NOW, zone, rules=RULES)
    assert (stats.chats, stats.answered_in_window, stats.rate) == (4, 2, 0.5)


def test_manual_inquiries_use_their_own_target() -> None:
    asked = NOW - timedelta(days=1)
    facts = [ChatFacts("manual", asked, asked + timedelta(minutes=20), target_minutes=15),
             ChatFacts("manual", asked, asked + timedelta(minutes=50))]  # default 60 minutes
    stats = response_stats(facts, "manual", 7, NOW, rules=RULES)
    assert (stats.chats, stats.answered_in_window) == (2, 1)


def test_unanswered_chats_still_inside_their_window_wait_to_be_counted() -> None:
    facts = [chat("shopee", NOW - 2 * H, None),        # can still be answered in time: not counted yet
             chat("shopee", NOW - 3 * H, H),            # answered already: counted
             chat("shopee", NOW - 13 * H, None)]        # window closed: counted, unanswered
    stats = response_stats(facts, "shopee", 7, NOW, rules=RULES)
    assert (stats.chats, stats.answered_in_window) == (2, 1)


def test_only_chats_of_the_channel_within_the_period() -> None:
    facts = [chat("shopee", NOW - timedelta(days=6), H), chat("shopee", NOW - timedelta(days=8), H),
             chat("shopee", NOW - timedelta(days=89), None), chat("shopee", NOW - timedelta(days=91), H),
             chat("shopee", NOW + H, H), chat("lazada", NOW - timedelta(days=1), H)]
    assert [response_stats(facts, "shopee", d, NOW, rules=RULES).chats for d in (7, 30, 90)] == [1, 2, 3]


def test_no_chats_means_no_rate_and_no_median() -> None:
    stats = response_stats([], "tiktok", 90, NOW, "WIT", rules=RULES)
    assert (stats.chats, stats.answered_in_window, stats.rate, stats.median_first_response) == (0, 0, None, None)


def test_median_of_even_and_odd_counts() -> None:
    assert median([]) is None
    assert median([3 * H, H, 2 * H]) == 2 * H
    assert median([4 * H, H]) == timedelta(hours=2, minutes=30)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="days"):
        response_stats([], "shopee", 0, NOW, rules=RULES)
    with pytest.raises(ValueError, match="timezone-aware"):
        response_stats([], "shopee", 7, datetime(2026, 3, 20), rules=RULES)
    with pytest.raises(ValueError, match="timezone-aware"):
        ChatFacts("shopee", datetime(2026, 3, 20), None)
    with pytest.raises(ValueError, match="before asked_at"):
        ChatFacts("shopee", NOW, NOW - H)
    with pytest.raises(ValueError, match="unknown channel"):
        response_stats([ChatFacts("olx", NOW - timedelta(days=1), None)], "olx", 7, NOW, rules=RULES)


facts_strategy = st.lists(st.builds(
    lambda channel, ago, reply, auto, holiday: ChatFacts(
        channel, NOW - ago, None if reply is None else NOW - ago + reply, auto_reply_only=auto, holiday_mode=holiday),
    st.sampled_from(CHANNELS), st.timedeltas(timedelta(0), timedelta(days=100)),
    st.none() | st.timedeltas(timedelta(0), timedelta(days=5)), st.booleans(), st.booleans()), max_size=40)


@given(facts=facts_strategy, channel=st.sampled_from(CHANNELS), zone=st.sampled_from(["WIB", "WITA", "WIT"]))
def test_rate_is_a_share_and_longer_periods_hold_more_chats(facts: list[ChatFacts], channel: str, zone: str) -> None:
    periods = [response_stats(facts, channel, d, NOW, zone, rules=RULES) for d in (7, 30, 90)]
    for stats in periods:
        assert 0 <= stats.answered_in_window <= stats.chats
        assert (stats.rate is None) == (stats.chats == 0)
        assert stats.rate is None or 0.0 <= stats.rate <= 1.0
        assert stats.median_first_response is None or stats.median_first_response >= timedelta(0)
    assert periods[0].chats <= periods[1].chats <= periods[2].chats


# --- The tip ---------------------------------------------------------------------------------------------------------

def evening_rush(zone: str, seed: int = 4) -> list[ChatFacts]:
    """30 questions: 24 arrive 19:00–21:59 shop time, the rest spread over the day; all answered within 40 min."""
    rng = random.Random(seed)
    facts = []
    for i in range(30):
        hour = rng.randrange(19, 22) if i < 24 else rng.choice([8, 10, 13, 15, 17, 23])
        asked = at(zone, 2 + i % 14, hour, rng.randrange(60))
        facts.append(ChatFacts("shopee", asked, asked + timedelta(minutes=rng.randrange(5, 40))))
    return facts


@pytest.mark.parametrize("zone", ["WIB", "WITA", "WIT"])
def test_tip_names_the_busiest_three_hours_in_the_shop_zone(zone: str) -> None:
    assert tip(evening_rush(zone), zone) == (TIP_RUSH, {"start": "19:00", "end": "22:00", "when": "19:30"})


def test_the_same_moments_read_in_another_zone_shift_the_rush() -> None:
    assert tip(evening_rush("WIB"), "WIT") == (TIP_RUSH, {"start": "21:00", "end": "00:00", "when": "21:30"})


def test_a_rush_across_midnight() -> None:
    facts = [ChatFacts("tiktok", at("WITA", 2 + i % 10, (23 + i % 3) % 24, 10), None) for i in range(12)]
    assert tip(facts, "WITA") == (TIP_RUSH, {"start": "23:00", "end": "02:00", "when": "23:30"})


def test_no_tip_from_too_few_chats_or_an_even_spread() -> None:
    assert tip(evening_rush("WIB")[:9], "WIB") is None
    even = [ChatFacts("shopee", at("WIB", 2 + h % 7, h, 5), at("WIB", 2 + h % 7, h, 20)) for h in range(24)]
    assert tip(even, "WIB") is None


def test_auto_reply_only_habit_comes_first() -> None:
    facts = evening_rush("WIB")
    facts[:8] = [ChatFacts("shopee", f.asked_at, None, auto_reply_only=True) for f in facts[:8]]
    assert tip(facts, "WIB") == (TIP_AUTO_ONLY, {"count": 8, "total": 30})


def test_slow_weekends() -> None:
    facts = []
    for week in range(3):
        for day, wait in ((2, 30), (3, 30), (4, 30), (7, 280), (8, 320)):  # Mon–Wed fast, Sat–Sun slow
            asked = at("WIB", day + 7 * week, 9 + week * 4)
            facts.append(ChatFacts("lazada", asked, asked + timedelta(minutes=wait)))
    assert at("WIB", 7, 9).weekday() == 5
    assert tip(facts, "WIB") == (TIP_SLOW_WEEKEND, {"hours": 5})


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_tip_reads_in_both_languages(lang: str) -> None:
    samples = [(TIP_RUSH, {"start": "19:00", "end": "22:00", "when": "19:30"}),
               (TIP_AUTO_ONLY, {"count": 8, "total": 30}), (TIP_SLOW_WEEKEND, {"hours": 5})]
    set_language(lang)
    try:
        for msgid, params in samples:
            assert msgid in catalog(lang)
            text = tr(msgid, **params)
            assert "{" not in text and all(str(v) in text for v in params.values())
    finally:
        set_language("id")
    assert tr(TIP_RUSH, start="19:00", end="22:00", when="19:30") == (
        "Kebanyakan pertanyaan datang pukul 19:00–22:00: buka aplikasi pukul 19:30.")
