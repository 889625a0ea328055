"""How a counter sale was paid, in the shop's words: "Tunai Rp20.000 + QRIS Rp30.000", "Kasbon Rp50.000 · jatuh
tempo 14 Des". Read from the sale's own payment rows, so a split or kasbon sale never shows as one method."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from companion.domain.money import format_rupiah
from companion.domain.payments import CREDIT, SPLIT
from companion.domain.sale import PaymentMethod
from companion.i18n import N_, babel_locale, tr
from companion.store.sales import SaleRow

_SUMMARY_WORDS = {SPLIT: N_("Mixed"), CREDIT: N_("Kasbon")}


def method_label(code: str) -> str:
    """One stored method code as a word ('campuran' and 'kasbon' included; an unknown code as it is)."""
    if code in _SUMMARY_WORDS:
        return tr(_SUMMARY_WORDS[code])
    try:
        return PaymentMethod(code).label()
    except ValueError:
        return code


def due_words(due_date: str | None) -> str:
    """ "14 Des 2026" for a stored YYYY-MM-DD ("" when there is none or it cannot be read)."""
    try:
        day = date.fromisoformat(due_date or "")
    except ValueError:
        return ""
    return format_date(day, format="d MMM yyyy", locale=babel_locale())


def payments_text(sale: SaleRow) -> str:
    """Every way the sale was paid, joined with "+", then its kasbon and when it is due."""
    parts = [f"{method_label(p.method)} {format_rupiah(p.amount)}" for p in sale.payments if p.amount]
    if sale.credit_amount:
        parts.append(tr("Kasbon {amount} · due {day}", amount=format_rupiah(sale.credit_amount),
                        day=due_words(sale.due_date)))
    if not parts:  # a free sale (total 0)
        return method_label(sale.payment_method)
    if len(parts) == 1 and not sale.credit_amount and len(sale.payments) == 1:
        return method_label(sale.payments[0].method)  # one method paid it all: its name says enough
    return " + ".join(parts)
