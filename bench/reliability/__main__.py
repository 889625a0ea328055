"""`python -m bench.reliability [--quick] [--only AREA] [--json FILE] [--seed N]`: every area, one table.

Exits 1 when any row fails (or an area could not run), 0 when every promise held.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import shutil
import sys
import tempfile
import time
import traceback
from dataclasses import asdict
from pathlib import Path

from bench.reliability.trials import Trial, table

# module name → area name in the table
AREAS = {"kill_cycles": "kill cycles", "concurrency": "concurrency", "disk_trouble": "disk trouble",
         "backups": "backups", "security": "security"}
AREAS["shift_closes"] = "kill cycles: shift closes"  # bench/reliability/shift_closes.py (shifts opened and closed)
AREAS["credit_kills"] = "kill cycles: kasbon payments"  # bench/reliability/credit_kills.py (kasbon paid, killed)
AREAS["hub_kills"] = "kill cycles: hub"  # bench/reliability/hub_kills.py (laptops killed mid-push and mid-apply)


def _run_area(module_name: str, quick: bool, work: Path, seed: int | None) -> list[Trial]:
    """Import lazily (an area not written yet is left out with a line); a crash of the area is a failed row."""
    try:
        module = importlib.import_module(f"bench.reliability.{module_name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"bench.reliability.{module_name}":
            raise
        print(f"{AREAS[module_name]}: not here yet (bench/reliability/{module_name}.py), left out", flush=True)
        return []
    area_work = work / module_name
    area_work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        takes_seed = "seed" in inspect.signature(module.run).parameters
        trials: list[Trial] = module.run(quick, area_work, seed) if takes_seed else module.run(quick, area_work)
    except Exception:
        print(traceback.format_exc(), file=sys.stderr, flush=True)
        trials = [Trial(AREAS[module_name], "the area ran to the end", 1, 0,
                        failures=[traceback.format_exc(limit=2).strip().splitlines()[-1]])]
    print(f"{AREAS[module_name]}: {time.monotonic() - started:.0f} s", flush=True)
    return trials


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.reliability",
                                description="The reliability campaign: what was tried and what held.")
    p.add_argument("--quick", action="store_true", help="the short form for CI (30 kill cycles, 10 s concurrency)")
    p.add_argument("--only", action="append", default=[], choices=sorted(AREAS),
                   help="run only this area (repeatable)")
    p.add_argument("--json", type=Path, help="also write the rows as JSON to this file")
    p.add_argument("--seed", type=int, help="seed for kill moments and actions (printed when left out)")
    p.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary folder)")
    args = p.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="companion-reliability-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    trials: list[Trial] = []
    try:
        for name in [a for a in AREAS if not args.only or a in args.only]:
            trials += _run_area(name, args.quick, work, args.seed)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    took = time.monotonic() - started
    print()
    print(table(trials))
    print(f"\n{'quick' if args.quick else 'full'} campaign: {len(trials)} rows, "
          f"{sum(not t.passed for t in trials)} failed, {took:.0f} s")
    if args.json:
        args.json.write_text(json.dumps({"quick": args.quick, "seconds": round(took, 1),
                                         "trials": [asdict(t) | {"passed": t.passed} for t in trials]},
                                        ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if trials and all(t.passed for t in trials) else 1


if __name__ == "__main__":
    sys.exit(main())
