"""Trouble on demand: each fault kind fires with a probability, per platform, from a seeded random stream."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any

KINDS = (
    "server_error",    # HTTP 5xx before the request is handled
    "slow",            # answer after slow_seconds
    "timeout",         # sleep timeout_seconds (longer than a client waits), then drop the connection unanswered
    "throttle",        # rate limited in the platform's own shape
    "lost_response",   # handle and commit, then drop the connection without answering
    "repeat_page",     # a list page starts with items of the previous page again
    "expired_token",   # treat the access token as expired
    "bad_timestamp",   # reject the request's timestamp as out of range
)
ALL = "*"


@dataclass
class FaultPlan:
    """Probabilities per platform ('*' = every platform) and kind, with the timings used by the slow kinds."""

    rates: dict[str, dict[str, float]] = field(default_factory=dict)
    seed: int = 0
    slow_seconds: float = 2.0
    timeout_seconds: float = 35.0


class Faults:
    """Thread-safe decisions: the same seed and the same request order give the same faults."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.plan = FaultPlan()
        self._rng = random.Random(0)

    def configure(self, plan: FaultPlan) -> None:
        for platform, kinds in plan.rates.items():
            unknown = set(kinds) - set(KINDS)
            if unknown:
                raise ValueError(f"unknown fault kinds for {platform}: {sorted(unknown)}")
        with self._lock:
            self.plan = plan
            self._rng = random.Random(plan.seed)

    def configure_from(self, body: dict[str, Any]) -> FaultPlan:
        """Plan from admin JSON: {"rates": {"<platform>": {"throttle": 1.0}}, "seed": 1, "slow_seconds": 0.5}."""
        rates = {str(p): {str(k): float(v) for k, v in kinds.items()} for p, kinds in body.get("rates", {}).items()}
        plan = FaultPlan(rates, int(body.get("seed", 0)), float(body.get("slow_seconds", 2.0)),
                         float(body.get("timeout_seconds", 35.0)))
        self.configure(plan)
        return plan

    def clear(self) -> None:
        self.configure(FaultPlan())

    def fires(self, platform: str, kind: str) -> bool:
        with self._lock:
            rate = self.plan.rates.get(platform, {}).get(kind)
            if rate is None:
                rate = self.plan.rates.get(ALL, {}).get(kind, 0.0)
            if rate <= 0:
                return False
            return self._rng.random() < rate

    def pick(self, options: list[int]) -> int:
        with self._lock:
            return self._rng.choice(options)

    def describe(self) -> dict[str, Any]:
        p = self.plan
        return {"rates": p.rates, "seed": p.seed, "slow_seconds": p.slow_seconds, "timeout_seconds": p.timeout_seconds}
