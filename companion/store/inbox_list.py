"""The Kotak Masuk list read a screenful at a time, in the order its indexes keep (schema v13 inbox part).

Waiting conversations come in groups of one (channel, holiday_mode, target_minutes): inside a group the channel's
deadline follows `waiting_since`, so each group is read in that order from `conversations_inbox_waiting` and
services/inbox_pages.py merges the groups by deadline. The answered ones are read newest first from
`conversations_inbox_answered(_channel)`. Paging is by key (the last row's sort key and id), never OFFSET, so the
hundredth screen costs what the first does. A search's conversations (a few thousand at most) are ordered in memory
from their keys (`search_keys`), and only the rows shown are read whole (`rows_by_id`).
"""

from __future__ import annotations

import json
from typing import NamedTuple

from companion.store.database import Database
from companion.store.inbox import CONVERSATION_SQL, ConversationRow, conversation_row, fts_query

ANSWERED_KEY = "COALESCE(c.last_message_at, c.created_at)"  # the expression the answered indexes hold


class WaitingGroup(NamedTuple):
    """Waiting conversations whose deadlines follow the same rule: one index range, ordered by waiting_since."""

    channel: str
    holiday_mode: bool
    target_minutes: int | None


class Summary(NamedTuple):
    """How many wait in each group, and how many nobody waits in: the groups to merge and the list's count."""

    waiting: dict[WaitingGroup, int]
    answered: int


def summary(db: Database, channel: str | None = None, answered_too: bool = True) -> Summary:
    """Counted in the indexes alone (two queries; one when the answered ones are not listed)."""
    where, params = ("c.channel = ?", (channel,)) if channel else ("1", ())  # type: tuple[str, tuple[object, ...]]
    rows = db.query("SELECT c.channel, c.holiday_mode, c.target_minutes, COUNT(*) AS n FROM conversations c"
                    f" WHERE {where} AND c.waiting_since IS NOT NULL GROUP BY 1, 2, 3", params)
    answered = db.scalar(f"SELECT COUNT(*) FROM conversations c WHERE {where} AND c.waiting_since IS NULL",
                         params) if answered_too else 0
    return Summary({WaitingGroup(r[0], bool(r[1]), r[2]): int(r["n"]) for r in rows}, int(answered))


def _group_where(group: WaitingGroup) -> tuple[str, tuple[object, ...]]:
    return ("c.channel = ? AND c.holiday_mode = ? AND c.target_minutes IS ? AND c.waiting_since IS NOT NULL",
            (group.channel, int(group.holiday_mode), group.target_minutes))


def waiting_rows(db: Database, group: WaitingGroup, after: tuple[str, str] | None, limit: int,
                 until: str | None = None) -> list[ConversationRow]:
    """The group's next `limit` waiting conversations after `after` (waiting_since, id), longest waiting first;
    with `until`, only those waiting since `until` or before."""
    where, params = _group_where(group)
    if after is not None:
        where += " AND (c.waiting_since, c.id) > (?, ?)"
        params += after
    if until is not None:
        where += " AND c.waiting_since <= ?"
        params += (until,)
    sql = f"{CONVERSATION_SQL} WHERE {where} ORDER BY c.waiting_since, c.id LIMIT ?"
    return [conversation_row(r) for r in db.query(sql, (*params, limit))]


def answered_rows(db: Database, channel: str | None, after: tuple[str, str] | None,
                  limit: int) -> list[ConversationRow]:
    """The next `limit` conversations nobody waits in, newest first, after `after` (sort stamp, id)."""
    where, params = "c.waiting_since IS NULL", ()  # type: tuple[str, tuple[object, ...]]
    if channel:
        where, params = where + " AND c.channel = ?", (channel,)
    if after is not None:
        where += f" AND ({ANSWERED_KEY}, c.id) < (?, ?)"
        params += after
    sql = f"{CONVERSATION_SQL} WHERE {where} ORDER BY {ANSWERED_KEY} DESC, c.id DESC LIMIT ?"
    return [conversation_row(r) for r in db.query(sql, (*params, limit))]


