"""The app process the kasbon kill cycles SIGKILL: `python -m bench.reliability.credit_kill_child DATA_DIR SEED
[RETRY]`.

It receives kasbon payments through the real service, one at a time, until it is killed; now and then a new sale
on kasbon, a payment larger than the debt (refused), or the same press again (the same payment id). RETRY
(`PID:CID:AMOUNT`) is a payment whose fate the last kill left unknown: pressed again first, as a cashier would.

Before each action it prints what it asks for in full, after the commit what committed:
  > open                          ready
  > pay CID AMOUNT PID            paid PID | refused PID
  > kasbon CID AMOUNT SALEID      kasbon SALEID
  > void SALEID                   void SALEID      (a kasbon sale cancelled: its unpaid part comes off the debt)
"""

from __future__ import annotations

import random
import sys
import uuid
from datetime import timedelta
from pathlib import Path

from companion.domain.clock import local_day, now_utc
from companion.domain.errors import UserError
from companion.domain.payments import Payment
from companion.domain.sale import LineInput, PaymentMethod
from companion.services.credit import pay_credit
from companion.services.sales import record_sale, void_sale
from companion.store import credit as credit_store
from companion.store import customers as customer_store
from companion.store import products as product_store
from companion.store.database import Database, open_database
from companion.store.location import db_path

UNIT = 10_000  # the kasbon product's price: a kasbon sale is a whole number of units


def say(line: str) -> None:
    print(line, flush=True)


class Child:
    def __init__(self, data_dir: Path, seed: int) -> None:
        self.rng = random.Random(seed)
        say("> open")
        self.db: Database = open_database(db_path(data_dir))
        self.customers = [c.id for c in customer_store.search(self.db, "", limit=100)]
        self.product = product_store.search(self.db, "", limit=1)[0].id
        self.last: tuple[str, str, int] | None = None

    def pay(self, customer: str, amount: int, payment_id: str) -> None:
        say(f"> pay {customer} {amount} {payment_id}")
        try:
            pay_credit(self.db, customer, amount, self.rng.choice(list(PaymentMethod)), "kill cycle",
                       payment_id=payment_id)
        except UserError:
            say(f"refused {payment_id}")
            return
        say(f"paid {payment_id}")
        self.last = (payment_id, customer, amount)

    def step(self) -> None:
        roll = self.rng.random()
        customer = self.rng.choice(self.customers)
        owed = credit_store.owed(self.db, customer)
        if roll < 0.12 or owed <= 0:
            self.kasbon(customer, self.rng.randint(1, 30))
        elif roll < 0.15:
            self.void(customer)
        elif roll < 0.19 and self.last is not None:
            self.pay(self.last[1], self.last[2], self.last[0])  # the same press again
        elif roll < 0.24:
            self.pay(customer, owed + self.rng.randint(1, 5_000), uuid.uuid4().hex)  # more than the debt
        else:
            self.pay(customer, self.rng.randint(1, min(owed, 300_000)), uuid.uuid4().hex)

    def kasbon(self, customer: str, units: int) -> None:
        sale_id = uuid.uuid4().hex
        say(f"> kasbon {customer} {units * UNIT} {sale_id}")
        due = local_day(now_utc()) + timedelta(days=7)
        record_sale(self.db, [LineInput(self.product, units, UNIT)], sale_id=sale_id,
                    payment=Payment({}, credit=units * UNIT, customer_id=customer, due_date=due))
        say(f"kasbon {sale_id}")


    def void(self, customer: str) -> None:
        sales = [s for s in credit_store.kasbon_sales(self.db, customer) if not s.voided and not s.taken_off]
        if not sales:
            return
        sale_id = self.rng.choice(sales).sale_id
        say(f"> void {sale_id}")
        void_sale(self.db, sale_id, "kill cycle")
        say(f"void {sale_id}")


def main(argv: list[str]) -> int:
    child = Child(Path(argv[0]), int(argv[1]))
    say("ready")
    if len(argv) > 2:
        payment_id, customer, amount = argv[2].split(":")
        child.pay(customer, int(amount), payment_id)
    while True:
        child.step()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
