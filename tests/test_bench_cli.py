"""`python -m bench --list` names every measure; `--only` takes names as listed, comma-separated or repeated, and
refuses a name no measure has before building anything (the large shop takes minutes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.__main__ import main
from bench.measures import MEASURES


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
