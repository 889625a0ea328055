"""The stock command's handler: push what each shop should show, and settle a change once every shop has it.

A "stock_changed" command is meant for every active shop (account NULL). In a shop's turn the listings of the
changed products are pushed (absolute numbers, so twice is harmless), together with every listing that differs
on the first round and then every 15 minutes (engine.FULL_CHECK_EVERY). Look-back rule: when a push's answer
never came, the listings are read back, what already shows the number is recorded as pushed, and only the rest
is pushed again. After
every shop's turn the commands are sent when every shop that takes stock numbers has them; otherwise they are due
again after a backoff that grows with their attempts (kept in the database, so it survives restarts).
"""

from __future__ import annotations

from collections.abc import Sequence

from companion.connectors.errors import ConnectorError, Temporary, Throttled
from companion.domain.clock import now_utc
from companion.domain.marketplace import Capability, StockResult, StockUpdate
from companion.services import mapping, online_stock
from companion.services.change import Change
from companion.services.online_stock import PlannedPush
from companion.services.stock_push import STOCK_CHANGED
from companion.store import listings as listing_store
from companion.store.outbox import CommandRow
from companion.sync.problems import problem_for, stock_refused
from companion.sync.rounds import AccountRun, CommandHandler, CommandRound

PUSH_PIECE = 50  # listings pushed and recorded before the next piece (a pause point between pieces)


def product_ids(commands: Sequence[CommandRow]) -> list[str]:
    ids = (c.payload.get("product_ids", []) for c in commands)
    return sorted({str(p) for group in ids if isinstance(group, list) for p in group})


def send(rnd: CommandRound, run: AccountRun, commands: Sequence[CommandRow]) -> Change:
    """Changed products (every listing, absolute numbers); on the first round also whatever differs."""
    db, changed = rnd.db, product_ids(commands)
    change = Change()
    try:
        plans = online_stock.plan_pushes(db, run.row.id, changed, only_different=False) if changed else []
        # A listing the platform refused (an item in a promotion) is tried again every round, on its own: its
        # stock change was settled when the refusal came back, so it does not hold the shop's other changes.
        refused = listing_store.refused_products(db, run.row.id)
        seen = {p.listing_id for p in plans}
        plans += [p for p in (online_stock.plan_pushes(db, run.row.id, refused) if refused else [])
                  if p.listing_id not in seen]
        checked = rnd.full_done.get(run.row.id)
        # Every listing is checked on the first round and then every `full_check_every`: what a shop may promise
        # also moves with time (a planned batch entering the ship window), not only with local changes.
        full = checked is None or now_utc() - checked >= rnd.full_check_every
        if full:
            seen = {p.listing_id for p in plans}
            plans += [p for p in online_stock.plan_pushes(db, run.row.id, None, only_different=True)
                      if p.listing_id not in seen]
        if plans:
            run.stock_ok, change = _push(rnd, run, plans)
        else:
            run.stock_ok = True
        if full and run.stock_ok:
            rnd.full_done[run.row.id] = now_utc()
            run.full_push = True
    except ConnectorError as exc:
        run.stock_ok = False
        run.note(problem_for(exc, run.secrets))
        if isinstance(exc, Throttled):
            run.retry_after = exc.retry_after_seconds
    return change


def _push(rnd: CommandRound, run: AccountRun, plans: list[PlannedPush]) -> tuple[bool, Change]:
    """In pieces, each recorded before the next (a stopped or killed round keeps what was answered) with a pause
    point between them: a first push of thousands of listings at a platform's pace takes minutes, and the round
    pulls the buyers' messages that fall due meanwhile. True when every number got an answer."""
    change, answered = Change(), True
    for n, piece in enumerate(_pieces(plans)):
        if n:
            rnd.between()
        piece_answered, piece_change = _push_piece(rnd, run, piece)
        answered, change = answered and piece_answered, change | piece_change
    return answered, change


