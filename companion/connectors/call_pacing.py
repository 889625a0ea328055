"""Client-side pacing: every marketplace call waits its turn under the channel's published call limit
(`ChannelSpec.call_limit`, domain/call_limits.py), so a sync that overlaps its calls never earns a throttle answer.

One `SlidingWindow` per (channel, app, shop, api bucket), shared by every thread and every connector object that
calls the same shop in this process: the order walk's workers, a listing read and the ship dialog's one call all
book from the same window. Each channel's client calls `pace(...)` right before its one `Http.send`, so no caller
can forget. The window is a little stricter than the platform's (`MARGIN_FRACTION`, `MARGIN_SECONDS`): calls
booked exactly one span apart may still reach the server closer together (network jitter). A channel without a
limit (None) is not paced.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from companion.connectors import registry
from companion.domain.call_limits import CallLimit, SlidingWindow

MARGIN_FRACTION = 0.05   # the span counted 5 % longer than the platform's ...
MARGIN_SECONDS = 0.05    # ... and 50 ms more: arrival times at the server jitter

_lock = threading.Lock()
_windows: dict[tuple[str, str, str, str], SlidingWindow] = {}
_enabled = True


def set_enabled(on: bool) -> None:
    """Switch pacing on or off for the whole process (off only in tests and benches that prove it matters)."""
    global _enabled
    _enabled = on


def enabled() -> bool:
    return _enabled


def limit_of(channel: str) -> CallLimit | None:
    """The channel's published (or our stricter guessed) call limit; None for an unknown or unlimited channel."""
    spec = registry.find(channel)
    return spec.call_limit if spec is not None else None


def paced_window(limit: CallLimit) -> SlidingWindow:
    """The client's own window for a limit: the same count over a slightly longer span (the safety margin)."""
    return SlidingWindow(limit.calls, limit.seconds * (1 + MARGIN_FRACTION) + MARGIN_SECONDS)


def pace(channel: str, app: str, shop: str, api: str,
         sleep: Callable[[float], None] = time.sleep) -> float:
    """Wait until one more call of `api` to this shop keeps within the channel's limit; returns the wait."""
    if not _enabled:
        return 0.0
    limit = limit_of(channel)
    if limit is None:
        return 0.0
    bucket = limit.bucket(shop, api)
    key = (channel, app, bucket[0], bucket[1])
    with _lock:
        window = _windows.get(key)
        if window is None:
            window = _windows[key] = paced_window(limit)
    now = time.monotonic()
    wait = window.reserve(now) - now
    if wait > 0:
        sleep(wait)
    return max(0.0, wait)


def forget() -> None:
    """Drop every window (a test that changes a channel's limit starts afresh)."""
    with _lock:
        _windows.clear()