def count_waiting(db: Database, group: WaitingGroup, until: str | None = None) -> int:
    """How many of the group wait (since `until` or before, when given): counted in the index alone."""
    where, params = _group_where(group)
    if until is not None:
        where, params = where + " AND c.waiting_since <= ?", (*params, until)
    return int(db.scalar(f"SELECT COUNT(*) FROM conversations c WHERE {where}", params))


def search_keys(db: Database, search: str, matches: int,
                channel: str | None = None) -> dict[WaitingGroup | None, list[tuple[str, str]]] | None:
    """The conversations a search shows (None when it has no words: no narrowing), by waiting group, each as its
    index key (waiting_since, id); those nobody waits in under None, keyed (last message or created, id).

    Found: those with one of the newest `matches` matching messages (FTS5 walks them newest first and stops, so a
    word in nearly every message costs as little as a rare one), and those whose buyer's name contains the words.
    One query; the pager orders them in memory and reads whole rows only for what is shown (`rows_by_id`)."""
    query = fts_query(search)
    if not query:
        return None
    rows = db.conn.execute(
        "WITH hits AS (SELECT m.conversation_id AS id FROM messages_fts f JOIN messages m ON m.seq = f.rowid"
        " WHERE messages_fts MATCH ? ORDER BY f.rowid DESC LIMIT ?)"
        f" SELECT c.channel, c.holiday_mode, c.target_minutes, c.waiting_since, c.id, {ANSWERED_KEY}"
        " FROM conversations c WHERE (c.id IN (SELECT id FROM hits) OR c.buyer_name LIKE ?)"
        + (" AND c.channel = ?" if channel else ""),
        (query, matches, f"%{search.strip()}%", *((channel,) if channel else ()))).fetchall()
    found: dict[tuple[str, int, int | None] | None, list[tuple[str, str]]] = {}
    for channel_name, holiday, target, since, conversation_id, recent in rows:
        if since is None:
            found.setdefault(None, []).append((recent, conversation_id))
        else:
            found.setdefault((channel_name, holiday, target), []).append((since, conversation_id))
    return {None if g is None else WaitingGroup(g[0], bool(g[1]), g[2]): v for g, v in found.items()}


def rows_by_id(db: Database, ids: list[str]) -> list[ConversationRow]:
    """Whole rows for the given ids, in that order (one screenful)."""
    found = {r["id"]: conversation_row(r) for r in db.query(
        f"{CONVERSATION_SQL} WHERE c.id IN (SELECT value FROM json_each(?))", (json.dumps(ids),))}
    return [found[i] for i in ids if i in found]


def last_message_seq(db: Database) -> int:
    """Where this file's messages end (`messages.seq`, given on insert here, also to messages another laptop sent):
    the mark the tray's "new question" looks past next time."""
    return int(db.scalar("SELECT COALESCE(MAX(seq), 0) FROM messages"))


def new_waiting(db: Database, after_seq: int, upto_seq: int, limit: int) -> tuple[list[ConversationRow], int]:
    """Conversations whose waiting stretch began with a buyer message stored after `after_seq` and up to `upto_seq`
    (the message at `waiting_since`, recompute_waiting's rule): the first `limit` by waiting_since, and how many.

    Read from the new messages (a seq range), not from every waiting chat, so it costs what arrived since the last
    look. By arrival, not by `waiting_since`: a message pulled late may be older than one already seen. A stretch
    is counted once: its first message lies in exactly one (after, upto] range."""
    rows = db.query(
        "WITH fresh AS (SELECT DISTINCT conversation_id AS id FROM messages WHERE seq > ? AND seq <= ?"
        " AND from_buyer = 1)"
        " SELECT c.id, COUNT(*) OVER () AS n FROM fresh JOIN conversations c ON c.id = fresh.id"
        " WHERE c.waiting_since IS NOT NULL AND EXISTS (SELECT 1 FROM messages s WHERE s.conversation_id = c.id"
        " AND s.sent_at = c.waiting_since AND s.from_buyer = 1 AND s.seq > ? AND s.seq <= ?)"
        " ORDER BY c.waiting_since, c.id LIMIT ?", (after_seq, upto_seq, after_seq, upto_seq, limit))
    return rows_by_id(db, [r["id"] for r in rows]), int(rows[0]["n"]) if rows else 0
