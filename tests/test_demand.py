"""Demand rules: velocity with the weekday pattern, days of cover, the make list and season warnings."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.domain.demand import (
    BUY,
    MAKE,
    MAKE_LATE,
    MAKE_SHORT,
    SEASON_MESSAGES,
    PlanLine,
    Replenishment,
    daily_sales,
    days_of_cover,
    forecast,
    make_list,
    season_warnings,
    stockout_date,
    velocity,
    weekday_profile,
)
from companion.i18n import set_language, tr

MONDAY = date(2024, 7, 1)  # a Monday


def history(today: date, days: int, per_day: dict[int, int] | int) -> list[tuple[date, int]]:
    """Sales on each of the `days` days before today: a fixed number, or one per weekday (0 = Monday)."""
    out = []
    for back in range(1, days + 1):
        day = today - timedelta(days=back)
        out.append((day, per_day if isinstance(per_day, int) else per_day[day.weekday()]))
    return out


WEEKDAYS_4_WEEKENDS_8 = {0: 4, 1: 4, 2: 4, 3: 4, 4: 4, 5: 8, 6: 8}


def test_daily_sales_window_excludes_today_and_older_days_and_adds_channels() -> None:
    sales = [(MONDAY, 99), (MONDAY - timedelta(days=29), 99),  # today and day 29 are outside the window
             (MONDAY - timedelta(days=1), 2), (MONDAY - timedelta(days=1), 3),  # two channels, one day
             (MONDAY - timedelta(days=28), 1), (MONDAY - timedelta(days=5), -4)]  # a day of net returns counts 0
    daily = daily_sales(sales, MONDAY)
    assert len(daily) == 28 and daily[0] == 1 and daily[-1] == 5 and sum(daily) == 6
    assert velocity(sales, MONDAY) == 6 / 28
    with pytest.raises(ValueError):
        daily_sales(sales, MONDAY, days=0)


def test_weekday_pattern_and_forecast() -> None:
    sales = history(MONDAY, 60, WEEKDAYS_4_WEEKENDS_8)
    # 4 weeks × (5 × 4 + 2 × 8) = 144 units in 28 days
    assert velocity(sales, MONDAY) == pytest.approx(144 / 28)
    profile = weekday_profile(sales, MONDAY)
    assert sum(profile) == pytest.approx(7.0)
    assert profile == pytest.approx([7 / 9] * 5 + [14 / 9] * 2)  # 4 and 8 against an average weekday of 36/7
    assert forecast(sales, MONDAY, 8) == [4.0, 4.0, 4.0, 4.0, 4.0, 8.0, 8.0, 4.0]
    assert weekday_profile([], MONDAY) == [1.0] * 7
    assert forecast([], MONDAY, 3) == [0.0, 0.0, 0.0]
    with pytest.raises(ValueError):
        forecast(sales, MONDAY, -1)


def test_days_of_cover_and_stockout_date() -> None:
    sales = history(MONDAY, 60, WEEKDAYS_4_WEEKENDS_8)
    # 5 on hand: Monday takes 4, one unit is a quarter of Tuesday's 4 → 1.25 days, out on Tuesday
    assert days_of_cover(5, sales, MONDAY) == pytest.approx(1.25)
    assert stockout_date(5, sales, MONDAY) == MONDAY + timedelta(days=1)
    # 20 covers Mon–Fri exactly; Saturday is the first day it cannot meet
    assert days_of_cover(20, sales, MONDAY) == pytest.approx(5.0)
    assert stockout_date(20, sales, MONDAY) == date(2024, 7, 6)
    # 1000 units: 27 weeks of 36 = 972, then 28 left: Mon–Fri 20, 8 is Saturday's 8 → 27 × 7 + 6 = 195 days
    assert days_of_cover(1000, sales, MONDAY) == pytest.approx(195.0)
    assert days_of_cover(0, sales, MONDAY) == 0.0
    assert days_of_cover(-3, sales, MONDAY) == 0.0
    assert days_of_cover(5, [], MONDAY) is None
    assert stockout_date(5, [], MONDAY) is None


def test_make_list_for_a_seeded_60_day_history_equals_the_hand_computed_plan() -> None:
    """Roti: made, capacity 10/day, 5 on hand, ready 1 day after making; gula: bought in cartons of 12, 3 days."""
    roti = history(MONDAY, 60, WEEKDAYS_4_WEEKENDS_8)
    gula = history(MONDAY, 60, 3)
    plan = make_list([("roti", 5, roti, Replenishment("made", lead_time_days=1, capacity_per_day=10), 0),
                      ("gula", 20, gula, Replenishment("bought", lead_time_days=3, min_batch=12), 0)], MONDAY)
    # Forecast (last 28 days): roti 4 Mon–Fri, 8 Sat–Sun; gula 3 every day. Cover 14 days after the lead time.
    # roti: horizon 1 + 14 = 15 days (Mon 1 Jul .. Mon 15 Jul). 5 on hand: Monday sells 4 → 1 left on Tuesday,
    #   Tuesday needs 4 > 1 → runs out Tue 2 Jul. Units made on day p are ready on p + 1, so to meet
    #   Tue..Mon 15 Jul (4,4,4,4,8,8,4,4,4,4,4,8,8,4 = 72) less the 1 left = 71 units, made as late as possible:
    #   Mon 1: Tuesday's 4 − 1 = 3; Tue..Thu: 4 each (for Wed..Fri); Fri 5, Sat 6: 8 each (for Sat, Sun);
    #   Sun 7 .. Thu 11: 4 each (for Mon..Fri); Fri 12, Sat 13: 8 each; Sun 14: 4 (for Mon 15).
    #   3 + 4·3 + 8·2 + 4·5 + 8·2 + 4 = 71, no day above 10, so nothing is pulled forward.
    # gula: horizon 3 + 14 = 17 days × 3 = 51. 20 on hand cover Mon..Sat (6 × 3 = 18), Sunday needs 3 > 2 left
    #   → runs out Sun 7 Jul; order 3 days earlier, Thu 4 Jul. 51 − 20 = 31 → cartons of 12: 3 × 12 = 36.
    roti_days = [(1, 3), (2, 4), (3, 4), (4, 4), (5, 8), (6, 8), (7, 4), (8, 4), (9, 4), (10, 4), (11, 4),
                 (12, 8), (13, 8), (14, 4)]
    expected = [("roti", "make", qty, date(2024, 7, day), MAKE) for day, qty in roti_days]
    expected.insert(4, ("gula", "buy", 36, date(2024, 7, 4), BUY))  # Thu 4 Jul: after roti's Thursday line
    assert [(p.product_id, p.action, p.quantity, p.by, p.reason_msgid) for p in plan] == expected
    assert sum(p.quantity for p in plan if p.product_id == "roti") == 71
    roti_first, gula_line = plan[0], plan[4]
    assert roti_first.params == {"quantity": 3, "unit": "pcs", "day": date(2024, 7, 1), "ready": date(2024, 7, 2),
                                 "runs_out": date(2024, 7, 2)}
    assert gula_line.params["runs_out"] == date(2024, 7, 7) and gula_line.params["ready"] == date(2024, 7, 7)


def test_capacity_pulls_production_forward_and_an_empty_shelf_says_today() -> None:
    """0 on hand, weekends sell 14 but only 10 a day can be made, ready the next day; cover 7 days."""
    sales = history(MONDAY, 28, {0: 4, 1: 4, 2: 4, 3: 4, 4: 4, 5: 14, 6: 14})
    plan = make_list([("kue", 0, sales, Replenishment("made", 1, capacity_per_day=10), 0)], MONDAY, cover_days=7)
    # Needed on Tue..Mon: 4,4,4,4,14,14,4 → made the day before. Filling backwards at 10 a day:
    #   Sun 4 (for Mon); Sat 14 → 10, 4 moves to Fri; Fri 14 + 4 = 18 → 10, 8 to Thu; Thu 4 + 8 = 12 → 10, 2 to Wed;
    #   Wed 4 + 2 = 6; Tue 4; Mon 4. Monday's own 4 cannot be ready today: out of stock today.
    assert [(p.by.day, p.quantity) for p in plan] == [(1, 4), (2, 4), (3, 6), (4, 10), (5, 10), (6, 10), (7, 4)]
    assert plan[0].reason_msgid == MAKE_LATE and plan[0].params["runs_out"] == MONDAY
    assert all(p.reason_msgid == MAKE for p in plan[1:])


def test_capacity_too_small_says_how_much_will_be_missing() -> None:
    sales = history(MONDAY, 28, {0: 4, 1: 4, 2: 4, 3: 4, 4: 4, 5: 14, 6: 14})
    plan = make_list([("kue", 0, sales, Replenishment("made", 1, capacity_per_day=5), 0)], MONDAY, cover_days=7)
    # Made Mon..Sun for Tue..Mon: 4,4,4,4,14,14,4 = 48. Backwards at 5 a day: Sun 4; Sat 14 → 5 (9 over);
    #   Fri 14 + 9 = 23 → 5 (18); Thu 4 + 18 → 5 (17); Wed → 5 (16); Tue → 5 (15); Mon 4 + 15 = 19 → 5 (14):
    #   34 made, 14 cannot be ready in time even at full capacity (48 − 34).
    assert [p.quantity for p in plan] == [5, 5, 5, 5, 5, 5, 4]
    assert plan[0].reason_msgid == MAKE_SHORT and plan[0].params["short"] == 14
    assert all(p.reason_msgid == MAKE for p in plan[1:])


def test_planned_quantities_are_counted_once_and_nothing_is_listed_when_stock_lasts() -> None:
    sales = history(MONDAY, 28, 3)
    rep = Replenishment("bought", 2)
    with_planned = make_list([("a", 5, sales, rep, 10)], MONDAY)
    assert with_planned == make_list([("a", 15, sales, rep, 0)], MONDAY)
    # 16 days × 3 = 48 needed; 15 available → 33 to order, once
    assert [p.quantity for p in with_planned] == [33]
    assert make_list([("a", 48, sales, rep, 0)], MONDAY) == []
    assert make_list([("a", 0, [], rep, 0)], MONDAY) == []  # nothing sells, nothing to buy


def test_bad_make_list_input_is_refused() -> None:
    for bad in ({"kind": "stolen", "lead_time_days": 1}, {"kind": "bought", "lead_time_days": -1},
                {"kind": "made", "lead_time_days": 1}, {"kind": "made", "lead_time_days": 1, "capacity_per_day": 3,
                                                         "min_batch": 4},
                {"kind": "bought", "lead_time_days": 1, "min_batch": 0}):
        with pytest.raises(ValueError):
            Replenishment(**bad)  # type: ignore[arg-type]
    rep = Replenishment("bought", 1)
    with pytest.raises(ValueError):
        make_list([("a", 1, [], rep, 0), ("a", 2, [], rep, 0)], MONDAY)
    with pytest.raises(ValueError):
        make_list([("a", 1, [], rep, -1)], MONDAY)
    with pytest.raises(ValueError):
        make_list([("a", 1, [], rep, 0)], MONDAY, cover_days=0)


item_strategy = st.tuples(
    st.lists(st.integers(0, 25), min_size=28, max_size=28),  # the last 28 days of sales
    st.integers(-5, 120),  # on hand
    st.sampled_from(["bought", "made"]),
    st.integers(0, 6),  # lead time
    st.integers(1, 30),  # capacity
    st.integers(1, 4),  # min batch
    st.integers(0, 30),  # planned
)


@settings(max_examples=150, deadline=None)
@given(raw=st.lists(item_strategy, min_size=1, max_size=4), cover_days=st.integers(1, 21),
       today=st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 1)))
def test_make_list_respects_capacity_and_covers_the_forecast(raw: list[tuple], cover_days: int, today: date) -> None:
    items = []
    for n, (sold, on_hand, kind, lead, capacity, batch, planned) in enumerate(raw):
        sales = [(today - timedelta(days=28 - i), units) for i, units in enumerate(sold)]
        rep = Replenishment(kind, lead, max(capacity, batch) if kind == "made" else None, batch)
        items.append((f"p{n}", on_hand, sales, rep, planned))
    plan = make_list(items, today, cover_days)
    assert [p.by for p in plan] == sorted(p.by for p in plan)
    per_day: dict[tuple[str, date], int] = defaultdict(int)
    for line in plan:
        per_day[(line.product_id, line.by)] += line.quantity
    for product_id, on_hand, sales, rep, planned in items:
        lines = [p for p in plan if p.product_id == product_id]
        assert all(p.quantity > 0 and p.quantity % rep.min_batch == 0 for p in lines)
        assert all(today <= p.by < today + timedelta(days=cover_days) for p in lines)
        if rep.kind == "made":
            assert all(q <= (rep.capacity_per_day or 0) for (pid, _), q in per_day.items() if pid == product_id)
        else:
            assert len(lines) <= 1
        if not any(p.reason_msgid == MAKE_SHORT for p in lines):
            assert_covers(lines, max(0, on_hand) + planned, forecast(sales, today, rep.lead_time_days + cover_days),
                          rep.lead_time_days, today)


def assert_covers(lines: list[PlanLine], supply: int, demand: list[float], lead: int, today: date) -> None:
    """Day by day: once new units can arrive (after the lead time), every day's forecast is met."""
    arrivals: dict[int, int] = defaultdict(int)
    for line in lines:
        arrivals[(line.by - today).days + lead] += line.quantity
    stock = float(supply)
    for day, units in enumerate(demand):
        stock += arrivals[day]
        if day >= lead:
            assert stock >= units - 1e-6, (day, stock, units)
        stock = max(0.0, stock - units)


