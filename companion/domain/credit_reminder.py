"""The kasbon reminder a shop sends by WhatsApp: polite, short, in the shop's language, with the shop's name, what
is owed and the oldest due date. The shop can edit it before it is opened in WhatsApp."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from companion.domain.money import format_rupiah
from companion.i18n import babel_locale, tr


def day_text(day: date) -> str:
    """5 Des 2026 / 5 Dec 2026: the shop's dates in messages and lists."""
    return format_date(day, format="d MMM y", locale=babel_locale())


def reminder_text(shop_name: str, customer: str, owed: int, oldest_due: date | None, today: date) -> str:
    """The reminder's words; the due date sentence says whether it has passed, is today or is still ahead."""
    shop = shop_name.strip() or tr("our shop")
    lines = [tr("Hello {name},", name=customer), ""]
    lines.append(tr("This is {shop}. A friendly reminder that your kasbon with us is {amount}.",
                    shop=shop, amount=format_rupiah(owed)))
    if oldest_due is not None:
        if oldest_due < today:
            lines.append(tr("It was due on {day}.", day=day_text(oldest_due)))
        elif oldest_due == today:
            lines.append(tr("It is due today, {day}.", day=day_text(oldest_due)))
        else:
            lines.append(tr("It is due on {day}.", day=day_text(oldest_due)))
    lines += ["", tr("You can pay at the shop or by transfer/QRIS. Thank you!"), "", shop]
    return "\n".join(lines)


def payment_note_text(shop_name: str, customer: str, paid: int, left: int, day: date) -> str:
    """A short note after a kasbon payment, for sending by WhatsApp as the customer's receipt."""
    shop = shop_name.strip() or tr("our shop")
    lines = [tr("Hello {name},", name=customer), "",
             tr("{shop} received your kasbon payment of {amount} on {day}.", shop=shop,
                amount=format_rupiah(paid), day=day_text(day))]
    lines.append(tr("Your kasbon is now paid in full.") if left <= 0
                 else tr("Still to pay: {amount}.", amount=format_rupiah(left)))
    lines += ["", tr("Thank you!"), shop]
    return "\n".join(lines)
