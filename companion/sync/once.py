"""Exactly once for one command to a platform, shared by the fulfilment handlers (ship, cancel, answer a buyer's
cancel request, answer a return): the rules of docs/ADDING_A_COMMAND.md in one place.

1. A command found 'sending' (its answer was lost, or the app was killed mid-send) is looked for on the platform
   first: what landed is recorded, never sent again. A refused read-back leaves it 'sending' for the next round.
2. What the call needs is read (`prepare`: a refusal there fails the command in the platform's words), then
   'sending' is committed before the call (the kind's `begin` service).
3. The answer: done → recorded; `AlreadyDone` → the platform's own read-back recorded as done; `Permanent`
   (NotPermitted included) → failed with the platform's words; `Temporary(outcome_unknown)` → left 'sending', looked
   for next round; anything else (offline, throttled, login refused, a server error) → nothing left the laptop:
   back to waiting with the attempt counted, and the error raised to `send_each`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from companion.connectors.errors import AlreadyDone, ConnectorError, Permanent, Temporary, Throttled
from companion.domain.errors import UserError
from companion.services.change import Change
from companion.store.outbox import SENDING, CommandRow
from companion.sync.problems import problem_for
from companion.sync.rounds import STOPPING, AccountRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Steps:
    """One command's services and platform calls. `look` reads the platform and records what landed (a Change), or
    returns None when it is not there; `send` makes the call; `done` records its answer; `already` records an
    AlreadyDone (usually through `look`); `refused` and `requeued` take the platform's words / the reason."""

    look: Callable[[], Change | None]
    begin: Callable[[], object]
    send: Callable[[], Any]
    done: Callable[[Any], Change]
    already: Callable[[AlreadyDone], Change]
    refused: Callable[[str], Change]
    requeued: Callable[[str], object]
    prepare: Callable[[], object] = lambda: None   # reads before the send (e.g. today's pickup slots)


def words(exc: Permanent) -> str:
    """The platform's own words for a refusal (its message, else its code)."""
    return (exc.platform_message or exc.platform_code or exc.message)[:500]


def send_once(run: AccountRun, command: CommandRow, steps: Steps) -> Change:
    """One command by the rules above; errors that mean nothing left the laptop are raised after `requeued`."""
    if command.state == SENDING:
        try:
            found = steps.look()
        except Permanent as exc:   # the read-back itself refused: neither failed nor sent blind
            log.warning("command %s: could not look whether it landed (%s); looking again next round", command.id,
                        exc.platform_code or type(exc).__name__)
            return Change()
        if found is not None:
            return found
    try:
        steps.prepare()   # only reads: nothing has left the laptop yet
    except AlreadyDone as exc:
        return steps.already(exc)
    except Permanent as exc:
        return steps.refused(words(exc))
    steps.begin()
    try:
        answer = run.call(steps.send)
    except AlreadyDone as exc:
        return steps.already(exc)
    except Permanent as exc:
        return steps.refused(words(exc))
    except Temporary as exc:
        if exc.outcome_unknown:   # it may have landed: looked for at the next round, never sent blind
            run.note(problem_for(exc, run.secrets, run.row.channel))
            return Change()
        steps.requeued(exc.message)
        raise
    except ConnectorError as exc:   # throttled, login refused: nothing was sent
        steps.requeued(exc.message)
        raise
    return steps.done(answer)


def send_each(run: AccountRun, commands: Sequence[CommandRow], one: Callable[[CommandRow], Change]) -> Change:
    """Each command through `one`; a problem is noted on the shop, and one that ends the shop's round (offline,
    throttled, login refused) stops here: the rest wait for the next round, the Change of what went out is kept."""
    change = Change()
    for command in commands:
        try:
            change |= one(command)
        except ConnectorError as exc:
            problem = problem_for(exc, run.secrets, run.row.channel)
            run.note(problem)
            if isinstance(exc, Throttled):
                run.retry_after = exc.retry_after_seconds
            if problem.kind in STOPPING:
                run.stopped = True
                break
        except UserError as exc:   # its order or return went from this computer meanwhile: the others go on
            log.info("command %s not recorded: %s", command.id, exc)
    return change
