"""How fast one app may call one shop's API, as each platform publishes it (or our stricter guess where it does
not), and a sliding window that says when the next call may go. Pure: the practice marketplace enforces the limit
with it, the connectors pace their calls with it; the caller supplies the clock."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class CallLimit:
    """At most `calls` calls in any `seconds`-long span, counted per (app, shop) and, when `per_api`, per API
    path apart. `source` says where the figure comes from; `confirmed` is False for our stricter guess."""

    calls: int
    seconds: float
    per_api: bool
    source: str
    confirmed: bool = True

    def bucket(self, shop: str, api: str) -> tuple[str, str]:
        """The key the limit counts under: the shop and, for a per-API limit, the API path."""
        return (shop, api if self.per_api else "*")


class SlidingWindow:
    """Times of the calls admitted within the last `seconds`; thread-safe. `admit` decides at once (the
    server's view); `reserve` books the earliest moment a call may go (the client's view) and returns it."""

    def __init__(self, calls: int, seconds: float) -> None:
        if calls < 1 or seconds <= 0:
            raise ValueError("a call limit needs at least one call in a positive span")
        self.calls, self.seconds = calls, seconds
        self._times: deque[float] = deque()
        self._lock = threading.Lock()

    def admit(self, now: float) -> bool:
        """True (and counted) when a call arriving at `now` keeps within the limit."""
        with self._lock:
            self._forget(now)
            if len(self._times) >= self.calls:
                return False
            self._times.append(now)
            return True

    def reserve(self, now: float) -> float:
        """The earliest moment ≥ now at which one more call keeps within the limit; booked for the caller."""
        with self._lock:
            self._forget(now)
            at = max(now, self._times[-1]) if self._times else now  # first come, first served
            if len(self._times) >= self.calls:
                at = max(at, self._times[len(self._times) - self.calls] + self.seconds)
            self._times.append(at)
            return at

    def _forget(self, now: float) -> None:
        while self._times and self._times[0] <= now - self.seconds:
            self._times.popleft()
