"""Demand: how fast a product sells, when it runs out, and what to make or buy, how much and by when.

Pure rules (no I/O). A sales history is a list of (day, units) pairs from all channels; pairs for the same day
are added up and a day without pairs sold nothing. Today is never counted as history: it is not over yet.
Forecasts start today. Reasons are msgids with params; formatting the dates in them is the GUI's job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil, floor

from companion.i18n import N_

History = Sequence[tuple[date, int]]
WINDOW_DAYS = 28  # sales velocity and the weekday pattern look back four whole weeks
DEFAULT_UNIT = "pcs"  # the GUI replaces params["unit"] with the product's own unit
_EPS = 1e-6  # forecasts are floats; a shortfall smaller than this is rounding, not a missing unit


def _totals(history: History) -> dict[date, int]:
    totals: dict[date, int] = {}
    for day, units in history:
        totals[day] = totals.get(day, 0) + units
    return totals


def daily_sales(history: History, today: date, days: int = WINDOW_DAYS) -> list[int]:
    """Units sold on each of the `days` whole days before today, oldest first (a day of net returns counts 0)."""
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    totals = _totals(history)
    start = today - timedelta(days=days)
    return [max(0, totals.get(start + timedelta(days=i), 0)) for i in range(days)]


def velocity(history: History, today: date, days: int = WINDOW_DAYS) -> float:
    """Average units a day over the last `days` whole days."""
    return sum(daily_sales(history, today, days)) / days


def weekday_profile(history: History, today: date, days: int = WINDOW_DAYS) -> list[float]:
    """Monday..Sunday: how busy each weekday is against the average weekday; sums to 7.0, all 1.0 when unknown."""
    sums, counts = [0] * 7, [0] * 7
    start = today - timedelta(days=days)
    for i, units in enumerate(daily_sales(history, today, days)):
        weekday = (start + timedelta(days=i)).weekday()
        sums[weekday] += units
        counts[weekday] += 1
    if min(counts) == 0:
        return [1.0] * 7
    means = [total / count for total, count in zip(sums, counts, strict=True)]
    average = sum(means) / 7
    if average <= 0:
        return [1.0] * 7
    return [mean / average for mean in means]


def forecast(history: History, today: date, horizon_days: int) -> list[float]:
    """Expected units for today and each following day: velocity × that weekday's factor."""
    if horizon_days < 0:
        raise ValueError(f"horizon_days must not be negative, got {horizon_days}")
    rate, profile = velocity(history, today), weekday_profile(history, today)
    # Rounded so that 4 a day stays 4.0 instead of 3.9999999999999996 after the division and product.
    return [round(rate * profile[(today + timedelta(days=i)).weekday()], 9) for i in range(horizon_days)]


def days_of_cover(on_hand: int, history: History, today: date) -> float | None:
    """Days from the start of today until demand can no longer be met in full; None when nothing sells."""
    week = forecast(history, today, 7)
    weekly = sum(week)
    if weekly <= 0:
        return None
    left = float(max(0, on_hand))
    weeks = max(0, floor(left / weekly) - 1)  # skip whole weeks, keep one in hand against rounding
    left -= weeks * weekly
    for day in range(21):
        need = week[day % 7]
        if need - left > _EPS:
            return weeks * 7 + day + max(0.0, left) / need
        left -= need
    raise AssertionError("a positive weekly demand always runs out within three weeks of the skipped ones")


def stockout_date(on_hand: int, history: History, today: date) -> date | None:
    """The first day whose forecast demand the stock cannot fully meet; None when nothing sells."""
    cover = days_of_cover(on_hand, history, today)
    return None if cover is None else today + timedelta(days=floor(cover))


KINDS = ("bought", "made")


@dataclass(frozen=True)
class Replenishment:
    """How a product comes back: bought from a supplier or made by the shop, with its lead time in days."""

    kind: str  # "bought" | "made"
    lead_time_days: int
    capacity_per_day: int | None = None  # made only: units the shop can start making in one day
    min_batch: int = 1  # quantities are whole multiples of this (a carton, an oven load)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")
        if self.lead_time_days < 0 or self.min_batch < 1:
            raise ValueError(f"lead time must be ≥ 0 and min_batch ≥ 1: {self!r}")
        if self.kind == "made" and (self.capacity_per_day is None or self.capacity_per_day < self.min_batch):
            raise ValueError(f"a made product needs a capacity of at least one batch a day: {self!r}")


@dataclass(frozen=True)
class PlanLine:
    """One line of the printable plan: make or buy `quantity` at the latest on `by`."""

    product_id: str
    action: str  # "make" | "buy"
    quantity: int
    by: date  # the last day to act: the day to make them, or the day to place the order
    reason_msgid: str
    params: dict[str, object]


Item = tuple[str, int, History, Replenishment, int]  # (product_id, on_hand, sales history, replenishment, planned)

