"""Returns: the pull phase (the platform's return and refund requests, by update time, with a cursor) and the
handler of the seller's answer ("answer_return": accept, refuse with the platform's reason, or a partial refund),
exactly once (`once.send_once`).

Pull: a window of update times like the order pull — the first one `FIRST_WINDOW` back, each next one starting
`OVERLAP` before the last ended; every page is applied (`services.returns.apply_returns`, keyed by the platform's
return id, so a page twice changes nothing) in one transaction with the cursor after it (stream "returns" in
sync_cursors: `{"updated_from", "updated_to", "page"}`), so a walk cut short resumes its own window and page. A
channel that refuses the returns API (NotPermitted) is noted once for the round and its other phases go on.

Look-back rule (an answer found 'sending'): the return is looked for in the platform's list since it was made; a
return the platform no longer shows as requested has its answer (applied and recorded); otherwise it is sent again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial

from companion.connectors.errors import AlreadyDone, NotPermitted
from companion.domain.clock import now_utc, parse_stamp, stamp
from companion.domain.fulfilment import ReturnPage, ReturnRequest, ReturnState
from companion.domain.marketplace import Capability
from companion.services import commands as command_service
from companion.services import returns as returns_service
from companion.services.change import Change
from companion.store import returns as returns_store
from companion.store.database import Database
from companion.store.outbox import CommandRow
from companion.sync.once import Steps, send_each, send_once
from companion.sync.problems import problem_for
from companion.sync.pull_windows import walk_window
from companion.sync.rounds import AccountRun, CommandHandler, CommandRound

RETURNS = "returns"
FIRST_WINDOW = timedelta(days=30)   # returns come weeks after the order: the first pull looks a month back
OVERLAP = timedelta(minutes=5)
MAX_PAGES = 50
LOOK_SLACK = timedelta(minutes=10)  # platform and laptop clocks differ
UNSUPPORTED = "unsupported"         # connectors/base.py: the channel's connector has no returns API


def _window(db: Database, account_id: str) -> tuple[datetime, datetime, str | None]:
    """(from, to, platform cursor): a walk in progress resumes its own window; otherwise up to now."""
    return walk_window(db, account_id, RETURNS, FIRST_WINDOW).parts()


def pull_returns(db: Database, run: AccountRun) -> Change:
    """The returns phase of a round: every page of the window, each applied with the cursor after it."""
    updated_from, updated_to, cursor = _window(db, run.row.id)
    change = Change()
    for _ in range(MAX_PAGES):
        try:
            page: ReturnPage = run.call(partial(run.link.pull_returns, updated_from, updated_to, cursor))
        except NotPermitted as exc:   # the app may not read this shop's returns: the shop's other work goes on
            if exc.platform_code != UNSUPPORTED:   # a channel without a returns API has nothing to say
                run.note(problem_for(exc, run.secrets, run.row.channel))
            return change
        last = page.done or not page.next_cursor
        after: dict[str, object] = (
            {"updated_from": stamp(updated_to - OVERLAP), "page": None} if last else
            {"updated_from": stamp(updated_from), "updated_to": stamp(updated_to), "page": page.next_cursor})
        change |= returns_service.apply_returns(db, run.row.id, page.returns, cursor=(RETURNS, json.dumps(after)))
        if last:
            break
        cursor = page.next_cursor
    return change


def _find(run: AccountRun, platform_return_id: str, since: datetime) -> ReturnRequest | None:
    """The return as the platform lists it now (updated since `since`)."""
    cursor: str | None = None
    until = now_utc() + LOOK_SLACK
    for _ in range(MAX_PAGES):
        page: ReturnPage = run.call(partial(run.link.pull_returns, since, until, cursor))
        for found in page.returns:
            if found.return_id == platform_return_id:
                return found
        if page.done or not page.next_cursor:
            return None
        cursor = page.next_cursor
    return None


def _answer_one(rnd: CommandRound, run: AccountRun, command: CommandRow) -> Change:
    db = rnd.db
    return_id = str(command.payload.get("return_id", ""))
    row = returns_store.get(db, return_id)
    if row is None:   # the return is gone from this laptop: nothing to send it for
        return command_service.give_up(db, command.id, "return not found")
    answer = returns_service.answer_of(command)
    since = parse_stamp(row.created_at) - LOOK_SLACK

    def look() -> Change | None:
        found = _find(run, row.platform_return_id, since)
        if found is None or found.state is ReturnState.REQUESTED:
            return None
        applied = returns_service.apply_returns(db, run.row.id, [found])
        return applied | returns_service.record_return_answered(db, return_id)

    def already(exc: AlreadyDone) -> Change:
        return look() or returns_service.record_return_answered(db, return_id)

    steps = Steps(look=look, begin=lambda: command_service.begin_sending(db, command.id),
                  send=lambda: run.link.answer_return(row.platform_return_id, answer),
                  done=lambda _a: returns_service.record_return_answered(db, return_id), already=already,
                  refused=lambda w: returns_service.record_return_answer_refused(db, return_id, w),
                  requeued=lambda why: command_service.requeue(db, command.id, why))
    return send_once(run, command, steps)


def send_answers(rnd: CommandRound, run: AccountRun, commands: Sequence[CommandRow]) -> Change:
    """This shop's due answers to returns, oldest first."""
    if not commands:
        return Change()
    return send_each(run, commands, lambda c: _answer_one(rnd, run, c))


HANDLER = CommandHandler(returns_service.ANSWER_RETURN, Capability.FULFILMENT, send_answers, _find)
