"""The Shopee connector's reviews part: the buyers' product comments (with rating, text, photos and the seller's
reply) and the seller's replies in batches (review_contracts.py holds what each call takes and gives).

get_comment has no time filter and no documented order, and reaches at most 500 comments: a pull walks the shop's
comments by cursor and stops at the end, at the 500th, or — while the pages come newest first, as seen so far —
at the first page holding only comments created before `updated_from`. A comment changed later than that page
(a reply from Seller Centre to an old review, a buyer hiding it) is not seen by the pull; our own replies are read
back by comment_id (get_reviews). A page carries every comment read, inside the window or not: the store applies
them by id, so a repeat changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import pairwise
from typing import Any

from companion.connectors.batching import chunks
from companion.connectors.convert import epoch_seconds
from companion.connectors.errors import AuthExpired, NotPermitted, Permanent, Temporary
from companion.connectors.shopee import review_contracts as rv
from companion.connectors.shopee import reviews_mapping as rm
from companion.connectors.shopee.client import ShopeeClient
from companion.connectors.shopee.contracts import GET_ITEM_BASE_INFO, meaning_of
from companion.connectors.shopee.refusals import call
from companion.domain.reviews import Review, ReviewPage, ReviewReply, ReviewReplyResult

NAME_BATCH = 50  # get_item_base_info: 1–50 item ids


class ShopeeReviews:
    """Mixed into ShopeeConnector."""

    client: ShopeeClient
    review_page_size: int = rv.PAGE_SIZE_MAX      # smaller in tests, to walk several pages
    reply_batch_size: int = rv.REPLIES_PER_CALL   # smaller in tests, to send several batches
    _item_names: dict[str, str]                   # item_id → product name, filled as comments name items

    # -- reading -----------------------------------------------------------------------------------------------
    def pull_reviews(self, updated_from: datetime, updated_to: datetime, cursor: str | None = None) -> ReviewPage:
        """One page of the shop's comments. The cursor is "<comments read>|<last create_time>|<Shopee's cursor>"."""
        read, last, platform_cursor = _cursor(cursor)
        params = [("cursor", platform_cursor), ("page_size", str(self.review_page_size))]
        page = call(self.client, rv.GET_COMMENT, params).get("response") or {}
        rows = [r for r in page.get("item_comment_list") or [] if r.get("comment_id") not in (None, "")]
        reviews = self._reviews(rows)
        read += len(rows)
        times = [*([last] if last else []), *(int(r.get("create_time") or 0) for r in rows)]
        newest_first = all(a >= b for a, b in pairwise(times))
        older = bool(rows) and all(int(r.get("create_time") or 0) < epoch_seconds(updated_from) for r in rows)
        following = str(page.get("next_cursor") or "")
        goes_on = (bool(page.get("more")) and bool(rows) and following not in ("", platform_cursor)
                   and read < rv.REACHABLE and not (newest_first and older))
        next_cursor = f"{read}|{times[-1] if times else 0}|{following}" if goes_on else None
        return ReviewPage(tuple(reviews), next_cursor, next_cursor is None)

    def get_reviews(self, review_ids: Sequence[str]) -> list[Review]:
        """Each comment by its id (get_comment takes one comment_id); one Shopee says does not exist is left out."""
        rows: list[dict[str, Any]] = []
        for review_id in dict.fromkeys(review_ids):
            if not review_id.isdigit():
                continue
            params = [("comment_id", review_id), ("cursor", ""), ("page_size", "1")]
            try:
                page = call(self.client, rv.GET_COMMENT, params).get("response") or {}
            except Permanent as refused:
                if isinstance(refused, NotPermitted) or refused.platform_code != "product.cmt_not_exist":
                    raise
                continue
            rows += [r for r in page.get("item_comment_list") or [] if str(r.get("comment_id")) == review_id]
        return self._reviews(rows)

    def _reviews(self, rows: list[dict[str, Any]]) -> list[Review]:
        names = self._names({str(r.get("item_id") or "") for r in rows})
        return [rm.review(r, names) for r in rows]

    def _names(self, item_ids: set[str]) -> dict[str, str]:
        """Product names for these items (get_comment carries none), read once per connector; "" when unreadable."""
        known = self._item_names
        wanted = sorted(i for i in item_ids if i.isdigit() and i not in known)
        for batch in chunks(wanted, NAME_BATCH):
            try:
                reply = call(self.client, GET_ITEM_BASE_INFO, [("item_id_list", ",".join(batch))])
            except Permanent:
                break
            for row in (reply.get("response") or {}).get("item_list") or []:
                known[str(row.get("item_id"))] = str(row.get("item_name") or "")
        return known

    # -- replying ----------------------------------------------------------------------------------------------
    def reply_reviews(self, replies: Sequence[ReviewReply]) -> list[ReviewReplyResult]:
        """Up to 100 replies a call; one per comment per call (a repeat goes in a later call, where Shopee says it
        is already replied). A reply Shopee's rules refuse before sending (not a comment id, empty, over 500
        characters) gets Shopee's own words without a call."""
        results: dict[int, ReviewReplyResult] = {}
        waiting: list[tuple[int, ReviewReply]] = []
        for n, reply in enumerate(replies):
            refused = _refused_before_sending(reply)
            if refused is not None:
                results[n] = refused
            else:
                waiting.append((n, reply))
        for batch in _batches(waiting, self.reply_batch_size):
            try:
                results.update(self._send(batch))
            except Temporary as lost:
                if lost.outcome_unknown:
                    raise
                # a server's trouble after earlier batches (or earlier single tries) landed: the caller reads back
                raise Temporary(lost.message, outcome_unknown=True) from None
        return [results[n] for n in range(len(replies))]

    def _send(self, batch: list[tuple[int, ReviewReply]]) -> dict[int, ReviewReplyResult]:
        """One reply_comment call. A refusal of the whole call is this reply's when it carries one; with several,
        each goes again alone to learn whose it is (a refused call changes nothing)."""
        body = {"comment_list": [{"comment_id": int(r.review_id), "comment": r.text} for _, r in batch]}
        try:
            reply = call(self.client, rv.REPLY_COMMENT, body=body)
        except NotPermitted:
            raise
        except Permanent as refused:
            found = meaning_of(rv.REPLY_COMMENT, refused.platform_code, refused.platform_message)
            if found is not None and found.meaning == "relink":
                raise AuthExpired(f"{refused.platform_code}: {refused.platform_message}", reauthorize=True) from None
            if len(batch) > 1:
                out: dict[int, ReviewReplyResult] = {}
                for one in batch:
                    out.update(self._send([one]))
                return out
            n, single = batch[0]
            return {n: rm.reply_result(single.review_id, refused.platform_code,
                                       refused.platform_message or refused.platform_code)}
        answered = {str(r.get("comment_id")): r for r in (reply.get("response") or {}).get("result_list") or []}
        if any(r.review_id not in answered for _, r in batch):
            # Shopee did not say what became of a reply: the caller reads the comments back before trying again
            raise Temporary("reply_comment answered without every comment", outcome_unknown=True)
        return {n: rm.reply_result(r.review_id, str(answered[r.review_id].get("fail_error") or ""),
                                   str(answered[r.review_id].get("fail_message") or "")) for n, r in batch}


def _cursor(cursor: str | None) -> tuple[int, int, str]:
    if not cursor:
        return 0, 0, ""
    read, last, platform = [*cursor.split("|", 2), "", ""][:3]
    return int(read or 0), int(last or 0), platform


def _refused_before_sending(reply: ReviewReply) -> ReviewReplyResult | None:
    if not reply.review_id.isdigit():
        return ReviewReplyResult(reply.review_id, False, code=rv.NOT_EXIST, words=rv.NOT_EXIST_WORDS, gone=True)
    if not reply.text.strip() or len(reply.text) > rv.REPLY_LENGTH:
        return ReviewReplyResult(reply.review_id, False, code=rv.LENGTH_INVALID, words=rv.LENGTH_WORDS)
    return None


def _batches(waiting: list[tuple[int, ReviewReply]], size: int) -> list[list[tuple[int, ReviewReply]]]:
    """Batches of at most `size`, each comment at most once per batch (a repeat waits for a later batch)."""
    batches: list[list[tuple[int, ReviewReply]]] = []
    for entry in waiting:
        home = next((b for b in batches if len(b) < size and all(r.review_id != entry[1].review_id for _, r in b)),
                    None)
        if home is None:
            batches.append([entry])
        else:
            home.append(entry)
    return batches
