""""Apa penyebabnya" in plain words: what services.review_causes found around a low review's order — the chat,
the shipment, the stock — each a fact ("found"), fine ("clear"), or something the record cannot tell ("unknown"),
the likely causes first.
"""

from __future__ import annotations

from dataclasses import dataclass

from companion.domain.money import format_quantity
from companion.domain.review_causes import CAUSE_WORDS, Cause, ChatWait, ReviewCauses, Shipment, StockAtOrder
from companion.gui.durations import span_text
from companion.i18n import tr

FOUND, CLEAR, UNKNOWN = "found", "clear", "unknown"


@dataclass(frozen=True)
class CauseLine:
    state: str   # FOUND, CLEAR or UNKNOWN
    text: str

    @property
    def found(self) -> bool:
        return self.state == FOUND


def cause_lines(causes: ReviewCauses) -> list[CauseLine]:
    """One line each for the chat, the shipment and the stock; the found ones first."""
    if causes.order_id is None:
        return [CauseLine(UNKNOWN, tr("The order of this review is not on this laptop, so the app cannot look for a "
                                      "cause."))]
    lines = [_stock(causes.stock, causes.product_id), _shipment(causes.shipment), _chat(causes.chat)]
    rank = {FOUND: 0, UNKNOWN: 1, CLEAR: 2}
    return sorted(lines, key=lambda line: rank[line.state])


def _chat(chat: ChatWait | None) -> CauseLine:
    if chat is None:
        return CauseLine(UNKNOWN, tr("Chat: no chat with this buyer around the order."))
    waited = span_text(chat.waited)
    if chat.answered_at is None:
        if chat.slow:
            return CauseLine(FOUND, tr("Chat: the buyer's question was never answered ({time} ago).", time=waited))
        return CauseLine(CLEAR, tr("Chat: the buyer's question waits for an answer ({time} so far).", time=waited))
    if chat.slow:
        return CauseLine(FOUND, tr("Chat: the buyer waited {time} for your first answer, past the marketplace's "
                                   "deadline.", time=waited))
    return CauseLine(CLEAR, tr("Chat: answered in {time}, in time.", time=waited))


def _shipment(shipment: Shipment | None) -> CauseLine:
    if shipment is None:
        return CauseLine(UNKNOWN, tr("Shipping: the order has no ship-by time, so the app cannot tell."))
    if shipment.late and shipment.shipped_at is None and shipment.late_by is not None:
        return CauseLine(FOUND, tr("Shipping: not sent yet, {time} past the ship-by time.",
                                   time=span_text(shipment.late_by)))
    if shipment.late:
        late_by = span_text(shipment.late_by) if shipment.late_by is not None else ""
        return CauseLine(FOUND, tr("Shipping: sent {time} after the ship-by time.", time=late_by) if late_by
                         else tr("Shipping: sent after the ship-by time."))
    if shipment.late is None:
        return CauseLine(UNKNOWN, tr("Shipping: the app saw the order only after it left, so it cannot tell whether "
                                     "it was late."))
    if shipment.shipped_at is None:
        return CauseLine(CLEAR, tr("Shipping: not sent yet, still in time."))
    return CauseLine(CLEAR, tr("Shipping: sent in time."))


def _stock(stock: StockAtOrder | None, product_id: str | None) -> CauseLine:
    if stock is None:
        if product_id is None:
            return CauseLine(UNKNOWN, tr("Stock: the product is not linked to one of yours, so the app cannot tell."))
        return CauseLine(UNKNOWN, tr("Stock: no stock record of the product before the order."))
    if stock.oversold:
        return CauseLine(FOUND, tr("Stock: this order was oversold: the shop sold more than it had."))
    if stock.out:
        return CauseLine(FOUND, tr("Stock: the product was out of stock when the order came ({count} left).",
                                   count=format_quantity(stock.level_before or 0)))
    if stock.level_before is None:
        return CauseLine(UNKNOWN, tr("Stock: no stock record of the product before the order."))
    return CauseLine(CLEAR, tr("Stock: {count} in stock when the order came.",
                               count=format_quantity(stock.level_before)))


def cause_name(cause: Cause | None, count: int = 0) -> str:
    """A month's most common cause: "Dikirim terlambat (2×)"; "" when none was found."""
    if cause is None:
        return ""
    words = tr(CAUSE_WORDS[cause])
    return f"{words} ({count}×)" if count > 1 else words
