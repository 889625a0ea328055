"""Reviews: the pull phase (buyers' ratings created or changed, by update time, with a cursor) and the handler of the
seller's replies ("review_reply"), sent in batches and exactly once.

Pull: a window of update times like the order pull — the first one looks `FIRST_WINDOW` back (the platforms keep
reviews for apps 90 days), each next one starts `OVERLAP` before the last ended. Every page is applied
(`services.reviews.apply_reviews`, keyed by the platform's review id, so a page twice changes nothing; a reply seen
on the platform settles our waiting one) in one transaction with the cursor after it (stream "reviews" in
sync_cursors: `{"updated_from", "updated_to", "page"}`), so a walk cut short resumes its own window and page. A new
walk starts `PULL_EVERY` after the last one ended, not every round: reviews are not as urgent as orders, and a
platform that lists reviews one product at a time costs a call per product per walk. A shop the platform does not
let read reviews (NotPermitted) is noted once and its other work goes on. Every 30 minutes the shop's newest
unanswered 1–3 star reviews are read back by id (`recheck_unanswered`): the platforms' lists do not bring later
changes to an older review (answered in the seller centre, hidden).

Send: the shop's due replies, `ReviewRules.replies_per_call` at a time. Each batch's commands are 'sending' on disk
before the call; the answers (one per reply) go to `services.reviews.record_reply_results`: sent; already replied
→ settled (the platform holds a reply: ours whose answer was lost, or one written in the seller centre); gone (the
buyer deleted the review) → failed with one sentence; any other refusal → failed with the platform's words.

Look-back rule (a reply found 'sending': its answer was lost, or the app was killed mid-send): the reviews are read
back (`get_reviews`) first; one that shows a reply is settled, one missing or hidden is failed as gone, and only
the rest are sent again. A refused read-back leaves them 'sending' for the next round.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial

from companion.connectors import registry
from companion.connectors.errors import ConnectorError, NotPermitted, Permanent, Temporary, Throttled
from companion.domain.clock import now_utc, parse_stamp, stamp
from companion.domain.marketplace import Capability
from companion.domain.reviews import LOW_RATING, Review, ReviewPage, ReviewReply, ReviewReplyResult
from companion.services import commands as command_service
from companion.services import reviews as review_service
from companion.services.change import Change
from companion.store import reviews as review_store
from companion.store import sync_state
from companion.store.database import Database
from companion.store.outbox import SENDING, CommandRow
from companion.store.reviews import ReviewRow
from companion.sync.once import words
from companion.sync.problems import problem_for
from companion.sync.pull_windows import walk_window
from companion.sync.rounds import STOPPING, AccountRun, CommandHandler, CommandRound

log = logging.getLogger(__name__)

REVIEWS = "reviews"
FIRST_WINDOW = timedelta(days=90)   # the longest any platform lists reviews back (its connector keeps its own limit)
OVERLAP = timedelta(minutes=5)
PULL_EVERY = timedelta(minutes=10)  # a new walk this long after the last one ended (a new rating shows that soon)
MAX_PAGES = 25                      # pages per shop per round (the cursor resumes the rest next round)
ROUND_SECONDS = 5.0                 # and no longer than this: at the platforms' call limits (docs/RATE_LIMITS.md) a
                                    # first walk of a big shop's history takes minutes, and a buyer's reply or a stock
                                    # number queued meanwhile would wait for the whole walk
UNSUPPORTED = "unsupported"         # connectors/base.py: the channel's connector has no reviews API
RECHECK = "reviews_check"           # sync_cursors stream: {"at"} when the unanswered low reviews were last read back
RECHECK_EVERY = timedelta(minutes=30)
RECHECK_LIMIT = 50                  # reviews read back per shop per check (newest first)
RECHECK_SCAN = 2_000                # unanswered low reviews of every shop looked through to find this shop's

Pending = tuple[CommandRow, ReviewRow]


# -- pull ---------------------------------------------------------------------------------------------------------
def _window(db: Database, account_id: str) -> tuple[datetime, datetime, str | None] | None:
    """(from, to, platform cursor): a walk in progress resumes its own window; otherwise up to now once
    `PULL_EVERY` has passed since the last walk ended (None: not yet)."""
    window = walk_window(db, account_id, REVIEWS, FIRST_WINDOW)
    if not window.first and window.page is None and now_utc() - (window.updated_from + OVERLAP) < PULL_EVERY:
        return None
    return window.parts()


def _not_permitted(run: AccountRun, exc: NotPermitted) -> None:
    if exc.platform_code != UNSUPPORTED:   # a channel without a reviews API has nothing to say
        run.note(problem_for(exc, run.secrets, run.row.channel))


def pull_reviews(db: Database, run: AccountRun) -> Change:
    """The reviews phase of a round: every page of the window, each applied with the cursor after it (at most
    MAX_PAGES and ROUND_SECONDS a round: the shops and commands after this one wait for it), then the read-back of
    unanswered low ones when due."""
    window = _window(db, run.row.id)
    if window is None:
        return recheck_unanswered(db, run)
    updated_from, updated_to, cursor = window
    change = Change()
    until = time.monotonic() + ROUND_SECONDS
    for _ in range(MAX_PAGES):
        if time.monotonic() > until:
            return change  # the cursor after the last applied page resumes the walk next round
        try:
            page: ReviewPage = run.call(partial(run.link.pull_reviews, updated_from, updated_to, cursor))
        except NotPermitted as exc:   # the app may not read this shop's reviews: the shop's other work goes on
            _not_permitted(run, exc)
            return change
        last = page.done or not page.next_cursor
        after: dict[str, object] = (
            {"updated_from": stamp(updated_to - OVERLAP), "page": None} if last else
            {"updated_from": stamp(updated_from), "updated_to": stamp(updated_to), "page": page.next_cursor})
        change |= review_service.apply_reviews(db, run.row.id, page.reviews, cursor=(REVIEWS, json.dumps(after)))
        if last:
            return change | recheck_unanswered(db, run)
        cursor = page.next_cursor
    return change


def _checked_at(db: Database, account_id: str) -> datetime | None:
    raw = sync_state.cursor(db, account_id, RECHECK)
    try:
        return parse_stamp(str(json.loads(raw)["at"])) if raw else None
    except (ValueError, KeyError, TypeError):
        return None


def recheck_unanswered(db: Database, run: AccountRun) -> Change:
    """Every `RECHECK_EVERY`, the shop's newest unanswered low reviews read back by id: the platforms' lists do not
    bring a change to an older review (a reply written in the seller centre, a review hidden), and these are the
    ones the tray counts. Only what the platform returns is applied; a review it leaves out is left as it is (a
    missing answer is not proof the buyer deleted it). The time of the check is kept with what it found."""
    now = now_utc()
    last = _checked_at(db, run.row.id)
    if last is not None and now - last < RECHECK_EVERY:
        return Change()
    rows = [r for r in review_store.listing(db, rating_max=LOW_RATING, only_unanswered=True, limit=RECHECK_SCAN)
            if r.account_id == run.row.id][:RECHECK_LIMIT]
    found: list[Review] = []
    if rows:
        try:
            found = run.call(partial(run.link.get_reviews, [r.platform_review_id for r in rows]))
        except NotPermitted as exc:
            _not_permitted(run, exc)
            return Change()
    return review_service.apply_reviews(db, run.row.id, found, cursor=(RECHECK, json.dumps({"at": stamp(now)})))


# -- send ---------------------------------------------------------------------------------------------------------
def _pending(db: Database, commands: Sequence[CommandRow]) -> tuple[list[Pending], Change]:
    """Each command with its review, oldest first; a command whose review went from this laptop is given up."""
    out: list[Pending] = []
    change = Change()
    for command in commands:
        row = review_store.get(db, str(command.payload.get("review_id", "")))
        if row is None:
            change |= command_service.give_up(db, command.id, "review not found")
        else:
            out.append((command, row))
    return out, change


def _text(command: CommandRow, row: ReviewRow) -> str:
    return str(command.payload.get("text") or row.pending_reply)


def _look_back(db: Database, run: AccountRun, lost: Sequence[Pending]) -> tuple[Change, set[str]]:
    """Replies whose answer was lost, read back: a review showing a reply is settled (ours landed, or the seller
    answered elsewhere), one missing or hidden is failed as gone. Returns what changed and the command ids settled;
    a refused read-back settles none and leaves them all 'sending' (raised Permanent is caught by the caller)."""
    wanted = [row.platform_review_id for _, row in lost]
    found: dict[str, Review] = {r.review_id: r for r in run.call(partial(run.link.get_reviews, wanted))}
    change = review_service.apply_reviews(db, run.row.id, list(found.values())) if found else Change()
    results: list[ReviewReplyResult] = []
    for _command, row in lost:
        review = found.get(row.platform_review_id)
        if review is None or review.hidden:
            results.append(ReviewReplyResult(row.platform_review_id, False, gone=True))
        elif review.reply_text:
            results.append(ReviewReplyResult(row.platform_review_id, False, already_replied=True))
    if results:
        change |= review_service.record_reply_results(db, run.row.id, results)
    settled = {r.review_id for r in results}
    return change, {command.id for command, row in lost if row.platform_review_id in settled}


def _send_batch(db: Database, run: AccountRun, batch: Sequence[Pending]) -> Change:
    """One call carrying these replies, 'sending' on disk before it leaves. A refusal of the whole call fails each
    with the platform's words; an answer that may have been lost leaves them 'sending' (looked for next round);
    nothing sent (offline, throttled, login refused) puts them back to waiting and raises."""
    for command, _row in batch:
        command_service.begin_sending(db, command.id)
    replies = [ReviewReply(row.platform_review_id, _text(command, row)) for command, row in batch]
    try:
        results: list[ReviewReplyResult] = run.call(partial(run.link.reply_reviews, replies))
    except Permanent as exc:   # NotPermitted included: the shop may not reply at all
        if isinstance(exc, NotPermitted):
            _not_permitted(run, exc)
        said = words(exc)
        refused = [ReviewReplyResult(r.review_id, False, exc.platform_code, said) for r in replies]
        return review_service.record_reply_results(db, run.row.id, refused)
    except Temporary as exc:
        if exc.outcome_unknown:
            run.note(problem_for(exc, run.secrets, run.row.channel))
            return Change()
        _requeue(db, batch, exc.message)
        raise
    except ConnectorError as exc:
        _requeue(db, batch, exc.message)
        raise
    change = review_service.record_reply_results(db, run.row.id, results)
    return change | _read_settled(db, run, results)


def _read_settled(db: Database, run: AccountRun, results: Sequence[ReviewReplyResult]) -> Change:
    """Reviews the platform said were already answered or gone, read back so this laptop shows what the platform
    holds (the reply written in the seller centre, the review deleted): an update the pull's window may not bring.
    A convenience: a read that fails leaves it to a later pull."""
    wanted = [r.review_id for r in results if r.already_replied or r.gone]
    if not wanted:
        return Change()
    try:
        found: list[Review] = run.call(partial(run.link.get_reviews, wanted))
    except ConnectorError as exc:
        log.info("reviews of %s not read back after replies: %s", run.row.id, type(exc).__name__)
        return Change()
    return review_service.apply_reviews(db, run.row.id, found) if found else Change()


def _requeue(db: Database, batch: Sequence[Pending], why: str) -> None:
    for command, _row in batch:
        command_service.requeue(db, command.id, why)


def _per_call(channel: str) -> int:
    spec = registry.find(channel)
    rules = spec.reviews if spec else None
    return max(1, rules.replies_per_call) if rules else 1


def send_review_replies(rnd: CommandRound, run: AccountRun, commands: Sequence[CommandRow]) -> Change:
    """This shop's due replies: those whose answer was lost are looked for first, the rest sent in batches."""
    if not commands:
        return Change()
    db = rnd.db
    pending, change = _pending(db, commands)
    lost = [p for p in pending if p[0].state == SENDING]
    if lost:
        try:
            looked, settled = _look_back(db, run, lost)
        except Permanent:   # the read-back refused: neither failed (sent twice) nor sent blind; next round
            waiting = {c.id for c, _ in lost}
            pending = [p for p in pending if p[0].id not in waiting]
        else:
            change |= looked
            pending = [p for p in pending if p[0].id not in settled]
    size = _per_call(run.row.channel)
    for start in range(0, len(pending), size):
        try:
            change |= _send_batch(db, run, pending[start:start + size])
        except ConnectorError as exc:   # nothing of this batch left the laptop; it waits with its attempt counted
            problem = problem_for(exc, run.secrets, run.row.channel)
            run.note(problem)
            if isinstance(exc, Throttled):
                run.retry_after = exc.retry_after_seconds
            if problem.kind in STOPPING:   # offline, throttled, login refused: the rest wait for the next round
                run.stopped = True
                break
    return change


REVIEW_REPLY_HANDLER = CommandHandler(review_service.REVIEW_REPLY_KIND, Capability.REVIEWS, send_review_replies,
                                      _look_back)
