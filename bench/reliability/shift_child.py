"""The app process the shift kill cycles SIGKILL: `python -m bench.reliability.shift_child DATA_DIR SEED`.

Counter work through the real services, one action at a time, until it is killed: a shift opened when none is,
sales paid in cash (with change), split cash + QRIS, transfer or partly on kasbon, kasbon paid back, voids and
returns, and the shift closed with a count that is sometimes off (then with a reason). Before each action it
prints "> kind …", after its commit what committed, so the campaign can aim its kill inside a close and check
every confirmed action is there:
  > open                       ready
  > open_shift CASH            opened <shift id>
  > sale                       sale <sale id>
  > pay <payment id>           paid <payment id> | paid none
  > void <sale id>             void <sale id>
  > return <sale id>           return <sale id>
  > close <shift id>           closed <shift id> <difference>
"""

from __future__ import annotations

import random
import sys
from datetime import timedelta
from pathlib import Path

from companion.domain.clock import local_day, now_utc
from companion.domain.errors import UserError
from companion.domain.ids import new_id
from companion.domain.payments import Payment
from companion.domain.sale import LineInput, PaymentMethod
from companion.domain.shifts import expected
from companion.services import sales as sale_service
from companion.services import shifts as shift_service
from companion.services.credit import pay_credit
from companion.store import customers as customer_store
from companion.store import products as product_store
from companion.store import sales as sale_store
from companion.store import shifts as shift_store
from companion.store.database import Database, open_database
from companion.store.location import db_path

REASON = "selisih uji "  # + a tag: a close that did not add up says why


def say(line: str) -> None:
    print(line, flush=True)


class ShiftChild:
    def __init__(self, data_dir: Path, seed: int) -> None:
        self.rng = random.Random(seed)
        say("> open")
        self.db: Database = open_database(db_path(data_dir))
        self.products = product_store.all_products(self.db)
        self.customers = [c.id for c in customer_store.search(self.db, "", 50)]
        self.sold: list[str] = []  # sales of this process, for voids and returns

    def step(self) -> None:
        shift_id = shift_store.open_shift_id(self.db)
        if shift_id is None:
            self.open_shift()
            return
        roll = self.rng.random()
        if roll < 0.55:
            self.sale()
        elif roll < 0.67:
            self.pay()
        elif roll < 0.74:
            self.void()
        elif roll < 0.82:
            self.give_back()
        else:
            self.close(shift_id)

    def open_shift(self) -> None:
        cash = self.rng.choice([0, 50_000, 100_000, 200_000, 350_500])
        say(f"> open_shift {cash}")
        shift_id, _ = shift_service.open_shift(self.db, cash)
        say(f"opened {shift_id}")

    def _payment(self, total: int) -> Payment:
        """Cash with change, exact cash, cash + QRIS, transfer, or part on kasbon (when a customer exists)."""
        kind = self.rng.choice(["cash", "exact", "split", "transfer", "kasbon"])
        due = local_day(now_utc()) + timedelta(days=7)
        if kind == "cash":
            return Payment({}, cash_given=total + self.rng.choice([0, 500, 2_000, 10_000]))
        if kind == "split" and total > 1:
            return Payment({PaymentMethod.QRIS: total // 2}, cash_given=total - total // 2 + 1_000)
        if kind == "transfer":
            return Payment({PaymentMethod.TRANSFER: -1})
        if kind == "kasbon" and self.customers:
            credit = self.rng.randint(1, total)
            return Payment({}, credit=credit, customer_id=self.rng.choice(self.customers), due_date=due)
        return Payment({})

    def sale(self) -> None:
        chosen = self.rng.sample(self.products, self.rng.randint(1, 2))
        lines = [LineInput(p.id, self.rng.randint(1, 3), p.sell_price) for p in chosen]
        total = sum(x.quantity * x.unit_price for x in lines)
        sale_id = new_id()
        say(f"> sale {sale_id}")
        sale_service.record_sale(self.db, lines, sale_id=sale_id, payment=self._payment(total))
        self.sold.append(sale_id)
        say(f"sale {sale_id}")

    def pay(self) -> None:
        owing = [c for c in customer_store.search(self.db, "", 50) if c.owed > 0]
        payment_id = new_id()
        say(f"> pay {payment_id}")
        if not owing:
            say("paid none")
            return
        customer = self.rng.choice(owing)
        method = self.rng.choice([PaymentMethod.CASH, PaymentMethod.QRIS, PaymentMethod.TRANSFER])
        pay_credit(self.db, customer.id, self.rng.randint(1, customer.owed), method, payment_id=payment_id)
        say(f"paid {payment_id}")

    def void(self) -> None:
        if not self.sold:
            return
        sale_id = self.rng.choice(self.sold)
        say(f"> void {sale_id}")
        try:
            sale_service.void_sale(self.db, sale_id, "uji batal")
        except UserError:  # already voided or returned: nothing written
            say("void refused")
            return
        say(f"void {sale_id}")

    def give_back(self) -> None:
        if not self.sold:
            return
        sale_id = self.rng.choice(self.sold)
        sale = sale_store.get(self.db, sale_id)
        left = [line for line in sale.lines if line.quantity > line.returned] if sale and not sale.voided else []
        say(f"> return {sale_id}")
        if not left:
            say("return refused")
            return
        line = self.rng.choice(left)
        sale_service.return_items(self.db, sale_id, {line.id: 1}, "uji retur")
        say(f"return {sale_id}")

    def close(self, shift_id: str) -> None:
        exp = expected(shift_store.money(self.db, shift_id))
        off = self.rng.choice([0, 0, 0, -5_000, 2_000])
        counted = max(0, exp.cash + off)
        qris = exp.qris if self.rng.random() < 0.5 else None
        say(f"> close {shift_id}")
        done, _ = shift_service.close_shift(self.db, shift_id, counted, qris, None,
                                            REASON + shift_id[-6:] if counted != exp.cash else "")
        say(f"closed {shift_id} {done.difference}")


def main(argv: list[str]) -> int:
    child = ShiftChild(Path(argv[0]), int(argv[1]))
    say("ready")
    while True:
        child.step()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
