"""Buyers' reviews as stored (schema v10): the Ulasan view's list (newest unanswered low ratings first), search
over the inbox's kind of full-text index, the tray's count; and the row writes services/reviews.py makes inside its
transactions.

"Unanswered" is one condition everywhere (`UNANSWERED`): no reply on the platform, none of ours waiting or sent,
and the review not hidden; a refused reply of ours ('failed') still needs the owner, so it counts. The view's first
band is the unanswered 1–3 star reviews (the partial index `reviews_unanswered_low`), the second everything else,
each newest first.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass

from companion.domain.reviews import LOW_RATING
from companion.store.database import Database
from companion.store.inbox import fts_query

# the exact terms of the partial index reviews_unanswered_low (SQLite uses it only when they appear as written)
UNANSWERED = "r.reply_text = '' AND r.reply_state IN ('', 'failed') AND r.hidden = 0"
LOW = f"r.rating <= {LOW_RATING}"
WAITING, FAILED, SENT = "waiting", "failed", "sent"


@dataclass(frozen=True)
class ReviewRow:
    id: str
    account_id: str
    channel: str
    platform_review_id: str
    platform_order_id: str
    order_id: str | None
    item_id: str
    sku_id: str
    product_name: str             # as the platform names it
    product_id: str | None        # ours through the listing mapping (None: not mapped yet)
    rating: int
    text: str
    photos: tuple[str, ...]       # picture URLs
    buyer_name: str
    created_at: str
    updated_at: str
    reply_text: str               # the reply the platform shows ("" = none)
    replied_at: str | None
    pending_reply: str            # our text while it waits to be sent (reply_state 'waiting' or 'failed')
    reply_state: str              # '' | 'waiting' ("menunggu dikirim") | 'failed' (reply_problem) | 'sent'
    reply_problem: str            # the platform's words when it refused our reply
    hidden: bool                  # deleted or hidden: shown as gone, never answered
    account_name: str = ""
    product_display_name: str = ""  # our product's name ("" when not mapped)
    photo_paths: dict[str, str] | None = None  # URL → local copy of the pictures cached so far
    practice: bool = False

    @property
    def low(self) -> bool:
        return self.rating <= LOW_RATING

    @property
    def unanswered(self) -> bool:
        return not self.reply_text and self.reply_state in ("", FAILED) and not self.hidden

    @property
    def waiting(self) -> bool:
        """Our reply is queued ("menunggu dikirim")."""
        return self.reply_state == WAITING


_SELECT = ("SELECT r.*, a.name AS account_name, COALESCE(a.practice, 0) AS practice,"
           " COALESCE(p.name, '') AS product_display_name FROM reviews r"
           " LEFT JOIN accounts a ON a.id = r.account_id LEFT JOIN products p ON p.id = r.product_id")


def _row(r: sqlite3.Row) -> ReviewRow:
    return ReviewRow(r["id"], r["account_id"], r["channel"], r["platform_review_id"], r["platform_order_id"],
                     r["order_id"], r["item_id"], r["sku_id"], r["product_name"], r["product_id"], int(r["rating"]),
                     r["text"], tuple(json.loads(r["photos"] or "[]")), r["buyer_name"], r["created_at"],
                     r["updated_at"], r["reply_text"], r["replied_at"], r["pending_reply"], r["reply_state"],
                     r["reply_problem"], bool(r["hidden"]), r["account_name"] or "", r["product_display_name"],
                     json.loads(r["photo_paths"] or "{}"), bool(r["practice"]))


def listing(db: Database, *, search: str = "", rating_max: int | None = None, only_unanswered: bool = False,
            limit: int = 500) -> list[ReviewRow]:
    """The Ulasan view: unanswered 1–3 star reviews newest first, then every other review newest first.

    Each band is one indexed walk down created_at that stops at `limit` rows (the first through the partial index),
    so opening the view costs the same at 500 reviews as at 50 000. A search matches every word (as a prefix) in
    the buyer's text, our reply, the buyer's or the product's name; like the inbox's, it takes the newest
    `limit` × 4 matches, so a common word costs as little as a rare one.
    """
    where: list[str] = []
    params: list[object] = []
    if rating_max is not None:
        where.append("r.rating <= ?")
        params.append(int(rating_max))
    if only_unanswered:
        where.append(UNANSWERED)
    extra = "".join(f" AND {w}" for w in where)
    query = fts_query(search)
    if query:  # at most limit × 4 rows, each found by its key and sorted in one go; names joined to the kept ones
        seqs = [int(r[0]) for r in db.query(
            f"SELECT r.seq FROM reviews r WHERE r.seq IN (SELECT value FROM json_each(?)){extra}"
            f" ORDER BY CASE WHEN {LOW} AND {UNANSWERED} THEN 0 ELSE 1 END, r.created_at DESC LIMIT ?",
            (json.dumps(_matching(db, query, limit * 4)), *params, limit))]
        rows = {int(r["seq"]): r for r in db.query(f"{_SELECT} WHERE r.seq IN (SELECT value FROM json_each(?))",
                                                   (json.dumps(seqs),))}
        return [_row(rows[seq]) for seq in seqs]
    first = [_row(r) for r in db.query(f"{_SELECT} WHERE {LOW} AND {UNANSWERED}{extra}"
                                       " ORDER BY r.created_at DESC LIMIT ?", (*params, limit))]
    if len(first) >= limit or (only_unanswered and rating_max is not None and rating_max <= LOW_RATING):
        return first  # full, or nothing can be in the second band
    rest = db.query(f"{_SELECT} WHERE NOT ({LOW} AND {UNANSWERED}){extra} ORDER BY r.created_at DESC LIMIT ?",
                    (*params, limit - len(first)))
    return first + [_row(r) for r in rest]


def _matching(db: Database, query: str, limit: int) -> list[int]:
    """The newest matching reviews' seq (FTS5 walks its rowids backwards and stops at `limit`)."""
    return [int(r[0]) for r in db.query("SELECT rowid FROM reviews_fts WHERE reviews_fts MATCH ?"
                                        " ORDER BY rowid DESC LIMIT ?", (query, limit))]


