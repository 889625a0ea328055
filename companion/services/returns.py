"""Buyers' return requests: stored from the platform (keyed by its id, so the same request twice changes nothing
and a newer one updates it), answered through the command outbox (accept, refuse with a reason, or a partial
refund where the platform allows), and received at the shop line by line: back in stock or written off, a ledger
movement either way (ONLINE_RETURN in, then RETURN_WRITE_OFF out for a write-off), each line exactly once."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from companion.domain.clock import stamp
from companion.domain.errors import NotFound, UserError
from companion.domain.field_problems import FieldProblem, raise_problems
from companion.domain.fulfilment import ReturnAction, ReturnAnswer, ReturnLine, ReturnRequest, ReturnState
from companion.domain.ids import new_id
from companion.domain.ledger import MovementKind
from companion.domain.money import format_rupiah
from companion.i18n import N_
from companion.services.change import Change
from companion.services.fulfilment_rules import rules_for
from companion.services.stock_push import queue_stock_push
from companion.store import accounts as account_store
from companion.store import listings as listing_store
from companion.store import online_orders as order_store
from companion.store import outbox, sync_state
from companion.store import returns as return_store
from companion.store import stock as stock_store
from companion.store.accounts import AccountRow
from companion.store.database import Database
from companion.store.returns import ReturnLineRow, ReturnRow

ANSWER_RETURN = "answer_return"
OPEN = (outbox.WAITING, outbox.SENDING)
DISPOSITIONS = {"restock": return_store.RESTOCKED, "write_off": return_store.WRITTEN_OFF}
MAX_NOTE = 500
NOT_FOUND = N_("This return is no longer in the list: refresh the list.")


def _ts(moment: datetime | None) -> str | None:
    return stamp(moment.astimezone(UTC)) if moment else None


def apply_returns(db: Database, account_id: str, returns: Sequence[ReturnRequest],
                  cursor: tuple[str, str] | None = None) -> Change:
    """Store a page of return requests (and the cursor after it, as (stream, value)) in one transaction."""
    now = stamp()
    touched: set[str] = set()
    changed = False
    with db.write():
        account = account_store.get(db, account_id)
        if account is None:
            raise NotFound(N_("This online shop is no longer linked: link it again in Settings."))
        for request in returns:
            stored = return_store.by_platform_id(db, account_id, request.return_id)
            if stored is not None and stored.updated_at >= (_ts(request.updated_at) or now):
                continue  # the same news again, or an older copy arriving late
            changed = True
            return_id = _store_return(db, account, stored, request, now)
            now_stored = return_store.get(db, return_id)
            if now_stored is not None and now_stored.order_id:
                touched.add(now_stored.order_id)
        if cursor is not None:
            sync_state.set_cursor(db, account_id, cursor[0], cursor[1], now)
    return Change(orders=frozenset(touched), sync=changed)


def _store_return(db: Database, account: AccountRow, stored: ReturnRow | None, request: ReturnRequest,
                  now: str) -> str:
    values: dict[str, object] = {
        "state": request.state.value, "state_raw": request.state_raw, "reason": request.reason,
        "buyer_note": request.buyer_note, "photos": json.dumps(list(request.photos)),
        "refund_amount": max(request.refund_amount, 0), "needs_item_back": int(request.needs_item_back),
        "actions": json.dumps([a.value for a in request.actions]), "updated_at": _ts(request.updated_at) or now,
        "answer_by": _ts(request.answer_by)}
    if stored is None:
        return_id = new_id()
        order = _order_of(db, account, request.order_id)
        return_store.insert(db, {"id": return_id, "account_id": account.id, "platform_return_id": request.return_id,
                                 "order_id": order, "platform_order_id": request.order_id,
                                 "created_at": _ts(request.created_at) or now, **values})
    else:
        return_id = stored.id
        if request.state is not ReturnState.REQUESTED:  # answered (by us or in the seller centre): nothing waits
            values |= {"answer_state": "", "answer_problem": ""}
        if stored.order_id is None:
            values["order_id"] = _order_of(db, account, request.order_id)
        return_store.update(db, return_id, values)
    for line in request.lines:
        return_store.add_line(db, ReturnLineRow(return_id, line.line_id, line.item_id, line.sku_id, line.seller_sku,
                                                line.name, max(line.quantity, 1), None, ""))
    _map_lines(db, account.id, return_store.get(db, return_id), request.lines)
    return return_id


def _order_of(db: Database, account: AccountRow, platform_order_id: str) -> str | None:
    """Our order the return belongs to: under this shop, or imported earlier from a file, if we have it."""
    found = order_store.by_platform_id(db, account.id, platform_order_id) \
        or order_store.from_file_import(db, account.channel, platform_order_id)
    if found is None and not account.practice:
        found = order_store.from_other_real_account(db, account.id, account.channel, platform_order_id)
    return found.id if found else None


def _map_lines(db: Database, account_id: str, row: ReturnRow | None, told: Sequence[ReturnLine] = ()) -> None:
    """Give unmapped lines their product, as order lines get theirs: through the listing mapping, else the order's
    own line of the same listing."""
    if row is None:
        return
    lines = [line for line in return_store.lines(db, row.id) if line.product_id is None]
    if not lines:
        return
    mapped = listing_store.by_refs(db, account_id, {(line.item_id, line.sku_id) for line in lines})
    order_lines = order_store.lines(db, row.order_id) if row.order_id else []
    for line in lines:
        listing = mapped.get((line.item_id, line.sku_id))
        product = listing.product_id if listing else None
        if product is None:
            product = next((o.product_id for o in order_lines if (o.item_id, o.sku_id) == (line.item_id, line.sku_id)
                            and o.product_id), None)
        if product is not None:
            return_store.set_product(db, row.id, line.line_id, product)


def _answer_prefix(return_id: str) -> str:
    return f"return-answer:{return_id}:"


def answer_problems(answer: ReturnAnswer, row: ReturnRow, reasons: set[str], note: str) -> list[FieldProblem]:
    """Every box's problem at once: "amount" (part of the money), "refuse_reason" and "refuse_note"."""
    found: list[FieldProblem] = []
    if answer.action is ReturnAction.PARTIAL_REFUND and not 1 <= answer.amount <= row.refund_amount:
        found.append(FieldProblem("amount", UserError(N_("Offer from Rp1 to {most}: the amount the buyer asked back."),
                                                      most=format_rupiah(row.refund_amount))))
    if answer.action is ReturnAction.REFUSE and reasons and answer.reason not in reasons:
        found.append(FieldProblem("refuse_reason", UserError(N_("Choose one of the marketplace's reasons for "
                                                                "refusing."))))
    if len(note) > MAX_NOTE:
        found.append(FieldProblem("refuse_note", UserError(N_("The note is too long: write at most 500 characters."))))
    return found


