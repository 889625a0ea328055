"""What one part of the campaign tried and what held: the rows of the campaign's table."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Trial:
    """One row: `tried` attempts of `what`, `held` of them kept the promise; `detail` says what broke (or counts)."""

    area: str            # "kill cycles", "concurrency", "disk trouble", "backups", "security"
    what: str            # the check, in a few words: "no confirmed sale lost"
    tried: int
    held: int
    detail: str = ""
    failures: list[str] = field(default_factory=list)  # one line per failure, printed under the table

    @property
    def passed(self) -> bool:
        return self.tried > 0 and self.held == self.tried


def table(trials: list[Trial]) -> str:
    """The campaign's Markdown table (and the failures under it)."""
    lines = ["| area | what was checked | tried | held | result | detail |", "|---|---|---:|---:|---|---|"]
    for t in trials:
        lines.append(f"| {t.area} | {t.what} | {t.tried} | {t.held} | {'pass' if t.passed else 'FAIL'} | {t.detail} |")
    for t in trials:
        lines += [f"- {t.area} / {t.what}: {f}" for f in t.failures[:20]]
    return "\n".join(lines)
