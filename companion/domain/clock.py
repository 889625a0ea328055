"""Time as the record keeps it (UTC ISO text) and as the shop lives it (WIB, WITA or WIT)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from companion.i18n import N_

SHOP_ZONES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}
ZONE_LABELS = {"WIB": N_("WIB (Western Indonesia)"), "WITA": N_("WITA (Central Indonesia)"),
               "WIT": N_("WIT (Eastern Indonesia)")}
DEFAULT_ZONE = "WIB"


def now_utc() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime | None = None) -> str:
    """Sortable UTC text with microseconds, used for every created_at."""
    return (moment or now_utc()).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_stamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def shop_zone(code: str = DEFAULT_ZONE) -> ZoneInfo:
    return ZoneInfo(SHOP_ZONES.get(code, SHOP_ZONES[DEFAULT_ZONE]))


def local_day(moment: datetime, zone: str = DEFAULT_ZONE) -> date:
    return moment.astimezone(shop_zone(zone)).date()


def day_range(day: date, zone: str = DEFAULT_ZONE, days: int = 1) -> tuple[str, str]:
    """UTC stamps [start, end) covering `days` whole shop days from `day`."""
    start = datetime.combine(day, time.min, tzinfo=shop_zone(zone))
    return stamp(start), stamp(start + timedelta(days=days))