def get(db: Database, review_id: str) -> ReviewRow | None:
    r = db.one(_SELECT + " WHERE r.id = ?", (review_id,))
    return _row(r) if r else None


def by_platform_id(db: Database, account_id: str, platform_review_id: str) -> ReviewRow | None:
    r = db.one(_SELECT + " WHERE r.account_id = ? AND r.platform_review_id = ?", (account_id, platform_review_id))
    return _row(r) if r else None


def by_platform_ids(db: Database, account_id: str, platform_review_ids: Collection[str]) -> dict[str, ReviewRow]:
    """`by_platform_id` for a page at once, keyed by the platform's id (missing ones left out)."""
    ids = list(platform_review_ids)
    found: dict[str, ReviewRow] = {}
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        rows = db.query(f"{_SELECT} WHERE r.account_id = ? AND r.platform_review_id IN ({','.join('?' * len(part))})",
                        (account_id, *part))
        found.update((r["platform_review_id"], _row(r)) for r in rows)
    return found


def unanswered_low_count(db: Database) -> int:
    """Unanswered 1–3 star reviews of the linked shops (the tray and the opening checklist count them)."""
    return int(db.scalar(f"SELECT COUNT(*) FROM reviews r WHERE {LOW} AND {UNANSWERED}"
                         " AND +r.account_id IN (SELECT id FROM accounts WHERE active = 1)") or 0)  # + : walk the band


def waiting_replies(db: Database, account_id: str) -> list[ReviewRow]:
    """A shop's reviews whose reply of ours is queued, oldest first."""
    return [_row(r) for r in db.query(f"{_SELECT} WHERE r.account_id = ? AND r.reply_state = 'waiting'"
                                      " ORDER BY r.updated_at, r.seq", (account_id,))]


def uncached_photos(db: Database, account_id: str, limit: int = 20) -> list[ReviewRow]:
    """Reviews of a shop with a picture not yet on this laptop, newest first."""
    return [_row(r) for r in db.query(
        f"{_SELECT} WHERE r.account_id = ? AND r.photos != '[]'"
        " AND json_array_length(r.photos) > (SELECT COUNT(*) FROM json_each(r.photo_paths))"
        " ORDER BY r.created_at DESC LIMIT ?",
        (account_id, limit))]


# -- row writes (inside a services/sync transaction) -------------------------------------------------------------
def insert(db: Database, values: dict[str, object]) -> None:
    db.execute(f"INSERT INTO reviews ({', '.join(values)}) VALUES ({', '.join(':' + k for k in values)})", values)


def update(db: Database, review_id: str, values: dict[str, object]) -> None:
    sets = ", ".join(f"{k} = :{k}" for k in values)
    db.execute(f"UPDATE reviews SET {sets} WHERE id = :id", {**values, "id": review_id})


def link_orders(db: Database, account_id: str) -> list[str]:
    """Reviews of a shop whose order has arrived since: linked now; returns their ids."""
    rows = db.query("SELECT r.id, o.id AS order_id FROM reviews r JOIN online_orders o"
                    " ON o.account_id = r.account_id AND o.platform_order_id = r.platform_order_id"
                    " WHERE r.account_id = ? AND r.order_id IS NULL AND r.platform_order_id != ''", (account_id,))
    db.executemany("UPDATE reviews SET order_id = ? WHERE id = ?", [(r["order_id"], r["id"]) for r in rows])
    return [str(r["id"]) for r in rows]
