"""A stored counter sale as the facts its receipt shows (domain.receipt_doc), read in one place for every way the
receipt leaves the app: thermal printer, system printer, PDF, WhatsApp."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date, format_datetime

from companion.domain.clock import parse_stamp, shop_zone
from companion.domain.errors import NotFound
from companion.domain.print_doc import PrintDoc
from companion.domain.receipt_doc import ReceiptFacts, ReceiptLine, ReceiptPayment, receipt_doc
from companion.domain.sale import PaymentMethod
from companion.domain.settings_keys import (
    RECEIPT_ADDRESS,
    RECEIPT_FOOTER,
    RECEIPT_LOGO,
    RECEIPT_PHONE,
    SHOP_NAME,
    TIME_ZONE,
)
from companion.i18n import N_, babel_locale
from companion.store import cashiers as cashier_store
from companion.store import customers as customer_store
from companion.store import sales as sale_store
from companion.store import settings as settings_store
from companion.store.database import Database
from companion.store.sales import SaleRow


def receipt_time(created_at: str, zone: str) -> str:
    """The sale's moment in the shop's own zone, e.g. "28 Nov 2026 14.05 WIB"."""
    local = parse_stamp(created_at).astimezone(shop_zone(zone))
    return f"{format_datetime(local, 'd MMM yyyy HH.mm', locale=babel_locale())} {zone}"


def sale_facts(db: Database, sale: SaleRow) -> ReceiptFacts:
    """What the receipt of `sale` shows, with the shop's header and footer from its settings."""
    lines = tuple(ReceiptLine(x.name, x.quantity, x.unit_price, x.line_discount, x.line_total, x.returned)
                  for x in sale.lines)
    payments = tuple(ReceiptPayment(p.method, p.amount, p.tendered) for p in sale.payments)
    return ReceiptFacts(
        shop_name=settings_store.get(db, SHOP_NAME), address=settings_store.get(db, RECEIPT_ADDRESS),
        phone=settings_store.get(db, RECEIPT_PHONE), footer=settings_store.get(db, RECEIPT_FOOTER),
        number=sale.number, time_text=receipt_time(sale.created_at, settings_store.get(db, TIME_ZONE)),
        cashier=_cashier(db, sale.cashier_id), lines=lines, subtotal=sale.subtotal, discount=sale.sale_discount,
        total=sale.total, payments=payments, change=sale.change_given, credit=sale.credit_amount,
        due_text=_due(sale.due_date), customer=_customer(db, sale.customer_id),
        logo=bool(settings_store.get(db, RECEIPT_LOGO)), voided=sale.voided, void_reason=sale.void_reason or "")


def sale_receipt(db: Database, sale_id: str, open_drawer: bool = False) -> PrintDoc:
    """The receipt of a stored sale; the drawer opens only when asked and some of it was paid in cash."""
    sale = sale_store.get(db, sale_id)
    if sale is None:
        raise NotFound(N_("This sale is no longer in the shop's record: open today's sales and choose it again."))
    cash = any(p.method == PaymentMethod.CASH and p.amount for p in sale.payments)
    return receipt_doc(sale_facts(db, sale), open_drawer=open_drawer and cash)


def _cashier(db: Database, cashier_id: str | None) -> str:
    row = cashier_store.get(db, cashier_id) if cashier_id else None
    return row.name if row else ""


def _customer(db: Database, customer_id: str | None) -> str:
    row = customer_store.get(db, customer_id) if customer_id else None
    return row.name if row else ""


def _due(due_date: str | None) -> str:
    if not due_date:
        return ""
    try:
        return format_date(date.fromisoformat(due_date), "d MMM yyyy", locale=babel_locale())
    except ValueError:
        return due_date
