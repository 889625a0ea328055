"""Kill cycles for shift closes: a counter process (shift_child.py) opens shifts, sells (cash with change, cash +
QRIS, transfer, kasbon), takes kasbon payments, voids and returns, and closes shifts with a count sometimes off; it is
SIGKILLed again and again, half the time inside a close. After every kill the shop's file is read as the restarted
app finds it:
- at most one shift open, and every shift closed at most once;
- every close's expected cash, QRIS and transfer equal a recomputation from the rows carrying the shift's id, and its
  difference equals what was counted less that (a close never half-written, never counting a sale twice);
- every sale, payment, void and return the process confirmed is there, in the shift that was open when it was made
  (its time inside the shift's open..close);
- `companion doctor` clean every few cycles and at the end.
"""

from __future__ import annotations

import random
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.reliability import kill_plan
from bench.reliability.child_output import ChildOutput
from bench.reliability.practice_shop import ROOT, child_env, python
from bench.reliability.settle_checks import doctor
from bench.reliability.trials import Trial
from companion.domain.product import ProductInput
from companion.domain.shifts import Counted, difference, expected
from companion.services.customers import add_customer
from companion.services.products import add_product
from companion.store import shifts as shift_store
from companion.store.database import Database, close_thread_databases, open_database
from companion.store.location import db_path

AREA = "kill cycles"
START_TIMEOUT = 30.0
KILL_AFTER = (0.1, 1.2)
OPENING_STOCK = 100_000
PRODUCTS = {"SH-KOPI": ("Kopi Sachet", 2_500), "SH-TEH": ("Teh Botol", 5_000), "SH-BERAS": ("Beras 5 kg", 72_500)}
CUSTOMERS = ("Bu Ani", "Pak Budi", "Mbak Sari")
RESTART = "shifts: the counter starts again after a kill and runs until killed"
ONE_OPEN = "shifts: at most one shift open, each closed at most once"
EXPECTED = "shifts: every close's expected = a recomputation, difference = counted − expected"
CONFIRMED = "shifts: every confirmed sale, payment, void, return, open and close there, in its shift"
DOCTOR = "shifts: companion doctor clean"


@dataclass
class ShiftTally:
    rows: dict[str, Trial] = field(default_factory=dict)
    confirmed: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in
                                                                   ("opened", "closed", "sale", "paid", "void",
                                                                    "return")})
    kills: dict[str, int] = field(default_factory=dict)
    cut_closes: list[bool] = field(default_factory=list)  # per kill inside a close: was it committed after all

    def add(self, what: str, tried: int, failures: list[str], detail: str = "") -> None:
        row = self.rows.setdefault(what, Trial(AREA, what, 0, 0))
        row.tried += tried
        row.held += max(0, tried - len(failures))
        row.failures += failures
        if detail:
            row.detail = detail

    def read(self, lines: list[str]) -> str:
        """What the process confirmed; returns what it was doing when killed."""
        for line in lines:
            kind, _, rest = line.partition(" ")
            if kind in self.confirmed and rest and rest.split()[0] not in ("none", "refused"):
                self.confirmed[kind].add(rest.split()[0])
        last = lines[-1] if lines else ""
        busy = last[2:].split(" ", 1)[0] if last.startswith("> ") else "between actions"
        self.kills[busy] = self.kills.get(busy, 0) + 1
        return busy


def set_up(folder: Path) -> None:
    db = open_database(db_path(folder))
    try:
        for sku, (name, price) in PRODUCTS.items():
            add_product(db, ProductInput(sku=sku, name=name, sell_price=price), OPENING_STOCK)
        for name in CUSTOMERS:
            add_customer(db, name)
    finally:
        db.close()