def _pieces(plans: list[PlannedPush]) -> list[list[PlannedPush]]:
    """About PUSH_PIECE listings each, in the plans' order (changed products first), an item's listings kept
    together (they may share one call)."""
    items: dict[str, list[PlannedPush]] = {}
    for plan in plans:
        items.setdefault(plan.ref.item_id, []).append(plan)
    pieces: list[list[PlannedPush]] = [[]]
    for item in items.values():
        if len(pieces[-1]) >= PUSH_PIECE:
            pieces.append([])
        pieces[-1] += item
    return [piece for piece in pieces if piece]


def _push_piece(rnd: CommandRound, run: AccountRun, plans: list[PlannedPush]) -> tuple[bool, Change]:
    """Push, or after an answer that never came, read the platform back and push only what is still off."""
    change = Change()
    try:
        results = run.call(lambda: run.link.push_stock(_updates(plans)))
    except Temporary as exc:
        if not exc.outcome_unknown:
            raise
        plans, change = read_back(rnd, run, plans)
        if not plans:
            return True, change
        results = run.call(lambda: run.link.push_stock(_updates(plans)))
    change |= online_stock.record_push_results(rnd.db, plans, results)
    done = {(r.listing.item_id, r.listing.sku_id) for r in results if r.ok}
    answered = {(r.listing.item_id, r.listing.sku_id) for r in results}
    run.pushed += len(done)
    refused = [r.reason or "refused" for r in results if not r.ok]
    if refused:
        run.note(stock_refused(refused))
    # Handled when every number got an answer: a refusal keeps the platform's words on its listing and that
    # listing is planned again at every full check, so the change itself need not wait (one item in a promotion
    # would otherwise hold every later stock change of the shop, thousands in a day).
    return all((p.ref.item_id, p.ref.sku_id) in answered for p in plans), change


def read_back(rnd: CommandRound, run: AccountRun, plans: list[PlannedPush]) -> tuple[list[PlannedPush], Change]:
    """The look-back rule: what the platform shows now; plans it already shows are recorded as pushed, the rest
    returned."""
    listings = run.call(lambda: run.link.list_listings())
    change = mapping.store_listings(rnd.db, run.row.id, listings)
    shown = {(x.item_id, x.sku_id): x.stock for x in listings}
    landed = [p for p in plans if shown.get((p.ref.item_id, p.ref.sku_id)) == p.quantity]
    change |= online_stock.record_push_results(rnd.db, landed, [StockResult(p.ref, True) for p in landed])
    run.pushed += len(landed)
    return [p for p in plans if p not in landed], change


def settle(rnd: CommandRound, runs: Sequence[AccountRun], commands: Sequence[CommandRow]) -> Change:
    """Sent when every shop taking stock numbers handled the changes; otherwise due again after a backoff."""
    takers = [run for run in runs if Capability.STOCK in run.capabilities]
    due = [c.id for c in commands]
    if all(run.stock_ok for run in takers):
        # A first-round push of every listing covers changes that were waiting for their retry time too.
        every = online_stock.pending_entry_ids(rnd.db)
        covered = every if takers and all(run.full_push for run in takers) else due
        return online_stock.mark_delivered(rnd.db, covered) if covered else Change()
    if not due:
        return Change()
    failed = [run for run in takers if not run.stock_ok]
    waits = [run.retry_after for run in failed if run.retry_after is not None]
    reason = next((f"{run.row.channel}: {run.problem.kind}" for run in failed if run.problem), "not delivered")
    return online_stock.retry_later(rnd.db, due, reason,
                                    lambda n: rnd.backoff.next_attempt_at(n, max(waits) if waits else None))


def _updates(plans: Sequence[PlannedPush]) -> list[StockUpdate]:
    return [StockUpdate(p.ref, p.quantity) for p in plans]


HANDLER = CommandHandler(STOCK_CHANGED, Capability.STOCK, send, read_back, settle)