def queue_return_answer(db: Database, return_id: str, answer: ReturnAnswer) -> Change:
    """Accept, refuse (with one of the platform's reasons) or offer part of the money back, as the request allows."""
    with db.write():
        row = return_store.get(db, return_id)
        if row is None:
            raise NotFound(NOT_FOUND)
        rules = rules_for(account_store.get(db, row.account_id))
        if rules is None:
            raise UserError(N_("This shop's returns cannot be answered from the app: answer it in the seller centre."))
        if row.state != ReturnState.REQUESTED.value or row.answer_state == "waiting":
            raise UserError(N_("This return is no longer waiting for an answer: refresh the list."))
        if answer.action.value not in row.actions:
            raise UserError(N_("The marketplace does not offer this answer for this return: choose another one."))
        note = " ".join(answer.note.split())
        raise_problems(answer_problems(answer, row, {r.code for r in rules.refuse_reasons}, note))
        prefix = _answer_prefix(return_id)
        for old in outbox.by_key_prefix(db, prefix):  # an earlier refused answer is replaced by this one
            if old.state == outbox.FAILED:
                outbox.set_state(db, old.id, outbox.CANCELLED)
        payload: dict[str, object] = {"order_id": row.order_id or "", "return_id": return_id,
                   "platform_return_id": row.platform_return_id,
                   "answer": {"action": answer.action.value, "reason": answer.reason, "note": note,
                              "amount": answer.amount if answer.action is ReturnAction.PARTIAL_REFUND else 0}}
        outbox.enqueue(db, ANSWER_RETURN, payload, f"{prefix}{len(outbox.by_key_prefix(db, prefix)) + 1}",
                       row.account_id)
        return_store.update(db, return_id, {"answer_state": "waiting", "answer_problem": ""})
    return Change(orders=frozenset({row.order_id}) if row.order_id else frozenset(), sync=True)


def answer_of(command: outbox.CommandRow) -> ReturnAnswer:
    """The answer a queued command carries (for the sync's handler)."""
    data = command.payload.get("answer") or {}
    return ReturnAnswer(ReturnAction(str(data.get("action"))), str(data.get("reason") or ""),
                        str(data.get("note") or ""), int(data.get("amount") or 0))


def record_return_answered(db: Database, return_id: str) -> Change:
    """The platform took our answer: accepted (or a partial refund offered) or refused until the next pull brings
    the platform's exact state."""
    with db.write():
        row = return_store.get(db, return_id)
        if row is None:
            raise NotFound(NOT_FOUND)
        values: dict[str, object] = {"answer_state": "", "answer_problem": ""}
        for command in outbox.by_key_prefix(db, _answer_prefix(return_id)):
            if command.state in OPEN:
                outbox.set_state(db, command.id, outbox.SENT)
                if row.state == ReturnState.REQUESTED.value:
                    refused = answer_of(command).action is ReturnAction.REFUSE
                    values["state"] = (ReturnState.REFUSED if refused else ReturnState.ACCEPTED).value
        return_store.update(db, return_id, values)
    return Change(orders=frozenset({row.order_id}) if row.order_id else frozenset(), sync=True)


