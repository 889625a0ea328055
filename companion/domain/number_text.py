"""Whole numbers and rupiah written exactly as Babel writes them for the app's two locales, without loading Babel.

The counter shows totals ("Rp0") before its first paint; Babel and its locale data cost a tenth of a second to load on
a slow laptop. Both locales the app uses (`i18n.babel_locale`: id_ID, en_ID) group thousands with "." and put the
minus before "Rp" (-Rp15.000), as Babel's CLDR data says; tests/test_number_text.py holds this equal to Babel over
many values. Any other locale, or a number that is not a whole int, answers None and the caller asks Babel.
"""

from __future__ import annotations

_GROUP_MARK = {"id_ID": ".", "en_ID": "."}  # CLDR's grouping symbol of each locale the app uses
_RUPIAH_SIGN = {"id_ID": "Rp", "en_ID": "Rp"}  # CLDR's IDR symbol in each of them


def whole_number_text(number: object, locale: str) -> str | None:
    """"15.000", "-1.234"; None when Babel must say it (another locale, a fraction, a bool)."""
    mark = _GROUP_MARK.get(locale)
    if mark is None or type(number) is not int:
        return None
    digits = f"{abs(number):,}".replace(",", mark)
    return f"-{digits}" if number < 0 else digits


def rupiah_text(amount: object, locale: str) -> str | None:
    """"Rp15.000", "-Rp15.000" (Babel's "¤#,##0" with the rupiah's symbol); None when Babel must say it."""
    digits = whole_number_text(amount, locale)
    if digits is None:
        return None
    sign = _RUPIAH_SIGN[locale]
    return f"-{sign}{digits[1:]}" if digits.startswith("-") else f"{sign}{digits}"