def test_every_reason_reads_in_both_languages() -> None:
    sales = history(MONDAY, 28, 3)
    plan = make_list([("a", 0, sales, Replenishment("made", 1, 2), 0),
                      ("b", 1, sales, Replenishment("bought", 3), 0)], MONDAY)
    try:
        for lang in ("id", "en"):
            set_language(lang)
            for line in plan:
                text = tr(line.reason_msgid, **line.params)
                assert "{" not in text and str(line.quantity) in text
    finally:
        set_language("id")


def test_season_warning_from_last_years_ramadan() -> None:
    today = date(2026, 2, 1)  # Ramadan 2026 begins 19 Feb, 18 days ahead; Lebaran's week (13 Mar) is too far
    normal = [(date(2025, 2, 1) + timedelta(days=i), 2) for i in range(28)]  # the 4 weeks before 1 Mar 2025: 56
    ramadan = [(date(2025, 3, 1) + timedelta(days=i), 5) for i in range(23)]  # 1–23 Mar 2025 (until a week
    # before Lebaran, 31 Mar): 23 days × 5 = 115, which is 2.5× the normal 2 a day
    warnings = season_warnings(normal + ramadan, today)
    # normal for 23 days: 56 × 23 / 28 = 46; 115 / 46 − 1 = 150% more
    assert warnings == [(SEASON_MESSAGES["ramadan"], {"sold": 115, "days": 23, "normal": 46, "unit": "pcs",
                                                      "percent": 150, "last_year": date(2025, 3, 1),
                                                      "day": date(2026, 2, 19)})]
    set_language("id")
    assert tr(warnings[0][0], **warnings[0][1]).startswith("Ramadan mulai 2026-02-19. Tahun lalu")


