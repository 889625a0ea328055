"""The handlers of the seller's cancellation ("cancel_order": the whole order or some lines, with one of the
platform's reasons) and of the answer to a buyer's request to cancel ("answer_cancel_request"), each exactly once
(`once.send_once`).

Look-back rules (a command found 'sending'): the order is read back; a cancellation landed when the platform shows
the order cancelled, or every asked line with at least the asked units cancelled; an answer landed when the
platform no longer shows the buyer's request open (or the order is cancelled). Only what did not land is sent again.
An answer reads the order first anyway: the platform's own request id is sent back as it is.

Stock: after a cancellation or an answer went out the order is read back and applied (`apply_orders`), so units
come back per cancelled line through the same path as the order pull, never counted twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from companion.connectors.errors import AlreadyDone
from companion.domain.fulfilment import CancelLine
from companion.domain.marketplace import Capability, Order, OrderStatus
from companion.services import cancellations
from companion.services import commands as command_service
from companion.services.change import Change
from companion.store import online_orders as order_store
from companion.store.outbox import CommandRow
from companion.sync.once import Steps, send_each, send_once
from companion.sync.rounds import AccountRun, CommandHandler, CommandRound
from companion.sync.shipping import platform_orders, reread


def cancel_lines(payload: dict[str, object]) -> tuple[CancelLine, ...]:
    """The lines of a cancel command ([] = the whole order)."""
    raw = payload.get("lines") or []
    lines = []
    for line in raw if isinstance(raw, list) else []:
        if isinstance(line, dict):
            lines.append(CancelLine(str(line.get("line_id", "")), str(line.get("item_id", "")),
                                    str(line.get("sku_id", "")), int(line.get("quantity", 0) or 0)))
    return tuple(lines)


def cancel_landed(order: Order, lines: Sequence[CancelLine]) -> bool:
    """The platform shows the cancellation: the order cancelled, or each asked line with the asked units."""
    if order.status is OrderStatus.CANCELLED:
        return True
    if not lines:
        return False
    shown = {line.line_id: line.cancelled_quantity for line in order.lines}
    return all(shown.get(line.line_id, 0) >= line.quantity for line in lines)


def request_answered(order: Order) -> bool:
    """The platform shows the buyer's request answered: none open on the order, or the order cancelled."""
    return order.cancel_request is None or order.status is OrderStatus.CANCELLED


def _platform_order(run: AccountRun, platform_id: str) -> Order | None:
    found = platform_orders(run, [platform_id])
    return found[0] if found else None


def _cancel_one(rnd: CommandRound, run: AccountRun, command: CommandRow, went: list[str]) -> Change:
    db = rnd.db
    order_id = str(command.payload.get("order_id", ""))
    row = order_store.get(db, order_id)
    if row is None:   # the order is gone from this laptop: nothing to send it for
        return command_service.give_up(db, command.id, "order not found")
    platform_id, reason = row.platform_order_id, str(command.payload.get("reason", ""))
    lines = cancel_lines(command.payload)

    def done(_answer: object = None) -> Change:
        went.append(platform_id)
        return cancellations.record_cancel_sent(db, command.id)

    def look() -> Change | None:
        order = _platform_order(run, platform_id)
        return done() if order is not None and cancel_landed(order, lines) else None

    def already(exc: AlreadyDone) -> Change:
        return done()   # the platform has it cancelled already: the read-back applies what it shows

    steps = Steps(look=look, begin=lambda: command_service.begin_sending(db, command.id),
                  send=lambda: run.link.cancel_order(platform_id, reason, lines), done=done, already=already,
                  refused=lambda w: cancellations.record_cancel_refused(db, command.id, w),
                  requeued=lambda why: command_service.requeue(db, command.id, why))
    return send_once(run, command, steps)


def _answer_one(rnd: CommandRound, run: AccountRun, command: CommandRow, went: list[str]) -> Change:
    db = rnd.db
    order_id = str(command.payload.get("order_id", ""))
    row = order_store.get(db, order_id)
    if row is None:
        return command_service.give_up(db, command.id, "order not found")
    platform_id = row.platform_order_id
    accept, reason = bool(command.payload.get("accept")), str(command.payload.get("reason", ""))
    request_id = [str(command.payload.get("request_id", ""))]

    def done(_answer: object = None) -> Change:
        went.append(platform_id)
        return cancellations.record_cancel_answered(db, order_id)

    def look() -> Change | None:
        order = _platform_order(run, platform_id)
        return done() if order is not None and request_answered(order) else None

    def prepare() -> None:
        order = _platform_order(run, platform_id)
        if order is None or order.cancel_request is None or request_answered(order):
            raise AlreadyDone("request_not_open", "")   # nothing open to answer: as the platform shows it
        request_id[0] = order.cancel_request.request_id

    steps = Steps(look=look, begin=lambda: command_service.begin_sending(db, command.id),
                  send=lambda: run.link.answer_cancel_request(platform_id, request_id[0], accept, reason),
                  done=done, already=lambda _exc: done(),
                  refused=lambda w: cancellations.record_cancel_answer_refused(db, order_id, w),
                  requeued=lambda why: command_service.requeue(db, command.id, why), prepare=prepare)
    return send_once(run, command, steps)


def send_cancels(rnd: CommandRound, run: AccountRun, commands: Sequence[CommandRow]) -> Change:
    """This shop's due cancellations; then the orders read back, so stock comes back per cancelled line."""
    if not commands:
        return Change()
    went: list[str] = []
    change = send_each(run, commands, lambda c: _cancel_one(rnd, run, c, went))
    return change | (reread(rnd, run, went) if not run.stopped else Change())


def send_answers(rnd: CommandRound, run: AccountRun, commands: Sequence[CommandRow]) -> Change:
    """This shop's due answers to buyers' cancel requests; then the orders read back."""
    if not commands:
        return Change()
    went: list[str] = []
    change = send_each(run, commands, lambda c: _answer_one(rnd, run, c, went))
    return change | (reread(rnd, run, went) if not run.stopped else Change())


CANCEL_HANDLER = CommandHandler(cancellations.CANCEL_ORDER, Capability.FULFILMENT, send_cancels, cancel_landed)
ANSWER_HANDLER = CommandHandler(cancellations.ANSWER_CANCEL_REQUEST, Capability.FULFILMENT, send_answers,
                                request_answered)
