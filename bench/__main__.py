"""`python -m bench [--json FILE] [--data-dir DIR] [--quick]`: every measure in one run, one table."""

from __future__ import annotations

import argparse
import sys
import tempfile
import traceback
from pathlib import Path

from bench.large_shop import large_shop
from bench.measures import MEASURES, Setup
from bench.report import Result, markdown, write_json


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description="Seller Companion speed against baselines.")
    p.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    p.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "companion-bench",
                   help="where the large shop is built and cached (default: <temp>/companion-bench)")
    p.add_argument("--quick", action="store_true", help="fewer repetitions (same shop): a smoke run, not a verdict")
    p.add_argument("--only", action="append", default=[],
                   help="run only measures whose function name contains this text (repeatable)")
    args = p.parse_args(argv)
    folder: Path = args.data_dir.resolve()
    setup = Setup(shop=large_shop(folder), work=folder / "work", quick=args.quick)
    setup.work.mkdir(exist_ok=True)
    results: list[Result] = []
    failed = False
    for measure in [m for m in MEASURES if not args.only or any(o in m.__name__ for o in args.only)]:
        try:
            results += measure(setup)
        except Exception:
            failed = True
            print(f"measure {measure.__name__} failed:\n{traceback.format_exc()}", file=sys.stderr)
    print(markdown(results))
    if args.json:
        write_json(results, args.json)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