def record_return_answer_refused(db: Database, return_id: str, words: str) -> Change:
    """The platform refused our answer: its words on the return, which may be answered again."""
    with db.write():
        row = return_store.get(db, return_id)
        if row is None:
            raise NotFound(NOT_FOUND)
        return_store.update(db, return_id, {"answer_state": "failed", "answer_problem": words})
        for command in outbox.by_key_prefix(db, _answer_prefix(return_id)):
            if command.state in OPEN:
                outbox.set_state(db, command.id, outbox.FAILED, words)
    return Change(orders=frozenset({row.order_id}) if row.order_id else frozenset(), sync=True)


def cancel_answer(db: Database, command: outbox.CommandRow) -> Change:
    """"Batalkan" on a waiting answer: not sent; the return waits for an answer again."""
    return_id = str(command.payload.get("return_id", ""))
    with db.write():
        current = outbox.get(db, command.id)
        if current is None or current.state != outbox.WAITING:
            raise UserError(N_("This item cannot be cancelled now: it is already being sent, or the shop needs it."))
        outbox.set_state(db, command.id, outbox.CANCELLED)
        if return_store.get(db, return_id) is not None:
            return_store.update(db, return_id, {"answer_state": "", "answer_problem": ""})
    return Change(sync=True)


def retry_answer(db: Database, command: outbox.CommandRow) -> Change:
    """"Kirim ulang" on a refused answer: it waits again."""
    return_id = str(command.payload.get("return_id", ""))
    with db.write():
        current = outbox.get(db, command.id)
        if current is None or current.state != outbox.FAILED:
            raise NotFound(N_("This item is no longer waiting to be sent again: refresh the list."))
        if any(c.state in OPEN for c in outbox.by_key_prefix(db, _answer_prefix(return_id))):
            raise UserError(N_("An answer to this request is already waiting to be sent."))
        outbox.set_state(db, command.id, outbox.WAITING)
        if return_store.get(db, return_id) is not None:
            return_store.update(db, return_id, {"answer_state": "waiting", "answer_problem": ""})
    return Change(sync=True)


@dataclass(frozen=True)
class ReturnReceived:
    change: Change
    received: tuple[str, ...]       # platform line ids put back in stock or written off now
    needs_product: tuple[str, ...]  # names of the lines with no product of ours: map them, then receive again


def receive_return(db: Database, return_id: str, disposition: str,
                   line_ids: Collection[str] | None = None) -> ReturnReceived:
    """The returned items arrived: "restock" puts them back in stock; "write_off" records them coming back and
    going out again (damaged, not sellable). Each line once; lines with no product are listed back, not moved."""
    if disposition not in DISPOSITIONS:
        raise ValueError(f"disposition is restock or write_off, not {disposition!r}")
    with db.write():
        row = return_store.get(db, return_id)
        if row is None:
            raise NotFound(NOT_FOUND)
        _map_lines(db, row.account_id, row)
        lines = return_store.lines(db, return_id)
        waiting = [line for line in lines if not line.disposition and (line_ids is None or line.line_id in line_ids)]
        if not waiting:
            raise UserError(N_("These returned items were already received: they are back in stock or written off."))
        received, moved = _receive_lines(db, row, waiting, disposition)
        if all(line.disposition or line.line_id in received for line in lines):
            return_store.update(db, return_id, {"received_at": stamp()})
        if moved and disposition == "restock":
            queue_stock_push(db, moved, f"return:{return_id}:{len(received)}:{new_id()}")
    needs = tuple(line.name or line.seller_sku or line.line_id for line in waiting if line.product_id is None)
    change = Change(products=frozenset(moved), orders=frozenset({row.order_id}) if row.order_id else frozenset(),
                    sync=True)
    return ReturnReceived(change, tuple(received), needs)


def _receive_lines(db: Database, row: ReturnRow, lines: Sequence[ReturnLineRow],
                   disposition: str) -> tuple[list[str], set[str]]:
    received: list[str] = []
    moved: set[str] = set()
    for line in lines:
        if line.product_id is None or not return_store.set_disposition(db, row.id, line.line_id,
                                                                       DISPOSITIONS[disposition]):
            continue
        key = f"return:{row.id}:{line.line_id}"
        stock_store.add_movement(db, line.product_id, MovementKind.ONLINE_RETURN, line.quantity,
                                 reference=f"return:{row.id}", dedupe_key=f"{key}:back")
        if disposition == "write_off":
            stock_store.add_movement(db, line.product_id, MovementKind.RETURN_WRITE_OFF, -line.quantity,
                                     reference=f"return:{row.id}", dedupe_key=f"{key}:off")
        received.append(line.line_id)
        moved.add(line.product_id)
    return received, moved


def set_line_product(db: Database, return_id: str, line_id: str, product_id: str) -> Change:
    """Name our product for a returned line nobody mapped, so it can be received."""
    with db.write():
        if not any(line.line_id == line_id and not line.disposition for line in return_store.lines(db, return_id)):
            raise NotFound(NOT_FOUND)
        return_store.set_product(db, return_id, line_id, product_id)
    return Change(sync=True)