MAKE = N_("Make {quantity} {unit} by {day}.")
MAKE_LATE = N_("Make {quantity} {unit} today: the stock runs out on {runs_out}, before a new batch is ready.")
MAKE_SHORT = N_("Make {quantity} {unit} by {day}: even at full capacity {short} {unit} will be missing.")
BUY = N_("Order {quantity} {unit} by {day}: the stock runs out on {runs_out}.")
BUY_LATE = N_("Order {quantity} {unit} today: the stock runs out on {runs_out}, before an order can arrive.")


def make_list(items: Sequence[Item], today: date, cover_days: int = 14) -> list[PlanLine]:
    """What to make or buy so that forecast demand is met for `cover_days` after each lead time, earliest first.

    Stock on hand plus already planned quantities (counted once, as available from today) meet demand first.
    Demand before new units can arrive (within the lead time) that the stock cannot meet is lost, not carried.
    A made product gets one line per production day, as late as possible, never more than its capacity that day;
    a bought product gets one order, placed when it arrives on the day the stock would run out.
    """
    if cover_days < 1:
        raise ValueError(f"cover_days must be at least 1, got {cover_days}")
    ids = [item[0] for item in items]
    if len(set(ids)) != len(ids):
        raise ValueError("each product may appear only once in a make list")
    lines: list[PlanLine] = []
    for product_id, on_hand, history, replenishment, planned in items:
        if planned < 0:
            raise ValueError(f"planned quantity must not be negative: {product_id} {planned}")
        lines += _plan_item(product_id, max(0, on_hand) + planned, history, replenishment, today, cover_days)
    return sorted(lines, key=lambda line: line.by)


def _first_short_day(stock: float, demand: Sequence[float]) -> int | None:
    for day, units in enumerate(demand):
        if units - stock > _EPS:
            return day
        stock -= units
    return None


def _cumulative_needs(demand: Sequence[float], stock: float) -> list[int]:
    """Whole units that must have arrived by each day for its demand and every earlier day's to be met."""
    needs, total = [], 0.0
    for units in demand:
        total += units
        needs.append(max(0, ceil(total - stock - _EPS)))
    return needs


def _plan_item(product_id: str, supply: int, history: History, rep: Replenishment, today: date,
               cover_days: int) -> list[PlanLine]:
    lead = rep.lead_time_days
    demand = forecast(history, today, lead + cover_days)
    short_day = _first_short_day(supply, demand)
    if short_day is None:
        return []
    at_arrival = max(0.0, supply - sum(demand[:lead]))  # what is left when the first new units can be there
    needs = [ceil(need / rep.min_batch) for need in _cumulative_needs(demand[lead:], at_arrival)]  # in batches
    if needs[-1] == 0:
        return []
    runs_out = today + timedelta(days=short_day)
    late = short_day < lead
    if rep.kind == "bought":
        by = max(today, runs_out - timedelta(days=lead))
        return [_line(product_id, "buy", needs[-1] * rep.min_batch, by, BUY_LATE if late else BUY, lead, runs_out)]
    capacity = (rep.capacity_per_day or 0) // rep.min_batch
    made, short = _as_late_as_possible(needs, capacity)
    lines = [_line(product_id, "make", batches * rep.min_batch, today + timedelta(days=day), MAKE, lead, runs_out)
             for day, batches in enumerate(made) if batches]
    if short:
        first = lines[0]
        lines[0] = PlanLine(product_id, "make", first.quantity, first.by, MAKE_SHORT,
                            {**first.params, "short": short * rep.min_batch})
    elif late and lines[0].by == today:
        lines[0] = PlanLine(product_id, "make", lines[0].quantity, today, MAKE_LATE, lines[0].params)
    return lines


def _as_late_as_possible(needs: Sequence[int], capacity: int) -> tuple[list[int], int]:
    """Batches to start each day (arriving lead days later), filled backwards so no day exceeds `capacity`.

    Returns the batches per production day and what cannot be ready in time even at full capacity from today.
    """
    made, carry = [0] * len(needs), 0
    for day in reversed(range(len(needs))):
        want = needs[day] - (needs[day - 1] if day else 0) + carry
        made[day] = min(capacity, want)
        carry = want - made[day]
    return made, carry


def _line(product_id: str, action: str, quantity: int, by: date, msgid: str, lead: int, runs_out: date) -> PlanLine:
    params: dict[str, object] = {"quantity": quantity, "unit": DEFAULT_UNIT, "day": by,
                                 "ready": by + timedelta(days=lead), "runs_out": runs_out}
    return PlanLine(product_id, action, quantity, by, msgid, params)


# First day of Ramadan and the day of Idul Fitri (Lebaran) as observed in Indonesia. 2023 is here only as "last year"
# for 2024. 2027 and 2028 are astronomical estimates: the government may set them a day apart, which a 30-day
# warning does not notice.
RAMADAN_LEBARAN: dict[int, tuple[date, date]] = {
    2023: (date(2023, 3, 23), date(2023, 4, 22)),
    2024: (date(2024, 3, 12), date(2024, 4, 10)),
    2025: (date(2025, 3, 1), date(2025, 3, 31)),
    2026: (date(2026, 2, 19), date(2026, 3, 20)),
    2027: (date(2027, 2, 8), date(2027, 3, 10)),
    2028: (date(2028, 1, 28), date(2028, 2, 27)),
}
WARN_DAYS_AHEAD = 30
SEASON_FACTOR = (3, 2)  # a season counts when last year it sold at least 3/2 (1.5×) the normal daily rate
LEBARAN_WEEK = timedelta(days=7)  # the last week before Lebaran: clothes, cakes and gifts peak

