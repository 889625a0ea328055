"""Cancellations: the seller cancels an order (whole, or lines where the platform allows) with one of the
platform's reasons, and answers a buyer's request to cancel. Both leave through the command outbox.

Stock is never moved here: when the platform reports the cancelled lines, `apply_orders` gives back exactly those
units (the sync re-reads the order after a cancel it sent), so nothing is ever counted twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from companion.domain.clock import stamp
from companion.domain.errors import NotFound, UserError
from companion.domain.fulfilment import CancelRequest, FulfilmentRules
from companion.domain.marketplace import OrderStatus
from companion.i18n import N_
from companion.services.change import Change
from companion.services.fulfilment_rules import rules_for
from companion.store import accounts as account_store
from companion.store import cancel_requests as request_store
from companion.store import online_orders as order_store
from companion.store import outbox
from companion.store.cancel_requests import CancelRequestRow
from companion.store.database import Database
from companion.store.online_orders import OnlineOrderRow

CANCEL_ORDER = "cancel_order"
ANSWER_CANCEL_REQUEST = "answer_cancel_request"
OPEN = (outbox.WAITING, outbox.SENDING)
NOT_FOUND = N_("This order is no longer in the list: refresh the list.")
NO_FULFILMENT = N_("This shop's orders cannot be cancelled from the app: cancel it in the seller centre.")


def _order_and_rules(db: Database, order_id: str) -> tuple[OnlineOrderRow, FulfilmentRules]:
    order = order_store.get(db, order_id)
    if order is None:
        raise NotFound(NOT_FOUND)
    rules = rules_for(account_store.get(db, order.account_id))
    if rules is None:
        raise UserError(NO_FULFILMENT)
    return order, rules


def _open(db: Database, prefix: str) -> list[outbox.CommandRow]:
    return [c for c in outbox.by_key_prefix(db, prefix) if c.state in OPEN]


def queue_cancel(db: Database, order_id: str, reason: str, lines: Sequence[tuple[str, int]] = ()) -> Change:
    """The seller cancels the order (no `lines`) or some units of its lines ((line row id, quantity) each), with a
    reason code from the platform's list. Checked here, sent by the sync; stock follows the platform's report."""
    with db.write():
        order, rules = _order_and_rules(db, order_id)
        if reason not in {r.code for r in rules.cancel_reasons}:
            raise UserError(N_("Choose one of the marketplace's reasons for cancelling."))
        if order.status not in (OrderStatus.UNPAID.value, OrderStatus.PAID.value, OrderStatus.READY_TO_SHIP.value):
            raise UserError(N_("This order cannot be cancelled any more: it has been shipped, completed or "
                               "cancelled already."))
        if order.ship_state == "waiting":
            raise UserError(N_("This order is waiting to be shipped: cancel the shipment in Settings first, then "
                               "cancel the order."))
        prefix = f"cancel:{order_id}:"
        if _open(db, prefix):
            raise UserError(N_("A cancellation of this order is already waiting to be sent."))
        payload_lines = _cancel_lines(db, order_id, rules, lines)
        for old in outbox.by_key_prefix(db, prefix):  # an earlier refused cancel is replaced by this one
            if old.state == outbox.FAILED:
                outbox.set_state(db, old.id, outbox.CANCELLED)
        outbox.enqueue(db, CANCEL_ORDER, {"order_id": order_id, "reason": reason, "lines": payload_lines},
                       f"{prefix}{len(outbox.by_key_prefix(db, prefix)) + 1}", order.account_id)
    return Change(orders=frozenset({order_id}), sync=True)


def _cancel_lines(db: Database, order_id: str, rules: FulfilmentRules,
                  lines: Sequence[tuple[str, int]]) -> list[dict[str, object]]:
    """The lines to cancel as the command carries them (the platform's ids); [] = the whole order."""
    if not lines:
        return []
    if not rules.cancels_lines:
        raise UserError(N_("This marketplace cancels whole orders only: cancel the whole order."))
    stored = {line.id: line for line in order_store.lines(db, order_id)}
    out: list[dict[str, object]] = []
    for row_id, quantity in lines:
        line = stored.get(row_id)
        if line is None:
            raise NotFound(N_("This order line is no longer in the order: refresh the list."))
        live = line.quantity - line.cancelled_quantity
        if not 1 <= quantity <= live:
            raise UserError(N_("Cancel from 1 to {most} of \"{name}\": that is what is left of the line."),
                            most=live, name=line.name)
        out.append({"line_row_id": line.id, "line_id": line.line_id, "item_id": line.item_id,
                    "sku_id": line.sku_id, "quantity": quantity})
    return out


def record_cancel_sent(db: Database, command_id: str) -> Change:
    """The platform took the seller's cancellation (the sync then re-reads the order: stock follows it)."""
    with db.write():
        command = outbox.get(db, command_id)
        if command is not None and command.state in OPEN:
            outbox.set_state(db, command_id, outbox.SENT)
    return Change(sync=True)


def record_cancel_refused(db: Database, command_id: str, words: str) -> Change:
    """The platform refused the cancellation: its words on the command; nothing else changes."""
    with db.write():
        command = outbox.get(db, command_id)
        if command is not None and command.state in OPEN:
            outbox.set_state(db, command_id, outbox.FAILED, words)
    order_id = str(command.payload.get("order_id", "")) if command else ""
    return Change(orders=frozenset({order_id} if order_id else set()), sync=True)


def retry_cancel(db: Database, command: outbox.CommandRow) -> Change:
    """"Kirim ulang" on a refused cancellation: it waits again, unless another one already does."""
    order_id = str(command.payload.get("order_id", ""))
    with db.write():
        current = outbox.get(db, command.id)
        if current is None or current.state != outbox.FAILED:
            raise NotFound(N_("This item is no longer waiting to be sent again: refresh the list."))
        if _open(db, f"cancel:{order_id}:"):
            raise UserError(N_("A cancellation of this order is already waiting to be sent."))
        outbox.set_state(db, command.id, outbox.WAITING)
    return Change(orders=frozenset({order_id}), sync=True)


# -- a buyer's request to cancel ------------------------------------------------------------------------------------

def request_news(order_id: str, stored: CancelRequestRow | None, told: CancelRequest | None, status: str,
                 now: str) -> CancelRequestRow | None:
    """The order's request row after this copy of the order, or None when nothing changes.

    A new request (another id or time) starts open; the same one keeps our answer's state; a request the platform
    no longer shows has ended: as answered when we were answering, else accepted if the order got cancelled and
    refused if not (answered in the seller centre, or withdrawn by the buyer)."""
    if told is not None:
        requested, answer_by = stamp(told.requested_at), stamp(told.answer_by) if told.answer_by else None
        if stored is None or (stored.request_id, stored.requested_at) != (told.request_id, requested):
            return CancelRequestRow(order_id, told.request_id, told.reason, requested, answer_by,
                                    request_store.OPEN, "", now)
        if (stored.reason, stored.answer_by) == (told.reason, answer_by):
            return None
        return CancelRequestRow(order_id, stored.request_id, told.reason, stored.requested_at, answer_by,
                                stored.state, stored.problem, now)
    if stored is None or stored.state in (request_store.ACCEPTED, request_store.REFUSED):
        return None
    if stored.state in request_store.ANSWERING:
        ended = request_store.ACCEPTED if stored.state == request_store.ACCEPTING else request_store.REFUSED
    else:
        ended = request_store.ACCEPTED if status == OrderStatus.CANCELLED.value else request_store.REFUSED
    return CancelRequestRow(order_id, stored.request_id, stored.reason, stored.requested_at, stored.answer_by, ended,
                            "", now)


def apply_cancel_request(db: Database, order_id: str, told: CancelRequest | None) -> Change:
    """Store what the platform says of the order's cancel request (apply_orders does this for every pulled order)."""
    with db.write():
        order = order_store.get(db, order_id)
        if order is None:
            raise NotFound(NOT_FOUND)
        row = request_news(order_id, request_store.get(db, order_id), told, order.status, stamp())
        if row is not None:
            request_store.put(db, row)
    return Change(orders=frozenset({order_id}) if row is not None else frozenset())


def _answer_prefix(order_id: str) -> str:
    return f"cancel-answer:{order_id}:"


def queue_cancel_answer(db: Database, order_id: str, accept: bool, reason: str = "") -> Change:
    """Accept or refuse the buyer's request (a refusal with one of the platform's reasons, where it lists them)."""
    with db.write():
        order, rules = _order_and_rules(db, order_id)
        request = request_store.get(db, order_id)
        if request is None or request.state not in (request_store.OPEN, request_store.FAILED):
            raise UserError(N_("This cancellation request is no longer waiting for an answer: refresh the list."))
        if not accept and rules.refuse_reasons and reason not in {r.code for r in rules.refuse_reasons}:
            raise UserError(N_("Choose one of the marketplace's reasons for refusing."))
        prefix = _answer_prefix(order_id)
        for old in outbox.by_key_prefix(db, prefix):  # an earlier refused answer is replaced by this one
            if old.state == outbox.FAILED:
                outbox.set_state(db, old.id, outbox.CANCELLED)
        outbox.enqueue(db, ANSWER_CANCEL_REQUEST, {"order_id": order_id, "request_id": request.request_id,
                                                   "accept": accept, "reason": "" if accept else reason},
                       f"{prefix}{len(outbox.by_key_prefix(db, prefix)) + 1}", order.account_id)
        state = request_store.ACCEPTING if accept else request_store.REFUSING
        request_store.set_state(db, order_id, state, "", stamp())
    return Change(orders=frozenset({order_id}), sync=True)


def record_cancel_answered(db: Database, order_id: str) -> Change:
    """The platform took our answer: accepted or refused as we said (an accepted one cancels the order, which the
    order pull reports with its stock)."""
    with db.write():
        request = request_store.get(db, order_id)
        if request is not None and request.state in request_store.ANSWERING:
            ended = request_store.ACCEPTED if request.state == request_store.ACCEPTING else request_store.REFUSED
            request_store.set_state(db, order_id, ended, "", stamp())
        for command in _open(db, _answer_prefix(order_id)):
            outbox.set_state(db, command.id, outbox.SENT)
    return Change(orders=frozenset({order_id}), sync=True)


def record_cancel_answer_refused(db: Database, order_id: str, words: str) -> Change:
    """The platform refused our answer: the request shows its words and may be answered again."""
    with db.write():
        request = request_store.get(db, order_id)
        if request is not None and request.state in request_store.ANSWERING:
            request_store.set_state(db, order_id, request_store.FAILED, words, stamp())
        for command in _open(db, _answer_prefix(order_id)):
            outbox.set_state(db, command.id, outbox.FAILED, words)
    return Change(orders=frozenset({order_id}), sync=True)


def cancel_answer(db: Database, command: outbox.CommandRow) -> Change:
    """"Batalkan" on a waiting answer: not sent, and the request waits for an answer again."""
    order_id = str(command.payload.get("order_id", ""))
    with db.write():
        current = outbox.get(db, command.id)
        if current is None or current.state != outbox.WAITING:
            raise UserError(N_("This item cannot be cancelled now: it is already being sent, or the shop needs it."))
        outbox.set_state(db, command.id, outbox.CANCELLED)
        request = request_store.get(db, order_id)
        if request is not None and request.state in request_store.ANSWERING:
            request_store.set_state(db, order_id, request_store.OPEN, "", stamp())
    return Change(orders=frozenset({order_id}), sync=True)


def retry_answer(db: Database, command: outbox.CommandRow) -> Change:
    """"Kirim ulang" on a refused answer: it waits again and the request says which answer is on its way."""
    order_id = str(command.payload.get("order_id", ""))
    with db.write():
        current = outbox.get(db, command.id)
        if current is None or current.state != outbox.FAILED:
            raise NotFound(N_("This item is no longer waiting to be sent again: refresh the list."))
        if _open(db, _answer_prefix(order_id)):
            raise UserError(N_("An answer to this request is already waiting to be sent."))
        outbox.set_state(db, command.id, outbox.WAITING)
        state = request_store.ACCEPTING if command.payload.get("accept") else request_store.REFUSING
        if request_store.get(db, order_id) is not None:
            request_store.set_state(db, order_id, state, "", stamp())
    return Change(orders=frozenset({order_id}), sync=True)
