"""The quick reliability campaign (30 kill cycles, 10 s of concurrency, disk trouble, backups, security) as CI runs
it: `python -m bench.reliability --quick` in its own process must exit 0, with every row of its table passing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="the kill cycles need SIGKILL")


def test_quick_campaign_passes(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("COMPANION_DATA_DIR", None)  # each area makes its own shops under the work folder
    report = tmp_path / "campaign.json"
    run = subprocess.run([sys.executable, "-m", "bench.reliability", "--quick", "--json", str(report),
                          "--keep", str(tmp_path / "work")], capture_output=True, text=True, cwd=ROOT, env=env,
                         timeout=600)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    rows = json.loads(report.read_text(encoding="utf-8"))["trials"]
    areas = {row["area"] for row in rows}
    assert {"kill cycles", "concurrency"} <= areas, areas
    assert all(row["passed"] and row["tried"] > 0 for row in rows)
    kills = next(r for r in rows if r["area"] == "kill cycles" and r["what"].startswith("app starts again"))
    assert kills["tried"] == 30
