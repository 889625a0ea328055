"""A shift in words for the screen: when and by whom it opened, times in the shop's zone (no widgets)."""

from __future__ import annotations

from babel.dates import format_datetime

from companion.domain.clock import now_utc, parse_stamp, shop_zone
from companion.domain.money import format_rupiah
from companion.domain.settings_keys import TIME_ZONE
from companion.domain.shift_report import difference_words
from companion.gui.context import AppContext
from companion.i18n import babel_locale, tr
from companion.store.shifts import ShiftRow


def moment_text(ctx: AppContext, stamp_text: str) -> str:
    """"08.00" today, "Sen, 7 Des 08.00" another day."""
    zone = shop_zone(ctx.setting(TIME_ZONE))
    local = parse_stamp(stamp_text).astimezone(zone)
    if local.date() == now_utc().astimezone(zone).date():
        return format_datetime(local, "HH.mm", locale=babel_locale())
    return format_datetime(local, "EEE, d MMM HH.mm", locale=babel_locale())


def opened_text(ctx: AppContext, shift: ShiftRow) -> str:
    """"Shift dibuka 08.00 oleh Ani · Kas awal Rp200.000" (without "oleh …" when no cashier opened it)."""
    when = moment_text(ctx, shift.opened_at)
    head = (tr("Shift opened {time} by {name}", time=when, name=shift.opened_by_name) if shift.opened_by_name
            else tr("Shift opened {time}", time=when))
    return f"{head} · {tr('Opening cash {amount}', amount=format_rupiah(shift.opening_cash))}"



def difference_text(amount: int) -> str:
    """"pas", "kurang Rp5.000" or "lebih Rp2.000" (the report's words)."""
    return difference_words(amount)
