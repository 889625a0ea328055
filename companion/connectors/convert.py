"""Platform values to our plain ones: money to whole rupiah, timestamps to aware UTC datetimes."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def rupiah(value: object) -> int:
    """Whole rupiah from 15000, 15000.0, "15000", "15000.00" (rounded half up); 0 when missing."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise ValueError("not a money value")
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"not a money value: {value!r}") from None
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_epoch(value: object) -> datetime | None:
    """UTC time from Unix seconds, milliseconds, micro- or nanoseconds (by magnitude); None for 0/empty.

    Platforms mix units (one platform's chat uses nanoseconds, another's milliseconds), so the size decides.
    """
    if value is None or value == "" or isinstance(value, bool):
        return None
    number = int(Decimal(str(value)))
    if number <= 0:
        return None
    for limit, divisor in ((10**17, 10**9), (10**14, 10**6), (10**11, 10**3)):
        if number >= limit:
            return datetime.fromtimestamp(number / divisor, UTC)
    return datetime.fromtimestamp(number, UTC)


def require_epoch(value: object) -> datetime:
    moment = from_epoch(value)
    if moment is None:
        raise ValueError(f"missing timestamp: {value!r}")
    return moment


def epoch_seconds(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("naive datetime; use UTC-aware datetimes")
    return int(moment.timestamp())
