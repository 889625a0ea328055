"""Kill cycles for kasbon payments: an app process (credit_kill_child.py) receiving payments against customers'
kasbon, with new kasbon sales between, is SIGKILLed inside a payment again and again. After every kill the file
is opened as a restarted app opens it, and the promises are checked against the campaign's own tally of what the
child asked for and what it said committed:

- each payment is recorded once or not at all (asked and committed: one row; asked and cut off: none or one;
  refused: none; pressed again with the same id: still one; no row the child never asked for);
- a kasbon sale or its void cut off is there whole or not at all (a void takes off at most the sale's kasbon);
- what each customer owes = Σ kasbon − Σ payments − Σ taken off by voids (the tally and the rows), and the
  store's sum, the customer list, the debt page's maths and the rows all say the same, never below zero;
- `companion doctor` passes on the file.

Its rows are the area "kill cycles: kasbon payments" (an entry of bench/reliability/__main__.py's AREAS).
"""

from __future__ import annotations

import random
import signal
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bench.reliability import settle_checks as checks
from bench.reliability.child_output import ChildOutput
from bench.reliability.practice_shop import child_env, python
from bench.reliability.trials import Trial
from companion.domain.clock import local_day, now_utc
from companion.domain.credit import unpaid_total
from companion.domain.payments import Payment
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput
from companion.services.credit import customer_credit
from companion.services.customers import add_customer
from companion.services.products import add_product
from companion.services.sales import record_sale
from companion.store import credit as credit_store
from companion.store import customers as customer_store
from companion.store.database import Database, close_thread_databases, open_database
from companion.store.location import db_path

AREA = "kill cycles: kasbon payments"
CUSTOMERS = 3
OPENING_UNITS = 100  # each customer starts owing 100 × Rp10.000
UNIT = 10_000
START_TIMEOUT = 30.0
RESTART = "the app starts again and runs until killed (inside kasbon payments)"
ONCE = "kasbon payment recorded once or not at all (same press again: still once)"
WHOLE = "kasbon sale or its void cut off by a kill: there whole or not at all"
OWED = "owed = kasbon − payments − voids (tally, store sum, customer list, debt page, rows), never below 0"
DOCTOR = "companion doctor clean (kasbon shop)"


@dataclass
class Tally:
    payments: dict[str, tuple[str, int]] = field(default_factory=dict)  # asked: id → (customer, amount)
    paid: set[str] = field(default_factory=set)
    refused: set[str] = field(default_factory=set)
    presses: int = 0  # payment presses asked, the same id again included
    sales: dict[str, tuple[str, int]] = field(default_factory=dict)  # asked kasbon sales: id → (customer, amount)
    sold: set[str] = field(default_factory=set)
    voided: set[str] = field(default_factory=set)  # kasbon sales the child said it cancelled
    opening: dict[str, int] = field(default_factory=dict)  # customer → the setup's kasbon
    took: list[float] = field(default_factory=list)  # seconds a payment took (to aim the kill inside one)
    rows: dict[str, Trial] = field(default_factory=dict)

    def add(self, what: str, tried: int, failures: list[str], detail: str = "") -> None:
        row = self.rows.setdefault(what, Trial(AREA, what, 0, 0))
        row.tried += tried
        row.held += max(0, tried - len(failures))
        row.failures += failures
        if detail:
            row.detail = detail

    def read(self, lines: list[tuple[float, str]]) -> tuple[str, str, int] | None:
        """Take in one child's lines; returns the payment the kill cut off (id, customer, amount), if any."""
        cut: tuple[str, str, int] | None = None
        started = 0.0
        for at, line in lines:
            word, *rest = line.split()
            if word == ">" and rest[0] == "pay":
                customer, amount, pid = rest[1], int(rest[2]), rest[3]
                self.payments.setdefault(pid, (customer, amount))
                self.presses += 1
                cut, started = (pid, customer, amount), at
            elif word == ">" and rest[0] == "kasbon":
                self.sales[rest[3]] = (rest[1], int(rest[2]))
            elif word == "paid":
                self.paid.add(rest[0])
                self.took.append(at - started)
                cut = None
            elif word == "refused":
                self.refused.add(rest[0])
                cut = None
            elif word == "kasbon":
                self.sold.add(rest[0])
            elif word == "void":
                self.voided.add(rest[0])
        return cut


