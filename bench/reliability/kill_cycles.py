"""Kill cycles: an app process (kill_child.py) doing mixed work against the practice marketplace with faults on is
SIGKILLed at a random moment, again and again; after every kill, and after a final settle, the promises are checked.

The marketplace lives in this process, so it survives the kills; between cycles its buyers order, cancel and ask.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.reliability import settle_checks as checks
from bench.reliability.practice_shop import PLATFORMS, Admin, child_env, python, quick_engine, setup_shop
from bench.reliability.trials import Trial
from companion.practice.server import PracticeMarketplace
from companion.store.database import Database, close_thread_databases, open_database
from companion.store.location import db_path
from companion.sync.engine import SyncEngine

AREA = "kill cycles"
OPENING_STOCK = 500
KILL_AFTER = (0.1, 1.5)   # seconds after "ready"
START_TIMEOUT = 30.0
ORDER = ["app starts again and runs until killed", "no confirmed sale lost (lines, movements, outbox)",
         "no order duplicated (one per platform order and shop)",
         "every marketplace order in the database (after settle)",
         "reply sent at most once (exactly once after settle)", "ledger = counts + movements",
         "marketplace stock = available − buffers (after settle)",
         "outbox pending entries explained (state, attempts, error)",
         "outbox empty after settle (refused entries keep their error)",
         "companion doctor clean"]


@dataclass
class Tally:
    """Counts per promise while the cycles run; rows at the end."""

    rows: dict[str, Trial] = field(default_factory=dict)
    sales: list[str] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    bad_sales: set[str] = field(default_factory=set)
    bad_replies: set[str] = field(default_factory=set)
    kills: Counter[str] = field(default_factory=Counter)
    done: Counter[str] = field(default_factory=Counter)
    refused_replies: int = 0

    def add(self, what: str, tried: int, failures: list[str], detail: str = "") -> None:
        row = self.rows.setdefault(what, Trial(AREA, what, 0, 0))
        row.tried += tried
        row.held += max(0, tried - len(failures))
        row.failures += failures
        if detail:
            row.detail = detail


def _one_cycle(folder: Path, admin: Admin, seed: int, kill_after: float, mode: str) -> tuple[bool, str, list[str]]:
    """Start the app, let it work, SIGKILL it. (ran until the kill, why not, the lines it printed)."""
    child = subprocess.Popen([python(), "-m", "bench.reliability.kill_child", str(folder), admin.url, str(seed),
                              mode],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env(),
                             cwd=checks.ROOT)
    watchdog = threading.Timer(START_TIMEOUT, child.kill)
    watchdog.start()
    assert child.stdout is not None
    first = child.stdout.readline()
    watchdog.cancel()
    if first == "ready\n":
        time.sleep(kill_after)
    if child.poll() is None:
        child.send_signal(signal.SIGKILL)
    # Read through the same file object as the first line: its buffer may already hold the next lines
    # (communicate() would read the pipe underneath and lose them). The child is dead, so this ends.
    out = child.stdout.read()
    err = child.stderr.read() if child.stderr is not None else ""
    child.wait(timeout=60)
    lines = [x for x in out.splitlines(keepends=True) if x.endswith("\n")]
    if first != "ready\n":
        return False, f"no 'ready' within {START_TIMEOUT:.0f} s: {(err.strip().splitlines() or ['?'])[-1]}", lines
    if child.returncode != -signal.SIGKILL:
        return False, f"exited by itself ({child.returncode}): {(err.strip().splitlines() or ['?'])[-1]}", lines
    return True, "", lines


def _read(lines: list[str], tally: Tally) -> tuple[list[str], list[str]]:
    """New sales and replies the child confirmed; which action the kill interrupted."""
    sales, replies = [], []
    busy = "start-up"
    for line in (x.strip() for x in lines):
        if line.startswith("> "):
            busy = line[2:]
            continue
        busy = "between actions"
        word, _, rest = line.partition(" ")
        tally.done[word] += 1
        if word == "sale":
            sales.append(rest)
        elif word == "reply" and rest != "none":
            replies.append(rest)
    tally.kills[busy] += 1
    return sales, replies


def _check(db: Database, admin: Admin, tally: Tally, sales: list[str], replies: list[str], settled: bool) -> None:
    """The promises as a restarted app finds them (and, after the settle, the stricter end state)."""
    lost = checks.lost_sales(db, sales)
    tally.bad_sales |= {x.split()[1] for x in lost}
    tally.add("no order duplicated (one per platform order and shop)", 1, checks.duplicated_orders(db))
    refused, dup = checks.duplicated_replies(db, admin, replies, settled)
    tally.refused_replies = refused
    tally.bad_replies |= {x.split()[1] for x in dup}
    tally.rows.setdefault("reply sent at most once (exactly once after settle)", Trial(AREA, "", 0, 0)).failures += dup
    tally.add("ledger = counts + movements", 1, checks.ledger_mismatches(db))
    waiting, unexplained = checks.unexplained_outbox(db)
    tally.add("outbox pending entries explained (state, attempts, error)", waiting, unexplained,
              "entries waiting, summed over the checks after each kill")


def _finish_rows(tally: Tally, cycles: int) -> None:
    """Per-item rows (sales, replies) from the sets of items that ever failed."""
    sale = tally.rows.setdefault("no confirmed sale lost (lines, movements, outbox)", Trial(AREA, "", 0, 0))
    sale.what, sale.tried = "no confirmed sale lost (lines, movements, outbox)", len(tally.sales)
    sale.held = len(tally.sales) - len(tally.bad_sales)
    sale.failures = [f"sale {s} missing or incomplete" for s in sorted(tally.bad_sales)]
    sale.detail = f"checked after each kill and after settle; {tally.done['count']} stocktakes done"
    reply = tally.rows["reply sent at most once (exactly once after settle)"]
    reply.what, reply.tried = "reply sent at most once (exactly once after settle)", len(tally.replies)
    reply.held = len(tally.replies) - len(tally.bad_replies)
    reply.failures = list(dict.fromkeys(reply.failures))
    reply.detail = (f"counted by text among the seller's messages on the marketplace; {tally.refused_replies} "
                    "refused by the platform (kept 'failed' with its words, none sent)")
    for what in ("no order duplicated (one per platform order and shop)", "ledger = counts + movements"):
        tally.rows[what].detail = f"checked after each of {cycles} kills and after settle"
    kills = ", ".join(f"{k} {n}" for k, n in tally.kills.most_common())
    restart = tally.rows["app starts again and runs until killed"]
    restart.detail = f"{cycles} SIGKILLs during: {kills}"


def run(quick: bool, work: Path, seed: int | None = None) -> list[Trial]:
    """30 cycles (quick) or 300, then a settle; one Trial per promise."""
    cycles = 30 if quick else 300
    doctor_every = 10 if quick else 25
    seed = random.SystemRandom().randrange(1 << 30) if seed is None else seed
    print(f"kill cycles: {cycles} cycles, seed {seed} (repeat with --seed {seed})", flush=True)
    rng = random.Random(seed)
    folder, practice = work / "kill" / "shop", work / "kill" / "practice"
    folder.mkdir(parents=True, exist_ok=True)
    market = PracticeMarketplace(practice).start()
    tally = Tally()
    started = time.monotonic()
    try:
        admin = Admin(market.base_urls["admin"])
        setup_shop(folder, admin, OPENING_STOCK)
        engine = quick_engine(db_path(folder), admin)
        db = open_database(db_path(folder))
        try:
            checks.settle(db, admin, engine)  # listings mapped and pushed once, calmly
            admin.faults_on(seed)
            _cycles(folder, db, admin, tally, rng, cycles, doctor_every)
            _final(folder, db, admin, engine, tally)
        finally:
            db.close()
            close_thread_databases()
    finally:
        market.stop()
    _finish_rows(tally, cycles)
    print(f"kill cycles: done in {time.monotonic() - started:.0f} s", flush=True)
    return sorted(tally.rows.values(), key=lambda t: ORDER.index(t.what) if t.what in ORDER else len(ORDER))


def _cycles(folder: Path, db: Database, admin: Admin, tally: Tally, rng: random.Random, cycles: int,
            doctor_every: int) -> None:
    for n in range(1, cycles + 1):
        admin.post("/buyers", {"steps": rng.randint(1, 4)})
        admin.post("/messages", {"platform": rng.choice(PLATFORMS), "buyer": rng.randrange(6),
                                 "text": f"Kak, stoknya masih ada? ({n})"})
        # A sync round, once started, outlasts most kill moments: one cycle in three is counter work only, so
        # kills also land inside sale, stocktake and reply transactions.
        mode = "counter" if rng.random() < 1 / 3 else "mixed"
        ok, why, lines = _one_cycle(folder, admin, rng.randrange(1 << 30), rng.uniform(*KILL_AFTER), mode)
        tally.add("app starts again and runs until killed", 1, [] if ok else [f"cycle {n}: {why}"])
        sales, replies = _read(lines, tally)
        tally.sales += sales
        tally.replies += replies
        _check(db, admin, tally, sales, tally.replies, settled=False)
        if n % doctor_every == 0:
            tally.add("companion doctor clean", 1, checks.doctor(folder))
        if os.environ.get("RELIABILITY_VERBOSE"):
            print(f"  cycle {n}: {len(sales)} sales, {len(replies)} replies, {lines[-1].strip() if lines else '-'}")


def _final(folder: Path, db: Database, admin: Admin, engine: SyncEngine, tally: Tally) -> None:
    """Faults off, sync until calm, then the end state."""
    rounds, summary = checks.settle(db, admin, engine)
    lost = checks.lost_sales(db, tally.sales)
    tally.bad_sales |= {x.split()[1] for x in lost}
    _check(db, admin, tally, [], tally.replies, settled=True)
    orders, missing = checks.missing_orders(db, admin)
    tally.add("every marketplace order in the database (after settle)", orders, missing,
              f"{orders} orders on the marketplace")
    listings, wrong = checks.stock_differences(db, admin)
    tally.add("marketplace stock = available − buffers (after settle)", listings, wrong,
              "mapped listings vs services.online_stock.plan_pushes")
    failed, left = checks.settled_outbox(db)
    tally.add("outbox empty after settle (refused entries keep their error)", 1, left[:1],
              f"settled in {rounds} rounds, last round ok={bool(summary and summary.ok)}; {failed} entries "
              "refused for good")
    tally.add("companion doctor clean", 1, checks.doctor(folder))
