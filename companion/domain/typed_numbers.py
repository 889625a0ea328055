"""People's numbers: amounts and counts as shops type them, read only when the reading is certain.

One reader for every import and every form. Text is read with Babel's strict locale parsing in both the
Indonesian (15.000,50) and the English (15,000.50) way; a reading with three or more digits after its decimal
mark is taken as thousands instead ("15,000" and "15.000" are both fifteen thousand: no price or count has
three decimals). Both readings must agree, digits must be plain 0-9, and the value must be whole: rupiah have
no cents and a quantity of "1.5" is never a whole count. Whatever is not certain is refused with the reason,
so the caller can name the row and the column.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from enum import StrEnum

from companion.domain.errors import UserError
from companion.i18n import N_

MAX_PRICE = 1_000_000_000  # one billion rupiah for a single unit is beyond any shop's sale
MAX_QUANTITY = 100_000     # per line or per count
_LOCALES = ("id_ID", "en_US")
_SHAPE = re.compile(r"^[+-]?[0-9][0-9.,]*$")
_CURRENCY = re.compile(r"^(rp\.?|idr)", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")


class Reason(StrEnum):
    EMPTY = "empty"
    NOT_A_NUMBER = "not_a_number"
    NOT_WHOLE = "not_whole"     # a fraction: cents on a price, 1.5 of a count
    NEGATIVE = "negative"
    ZERO = "zero"
    TOO_LARGE = "too_large"


_MESSAGES = {
    Reason.EMPTY: N_("{field} is empty: type an amount such as 15.000."),
    Reason.NOT_A_NUMBER: N_("{field} must be an amount such as 15.000, not \"{text}\"."),
    Reason.NOT_WHOLE: N_("{field} must be whole rupiah, not \"{text}\": write it like 15.000."),
    Reason.NEGATIVE: N_("{field} cannot be negative (\"{text}\"): write 0 or more."),
    Reason.ZERO: N_("{field} must be more than zero: write 1 or more."),
    Reason.TOO_LARGE: N_("{field} is too large (\"{text}\"): the most allowed is {most}."),
}


_COUNT_MESSAGES = {
    **_MESSAGES,
    Reason.EMPTY: N_("{field} is empty: type a number such as 2."),
    Reason.NOT_A_NUMBER: N_("{field} must be written in digits, such as 2."),  # "dua"; forms do not echo it
    Reason.NOT_WHOLE: N_("{field} must be a whole number."),  # only a fraction gets "no comma"
    Reason.ZERO: N_("{field} must be more than zero."),
    Reason.NEGATIVE: N_("{field} cannot be negative."),
    Reason.TOO_LARGE: N_("{field} is too large: the most allowed is {most}."),
}


class NumberRefused(UserError):
    """A number that cannot be read with certainty; `reason` lets a caller word it for its own column."""

    def __init__(self, reason: Reason, field: str, text: object, most: str = "", money: bool = True) -> None:
        super().__init__((_MESSAGES if money else _COUNT_MESSAGES)[reason], field=field, text=shown(text), most=most)
        self.reason = reason


def shown(value: object) -> str:
    """A cell as the refusal quotes it: short, on one line."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    return text if len(text) <= 40 else text[:37] + "…"


def read_number(value: object, field: str, money: bool = True) -> Decimal:
    """The exact value of a cell or typed text, or NumberRefused (EMPTY / NOT_A_NUMBER); "Rp" only on money."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise NumberRefused(Reason.EMPTY, field, value, money=money)
    if isinstance(value, bool):
        raise NumberRefused(Reason.NOT_A_NUMBER, field, value, money=money)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NumberRefused(Reason.NOT_A_NUMBER, field, value, money=money)
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    if not isinstance(value, str):
        raise NumberRefused(Reason.NOT_A_NUMBER, field, value, money=money)
    return _read_text(value, field, money)


def _read_text(value: str, field: str, money: bool) -> Decimal:
    text = _SPACES.sub("", value)
    if money:
        text = _CURRENCY.sub("", text)
        if text.endswith(",-"):
            text = text[:-2]  # "Rp15.000,-"
    if not _SHAPE.match(text):
        raise NumberRefused(Reason.NOT_A_NUMBER, field, value, money=money)
    from babel.numbers import NumberFormatError, parse_decimal  # loaded when someone first types a number

    readings: set[Decimal] = set()
    for locale in _LOCALES:
        try:
            reading = parse_decimal(text, locale, strict=True)
        except NumberFormatError:
            continue
        exponent = reading.as_tuple().exponent
        if isinstance(exponent, int) and exponent <= -3:
            continue  # "15,000" read the Indonesian way is 15.000 with three decimals: the other way wins
        readings.add(reading)
    if len(readings) != 1:  # unreadable, or two different readings
        raise NumberRefused(Reason.NOT_A_NUMBER, field, value, money=money)
    return readings.pop()


def _whole(number: Decimal, field: str, value: object, money: bool, tolerance: Decimal = Decimal(0)) -> int:
    nearest = number.to_integral_value()
    if abs(number - nearest) > tolerance:
        raise NumberRefused(Reason.NOT_WHOLE, field, value, money=money)
    return int(nearest)


def read_amount(value: object, field: str, most: int = MAX_PRICE) -> int:
    """Whole rupiah, 0 up to `most` (Rp1.000.000.000): "Rp 15.000", "15,000", "15.000,00", 35000.0."""
    number = read_number(value, field)
    tolerance = Decimal("0.000001") if isinstance(value, float) else Decimal(0)  # spreadsheet float sums
    if number < 0:
        raise NumberRefused(Reason.NEGATIVE, field, value)
    amount = _whole(number, field, value, True, tolerance)
    if amount > most:
        raise NumberRefused(Reason.TOO_LARGE, field, value, _grouped(most, "Rp"))
    return amount


def read_count(value: object, field: str, allow_zero: bool = False, most: int = MAX_QUANTITY) -> int:
    """A whole count of units, 1 (or 0) up to `most` (100.000): "3", "1.000", 3.0; never "1.5" or "1,5"."""
    number = read_number(value, field, money=False)
    if number < 0:
        raise NumberRefused(Reason.NEGATIVE if allow_zero else Reason.ZERO, field, value, money=False)
    count = _whole(number, field, value, False)
    if count == 0 and not allow_zero:
        raise NumberRefused(Reason.ZERO, field, value, money=False)
    if count > most:
        raise NumberRefused(Reason.TOO_LARGE, field, value, _grouped(most), money=False)
    return count


def _grouped(number: int, prefix: str = "") -> str:
    """100.000 / Rp1.000.000.000: the bound written as the messages' readers write numbers."""
    return prefix + f"{number:,}".replace(",", ".")
