"""Concurrency: the GUI thread and the sync thread writing at full speed (60 s, 10 s in the quick form) in one app
process (concurrency_child.py), while the practice marketplace's buyers keep ordering; then a settle and the checks:
no error reached the user, no write lost, every marketplace order here, the stock cache equal to its ledger."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from bench.reliability import settle_checks as checks
from bench.reliability.practice_shop import ROOT, Admin, child_env, python, quick_engine, setup_shop
from bench.reliability.trials import Trial
from companion.practice.server import PracticeMarketplace
from companion.store.database import Database, close_thread_databases, open_database
from companion.store.location import db_path

AREA = "concurrency"
OPENING_STOCK = 100_000      # the most a count allows; a minute of full-speed selling stays below it
BUYER_PACE = 0.05            # a buyer action every 50 ms (about half are orders)


def run(quick: bool, work: Path) -> list[Trial]:
    return session(work, 10.0 if quick else 60.0)


def session(work: Path, seconds: float, interval_ms: int = 0) -> list[Trial]:
    """One run: the GUI thread sells every `interval_ms` (0: as fast as it can) for `seconds`."""
    folder = work / "shop"
    folder.mkdir(parents=True, exist_ok=True)
    market = PracticeMarketplace(work / "practice").start()
    try:
        admin = Admin(market.base_urls["admin"])
        setup_shop(folder, admin, OPENING_STOCK)
        engine = quick_engine(db_path(folder), admin)
        db = open_database(db_path(folder))
        try:
            checks.settle(db, admin, engine)  # listings mapped, calmly
            admin.post("/buyers", {"seed": 11, "pace_seconds": BUYER_PACE})
            result = _run_child(folder, admin, seconds, interval_ms, work / "result.json")
            rounds, _ = checks.settle(db, admin, engine)  # buyers stopped, sync until calm
            return _trials(folder, db, admin, result, rounds)
        finally:
            db.close()
            close_thread_databases()
    finally:
        market.stop()


def _run_child(folder: Path, admin: Admin, seconds: float, interval_ms: int, out: Path) -> dict[str, Any]:
    child = subprocess.run([python(), "-m", "bench.reliability.concurrency_child", str(folder), admin.url,
                            str(seconds), str(out), str(interval_ms)], capture_output=True, text=True,
                           env=child_env(), cwd=ROOT, timeout=seconds + 120)
    if child.returncode != 0 or not out.exists():
        raise RuntimeError(f"the app process failed ({child.returncode}): {child.stderr.strip()[-500:]}")
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def _trials(folder: Path, db: Database, admin: Admin, result: dict[str, Any], rounds: int) -> list[Trial]:
    took = float(result["seconds"])
    sales = [str(x) for x in result["sales"]]
    attempts = int(result["attempts"])
    gui_errors = [str(x) for x in result["gui_errors"]]
    sync_errors = [str(x) for x in result["sync_errors"]]
    n_rounds, failed = int(result["rounds"]), int(result["failed_rounds"])
    orders, pushed = int(result["orders"]), int(result["pushed"])
    lost = checks.lost_sales(db, sales)
    market_orders, missing = checks.missing_orders(db, admin)
    ledger, duplicated = checks.ledger_mismatches(db), checks.duplicated_orders(db)
    return [
        Trial(AREA, "no error reached the user (GUI thread, counter sales)", attempts, attempts - len(gui_errors),
              f"{len(sales) / took:.0f} sales/s recorded on the GUI thread for {took:.0f} s", gui_errors),
        Trial(AREA, "no error on the sync thread (rounds)", n_rounds, max(0, n_rounds - failed - len(sync_errors)),
              f"{n_rounds / took:.1f} rounds/s, {orders / took:.1f} orders in/s, {pushed / took:.1f} stock "
              f"numbers pushed/s", sync_errors),
        Trial(AREA, "every sale the GUI thread recorded is in the database", len(sales), len(sales) - len(lost),
              "with its lines, movements and outbox entry", lost),
        Trial(AREA, "every marketplace order in the database (after settle)", market_orders,
              market_orders - len(missing), f"settled in {rounds} rounds", missing),
        Trial(AREA, "no order duplicated (order rows = distinct channel + platform order id, all shops)", 1,
              1 - min(1, len(duplicated)), failures=duplicated),
        Trial(AREA, "ledger = counts + movements", 1, 1 - min(1, len(ledger)), failures=ledger),
        Trial(AREA, "companion doctor clean", 1, 1 - min(1, len(doctor := checks.doctor(folder))), failures=doctor),
    ]
