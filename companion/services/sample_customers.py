"""The sample shop's regular buyers and their kasbon (for the screenshots and the layout checks): one late, one
not yet due, one paid off, one who never took kasbon."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from companion.domain.clock import now_utc, shop_zone
from companion.domain.payments import Payment
from companion.domain.sale import LineInput, PaymentMethod
from companion.domain.settings_keys import TIME_ZONE
from companion.services.change import Change
from companion.services.credit import pay_credit
from companion.services.customers import add_customer
from companion.services.sales import record_sale
from companion.store import credit as credit_store
from companion.store import products as product_store
from companion.store import settings as settings_store
from companion.store.database import Database


@dataclass(frozen=True)
class SampleKasbon:
    days_ago: int
    hour: int
    items: tuple[tuple[int, int], ...]  # (index among the first products, quantity)
    cash: int  # paid at the counter, the rest on kasbon
    due_after: int  # days


@dataclass(frozen=True)
class SampleCustomer:
    name: str
    phone: str
    notes: str
    sales: tuple[SampleKasbon, ...] = ()
    payments: tuple[int | None, ...] = ()  # None: all that is owed


CUSTOMERS = (
    SampleCustomer("Bu Ani", "0812-3456-7890", "Warung sebelah masjid, biasanya bayar hari Jumat.",
                   (SampleKasbon(12, 9, ((0, 2), (3, 1)), 0, 7), SampleKasbon(4, 17, ((1, 3),), 20_000, 7)),
                   (30_000,)),
    SampleCustomer("Pak Budi Santoso", "+62 813 1111 2222", "", (SampleKasbon(2, 10, ((2, 2),), 0, 14),)),
    SampleCustomer("Mbak Sari", "0857 7000 1234", "Pesan kue untuk arisan.", (SampleKasbon(9, 15, ((4, 1),), 0, 7),),
                   (None,)),
    SampleCustomer("Pak Joko (bengkel)", "", ""),
)


def fill_sample_customers(db: Database, now: datetime | None = None) -> Change:
    """Add the sample customers with their kasbon sales (back-dated) and payments; the shop must have products."""
    moment = now or now_utc()
    zone = shop_zone(settings_store.get(db, TIME_ZONE))
    today = moment.astimezone(zone).date()
    products = product_store.search(db, "", limit=10)
    change = Change()
    with db.write():
        for sample in CUSTOMERS:
            customer_id, added = add_customer(db, sample.name, sample.phone, sample.notes)
            change |= added
            for k in sample.sales:
                lines = [LineInput(products[i].id, qty, products[i].sell_price) for i, qty in k.items]
                day = today - timedelta(days=k.days_ago)
                payment = Payment({}, cash_given=k.cash or None, credit=sum(x.total for x in lines) - k.cash,
                                  customer_id=customer_id, due_date=day + timedelta(days=k.due_after))
                when = datetime.combine(day, time(k.hour, 5), tzinfo=zone)
                change |= record_sale(db, lines, payment=payment, now=when).change
            for amount in sample.payments:
                paid = credit_store.owed(db, customer_id) if amount is None else amount
                change |= pay_credit(db, customer_id, paid, PaymentMethod.CASH)
    return change