def test_no_season_warning_without_last_years_history_or_below_one_and_a_half() -> None:
    today = date(2026, 2, 1)
    assert season_warnings([], today) == []
    this_year_only = [(date(2026, 1, 1) + timedelta(days=i), 9) for i in range(31)]
    assert season_warnings(this_year_only, today) == []
    ramadan_only = [(date(2025, 3, 1) + timedelta(days=i), 5) for i in range(23)]  # no normal weeks to compare
    assert season_warnings(ramadan_only, today) == []
    normal = [(date(2025, 2, 1) + timedelta(days=i), 2) for i in range(28)]
    just_under = [(date(2025, 3, 1) + timedelta(days=i), 3) for i in range(23)]
    just_under[0] = (date(2025, 3, 1), 2)  # 68 in 23 days: just under 1.5 × 2 a day (69)
    assert season_warnings(normal + just_under, today) == []
    exactly = [(date(2025, 3, 1) + timedelta(days=i), 3) for i in range(23)]  # exactly 1.5× counts
    assert [w[1]["percent"] for w in season_warnings(normal + exactly, today)] == [50]
    assert season_warnings(normal + exactly, date(2026, 1, 19)) == []  # 31 days ahead: not yet


def test_harbolnas_warnings_compare_with_the_weeks_before_11_11() -> None:
    normal = [(date(2024, 10, 14) + timedelta(days=i), 1) for i in range(28)]  # 14 Oct – 10 Nov 2024: 28
    spikes = [(date(2024, 11, 11), 10), (date(2024, 12, 12), 6)]
    sales = normal + spikes
    assert [(m, p["sold"], p["normal"], p["percent"], p["day"]) for m, p in season_warnings(sales, date(2025, 11, 1))] \
        == [(SEASON_MESSAGES["11.11"], 10, 1, 900, date(2025, 11, 11))]
    # 12.12 is compared with the same weeks before 11.11, so the 11.11 spike does not raise "normal"
    assert [(m, p["sold"], p["percent"]) for m, p in season_warnings(sales, date(2025, 11, 20))] \
        == [(SEASON_MESSAGES["12.12"], 6, 500)]
    assert season_warnings(normal, date(2025, 11, 20)) == []  # an ordinary 12.12 last year: no warning
    # Lebaran: the last week before it, against the 4 weeks before last year's Ramadan
    lebaran = [(date(2025, 3, 24) + timedelta(days=i), 4) for i in range(7)]  # 24–30 Mar 2025
    before = [(date(2025, 2, 1) + timedelta(days=i), 1) for i in range(28)]
    found = season_warnings(before + lebaran, date(2026, 3, 1))  # Lebaran 20 Mar 2026, its week starts 13 Mar
    assert [(m, p["sold"], p["normal"], p["day"]) for m, p in found] == [
        (SEASON_MESSAGES["lebaran"], 28, 7, date(2026, 3, 20))]
