"""`python -m bench --list` names every measure; `--only` takes names as listed, comma-separated or repeated, and
refuses a name no measure has before building anything (the large shop takes minutes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.__main__ import choose, main
from bench.measures import MEASURES
from bench.report import Result, write_json


def test_list_names_every_measure_and_runs_none(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert listed == [m.__name__ for m in MEASURES]
    assert {"window_ready", "record_sale_latency", "hub_sync"} <= set(listed)


def test_an_unknown_name_is_refused_before_the_shop_is_built(tmp_path: Path) -> None:
    folder = tmp_path / "bench"
    with pytest.raises(SystemExit) as refused:
        main(["--data-dir", str(folder), "--only", "window_ready,no_such_measure"])
    assert refused.value.code == 2
    assert not folder.exists()


def test_only_two_names_choose_exactly_those_two_measures() -> None:
    chosen, unknown = choose(["window_ready", "record_sale"])
    assert [m.__name__ for m in chosen] == ["window_ready", "record_sale_latency"] and unknown == []
    everything, _ = choose([])
    assert everything == MEASURES


def test_the_json_holds_only_the_rows_that_ran(tmp_path: Path) -> None:
    rows = [Result("main window ready (median of 5)", 150.0, "ms", 100.0, target_ratio=1.5),
            Result("record sale p95 (300 sales)", 0.6, "ms", 0.3, target_ratio=2.5)]
    write_json(rows, tmp_path / "out.json")
    written = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in written] == [r.name for r in rows]
    assert all(list(r) == ["name", "value", "unit", "baseline", "ratio", "target_ratio"] for r in written)
    assert written[0]["ratio"] == 1.5 and written[1]["target_ratio"] == 2.5
