"""How far a shop's order walk has come, for the sync strip: what is recorded, how much of the window the walk
has covered, and a time estimate. Plain frozen records; the engine emits them as SyncEvent(kind="progress")."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ShopProgress:
    account_id: str
    phase: str                  # "orders" | "listings" (what is being brought in)
    recorded: int               # orders (or listings) recorded so far in this walk
    total: int | None           # how many the walk will bring, when the platform says or it can be estimated
    fraction: float             # 0.0–1.0 of the walk covered (window slices and pages done)
    seconds_left: float | None  # the estimate; None until a few pages have given a pace
    finished: bool = False      # the walk is over (the strip drops the line)
