"""Calls of one kind made a few at once: a connector reading many small things (Shopee's model list per item) keeps
several calls in flight, so the network's delay stops setting the pace and the platform's call limit does. Every call
is still paced by the client (call_pacing.py). The first failure is raised; calls not yet started are dropped and the
ones in flight are waited for, so nothing runs on after the caller has moved on."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def overlapped(fn: Callable[[K], V], keys: Sequence[K], workers: int) -> dict[K, V]:
    """{key: fn(key)} in the keys' order, with up to `workers` calls at once (one alone runs on this thread)."""
    if len(keys) <= 1 or workers <= 1:
        return {key: fn(key) for key in keys}
    pool = ThreadPoolExecutor(max_workers=min(workers, len(keys)), thread_name_prefix="overlapped-call")
    try:
        futures = {key: pool.submit(fn, key) for key in keys}
        return {key: future.result() for key, future in futures.items()}
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
