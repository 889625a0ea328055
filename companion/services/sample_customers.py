"""The sample shop's regular buyers and their kasbon (for the screenshots and the layout checks): one late, one
not yet due, one paid off, one who never took kasbon."""

from __future__ import annotations

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

# (name, phone, notes, kasbon sales: (days ago, hour, products (index, qty), cash paid now, due after days),
#  payments: amounts)
CUSTOMERS = [
    ("Bu Ani", "0812-3456-7890", "Warung sebelah masjid, biasanya bayar hari Jumat.",
     [(12, 9, [(0, 2), (3, 1)], 0, 7), (4, 17, [(1, 3)], 20_000, 7)], [30_000]),
    ("Pak Budi Santoso", "+62 813 1111 2222", "", [(2, 10, [(2, 2)], 0, 14)], []),
    ("Mbak Sari", "0857 7000 1234", "Pesan kue untuk arisan.", [(9, 15, [(4, 1)], 0, 7)], ["all"]),
    ("Pak Joko (bengkel)", "", "", [], []),
]


def fill_sample_customers(db: Database, now: datetime | None = None) -> Change:
    """Add the sample customers with their kasbon sales (back-dated) and payments; the shop must have products."""
    moment = now or now_utc()
    zone = shop_zone(settings_store.get(db, TIME_ZONE))
    today = moment.astimezone(zone).date()
    products = product_store.search(db, "", limit=10)
    change = Change()
    with db.write():
        for name, phone, notes, sales, payments in CUSTOMERS:
            customer_id, added = add_customer(db, name, phone, notes)
            change |= added
            for days_ago, hour, items, cash, due_after in sales:
                lines = [LineInput(products[i].id, qty, products[i].sell_price) for i, qty in items]
                total = sum(line.total for line in lines)
                day = today - timedelta(days=days_ago)
                when = datetime.combine(day, time(hour, 5), tzinfo=zone)
                payment = Payment({}, cash_given=cash or None, credit=total - cash, customer_id=customer_id,
                                  due_date=day + timedelta(days=due_after))
                change |= record_sale(db, lines, payment=payment, now=when).change
            for amount in payments:
                owed = credit_store.owed(db, customer_id)
                change |= pay_credit(db, customer_id, owed if amount == "all" else int(amount),
                                     PaymentMethod.CASH, "")
    return change