def _set_up(folder: Path) -> dict[str, int]:
    """A shop with one product and customers who each owe Rp1.000.000 on kasbon."""
    folder.mkdir(parents=True, exist_ok=True)
    db = open_database(db_path(folder))
    try:
        pid, _ = add_product(db, ProductInput(sku="KASBON-1", name="Beras 1 kg", sell_price=UNIT), 100_000)
        due = local_day(now_utc()) + timedelta(days=7)
        opening = {}
        for n in range(CUSTOMERS):
            cid, _ = add_customer(db, f"Pelanggan {n + 1}", f"0812-0000-00{n:02d}")
            record_sale(db, [LineInput(pid, OPENING_UNITS, UNIT)],
                        payment=Payment({}, credit=OPENING_UNITS * UNIT, customer_id=cid, due_date=due))
            opening[cid] = OPENING_UNITS * UNIT
        return opening
    finally:
        db.close()
        close_thread_databases()


def _one_cycle(folder: Path, env: dict[str, str], seed: int, retry: tuple[str, str, int] | None,
               tally: Tally, rng: random.Random) -> tuple[str, tuple[str, str, int] | None]:
    """Start the child, kill it inside its n-th payment; (why it did not run until the kill, the cut payment)."""
    args = [python(), "-m", "bench.reliability.credit_kill_child", str(folder), str(seed)]
    if retry is not None:
        args.append(":".join(map(str, retry)))
    child = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                             cwd=checks.ROOT)
    assert child.stdout is not None and child.stderr is not None
    out, err = ChildOutput(child.stdout), ChildOutput(child.stderr)
    why = ""
    found = out.wait_for(lambda line: line == "ready", START_TIMEOUT)
    for _ in range(rng.randint(1, 25)):
        found = None if found is None else out.wait_for(lambda line: line.startswith("> pay "), START_TIMEOUT,
                                                          found + 1)
    if found is None:
        why = f"no payment within {START_TIMEOUT:.0f} s"
    else:
        took = statistics.median(tally.took) if tally.took else 0.01
        time.sleep(rng.uniform(0, took * 1.2))
    if child.poll() is None:
        child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    err.finish()
    out.finish()
    if child.returncode != -signal.SIGKILL:
        why = why or f"exited by itself ({child.returncode}): {(err.finish() or ['?'])[-1]}"
    return why, tally.read(out.lines)


def _payment_faults(db: Database, tally: Tally) -> list[str]:
    """Each asked payment: one row when it committed, none when refused, at most one when cut; nothing unasked."""
    rows = {r.id: r for cid in tally.opening for r in credit_store.payments(db, cid)}
    faults = [f"payment {pid} was never asked for" for pid in rows if pid not in tally.payments]
    for pid, (customer, amount) in tally.payments.items():
        row = rows.get(pid)
        if pid in tally.paid and row is None:
            faults.append(f"payment {pid} said paid but is not recorded")
        if pid in tally.refused and pid not in tally.paid and row is not None:
            faults.append(f"payment {pid} was refused but is recorded")
        if row is not None and row.amount != amount:
            faults.append(f"payment {pid}: recorded Rp{row.amount}, asked Rp{amount} of {customer}")
    return faults


def _sale_faults(db: Database, tally: Tally) -> list[str]:
    present = {s.sale_id: s for cid in tally.opening for s in credit_store.kasbon_sales(db, cid)}
    faults = [f"kasbon sale {s} said saved but is missing" for s in tally.sold if s not in present]
    for sale_id, (_customer, amount) in tally.sales.items():
        sale = present.get(sale_id)
        if sale is not None and (sale.credit_amount != amount or sale.total != amount):
            faults.append(f"kasbon sale {sale_id}: kasbon Rp{sale.credit_amount} of Rp{sale.total}, asked Rp{amount}")
    for sale in present.values():
        if sale.taken_off > sale.credit_amount or (sale.taken_off and not sale.voided):
            faults.append(f"kasbon sale {sale.sale_id}: Rp{sale.taken_off} taken off its Rp{sale.credit_amount}")
    faults += [f"void of {s} said saved but is missing" for s in tally.voided
               if s in present and not present[s].voided]
    return faults


