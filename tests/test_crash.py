"""Killing the app at random moments never leaves a half-recorded sale behind."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from companion.domain.product import ProductInput
from companion.services.products import add_product
from companion.store import backup
from companion.store import stock as stock_store
from companion.store.database import Database, open_database
from companion.store.location import db_path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
KILLS = 30

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), str(ROOT), env.get("PYTHONPATH", "")])
    env["PYTHON_KEYRING_BACKEND"] = "crash_child.MemoryKeyring"
    return env


def _run_and_kill(data_dir: Path, rng: random.Random) -> list[str]:
    """Start the child, let it sell for a random moment, SIGKILL it; the sale ids it reported."""
    child = subprocess.Popen([sys.executable, str(TESTS / "crash_child.py"), str(data_dir)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=_env())
    assert child.stdout is not None
    first = child.stdout.readline()
    assert first == "ready\n", child.stderr.read() if child.stderr else first
    time.sleep(rng.uniform(0.05, 0.4))
    child.send_signal(signal.SIGKILL)
    out, err = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL, err
    return [line for line in out.splitlines(keepends=True) if line.endswith("\n") and line.strip()]


def _check_record(db: Database, reported: set[str]) -> None:
    sale_ids = {r["id"] for r in db.query("SELECT id FROM sales")}
    assert reported <= sale_ids, f"{len(reported - sale_ids)} reported sales are missing"
    partial = db.query(
        "SELECT s.id FROM sales s WHERE s.line_count != (SELECT COUNT(*) FROM sale_lines l WHERE l.sale_id = s.id)"
        " OR s.line_count != (SELECT COUNT(*) FROM stock_movements m WHERE m.reference = 'sale:' || s.id"
        "                     AND m.kind = 'counter_sale')"
        " OR NOT EXISTS (SELECT 1 FROM outbox o WHERE o.idempotency_key = 'sale:' || s.id)")
    assert partial == []
    assert db.scalar("SELECT COUNT(*) FROM sale_lines l WHERE NOT EXISTS"
                     " (SELECT 1 FROM sales s WHERE s.id = l.sale_id)") == 0
    assert db.scalar("SELECT COUNT(*) FROM stock_movements m WHERE m.reference LIKE 'sale:%' AND NOT EXISTS"
                     " (SELECT 1 FROM sales s WHERE 'sale:' || s.id = m.reference)") == 0
    assert db.scalar("SELECT COUNT(*) FROM outbox o WHERE o.idempotency_key LIKE 'sale:%' AND NOT EXISTS"
                     " (SELECT 1 FROM sales s WHERE 'sale:' || s.id = o.idempotency_key)") == 0
    assert stock_store.verify_levels(db) == []


def test_sales_survive_sigkill_at_random_moments(data_dir: Path) -> None:
    db = open_database(db_path(data_dir))
    for n in range(3):
        add_product(db, ProductInput(sku=f"CRASH-{n}", name=f"Barang {n}", sell_price=5_000 + n), 100_000)
    db.close()
    rng = random.Random()
    reported: list[str] = []
    for _ in range(KILLS):
        reported += [line.strip() for line in _run_and_kill(data_dir, rng)]
    assert len(reported) > KILLS  # the child really sold between kills
    assert backup.quick_check(db_path(data_dir))
    db = open_database(db_path(data_dir))
    try:
        _check_record(db, set(reported))
    finally:
        db.close()
    doctor = subprocess.run([sys.executable, "-m", "companion", "doctor", "--data-dir", str(data_dir)],
                            capture_output=True, text=True, env=_env(), cwd=ROOT, timeout=60)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
