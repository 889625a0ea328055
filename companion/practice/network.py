"""The practice marketplace's wire: how long each platform call takes (latency ± jitter from a seeded stream) and the
platforms' published call limits, enforced as the platforms enforce them, so the practice marketplace is never more
lenient than the real one (docs/RATE_LIMITS.md).

Every call under a channel's routes (API, token and file hosts alike) is counted on arrival in a
domain/call_limits.SlidingWindow per `spec.call_limit.bucket(shop, api)` (shop: the identity the request carries;
api: its path), then waits its delay in its own handler thread (other connections go on), then is answered: with the
channel's own throttle reply (`PracticeChannel.throttled`, the answer of the "throttle" fault too) when the call
went over the limit, otherwise as usual. Admin calls (/_practice/...) are neither delayed nor counted: they are the
test's controls, not a platform. Limits are ON by default and can be turned off only for a named purpose
(LIMITS_OFF_PURPOSES).

    PracticeMarketplace(data_dir, network=NetworkConfig(latency_ms=150, jitter_ms=50, seed=1))
    market.network.configure(NetworkConfig(latency_ms=150, jitter_ms=50))   # at any time; counts start afresh
    market.network.describe()        # the settings, each channel's limit, answered/throttled counts per platform
    POST /_practice/network {"latency_ms": 150, "jitter_ms": 50, "seed": 1, "limits": true}  (keys left out keep
        their value; GET /_practice/network answers describe())
    companion practice-server --latency-ms 150 --jitter-ms 50 --network-seed 1 [--no-limits server-handling]
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any
from urllib.parse import parse_qs

from companion.connectors import registry
from companion.domain.call_limits import CallLimit, SlidingWindow
from companion.practice.exchange import Request

# Why limits may be off; nothing else turns them off.
LIMITS_OFF_PURPOSES = {
    "server-handling": "measuring the practice server's own handling time (bench): a wait for the limit is not "
                       "server work",
    "app-work": "measuring the app's own work against a plain download (bench): with no limit to wait for, the "
                "pull's time is the app's work and the server's, never the platform's pace",
}
# Where each platform's requests carry the shop (Shopee shop_id, TikTok shop_cipher, Lazada access_token in the
# query or a form body; TikTok's calls without a shop carry the seller's token in a header). Else: the app itself.
SHOP_FIELDS = ("shop_id", "shop_cipher", "access_token")
SHOP_HEADERS = ("x-tts-access-token",)
KEPT_DELAYS = 100_000  # enough for a bench round's every call (bench/online_sync.py sums them)


@dataclass(frozen=True)
class NetworkConfig:
    """Each platform call answered after latency_ms ± jitter_ms (uniform, from `seed`); `limits` on unless
    `limits_off_for` names one of LIMITS_OFF_PURPOSES."""

    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    seed: int = 0
    limits: bool = True
    limits_off_for: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.jitter_ms <= self.latency_ms:
            raise ValueError("latency_ms must be ≥ 0 and jitter_ms between 0 and latency_ms")
        if self.limits and self.limits_off_for:
            raise ValueError("limits_off_for is only for limits off")
        if not self.limits and self.limits_off_for not in LIMITS_OFF_PURPOSES:
            raise ValueError(f"limits go off only for one of: {', '.join(LIMITS_OFF_PURPOSES)} (limits_off_for)")

    def updated(self, body: Mapping[str, Any]) -> NetworkConfig:
        """This config with the admin JSON's keys replaced (unknown keys refused)."""
        unknown = set(body) - {f.name for f in fields(self)}
        if unknown:
            raise ValueError(f"unknown network settings: {sorted(unknown)}")
        kinds: dict[str, Callable[[Any], Any]] = {"latency_ms": float, "jitter_ms": float, "seed": int,
                                                 "limits": _flag, "limits_off_for": str}
        changes = {key: kinds[key](value) for key, value in body.items()}
        if changes.get("limits") is True and "limits_off_for" not in changes:
            changes["limits_off_for"] = ""
        return replace(self, **changes)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError("limits must be true or false")


@dataclass(frozen=True)
class Arrival:
    """What the wire decided for one call: how long it takes and whether it kept within the limit."""

    delay: float
    admitted: bool

    def wait(self) -> None:
        if self.delay > 0:
            time.sleep(self.delay)


def registered_limits(platforms: Iterable[str]) -> dict[str, CallLimit | None]:
    """Each platform's published limit from its ChannelSpec (None for a channel the registry does not know)."""
    found: dict[str, CallLimit | None] = {}
    for name in platforms:
        spec = registry.find(name)
        found[name] = spec.call_limit if spec is not None else None
    return found


def shop_of(request: Request) -> str:
    """The shop a platform counts this call against, as the request carries it."""
    params = request.params()
    if request.body and request.content_type.startswith("application/x-www-form-urlencoded"):
        params.update({k: v[0] for k, v in parse_qs(request.text(), keep_blank_values=True).items() if v})
    for name in SHOP_FIELDS:
        if params.get(name):
            return f"{name}={params[name]}"
    for header in SHOP_HEADERS:
        if request.headers.get(header):
            return f"{header}={request.headers[header]}"
    return "app"


class Network:
    """Thread-safe: one draw of the seeded stream and one count per call, in arrival order."""

    def __init__(self, limits: Mapping[str, CallLimit | None], config: NetworkConfig | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = dict(limits)
        self.clock = clock  # the limit's clock (real seconds, not the platforms' clock, which tests move)
        self._lock = threading.Lock()
        self.configure(config or NetworkConfig())

    def configure(self, config: NetworkConfig) -> None:
        """New settings; the delay stream restarts from the seed and every count starts afresh."""
        with self._lock:
            self.config = config
            self._rng = random.Random(config.seed)
            self._windows: dict[tuple[str, str, str], SlidingWindow] = {}
            self.delays: deque[float] = deque(maxlen=KEPT_DELAYS)  # the last delays drawn, in seconds
            self.answered: Counter[str] = Counter()
            self.throttled: Counter[str] = Counter()

    def arrive(self, platform: str, request: Request, now: float | None = None) -> Arrival:
        """Count the call now (monotonic seconds) and draw its delay; the caller waits, then answers."""
        now = self.clock() if now is None else now
        window = self._window(platform, request)
        admitted = window is None or window.admit(now)
        with self._lock:
            c = self.config
            delay = max(0.0, c.latency_ms + self._rng.uniform(-c.jitter_ms, c.jitter_ms)) / 1000 if c.latency_ms else 0
            self.delays.append(delay)
            (self.answered if admitted else self.throttled)[platform] += 1
        return Arrival(delay, admitted)

    def _window(self, platform: str, request: Request) -> SlidingWindow | None:
        limit = self.limits.get(platform)
        if limit is None or not self.config.limits:
            return None
        key = (platform, *limit.bucket(shop_of(request), request.path))
        with self._lock:
            window = self._windows.get(key)
            if window is None:
                window = self._windows[key] = SlidingWindow(limit.calls, limit.seconds)
            return window

    def describe(self) -> dict[str, Any]:
        with self._lock:
            return {**asdict(self.config),
                    "call_limits": {name: asdict(limit) if limit else None for name, limit in self.limits.items()},
                    "answered": dict(self.answered), "throttled": dict(self.throttled)}
