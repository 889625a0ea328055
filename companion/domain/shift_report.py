"""The shift report as a print document: who opened and closed it and when, the opening cash, sales by method,
kasbon given and paid, refunds, and per method what was expected against what was counted, with the difference
and its reason. Pure: the facts come in, a PrintDoc goes out (the printing side renders it at 32 or 48 columns)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from babel.dates import format_datetime

from companion.domain.clock import parse_stamp, shop_zone
from companion.domain.money import format_rupiah
from companion.domain.print_doc import Align, Feed, Item, Pair, PrintDoc, Rule, Text
from companion.domain.sale import PaymentMethod
from companion.domain.shifts import CASH, QRIS, TRANSFER, Close, ShiftActivity, ShiftMoney, differences
from companion.i18n import N_, babel_locale, tr

METHOD_ORDER = (PaymentMethod.CASH, PaymentMethod.QRIS, PaymentMethod.TRANSFER, PaymentMethod.OTHER)


@dataclass(frozen=True)
class ShiftReportFacts:
    shop_name: str
    zone: str  # WIB, WITA or WIT: times are printed in it
    opened_at: str  # UTC stamp
    opened_by: str  # the cashier's name ("" when none)
    money: ShiftMoney
    activity: ShiftActivity
    close: Close | None = None  # None: the shift is still open (a report so far)
    closed_at: str = ""
    closed_by: str = ""


def shift_report_doc(facts: ShiftReportFacts) -> PrintDoc:
    """The whole report, top to bottom."""
    items: list[Item] = [Text(tr("SHIFT REPORT"), Align.CENTER, bold=True)]
    if facts.shop_name:
        items.append(Text(facts.shop_name, Align.CENTER))
    items += [Rule(), *_who(facts), Rule(), *_sales(facts), Rule(), *_kasbon(facts), Rule(), *_refunds(facts),
              Rule(), *_count(facts), Feed(2)]
    return PrintDoc(tuple(items), cut=True, open_drawer=False, title=tr("Shift report"))


def _when(stamp_text: str, zone: str) -> str:
    local = parse_stamp(stamp_text).astimezone(shop_zone(zone))
    return f"{format_datetime(local, 'd MMM yyyy HH.mm', locale=babel_locale())} {zone}"


def _who(facts: ShiftReportFacts) -> list[Item]:
    items: list[Item] = [Pair(tr("Opened"), _when(facts.opened_at, facts.zone))]
    if facts.opened_by:
        items.append(Pair(tr("By"), facts.opened_by))
    if facts.closed_at:
        items.append(Pair(tr("Closed"), _when(facts.closed_at, facts.zone)))
        if facts.closed_by:
            items.append(Pair(tr("By"), facts.closed_by))
    else:
        items.append(Text(tr("Still open: a report so far.")))
    items.append(Pair(tr("Opening cash"), format_rupiah(facts.money.opening_cash), bold=True))
    return items


def _by_method(amounts: Mapping[str, int]) -> list[Item]:
    """One indented line per method that has an amount, in the counter's order."""
    return [Pair(f"  {method.label()}", format_rupiah(int(amounts[method.value])))
            for method in METHOD_ORDER if amounts.get(method.value)]


def _sales(facts: ShiftReportFacts) -> list[Item]:
    a = facts.activity
    return [Text(tr("SALES"), bold=True), Pair(tr("Number of sales"), str(a.sale_count)),
            Pair(tr("Sales total"), format_rupiah(a.sale_total), bold=True), *_by_method(facts.money.sales),
            Pair(tr("Kasbon given"), format_rupiah(a.kasbon_given))]


def _kasbon(facts: ShiftReportFacts) -> list[Item]:
    paid = facts.money.kasbon_payments
    return [Text(tr("KASBON PAYMENTS RECEIVED"), bold=True),
            Pair(tr("Total"), format_rupiah(sum(paid.values()))), *_by_method(paid)]


def _refunds(facts: ShiftReportFacts) -> list[Item]:
    a, m = facts.activity, facts.money
    return [Text(tr("REFUNDS"), bold=True),
            Pair(tr("Voided sales ({count})", count=a.void_count), format_rupiah(a.void_total)),
            Pair(tr("Returned items ({count})", count=a.return_count), format_rupiah(a.return_total)),
            Pair(tr("Cash paid back"), format_rupiah(m.void_refund_cash + m.return_refund_cash))]


def _count(facts: ShiftReportFacts) -> list[Item]:
    close = facts.close
    if close is None:
        return []
    items: list[Item] = [Text(tr("EXPECTED AND COUNTED"), bold=True)]
    diffs = differences(close.expected, close.counted)
    for method, name, exp, counted in ((CASH, N_("Cash"), close.expected.cash, close.counted.cash),
                                       (QRIS, N_("QRIS"), close.expected.qris, close.counted.qris),
                                       (TRANSFER, N_("Transfer"), close.expected.transfer, close.counted.transfer)):
        items.append(Text(tr(name), bold=True))
        items.append(Pair(f"  {tr('Expected')}", format_rupiah(exp)))
        if counted is None:
            items.append(Pair(f"  {tr('Counted')}", tr("not counted")))
            continue
        items += [Pair(f"  {tr('Counted')}", format_rupiah(counted)),
                  Pair(f"  {tr('Difference')}", difference_words(diffs[method]))]
    items += [Rule(), Pair(tr("Total difference"), difference_words(close.difference), bold=True)]
    if close.reason:
        items.append(Text(tr("Reason: {reason}", reason=close.reason)))
    return items


def difference_words(amount: int) -> str:
    """"pas", "kurang Rp5.000" or "lebih Rp2.000"."""
    if amount == 0:
        return tr("matches")
    if amount < 0:
        return tr("short {amount}", amount=format_rupiah(-amount))
    return tr("over {amount}", amount=format_rupiah(amount))
