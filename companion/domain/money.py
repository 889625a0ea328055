"""Money is whole rupiah held in int; shown as Rp15.000 through Babel; read from what people type."""

from __future__ import annotations

import re

from babel.numbers import format_currency, format_decimal

from companion.domain.errors import UserError
from companion.i18n import N_, babel_locale

MAX_PRICE = 1_000_000_000  # one billion rupiah for a single unit is beyond any counter sale
MAX_QUANTITY = 100_000

_DIGITS = re.compile(r"^-?\d+$")


def format_rupiah(amount: int, lang: str | None = None) -> str:
    """Rp15.000 (no decimals: the rupiah has no coins below 1)."""
    return format_currency(amount, "IDR", format="¤#,##0", locale=babel_locale(lang), currency_digits=False)


def format_quantity(quantity: int, lang: str | None = None) -> str:
    return format_decimal(quantity, locale=babel_locale(lang))


def parse_rupiah(text: str | int | float | None, field: str = N_("Price")) -> int:
    """Whole rupiah from "Rp 15.000", "15.000", "15000" or a number cell; raises UserError otherwise.

    Dots and spaces are thousands separators (Indonesian style); a comma part of ",00" is allowed.
    """
    if text is None:
        raise UserError(N_("{field} is empty: type an amount such as 15.000."), field=field)
    if isinstance(text, bool):
        raise UserError(N_("{field} must be an amount such as 15.000."), field=field)
    if isinstance(text, int):
        return text
    if isinstance(text, float):
        if not text.is_integer():
            raise UserError(N_("{field} must be whole rupiah, without cents."), field=field)
        return int(text)
    cleaned = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if cleaned.lower().startswith("rp"):
        cleaned = cleaned[2:]
    cleaned = re.sub(r",0+$", "", cleaned).replace(".", "")
    if cleaned == "":
        raise UserError(N_("{field} is empty: type an amount such as 15.000."), field=field)
    if not _DIGITS.match(cleaned):
        raise UserError(N_("{field} must be an amount such as 15.000, not \"{text}\"."), field=field, text=text)
    return int(cleaned)


def check_price(amount: int, field: str = N_("Price")) -> int:
    """A unit price: 0 up to one billion rupiah."""
    if amount < 0:
        raise UserError(N_("{field} cannot be negative."), field=field)
    if amount > MAX_PRICE:
        raise UserError(N_("{field} is too large: the most allowed is Rp1.000.000.000."), field=field)
    return amount


def parse_quantity(text: str | int | float | None, field: str = N_("Quantity"), allow_zero: bool = False) -> int:
    """A whole count of units typed by a person or read from a cell."""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    if isinstance(text, str):
        text = text.strip().replace(".", "")
        if not _DIGITS.match(text):
            raise UserError(N_("{field} must be a whole number."), field=field)
        text = int(text)
    if not isinstance(text, int) or isinstance(text, bool):
        raise UserError(N_("{field} must be a whole number."), field=field)
    return check_quantity(text, field, allow_zero)


def check_quantity(quantity: int, field: str = N_("Quantity"), allow_zero: bool = False) -> int:
    if quantity < 0 or (quantity == 0 and not allow_zero):
        raise UserError(N_("{field} must be more than zero.") if not allow_zero
                        else N_("{field} cannot be negative."), field=field)
    if quantity > MAX_QUANTITY:
        raise UserError(N_("{field} is too large: the most allowed is 100.000."), field=field)
    return quantity
