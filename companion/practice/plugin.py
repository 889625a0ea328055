"""What a channel hands the practice marketplace: its PracticeChannel. The practice core knows no platform by
name; each channel package declares one (its routes, id shapes, statuses, credentials, throttled answer) and
sets it as `ChannelSpec.practice`, and the server serves every channel it is given."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from companion.practice.exchange import Context, Reply, Request
from companion.practice.shapes import ChannelShapes, IdShapes, Lifetimes, OrderStatuses, plain_ref

Handler = Callable[[Context, Request], Reply]

__all__ = ["ChannelShapes", "Handler", "IdShapes", "Lifetimes", "OrderStatuses", "PracticeChannel", "Route",
           "plain_ref"]


@dataclass(frozen=True)
class Route:
    """One host of a channel mounted on the practice server: requests under `prefix` go to `handler` with the
    path after it; `base_urls[key]` is its address (the key the channel's practice credentials read)."""

    prefix: str
    key: str
    handler: Handler


@dataclass(frozen=True, kw_only=True)
class PracticeChannel(ChannelShapes):
    """A channel's whole part of the practice marketplace."""

    routes: tuple[Route, ...]
    throttled: Callable[[], Reply]  # the platform's own "too many requests" answer (the throttle fault)
