"""Lazada reviews (contracts_reviews.py): the walk over the seller's review history, the reviews by id, and replies.

Lazada lists review ids one product at a time, by the reviews' creation time, 7 days a call, 90 days back, 50 pages
at most. So a pull walks window by window (7 days), newest window first, and in each window product by product, page
by page; a product with more reviews in a window than 50 pages hold is walked in halves of that window. Newest first:
a shop's first walk of 90 days is ~13 calls a product (500 products: ~6,500 calls, rounds of minutes), and the
reviews still waiting for an answer are the recent ones, so they show within the first window's calls, not at the
end of the whole walk. The cursor says where the walk stands (JSON: window start, product, its sub-window, page), so
a walk cut short resumes where it stopped. A review's later reply or deletion does not move it into a newer window:
get_reviews reads such changes back.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from companion.connectors.batching import chunks
from companion.connectors.errors import NotPermitted, Permanent
from companion.connectors.lazada import reviews_mapping
from companion.connectors.lazada.client import LazadaClient
from companion.connectors.lazada.contracts_reviews import (
    GONE,
    HISTORY_DAYS,
    IDS_PER_CALL,
    MAX_PAGE,
    REPLY_LENGTH,
    WINDOW_DAYS,
    WORDS,
)
from companion.domain.reviews import Review, ReviewPage, ReviewReply, ReviewReplyResult

WINDOW_MS = WINDOW_DAYS * 86_400_000 - 1   # start and end both count: 7 days exactly
KEEP_NAMES_S = 3600.0                      # product names kept between connections (NamesKept)
CALLS_PER_PAGE = 20                        # history calls one pull_reviews makes at most (products without reviews)
PRODUCT_PAGE = 50


@dataclass(frozen=True)
class Walk:
    """Where a pull stands: the 7-day window [start, stop], the product, its sub-window [lo, hi] and the page."""

    start: int
    stop: int
    item: str
    lo: int
    hi: int
    page: int = 1
    back: bool = False  # True: windows walked newest first (a cursor written before that is walked again)

    def text(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class NamesKept:
    """The shops' product names between connections: the sync makes a new connection every round, and a first walk
    lasts ~40 rounds, each of which re-read every name (10 calls of 50 for 500 products, the largest answers of the
    walk). A walk's start reads them afresh; a resumed walk uses what is kept for up to KEEP_NAMES_S. Keyed by a hash
    of the host, app key and access token (a new token, or another shop, reads its own)."""

    def __init__(self, shops: int = 16) -> None:
        self.shops = shops
        self._kept: dict[str, tuple[float, dict[str, str]]] = {}

    @staticmethod
    def key(client: LazadaClient) -> str:
        c = client.credentials
        return hashlib.sha256(f"{c.base_url}\n{c.app_key}\n{c.access_token}".encode()).hexdigest()

    def get(self, client: LazadaClient) -> dict[str, str] | None:
        found = self._kept.get(self.key(client))
        return found[1] if found and time.monotonic() - found[0] < KEEP_NAMES_S else None

    def put(self, client: LazadaClient, names: dict[str, str]) -> None:
        if len(self._kept) >= self.shops:
            self._kept.pop(min(self._kept, key=lambda k: self._kept[k][0]))
        self._kept[self.key(client)] = (time.monotonic(), names)


KEPT_NAMES = NamesKept()


def product_names(client: LazadaClient) -> dict[str, str]:
    """Every product's id and name (GetProducts, 50 a page): the walk's products and the reviews' product names."""
    names: dict[str, str] = {}
    offset = 0
    while True:
        params = {"filter": "all", "offset": str(offset), "limit": str(PRODUCT_PAGE)}
        data = client.call("GET", "/products/get", params).get("data") or {}
        products = data.get("products") or []
        for product in products:
            names[str(product.get("item_id"))] = str((product.get("attributes") or {}).get("name") or "")
        offset += len(products)
        if len(products) < PRODUCT_PAGE or offset >= int(data.get("total_products") or 0):
            return names


def _key(item: str) -> tuple[int, str]:
    return len(item), item  # numeric ids in numeric order