def one_cycle(folder: Path, seed: int, aim_close: bool, rng: random.Random,
              timing: kill_plan.Timing) -> tuple[str, list[str]]:
    """Start the counter, kill it (inside a close when aimed), return (why it did not run as planned, its lines)."""
    child = subprocess.Popen([python(), "-m", "bench.reliability.shift_child", str(folder), str(seed)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env(), cwd=ROOT)
    assert child.stdout is not None and child.stderr is not None
    out, err = ChildOutput(child.stdout), ChildOutput(child.stderr)
    why = ""
    if out.wait_for(lambda line: line == "ready", START_TIMEOUT) is None:
        why = f"no 'ready' within {START_TIMEOUT:.0f} s"
    elif aim_close:
        if out.wait_for(lambda line: line.startswith("> close "), START_TIMEOUT) is None:
            why = f"no '> close' within {START_TIMEOUT:.0f} s"
        time.sleep(timing.kill_delay("close", rng))
    else:
        time.sleep(rng.uniform(*KILL_AFTER))
    if child.poll() is None:
        child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    lines, errors = out.finish(), err.finish()
    timing.learn(out.lines)
    if child.returncode != -signal.SIGKILL:
        why = f"exited by itself ({child.returncode}): {(errors or ['?'])[-1]}"
    return why, lines


def one_open_each_closed_once(db: Database) -> list[str]:
    open_now = [str(r["id"]) for r in db.query(
        "SELECT id FROM shifts s WHERE NOT EXISTS (SELECT 1 FROM shift_closes c WHERE c.shift_id = s.id)")]
    twice = [f"shift {r['shift_id']} closed {r['n']} times" for r in db.query(
        "SELECT shift_id, COUNT(*) AS n FROM shift_closes GROUP BY shift_id HAVING n > 1")]
    return twice + ([f"{len(open_now)} shifts open at once: {', '.join(open_now)}"] if len(open_now) > 1 else [])


def closes_recomputed(db: Database) -> tuple[int, list[str]]:
    """(closes checked, those whose stored sums differ from the rows' sums now)."""
    wrong = []
    ids = shift_store.closed_ids(db)
    for shift_id in ids:
        row = shift_store.get(db, shift_id)
        assert row is not None and row.close is not None
        c = row.close
        exp = expected(shift_store.money(db, shift_id))
        stored = (c.expected_cash, c.expected_qris, c.expected_transfer)
        if stored != (exp.cash, exp.qris, exp.transfer):
            wrong.append(f"shift {shift_id}: stored expected {stored}, recomputed {exp}")
        diff = difference(exp, Counted(c.counted_cash, c.counted_qris, c.counted_transfer))
        if c.difference != diff or (diff and not c.reason):
            wrong.append(f"shift {shift_id}: difference {c.difference} (reason {c.reason!r}), recomputed {diff}")
    return len(ids), wrong


# what confirmed line → (table, id column, shift window column)
FACTS = {"sale": ("sales", "id", "created_at"), "paid": ("credit_payments", "id", "created_at"),
         "void": ("sale_voids", "sale_id", "created_at"), "return": ("sale_returns", "sale_id", "created_at")}


def confirmed_in_their_shift(db: Database, tally: ShiftTally) -> tuple[int, list[str]]:
    """Every confirmed row is there; a row carrying a shift was made inside that shift's open..close."""
    problems = []
    shifts = {s.id: s for s in shift_store.history(db, 1_000_000)}
    problems += [f"opened shift {s} missing" for s in tally.confirmed["opened"] if s not in shifts]
    problems += [f"closed shift {s} has no close" for s in tally.confirmed["closed"]
                 if s not in shifts or shifts[s].close is None]
    checked = len(tally.confirmed["opened"]) + len(tally.confirmed["closed"])
    for kind, (table, key, at) in FACTS.items():
        rows = {str(r[key]): r for r in db.query(f"SELECT {key}, {at} AS at, shift_id FROM {table}")}
        for fact in tally.confirmed[kind]:
            checked += 1
            row = rows.get(fact)
            if row is None:
                problems.append(f"{kind} {fact} confirmed but missing")
                continue
            shift = shifts.get(row["shift_id"]) if row["shift_id"] else None
            if shift is not None and not (shift.opened_at <= row["at"] and
                                          (shift.close is None or row["at"] <= shift.close.closed_at)):
                problems.append(f"{kind} {fact} at {row['at']} is outside its shift {shift.id}")
    return checked, problems


def check(db: Database, tally: ShiftTally) -> None:
    tally.add(ONE_OPEN, 1, one_open_each_closed_once(db))
    closes, wrong = closes_recomputed(db)
    tally.add(EXPECTED, closes, wrong)
    checked, missing = confirmed_in_their_shift(db, tally)
    tally.add(CONFIRMED, checked, missing)


def run(quick: bool, work: Path, seed: int | None = None) -> list[Trial]:
    """12 cycles (quick) or 120, half aimed inside a close; one Trial per promise."""
    cycles = 12 if quick else 120
    doctor_every = 6 if quick else 20
    seed = random.SystemRandom().randrange(1 << 30) if seed is None else seed
    print(f"shift kill cycles: {cycles} cycles, seed {seed}", flush=True)
    rng = random.Random(seed)
    folder = work / "shop"
    folder.mkdir(parents=True, exist_ok=True)
    set_up(folder)
    tally, timing = ShiftTally(), kill_plan.Timing()
    try:
        for n in range(1, cycles + 1):
            why, lines = one_cycle(folder, rng.randrange(1 << 30), n % 2 == 0, rng, timing)
            tally.add(RESTART, 1, [f"cycle {n}: {why}"] if why else [])
            busy = tally.read(lines)
            db = open_database(db_path(folder))
            try:
                check(db, tally)
                if busy == "close":
                    row = shift_store.get(db, lines[-1].split()[-1])
                    tally.cut_closes.append(row is not None and row.close is not None)
            finally:
                db.close()
            if n % doctor_every == 0 or n == cycles:
                tally.add(DOCTOR, 1, doctor(folder, child_env()))
    finally:
        close_thread_databases()
    _details(tally, cycles)
    return list(tally.rows.values())


def _details(tally: ShiftTally, cycles: int) -> None:
    c = tally.confirmed
    kills = ", ".join(f"{k} {n}" for k, n in sorted(tally.kills.items(), key=lambda kv: -kv[1]))
    done = sum(tally.cut_closes)
    tally.rows[RESTART].detail = (f"{cycles} SIGKILLs during: {kills}; of the kills inside a close, {done} found it "
                                  f"committed, {len(tally.cut_closes) - done} found the shift still open")
    tally.rows[EXPECTED].detail = "summed over the checks after each kill"
    tally.rows[CONFIRMED].detail = (f"{len(c['opened'])} shifts opened, {len(c['closed'])} closed, {len(c['sale'])} "
                                    f"sales, {len(c['paid'])} kasbon payments, {len(c['void'])} voids, "
                                    f"{len(c['return'])} returns confirmed; checked after each kill")
