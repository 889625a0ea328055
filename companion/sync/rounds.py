"""The shapes one sync round works with: each shop's run (its connection and what happened to it), the round's
command context, and a command handler (how one kind of command is sent, and looked for when an answer was lost)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from companion.connectors import registry
from companion.connectors.base import Connector, Credentials
from companion.domain.marketplace import Capability
from companion.services.change import Change
from companion.store.accounts import AccountRow
from companion.store.database import Database
from companion.store.outbox import CommandRow
from companion.sync.backoff import Backoff
from companion.sync.events import AUTH_EXPIRED, OFFLINE, THROTTLED, Problem

STOPPING = (AUTH_EXPIRED, OFFLINE, THROTTLED)  # problems that end a shop's round at once

Caller = Callable[[Callable[[], Any]], Any]   # the engine's call wrapper (token refresh, throttle waits, retries)


def _no_caller(fn: Callable[[], Any]) -> Any:
    return fn()


@dataclass
class AccountRun:
    """One shop's state during a round."""

    row: AccountRow
    credentials: Credentials | None = None
    connector: Connector | None = None
    call: Caller = _no_caller
    new: int = 0
    updated: int = 0
    pushed: int = 0
    incidents: int = 0
    problem: Problem | None = None
    stopped: bool = False
    stock_ok: bool = False
    full_push: bool = False
    reloaded: bool = False
    retry_after: float | None = None
    secrets: tuple[str, ...] = field(default=())

    def note(self, problem: Problem) -> None:
        if self.problem is None or (problem.kind in STOPPING and self.problem.kind not in STOPPING):
            self.problem = problem

    @property
    def link(self) -> Connector:
        assert self.connector is not None
        return self.connector

    @property
    def capabilities(self) -> frozenset[Capability]:
        """What the shop's channel declares (its spec), narrowed to what its connector implements once connected:
        a phase runs only when both agree (tests/test_channel_specs.py keeps the built-in ones equal)."""
        spec = registry.find(self.row.channel)
        declared = spec.capabilities if spec else frozenset()
        if self.connector is not None:
            return declared & frozenset(self.connector.capabilities)
        return declared


@dataclass
class CommandRound:
    """What command handlers share in one round: the database, the retry backoff, the engine's memory of when each
    shop's every listing was last compared (it outlives the round) and how often that comparison is due."""

    db: Database
    backoff: Backoff
    full_done: dict[str, datetime]
    full_check_every: timedelta
    # Called between pieces of a long send (nothing half-written): the engine's chance to pull due buyer messages.
    between: Callable[[], None] = lambda: None


@dataclass(frozen=True)
class CommandHandler:
    """How one kind of command leaves the laptop.

    `send(round, run, commands)` sends one shop's due commands of this kind (possibly none: a handler may also have
    work of its own, as the stock check of every listing) and returns what changed; connector errors that stop the
    shop are raised. `look_back` is the rule for an answer that never came (read the platform back: what landed is
    recorded, not sent again). `settle(round, runs, commands)`, for commands meant for every shop (account NULL),
    decides after every shop's turn whether they are sent or due again."""

    kind: str
    capability: Capability
    send: Callable[[CommandRound, AccountRun, Sequence[CommandRow]], Change]
    look_back: Callable[..., Any]
    settle: Callable[[CommandRound, Sequence[AccountRun], Sequence[CommandRow]], Change] | None = None