def _window(items: list[str], first: int, stop: int) -> Walk | None:
    """The 7 days ending at `stop` (not before `first`), from its first product; None: nothing left to walk."""
    if not items or first > stop:
        return None
    start = max(first, stop - WINDOW_MS)
    return Walk(start, stop, items[0], start, stop, back=True)


def _resume(cursor: str, items: list[str], first: int, fresh: Walk | None) -> Walk | None:
    """The cursor's walk (None: it was at its end); a product gone since is replaced by the next one in order; a
    window whose oldest days have left Lazada's 90 days keeps the days still within them. An unreadable cursor
    starts `fresh`."""
    try:
        walk = Walk(**json.loads(cursor))
    except (ValueError, TypeError):
        return fresh
    if not walk.back:  # an oldest-first walk of an earlier version: its newer windows are not walked yet
        return fresh
    if walk.stop < first:
        return None
    if walk.start < first:
        walk = replace(walk, start=first, lo=max(walk.lo, first), hi=max(walk.hi, first))
    if walk.item in items:
        return walk
    later = [i for i in items if _key(i) > _key(walk.item)]
    if later:
        return replace(walk, item=later[0], lo=walk.start, hi=walk.stop, page=1)
    return _next_window(walk, items, first)


def _next_window(walk: Walk, items: list[str], first: int) -> Walk | None:
    """The 7 days before this window: the walk goes back in time."""
    return _window(items, first, walk.start - 1)


def _advance(walk: Walk, items: list[str], first: int, total: int, size: int) -> Walk | None:
    """The next call after a page of `walk`; None when the whole range has been walked."""
    if walk.page * size < total and walk.page < MAX_PAGE:
        return replace(walk, page=walk.page + 1)
    if walk.hi < walk.stop:
        return replace(walk, lo=walk.hi + 1, hi=walk.stop, page=1)
    at = items.index(walk.item)
    if at + 1 < len(items):
        return replace(walk, item=items[at + 1], lo=walk.start, hi=walk.stop, page=1)
    return _next_window(walk, items, first)


