"""How long to wait before trying again: exponential backoff with jitter, never sooner than Retry-After.

Jitter spreads retries of many shops (and many laptops) so they do not hit a platform at the same moment.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from companion.domain.clock import now_utc, stamp


@dataclass
class Backoff:
    """Delay for attempt n (0 = first retry): uniform in [d/2, d] with d = min(cap, base * 2**n)."""

    base_seconds: float = 2.0
    cap_seconds: float = 900.0
    rng: random.Random = field(default_factory=random.Random)

    def ceiling(self, attempt: int) -> float:
        return min(self.cap_seconds, self.base_seconds * (2 ** min(max(attempt, 0), 30)))

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait; a platform's Retry-After is honoured even beyond the cap."""
        top = self.ceiling(attempt)
        wait = self.rng.uniform(top / 2, top)
        if retry_after is not None and retry_after > wait:
            wait = float(retry_after)
        return wait

    def next_attempt_at(self, attempt: int, retry_after: float | None = None,
                        now: datetime | None = None) -> str:
        """The stamp when an outbox entry is due again (kept in the database, so it survives restarts)."""
        return stamp((now or now_utc()) + timedelta(seconds=self.delay(attempt, retry_after)))