def _owed_faults(db: Database, tally: Tally) -> list[str]:
    """Every reading of each customer's owed against the tally of the rows that are there."""
    faults = []
    lines = {line.id: line.owed for line in customer_store.search(db, "", limit=100)}
    for cid, opening in tally.opening.items():
        kasbon = sum(s.credit_amount for s in credit_store.kasbon_sales(db, cid))
        asked_sales = opening + sum(a for s, (c, a) in tally.sales.items() if c == cid
                                    and any(k.sale_id == s for k in credit_store.kasbon_sales(db, cid)))
        paid = sum(p.amount for p in credit_store.payments(db, cid))
        taken_off = sum(r.amount for r in credit_store.reductions(db, cid))
        expected = asked_sales - paid - taken_off
        credit = customer_credit(db, cid)
        readings = {"store sum": credit_store.owed(db, cid), "customer list": lines.get(cid),
                    "debt page": credit.state.owed, "open kasbon": unpaid_total(credit.state),
                    "rows": kasbon - paid - taken_off}
        wrong = {k: v for k, v in readings.items() if v != expected}
        if wrong or expected < 0:
            faults.append(f"customer {cid}: expected Rp{expected}, " + ", ".join(f"{k} Rp{v}" for k, v in
                                                                               wrong.items()))
    if db.scalar("PRAGMA integrity_check") != "ok":
        faults.append("integrity check failed")
    return faults


def run(quick: bool, work: Path, seed: int | None = None) -> list[Trial]:
    """10 cycles (quick) or 60; one Trial per promise."""
    cycles = 10 if quick else 60
    seed = random.SystemRandom().randrange(1 << 30) if seed is None else seed
    print(f"kasbon kill cycles: {cycles} cycles, seed {seed}", flush=True)
    rng = random.Random(seed)
    folder = work / "kasbon-shop"
    tally = Tally(opening=_set_up(folder))
    env = child_env()
    retry: tuple[str, str, int] | None = None
    cut_payments = cut_committed = 0
    for n in range(1, cycles + 1):
        why, retry = _one_cycle(folder, env, rng.randrange(1 << 30), retry, tally, rng)
        cut_payments += retry is not None
        tally.add(RESTART, 1, [f"cycle {n}: {why}"] if why else [])
        db = open_database(db_path(folder))
        try:
            tally.add(ONCE, 0, _payment_faults(db, tally))
            tally.add(WHOLE, 0, _sale_faults(db, tally))
            tally.add(OWED, CUSTOMERS, _owed_faults(db, tally))
            cut_committed += retry is not None and credit_store.payment_exists(db, retry[0])
        finally:
            db.close()
            close_thread_databases()
        if n % 5 == 0 or n == cycles:
            tally.add(DOCTOR, 1, checks.doctor(folder, env))
    once = tally.rows[ONCE]
    once.tried = once.held = tally.presses
    once.held -= len(set(once.failures))
    once.detail = (f"{tally.presses} presses, {len(tally.paid)} payments committed, {len(tally.refused)} refused "
                   f"(more than the debt), {cut_payments} cut off by a kill ({cut_committed} of them had committed "
                   "before it) and pressed again by the next start")
    whole = tally.rows[WHOLE]
    whole.tried = whole.held = len(tally.sales)
    whole.held -= len(set(whole.failures))
    whole.detail = (f"{len(tally.sales)} kasbon sales asked, {len(tally.sold)} committed; {len(tally.voided)} "
                    "cancelled (their unpaid part off the debt, checked against the rows)")
    tally.rows[OWED].detail = f"{CUSTOMERS} customers checked after each of {cycles} kills"
    tally.rows[RESTART].detail = f"{cycles} SIGKILLs, each inside or right after a payment"
    return [tally.rows[k] for k in (RESTART, ONCE, WHOLE, OWED, DOCTOR)]
