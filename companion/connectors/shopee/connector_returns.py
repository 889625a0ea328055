"""The Shopee connector's returns part: the return requests by update time, and the seller's answer — confirm,
dispute, or offer a partial refund (returns_contracts.py holds what each call takes and gives)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from companion.connectors.convert import epoch_seconds
from companion.connectors.errors import Permanent
from companion.connectors.shopee import fulfilment_mapping as fm
from companion.connectors.shopee import returns_contracts as rc
from companion.connectors.shopee.client import ShopeeClient
from companion.connectors.shopee.refusals import already_done, call
from companion.domain.fulfilment import ReturnAction, ReturnAnswer, ReturnPage, ReturnState

RETURN_WINDOW = 15 * 86400  # get_return_list: update_time_to - update_time_from at most 15 days
RETURN_PAGE = 50            # page_size at most 100
# refusals that may mean the answer is already in (an earlier try whose reply was lost, or the seller centre)
STATUS_WORDS = ("Invalid return status", "return status cannot support", "does not allow initiating a dispute",
                "Cannot raise dispute because return SN is not in")
DONE_STATES = {ReturnAction.ACCEPT: frozenset({ReturnState.ACCEPTED, ReturnState.REFUNDED}),
               ReturnAction.REFUSE: frozenset({ReturnState.REFUSED})}


class ShopeeReturns:
    """Mixed into ShopeeConnector."""

    client: ShopeeClient
    return_page_size: int = RETURN_PAGE  # smaller in tests, to walk several pages

    def pull_returns(self, updated_from: datetime, updated_to: datetime, cursor: str | None = None) -> ReturnPage:
        """Walks 15-day windows of update time, page numbers from 0; the cursor is "<window start>|<page_no>"."""
        start, end = epoch_seconds(updated_from), epoch_seconds(updated_to)
        window_start, page_no = start, 0
        if cursor:
            head, _, tail = cursor.partition("|")
            window_start, page_no = int(head), int(tail or 0)
        window_end = min(window_start + RETURN_WINDOW, end)
        params = [("page_no", str(page_no)), ("page_size", str(self.return_page_size)),
                  ("update_time_from", str(window_start)), ("update_time_to", str(window_end))]
        page = call(self.client, rc.GET_RETURN_LIST, params).get("response") or {}
        returns = tuple(fm.return_request(self._return(row)) for row in page.get("return") or [])
        if page.get("more"):
            next_cursor: str | None = f"{window_start}|{page_no + 1}"
        elif window_end < end:
            next_cursor = f"{window_end}|0"
        else:
            next_cursor = None
        return ReturnPage(returns, next_cursor, next_cursor is None)

    def _return(self, row: dict[str, Any]) -> dict[str, Any]:
        """The detail (its negotiation tells whether an offer is possible); the list's row when it cannot be read."""
        try:
            reply = call(self.client, rc.GET_RETURN_DETAIL, [("return_sn", str(row["return_sn"]))])
        except Permanent:
            return row
        return {**row, **(reply.get("response") or {})}

    def answer_return(self, return_id: str, answer: ReturnAnswer) -> None:
        try:
            if answer.action is ReturnAction.ACCEPT:
                call(self.client, rc.CONFIRM, body={"return_sn": return_id})
            elif answer.action is ReturnAction.REFUSE:
                self._dispute(return_id, answer)
            else:  # a partial refund: the buyer keeps the item and is offered part of the money
                call(self.client, rc.OFFER, body={"return_sn": return_id, "proposed_solution": "REFUND_ONLY",
                                                  "proposed_adjusted_refund_amount": float(answer.amount)})
        except Permanent as refused:
            done = DONE_STATES.get(answer.action, frozenset())
            if done and any(w.lower() in refused.platform_message.lower() for w in STATUS_WORDS):
                now = call(self.client, rc.GET_RETURN_DETAIL, [("return_sn", return_id)]).get("response") or {}
                if fm.RETURN_STATE.get(str(now.get("status") or "").upper()) in done:
                    raise already_done(refused) from None
            raise

    def _dispute(self, return_id: str, answer: ReturnAnswer) -> None:
        """Shopee hands out the dispute reasons per return: the one the answer names (its id), else the first that
        needs no photos (the app sends none; Shopee says so in its words when the reason needs them). The
        seller's contact e-mail is required: without it the owner disputes in Shopee Seller Centre."""
        email = self.client.credentials.email
        if not email:
            raise Permanent("email_missing", "Shopee needs the shop's e-mail address to dispute a return: dispute it "
                                             "in Shopee Seller Centre.")
        reasons = (call(self.client, rc.DISPUTE_REASONS, [("return_sn", return_id)]).get("response") or {}).get(
            "dispute_reason_list") or []
        named = [r for r in reasons if str(r.get("dispute_reason")) == answer.reason]
        plain = [r for r in reasons if not any(m.get("is_required") for m in r.get("evidence_module_list") or [])]
        chosen = (named or plain or reasons or [{}])[0]
        if not chosen:
            raise Permanent("no_dispute_reason", "Shopee offers no dispute reason for this return.")
        body: dict[str, Any] = {"return_sn": return_id, "email": email,
                                "dispute_reason_id": int(str(chosen["dispute_reason"]))}
        if answer.note:
            body["dispute_text_reason"] = answer.note
        call(self.client, rc.DISPUTE, body=body)
