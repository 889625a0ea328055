"""A counter sale's receipt (struk) as a PrintDoc: the same paper on the thermal printer, the system printer, the PDF
and the WhatsApp text.

ReceiptFacts holds everything the receipt shows, already read and worded where it needs the shop's zone (the time,
the due date); building it from a stored sale is services/receipts.py's work, so this stays pure. Split payments
show one line per method, cash with what was handed over and the change; a kasbon sale shows what is left on
credit, for whom and until when.
"""

from __future__ import annotations

from dataclasses import dataclass

from companion.domain.money import format_quantity, format_rupiah
from companion.domain.print_doc import Align, Feed, Item, Logo, Pair, PrintDoc, Rule, Text
from companion.domain.sale import PaymentMethod
from companion.i18n import tr


@dataclass(frozen=True)
class ReceiptLine:
    name: str
    quantity: int
    unit_price: int
    discount: int  # off this line
    total: int
    returned: int = 0  # units brought back since (a reprint shows them)


@dataclass(frozen=True)
class ReceiptPayment:
    method: str  # a PaymentMethod value (tunai, qris, transfer, lainnya)
    amount: int  # what counts towards the sale
    tendered: int  # what was handed over (cash: with the change)


@dataclass(frozen=True)
class ReceiptFacts:
    shop_name: str
    address: str
    phone: str
    footer: str  # "" = the usual thank-you
    number: str  # the sale's receipt number, e.g. 20261128-0007
    time_text: str  # the sale's moment in the shop's zone, worded ("28 Nov 2026 14.05 WIB")
    cashier: str  # "" = not recorded
    lines: tuple[ReceiptLine, ...]
    subtotal: int
    discount: int  # off the whole sale
    total: int
    payments: tuple[ReceiptPayment, ...]
    change: int
    credit: int = 0  # left on kasbon
    due_text: str = ""  # the kasbon's due date, worded
    customer: str = ""  # the buyer's name when known (always with kasbon)
    logo: bool = False  # the shop has a logo picture for the top
    voided: bool = False
    void_reason: str = ""


def receipt_doc(facts: ReceiptFacts, open_drawer: bool = False) -> PrintDoc:
    """The receipt, top to bottom; `open_drawer` when the sale took cash and the drawer should open."""
    items: list[Item] = [*_header(facts), Rule(), *_lines(facts), Rule(), *_money(facts), Rule()]
    items.append(Text(facts.footer or tr("Thank you for shopping!"), Align.CENTER))
    items.append(Feed())
    return PrintDoc(tuple(items), cut=True, open_drawer=open_drawer,
                    title=tr("Receipt {number}", number=facts.number))


def _header(facts: ReceiptFacts) -> list[Item]:
    items: list[Item] = [Logo()] if facts.logo else []
    items.append(Text(facts.shop_name or "Seller Companion", Align.CENTER, bold=True, big=True))
    items.extend(Text(t, Align.CENTER) for t in (facts.address, facts.phone) if t.strip())
    items.append(Rule())
    items.append(Text(tr("Receipt {number}", number=facts.number)))
    items.append(Text(facts.time_text))
    if facts.cashier:
        items.append(Text(tr("Cashier: {name}", name=facts.cashier)))
    if facts.customer:
        items.append(Text(tr("Customer: {name}", name=facts.customer)))
    if facts.voided:
        items.append(Text(tr("CANCELLED"), Align.CENTER, bold=True, big=True))
        if facts.void_reason:
            items.append(Text(facts.void_reason, Align.CENTER))
    return items


def _lines(facts: ReceiptFacts) -> list[Item]:
    items: list[Item] = []
    for line in facts.lines:
        items.append(Text(line.name))
        items.append(Pair(f"  {format_quantity(line.quantity)} x {format_rupiah(line.unit_price)}",
                          format_rupiah(line.total)))
        if line.discount:
            items.append(Pair("  " + tr("Discount"), format_rupiah(-line.discount)))
        if line.returned:
            items.append(Text("  " + tr("{count} returned", count=format_quantity(line.returned))))
    return items


def _money(facts: ReceiptFacts) -> list[Item]:
    items: list[Item] = [Pair(tr("Subtotal"), format_rupiah(facts.subtotal))]
    if facts.discount:
        items.append(Pair(tr("Discount"), format_rupiah(-facts.discount)))
    items.append(Pair(tr("TOTAL"), format_rupiah(facts.total), bold=True))
    for payment in facts.payments:
        items.append(Pair(_method(payment.method), format_rupiah(payment.tendered or payment.amount)))
    if facts.change:
        items.append(Pair(tr("Change to give"), format_rupiah(facts.change)))
    if facts.credit:
        items.append(Pair(tr("Kasbon (owed)"), format_rupiah(facts.credit), bold=True))
        if facts.due_text:
            items.append(Text(tr("Pay by {date}", date=facts.due_text)))
    return items


def _method(method: str) -> str:
    try:
        return PaymentMethod(method).label()
    except ValueError:
        return method
