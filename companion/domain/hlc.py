"""Hybrid logical clock: milliseconds since 1970 shifted left 16 bits, plus a counter in the low bits.

A laptop's next stamp is max(previous + 1, wall clock) and on receiving a change max(own, received), so a
change made after seeing another always sorts after it even when clocks disagree a little. Ties break on the
device id. The journal triggers compute the same formula in SQL (store/hub_triggers.py).
"""

from __future__ import annotations

SHIFT = 16


def pack(ms: int, counter: int = 0) -> int:
    return (ms << SHIFT) | (counter & 0xFFFF)


def wall_ms(hlc: int) -> int:
    return hlc >> SHIFT


def next_stamp(previous: int, now_ms: int) -> int:
    return max(previous + 1, pack(now_ms))


def received(own: int, remote: int) -> int:
    return max(own, remote)


def wins(hlc: int, device: str, other_hlc: int, other_device: str) -> bool:
    """Whether a write stamped (hlc, device) beats another: later clock first, then the larger device id."""
    return (hlc, device) > (other_hlc, other_device)