SEASON_MESSAGES = {
    "ramadan": N_("Ramadan begins on {day}. Last year in Ramadan you sold {sold} {unit} in {days} days, "
                  "{percent}% more than usual ({normal} {unit}): make or buy more in time."),
    "lebaran": N_("Lebaran is on {day}. In the last week before Lebaran last year you sold {sold} {unit}, "
                  "{percent}% more than a usual week ({normal} {unit}): make or buy more in time."),
    "11.11": N_("The 11.11 sale is on {day}. On 11.11 last year you sold {sold} {unit}, "
                "{percent}% more than a usual day ({normal} {unit}): make or buy more in time."),
    "12.12": N_("Harbolnas 12.12 is on {day}. On 12.12 last year you sold {sold} {unit}, "
                "{percent}% more than a usual day ({normal} {unit}): make or buy more in time."),
}


@dataclass(frozen=True)
class Season:
    """A selling season [start, end); its normal rate is taken from the 28 days before `baseline_end`."""

    name: str
    start: date
    end: date
    baseline_end: date  # Lebaran is compared with the weeks before Ramadan, 12.12 with those before 11.11
    day: date  # the day people know it by (shown in the warning)


def seasons(year: int) -> list[Season]:
    """The seasons of one year; Ramadan and Lebaran only for years in the table."""
    found: list[Season] = []
    if year in RAMADAN_LEBARAN:
        ramadan, lebaran = RAMADAN_LEBARAN[year]
        found += [Season("ramadan", ramadan, lebaran - LEBARAN_WEEK, ramadan, ramadan),
                  Season("lebaran", lebaran - LEBARAN_WEEK, lebaran, ramadan, lebaran)]
    nov11, dec12 = date(year, 11, 11), date(year, 12, 12)
    found += [Season("11.11", nov11, nov11 + timedelta(days=1), nov11, nov11),
              Season("12.12", dec12, dec12 + timedelta(days=1), nov11, dec12)]
    return found


def season_warnings(history: History, today: date) -> list[tuple[str, dict[str, object]]]:
    """A warning (msgid, params) for each season starting within 30 days that last year sold ≥ 1.5× normal.

    Without last year's sales for both the season and the four weeks before it there is nothing to warn with.
    """
    totals = _totals(history)
    warnings: list[tuple[str, dict[str, object]]] = []
    for year in (today.year, today.year + 1):
        for season in seasons(year):
            if not 0 <= (season.start - today).days <= WARN_DAYS_AHEAD:
                continue
            last = next((s for s in seasons(year - 1) if s.name == season.name), None)
            params = _last_year_figures(totals, last) if last else None
            if params is not None:
                warnings.append((SEASON_MESSAGES[season.name], {**params, "day": season.day}))
    return warnings


def season_history_days(today: date) -> tuple[date, date] | None:
    """The days [first, end) of sales `season_warnings(history, today)` can look at — last year's season and
    the four weeks it is compared with, for each season starting soon — or None when no season is near, so
    the caller reads only those (on a big shop a year of sales is a few seconds' read)."""
    spans: list[tuple[date, date]] = []
    for year in (today.year, today.year + 1):
        for season in seasons(year):
            if not 0 <= (season.start - today).days <= WARN_DAYS_AHEAD:
                continue
            last = next((s for s in seasons(year - 1) if s.name == season.name), None)
            if last is not None:
                spans.append((min(last.start, last.baseline_end - timedelta(days=WINDOW_DAYS)),
                              max(last.end, last.baseline_end)))
    if not spans:
        return None
    return min(first for first, _ in spans), max(end for _, end in spans)


def _units(totals: dict[date, int], start: date, end: date) -> int:
    return sum(max(0, totals.get(start + timedelta(days=i), 0)) for i in range((end - start).days))


def _last_year_figures(totals: dict[date, int], last: Season) -> dict[str, object] | None:
    days = (last.end - last.start).days
    sold = _units(totals, last.start, last.end)
    normal_total = _units(totals, last.baseline_end - timedelta(days=WINDOW_DAYS), last.baseline_end)
    high, low = SEASON_FACTOR
    # sold/days ≥ 1.5 × normal_total/28, in whole numbers so that exactly 1.5× counts
    if normal_total <= 0 or sold * WINDOW_DAYS * low < high * normal_total * days:
        return None
    normal = normal_total * days / WINDOW_DAYS
    return {"sold": sold, "days": days, "normal": round(normal), "unit": DEFAULT_UNIT,
            "percent": round((sold / normal - 1) * 100), "last_year": last.start}
