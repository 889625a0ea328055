"""One result row per measure, printed as a Markdown table or written as JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Result:
    name: str
    value: float
    unit: str
    baseline: float | None = None
    target_ratio: float | None = None  # the most value / baseline may be
    target: float | None = None  # an absolute ceiling for value, in `unit`

    @property
    def ratio(self) -> float | None:
        return self.value / self.baseline if self.baseline else None

    @property
    def met(self) -> bool | None:
        if self.target_ratio is not None and self.ratio is not None:
            return self.ratio <= self.target_ratio
        if self.target is not None:
            return self.value <= self.target
        return None

    def as_json(self) -> dict[str, object]:
        """Exactly the six keys the foundation issue specifies, always present and in that order. An absolute
        target (`target`, with no ratio to compare) is shown in the table only; here its target_ratio is null."""
        return {"name": self.name, "value": round(self.value, 4), "unit": self.unit,
                "baseline": None if self.baseline is None else round(self.baseline, 4),
                "ratio": None if self.ratio is None else round(self.ratio, 3),
                "target_ratio": self.target_ratio}


def _num(x: float | None) -> str:
    """Two decimals, whole numbers from 100, two significant digits below 1 (idle CPU is a fraction of 1 %)."""
    if x is None:
        return "–"
    if x >= 100:
        return f"{x:.0f}"
    return f"{x:.2f}" if x >= 1 or x == 0 else f"{x:.2g}"


def _target(r: Result) -> str:
    if r.target_ratio is not None:
        text = f"ratio ≤ {r.target_ratio:g}"
    elif r.target is not None:
        text = f"≤ {r.target:g} {r.unit}"
    else:
        return "–"
    return f"{text} {'✓' if r.met else '✗ missed'}"


def markdown(results: list[Result]) -> str:
    rows = ["| measure | value | unit | baseline | ratio | target |", "|---|---:|---|---:|---:|---|"]
    rows += [f"| {r.name} | {_num(r.value)} | {r.unit} | {_num(r.baseline)} | {_num(r.ratio)} | {_target(r)} |"
             for r in results]
    return "\n".join(rows)


def write_json(results: list[Result], path: Path) -> None:
    path.write_text(json.dumps([r.as_json() for r in results], indent=2) + "\n", encoding="utf-8")
