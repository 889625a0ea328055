"""Spans of time in plain words ("5 jam 20 menit", "5 menit lalu"), through Babel so plurals are right."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from companion.domain.clock import now_utc, parse_stamp, shop_zone
from companion.i18n import babel_locale, tr


def span_text(delta: timedelta, units: int = 2) -> str:
    """A span as its largest `units` whole units: "2 hari 3 jam", "5 jam 20 menit", "1 menit"."""
    minutes = max(int(abs(delta).total_seconds() // 60), 1)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [timedelta(days=days), timedelta(hours=hours), timedelta(minutes=mins)]
    start = next(i for i, part in enumerate(parts) if part)
    shown = [p for p in parts[start:start + units] if p]
    locale = str(babel_locale())
    return " ".join(_part_text(int(p.total_seconds()), locale) for p in shown)


@lru_cache(maxsize=4096)
def _part_text(seconds: int, locale: str) -> str:
    """One whole unit in words ("3 jam"): Babel takes ~0.1 ms each, and a list of countdowns asks for the same few
    values again and again (the inbox at every repaint)."""
    from babel.dates import format_timedelta  # imported on first use: not needed to open the window

    return format_timedelta(timedelta(seconds=seconds), threshold=1, locale=locale)


def ago_text(stamp_text: str | None, now: datetime | None = None) -> str:
    """How long ago a stored UTC stamp was: "baru saja", "5 menit lalu", or "belum pernah" without one."""
    if not stamp_text:
        return tr("never")
    delta = (now or now_utc()) - parse_stamp(stamp_text)
    if delta < timedelta(minutes=1):
        return tr("just now")
    return tr("{time} ago", time=span_text(delta, units=1))


def local_time_text(moment: datetime, zone: str, fmt: str = "d MMM, HH:mm") -> str:
    """A moment in the shop's zone, e.g. "28 Nov, 14:30"."""
    from babel.dates import format_datetime

    return format_datetime(moment, fmt, tzinfo=shop_zone(zone), locale=babel_locale())
