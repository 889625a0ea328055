"""`python -m bench [--json FILE] [--data-dir DIR] [--quick] [--only NAME[,NAME]] [--list]`: every measure (or the
named ones) in one run, one table; `--json` then holds only the rows of the measures that ran."""

from __future__ import annotations

import argparse
import sys
import tempfile
import traceback
from collections.abc import Callable
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
                   help="run only these measures: names as --list shows them (or a part of one), comma-separated "
                        "or repeated")
    p.add_argument("--list", action="store_true", help="name every measure with its first docstring line, then stop")
    args = p.parse_args(argv)
    if args.list:
        for measure in MEASURES:
            print(f"{measure.__name__:24} {_first_line(measure.__doc__)}")
        return 0
    wanted = [name.strip() for part in args.only for name in part.split(",") if name.strip()]
    chosen, unknown = choose(wanted)
    if unknown:
        p.error(f"no measure is named {', '.join(unknown)} (see --list)")
    folder: Path = args.data_dir.resolve()
    setup = Setup(shop=large_shop(folder), work=folder / "work", quick=args.quick)
    setup.work.mkdir(exist_ok=True)
    results: list[Result] = []
    failed = False
    for measure in chosen:
        try:
            results += measure(setup)
        except Exception:
            failed = True
            print(f"measure {measure.__name__} failed:\n{traceback.format_exc()}", file=sys.stderr)
    print(markdown(results))
    if args.json:
        write_json(results, args.json)
    return 1 if failed else 0


def choose(wanted: list[str]) -> tuple[list[Callable[[Setup], list[Result]]], list[str]]:
    """The measures named (a name matches a measure whose name contains it; none named: all), in MEASURES order,
    and the names no measure has."""
    chosen = [m for m in MEASURES if not wanted or any(w in m.__name__ for w in wanted)]
    return chosen, [w for w in wanted if not any(w in m.__name__ for m in MEASURES)]


def _first_line(doc: str | None) -> str:
    return (doc or "").strip().splitlines()[0] if (doc or "").strip() else ""


if __name__ == "__main__":
    sys.exit(main())