class LazadaReviews:
    """The review calls of one connection; keeps the shop's product names for the walk it is on."""

    def __init__(self, client: LazadaClient, clock: Any) -> None:
        self.client = client
        self.clock = clock
        self.names: dict[str, str] | None = None

    def _names(self, fresh: bool = False) -> dict[str, str]:
        if not fresh and self.names is None:
            self.names = KEPT_NAMES.get(self.client)
        if self.names is None or fresh:
            self.names = product_names(self.client)
            KEPT_NAMES.put(self.client, self.names)
        return self.names

    def pull(self, updated_from: datetime, updated_to: datetime, cursor: str | None) -> ReviewPage:
        """Walks until it finds review ids (or has made CALLS_PER_PAGE calls), then reads those reviews."""
        floor = ms(self.clock() - timedelta(days=HISTORY_DAYS)) + 60_000  # a minute inside Lazada's 90 days
        first = max(ms(updated_from), floor)
        items = sorted(self._names(fresh=cursor is None), key=_key)
        fresh = _window(items, first, ms(updated_to))
        walk = _resume(cursor, items, first, fresh) if cursor else fresh
        found: list[str] = []
        for _ in range(CALLS_PER_PAGE):
            if walk is None or found:
                break
            data = self._history(walk)
            total, size = int(data.get("total") or 0), max(1, int(data.get("page_size") or 1))
            if walk.page == 1 and total > MAX_PAGE * size and walk.hi - walk.lo > 1000:
                walk = replace(walk, hi=walk.lo + (walk.hi - walk.lo) // 2)  # too many for 50 pages: halve
                continue
            found += [str(i) for i in data.get("id_list") or []]
            walk = _advance(walk, items, first, total, size)
        reviews = self.get(found)
        return ReviewPage(tuple(reviews), walk.text() if walk else None, walk is None)

    def _history(self, walk: Walk) -> dict[str, Any]:
        params = {"item_id": walk.item, "start_time": str(walk.lo), "end_time": str(walk.hi),
                  "current": str(walk.page)}
        envelope = self.client.call("GET", "/review/seller/history/list", params)
        _raise_if_refused(envelope)
        data = envelope.get("data")
        return data if isinstance(data, dict) else {}

    def get(self, review_ids: Sequence[str]) -> list[Review]:
        """The reviews Lazada still shows, 10 a call; deleted or no longer shown ones (outdated_reviews) are left
        out, as are follow-up reviews (no stars, no reply)."""
        wanted = [i for i in dict.fromkeys(review_ids) if i.isdigit()]
        if not wanted:
            return []
        names = self._names()
        found: list[Review] = []
        for batch in chunks(wanted, IDS_PER_CALL):
            envelope = self.client.call("GET", "/review/seller/list/v2", {"id_list": f"[{','.join(batch)}]"})
            _raise_if_refused(envelope)
            data = envelope.get("data") or {}
            for row in data.get("review_list") or []:
                made = reviews_mapping.review(row, names)
                if made is not None:
                    found.append(made)
        return found

    def reply(self, replies: Sequence[ReviewReply]) -> list[ReviewReplyResult]:
        """One call per reply (Lazada takes one review a call). A refusal is that reply's result, with Lazada's
        code and words; throttling, auth and transport errors are raised (a lost answer: outcome_unknown)."""
        return [self._reply_one(r) for r in replies]

    def _reply_one(self, reply: ReviewReply) -> ReviewReplyResult:
        text = reply.text.strip()
        local = ("NULL_CONTENT" if not text else
                 "REPLY_CONTENT_TOO_LONG" if utf16_length(text) > REPLY_LENGTH else
                 "NO_SUCH_REVIEW" if not reply.review_id.isdigit() else "")
        if local:  # Lazada would refuse it in these words: not sent
            return _refused(reply.review_id, local, WORDS[local])
        resp = self.client.send("GET", "/review/seller/reply/add", {"id": reply.review_id, "content": text},
                                write=True)
        try:
            envelope = self.client.parse(resp, "GET", write=True)
        except Permanent as refusal:
            if isinstance(refusal, NotPermitted):  # the shop may not use the API at all: not this reply's fate
                raise
            code, words = finer_error(resp.json_object() or {}, refusal)
            return _refused(reply.review_id, code, words)
        if envelope.get("success") is False or envelope.get("data") is False:
            code = str(envelope.get("error_code") or "")
            return _refused(reply.review_id, code, str(envelope.get("error_msg") or WORDS.get(code, "")))
        return ReviewReplyResult(reply.review_id, True)


def utf16_length(text: str) -> int:
    """Characters as Lazada's Java side counts them (an emoji is two)."""
    return len(text.encode("utf-16-le")) // 2


def finer_error(envelope: dict[str, Any], refusal: Permanent) -> tuple[str, str]:
    """The finer name (REPLY_ALREADY, …) and words of a PARAMS_VALIDATE_ERROR: from error_code/error_msg when the
    answer has them, else from a message that starts with or equals a known name, else the envelope's own."""
    code = str(envelope.get("error_code") or "")
    message = str(envelope.get("error_msg") or envelope.get("message") or refusal.platform_message)
    if code not in WORDS:
        head = message.split(":", 1)[0].strip()
        code = head if head in WORDS else next((c for c, w in WORDS.items() if w.lower() == message.lower()),
                                               str(envelope.get("code") or refusal.platform_code))
        if head in WORDS and ":" in message:
            message = message.split(":", 1)[1].strip()
    return code, message or WORDS.get(code, "")


def _refused(review_id: str, code: str, words: str) -> ReviewReplyResult:
    return ReviewReplyResult(review_id, False, code=code, words=words, already_replied=code == "REPLY_ALREADY",
                             gone=code in GONE)


def _raise_if_refused(envelope: dict[str, Any]) -> None:
    """A read answered code "0" but success false: Lazada's words, not a page."""
    if envelope.get("success") is False:
        raise Permanent(str(envelope.get("error_code") or "refused"), str(envelope.get("error_msg") or ""))
