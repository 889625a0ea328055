"""Money is whole rupiah held in int; shown as Rp15.000 (as Babel writes it: domain/number_text.py, without loading
Babel for the app's own locales); read from what people type."""

from __future__ import annotations

from companion.domain.errors import UserError
from companion.domain.number_text import rupiah_text, whole_number_text
from companion.domain.typed_numbers import MAX_PRICE, MAX_QUANTITY, read_amount, read_count
from companion.i18n import N_, babel_locale

__all__ = ["MAX_PRICE", "MAX_QUANTITY", "check_price", "check_quantity", "format_quantity", "format_rupiah",
           "parse_quantity", "parse_rupiah"]


def format_rupiah(amount: int, lang: str | None = None) -> str:
    """Rp15.000 (no decimals: the rupiah has no coins below 1)."""
    locale = babel_locale(lang)
    text = rupiah_text(amount, locale)
    if text is not None:
        return text
    from babel.numbers import format_currency  # another locale or a fraction: Babel itself

    return format_currency(amount, "IDR", format="¤#,##0", locale=locale, currency_digits=False)


def format_quantity(quantity: int, lang: str | None = None) -> str:
    locale = babel_locale(lang)
    text = whole_number_text(quantity, locale)
    if text is not None:
        return text
    from babel.numbers import format_decimal  # another locale or a fraction: Babel itself

    return format_decimal(quantity, locale=locale)


def parse_rupiah(text: str | int | float | None, field: str = N_("Price")) -> int:
    """Whole rupiah from "Rp 15.000", "15.000", "15,000", "15.000,00" or a number cell; raises UserError otherwise.

    The one reader of people's numbers (domain.typed_numbers): never cents, never negative, at most Rp1.000.000.000.
    """
    return read_amount(text, field)


def check_price(amount: int, field: str = N_("Price")) -> int:
    """A unit price: 0 up to one billion rupiah."""
    if amount < 0:
        raise UserError(N_("{field} cannot be negative."), field=field)
    if amount > MAX_PRICE:
        raise UserError(N_("{field} is too large: the most allowed is Rp1.000.000.000."), field=field)
    return amount


def parse_quantity(text: str | int | float | None, field: str = N_("Quantity"), allow_zero: bool = False) -> int:
    """A whole count of units typed by a person or read from a cell (never "1.5"), at most 100.000."""
    return read_count(text, field, allow_zero)


def check_quantity(quantity: int, field: str = N_("Quantity"), allow_zero: bool = False) -> int:
    if quantity < 0 or (quantity == 0 and not allow_zero):
        raise UserError(N_("{field} must be more than zero.") if not allow_zero
                        else N_("{field} cannot be negative."), field=field)
    if quantity > MAX_QUANTITY:
        raise UserError(N_("{field} is too large: the most allowed is 100.000."), field=field)
    return quantity
