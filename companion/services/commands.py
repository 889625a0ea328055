"""The command outbox's write path for people: what each kind of command is called, which ones may be cancelled,
and "Kirim ulang" (failed → waiting) and "Batalkan" (waiting → cancelled) from the list in Pengaturan.

Each command kind is declared once here (its words, its cancel rule, and the service that keeps a kind's own
record in step — a reply's message row); sync/command_handlers.py holds how each kind is sent. A command in
'sending' is never cancelled: it may already be on the platform, and the sync looks whether it landed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from companion.domain.errors import NotFound, UserError
from companion.i18n import N_
from companion.services import cancellations, returns, reviews, shipping
from companion.services import inbox as inbox_service
from companion.services.change import Change
from companion.services.stock_push import STOCK_CHANGED
from companion.store import outbox
from companion.store.database import Database
from companion.store.outbox import CommandRow


@dataclass(frozen=True)
class CommandKind:
    name: str
    label: str                                   # msgid: the kind in plain words
    cancellable: bool = False                     # "Batalkan" offered while it waits
    retry: Callable[[Database, CommandRow], Change] | None = None    # instead of the plain failed → waiting
    cancel: Callable[[Database, CommandRow], Change] | None = None   # instead of the plain waiting → cancelled


def _reply_message(command: CommandRow) -> str:
    return str(command.payload.get("message_id", ""))


KINDS: dict[str, CommandKind] = {k.name: k for k in (
    CommandKind(STOCK_CHANGED, N_("Stock numbers for the online shops")),
    CommandKind(inbox_service.REPLY_KIND, N_("Reply to a buyer"), cancellable=True,
                retry=lambda db, c: inbox_service.retry_reply(db, _reply_message(c)),
                cancel=lambda db, c: inbox_service.cancel_reply(db, _reply_message(c))),
    # a waiting shipment may be withdrawn: the order goes back to waiting to be packed (ship_state '')
    CommandKind(shipping.SHIP_ORDER, N_("Arrange shipment"), cancellable=True,
                retry=shipping.retry_shipment, cancel=shipping.cancel_shipment),
    CommandKind(cancellations.CANCEL_ORDER, N_("Cancel an order"), cancellable=True,
                retry=cancellations.retry_cancel),
    CommandKind(cancellations.ANSWER_CANCEL_REQUEST, N_("Answer a buyer's request to cancel"), cancellable=True,
                retry=cancellations.retry_answer, cancel=cancellations.cancel_answer),
    CommandKind(returns.ANSWER_RETURN, N_("Answer a return request"), cancellable=True,
                retry=returns.retry_answer, cancel=returns.cancel_answer),
    # a waiting reply may be withdrawn: the review waits for an answer again
    CommandKind(reviews.REVIEW_REPLY_KIND, N_("Reply to a buyer's review"), cancellable=True,
                retry=reviews.retry_reply, cancel=reviews.cancel_reply),
)}


def register_kind(kind: CommandKind) -> None:
    """A new kind of command (with its handler in sync/command_handlers.py)."""
    KINDS[kind.name] = kind


def kind_label(kind: str) -> str:
    """The msgid naming a kind; an unknown kind (from a newer version) shows a general phrase."""
    found = KINDS.get(kind)
    return found.label if found else N_("Something to send to an online shop")


def can_cancel(command: CommandRow) -> bool:
    found = KINDS.get(command.kind)
    return command.state == outbox.WAITING and found is not None and found.cancellable


def open_commands(db: Database) -> list[CommandRow]:
    """Waiting, sending and failed commands, newest first (the list in Pengaturan)."""
    return outbox.listed(db)


def retry_command(db: Database, command_id: str) -> Change:
    """'Kirim ulang': a failed command waits to be sent again at the next round."""
    command = outbox.get(db, command_id)
    if command is None or command.state != outbox.FAILED:
        raise NotFound(N_("This item is no longer waiting to be sent again: refresh the list."))
    kind = KINDS.get(command.kind)
    if kind is not None and kind.retry is not None:
        return kind.retry(db, command) | Change(sync=True)
    with db.write():
        if (outbox.get(db, command_id) or command).state != outbox.FAILED:
            raise NotFound(N_("This item is no longer waiting to be sent again: refresh the list."))
        outbox.set_state(db, command_id, outbox.WAITING)
    return Change(sync=True)


def cancel_command(db: Database, command_id: str) -> Change:
    """'Batalkan': a waiting command of a kind that allows it is not sent; one already on its way never is."""
    command = outbox.get(db, command_id)
    if command is None:
        raise NotFound(N_("This item is no longer in the list: refresh the list."))
    if not can_cancel(command):
        raise UserError(N_("This item cannot be cancelled now: it is already being sent, or the shop needs it."))
    kind = KINDS[command.kind]
    if kind.cancel is not None:
        return kind.cancel(db, command) | Change(sync=True)
    with db.write():
        if (outbox.get(db, command_id) or command).state != outbox.WAITING:
            raise UserError(N_("This item cannot be cancelled now: it is already being sent, or the shop needs it."))
        outbox.set_state(db, command_id, outbox.CANCELLED)
    return Change(sync=True)


# -- the sync's steps for commands whose kind keeps no record of its own beyond the row (ship, cancel, answers) --
def begin_sending(db: Database, command_id: str) -> None:
    """'sending' is on disk before the command leaves: after a lost answer or a crash the sync looks on the
    platform before it sends again."""
    with db.write():
        current = outbox.get(db, command_id)
        if current is not None and current.state in (outbox.WAITING, outbox.SENDING):
            outbox.set_state(db, command_id, outbox.SENDING)


def requeue(db: Database, command_id: str, reason: str) -> Change:
    """Nothing left the laptop (offline, refused login, slow down, a server error): waiting again, the attempt
    counted."""
    with db.write():
        current = outbox.get(db, command_id)
        if current is not None and current.state in (outbox.WAITING, outbox.SENDING):
            outbox.count_attempt(db, command_id, reason[:500])
    return Change(sync=True)


def give_up(db: Database, command_id: str, words: str) -> Change:
    """A command that can no longer be sent (its order is gone from this computer): failed, with why."""
    with db.write():
        current = outbox.get(db, command_id)
        if current is not None and current.state in (outbox.WAITING, outbox.SENDING):
            outbox.set_state(db, command_id, outbox.FAILED, words[:500])
    return Change(sync=True)
