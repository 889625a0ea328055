"""Which handler sends which kind of command (sync side of the command outbox; services/commands.py names the
kinds for people). The engine sends each shop's due commands through these, in this order, skipping a handler
whose capability the shop's channel does not declare.

Adding a kind: a CommandKind in services/commands.py (its words, its cancel rule) and a CommandHandler here
(`register`), with its `send`, its look-back rule and, for a command meant for every shop, its `settle`.
"""

from __future__ import annotations

from companion.sync.cancelling import ANSWER_HANDLER, CANCEL_HANDLER
from companion.sync.chat import REPLY_HANDLER
from companion.sync.returns import HANDLER as RETURN_HANDLER
from companion.sync.reviews import REVIEW_REPLY_HANDLER
from companion.sync.rounds import CommandHandler
from companion.sync.shipping import HANDLER as SHIP_HANDLER
from companion.sync.stock_sending import HANDLER as STOCK_HANDLER

# Replies go before stock numbers, as they did when replies were part of the chat phase: a shop stopped while
# sending replies (offline, login refused) gets no push, and its stock changes wait for the next round. The
# fulfilment kinds go between them (answers to buyers' cancel requests and the seller's cancellations before
# shipments, so an order being cancelled is not shipped first; then answers to returns): stock numbers change only
# with the orders they read back, and are pushed after. Replies to reviews go last: they touch neither orders nor
# stock, and a review API that says "slow down" must not hold back a shipment or a stock number.
_HANDLERS: dict[str, CommandHandler] = {h.kind: h for h in (
    REPLY_HANDLER, ANSWER_HANDLER, CANCEL_HANDLER, SHIP_HANDLER, RETURN_HANDLER, STOCK_HANDLER,
    REVIEW_REPLY_HANDLER)}


def handlers() -> list[CommandHandler]:
    return list(_HANDLERS.values())


def get(kind: str) -> CommandHandler | None:
    return _HANDLERS.get(kind)


def register(handler: CommandHandler) -> None:
    """A new kind of command; registering a kind again replaces its handler."""
    _HANDLERS[handler.kind] = handler


def unregister(kind: str) -> None:
    _HANDLERS.pop(kind, None)
