"""Inbox queries and row-level writes: conversations, messages, reply templates, chat problems per shop.

Reads are for everyone (the GUI reads these with `ctx.db`); the write helpers at the bottom are only called by
services/inbox.py and sync/chat.py inside their transactions.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from companion.store.database import Database

STATES = ("all", "waiting", "overdue")
SEARCH_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class ConversationRow:
    id: str
    account_id: str | None
    channel: str
    practice: bool
    account_name: str
    buyer_name: str
    source: str | None
    last_text: str
    last_message_at: str | None
    waiting_since: str | None
    unread: int
    target_minutes: int | None
    holiday_mode: bool
    queued_replies: int
    failed_replies: int
    platform_conversation_id: str | None = None
    buyer_id: str = ""
    answered_at: str | None = None
    created_at: str = ""

    @property
    def answered_key(self) -> tuple[str, str]:
        """Where the list of answered chats keeps this row, newest first (schema v13 `conversations_inbox_answered`)."""
        return (self.last_message_at or self.created_at, self.id)


@dataclass(frozen=True)
class MessageRow:
    id: str
    conversation_id: str
    from_buyer: bool
    is_auto_reply: bool
    kind: str
    text: str
    payload: dict[str, Any]
    sent_at: str
    status: str
    error: str | None
    platform_message_id: str | None = None
    queued_at: str | None = None
    quoted: dict[str, Any] = field(default_factory=dict)
    platform_notice: str = ""  # the platform blocked or flagged this message, in its words ("" when not)

    @property
    def blocked(self) -> bool:
        """A reply of ours the platform took but blocked: it did not reach the buyer."""
        return bool(self.platform_notice) and not self.from_buyer


@dataclass(frozen=True)
class TemplateRow:
    id: str
    title: str
    body: str
    sort: int


@dataclass(frozen=True)
class ChatProblemRow:
    """Why a shop's chats cannot be read or answered (e.g. a channel whose app lacks the chat permission)."""

    account_id: str
    channel: str
    account_name: str
    kind: str
    sentence_msgid: str
    detail: str
    at: str


_CONVERSATION_SQL = """
SELECT c.*, a.name AS account_name, COALESCE(a.practice, 0) AS practice,
       (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id
            AND m.status IN ('queued', 'sending', 'failed') AND m.status != 'failed') AS queued_replies,
       (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id
            AND m.status IN ('queued', 'sending', 'failed') AND m.status = 'failed') AS failed_replies
FROM conversations c LEFT JOIN accounts a ON a.id = c.account_id
"""
# the reply counts repeat the partial index's own condition (schema v13 `messages_open_replies`): SQLite uses a
# partial index only for a query that states its WHERE, and otherwise reads the conversation's whole thread
CONVERSATION_SQL = _CONVERSATION_SQL


def _conversation(r: sqlite3.Row) -> ConversationRow:
    return ConversationRow(r["id"], r["account_id"], r["channel"], bool(r["practice"]), r["account_name"] or "",
                           r["buyer_name"], r["source"], r["last_text"], r["last_message_at"], r["waiting_since"],
                           int(r["unread"]), r["target_minutes"], bool(r["holiday_mode"]), int(r["queued_replies"]),
                           int(r["failed_replies"]), r["platform_conversation_id"], r["buyer_id"], r["answered_at"],
                           r["created_at"])


conversation_row = _conversation


def _message(r: sqlite3.Row) -> MessageRow:
    return MessageRow(r["id"], r["conversation_id"], bool(r["from_buyer"]), bool(r["is_auto_reply"]), r["kind"],
                      r["text"], json.loads(r["payload"] or "{}"), r["sent_at"], r["status"], r["error"],
                      r["platform_message_id"], r["queued_at"], json.loads(r["quoted"] or "{}"),
                      r["platform_notice"] or "")


def fts_query(search: str) -> str:
    """User words to a safe FTS5 query: every word must appear (as a prefix); quotes keep operators inert."""
    return " ".join(f'"{w}"*' for w in SEARCH_WORD.findall(search))


def conversations(db: Database, channel: str | None = None, state: str = "all", search: str = "",
                  limit: int = 500) -> list[ConversationRow]:
    """Newest first. "waiting" and "overdue" both return the waiting ones here (deadlines are a services matter)."""
    where: list[str] = []
    params: list[object] = []
    if channel:
        where.append("c.channel = ?")
        params.append(channel)
    if state in ("waiting", "overdue"):
        where.append("c.waiting_since IS NOT NULL")
    query = fts_query(search)
    if query:
        where.append("(c.buyer_name LIKE ? OR c.id IN (SELECT value FROM json_each(?)))")
        params += [f"%{search.strip()}%", json.dumps(_matching_conversations(db, query, limit))]
    sql = _CONVERSATION_SQL + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY COALESCE(c.last_message_at, c.created_at) DESC LIMIT ?"
    return [_conversation(r) for r in db.query(sql, (*params, limit))]


def _matching_conversations(db: Database, query: str, limit: int) -> list[str]:
    """Conversations with a matching message, found from the newest matches backwards.

    FTS5 walks its matches newest first and stops early, so a word in nearly every message ("kak") costs
    as little as a rare one; conversations whose only matches are older than the newest `limit` × 4
    matching messages are left out (the list shows at most `limit` conversations anyway).
    """
    rows = db.query("SELECT m.conversation_id FROM messages_fts f JOIN messages m ON m.seq = f.rowid"
                    " WHERE messages_fts MATCH ? ORDER BY f.rowid DESC LIMIT ?", (query, limit * 4))
    return list(dict.fromkeys(r["conversation_id"] for r in rows))


def conversation(db: Database, conversation_id: str) -> ConversationRow | None:
    r = db.one(_CONVERSATION_SQL + " WHERE c.id = ?", (conversation_id,))
    return _conversation(r) if r else None


def by_platform_id(db: Database, account_id: str, platform_conversation_id: str) -> ConversationRow | None:
    r = db.one(_CONVERSATION_SQL + " WHERE c.account_id = ? AND c.platform_conversation_id = ?",
               (account_id, platform_conversation_id))
    return _conversation(r) if r else None


def under_other_real_account(db: Database, account_id: str, channel: str,
                             platform_conversation_id: str) -> ConversationRow | None:
    """The same platform conversation held by another real account of the channel: the shop linked before (a
    shop linked again after a move gets a new account row). Platforms' conversation ids are unique across shops."""
    r = db.one(_CONVERSATION_SQL + " WHERE c.platform_conversation_id = ? AND c.account_id != ? AND c.account_id IN"
               " (SELECT id FROM accounts WHERE channel = ? AND practice = 0) ORDER BY c.created_at LIMIT 1",
               (platform_conversation_id, account_id, channel))
    return _conversation(r) if r else None


def thread(db: Database, conversation_id: str) -> list[MessageRow]:
    """Oldest first, as a chat is read."""
    return [_message(r) for r in db.query(
        "SELECT * FROM messages WHERE conversation_id = ? ORDER BY sent_at, seq", (conversation_id,))]


def message(db: Database, message_id: str) -> MessageRow | None:
    r = db.one("SELECT * FROM messages WHERE id = ?", (message_id,))
    return _message(r) if r else None


def search_messages(db: Database, search: str, limit: int = 200) -> list[MessageRow]:
    """Messages containing every word of `search` (FTS5), newest first."""
    query = fts_query(search)
    if not query:
        return []
    return [_message(r) for r in db.query(
        "SELECT m.* FROM messages_fts f JOIN messages m ON m.seq = f.rowid WHERE messages_fts MATCH ?"
        " ORDER BY m.sent_at DESC LIMIT ?", (query, limit))]


def unread_counts(db: Database) -> dict[str, int]:
    """Conversations with unread buyer messages, per channel."""
    return {r["channel"]: int(r["n"]) for r in db.query(
        "SELECT channel, COUNT(*) AS n FROM conversations WHERE unread > 0 GROUP BY channel")}


def outgoing(db: Database, account_id: str) -> list[MessageRow]:
    """A shop's replies not yet confirmed sent ('queued' or 'sending'), oldest first."""
    return [_message(r) for r in db.query(
        "SELECT m.* FROM messages m JOIN conversations c ON c.id = m.conversation_id"
        " WHERE c.account_id = ? AND m.status IN ('queued', 'sending') ORDER BY m.queued_at, m.seq", (account_id,))]


def templates(db: Database) -> list[TemplateRow]:
    return [TemplateRow(r["id"], r["title"], r["body"], int(r["sort"]))
            for r in db.query("SELECT * FROM reply_templates ORDER BY sort, title")]


def template(db: Database, template_id: str) -> TemplateRow | None:
    r = db.one("SELECT * FROM reply_templates WHERE id = ?", (template_id,))
    return TemplateRow(r["id"], r["title"], r["body"], int(r["sort"])) if r else None


def chat_problems(db: Database) -> list[ChatProblemRow]:
    """Shops whose chats the app cannot use right now, with the sentence to show in the inbox."""
    return [ChatProblemRow(r["account_id"], r["channel"], r["name"], r["problem_kind"], r["problem_msgid"],
                           r["problem_detail"] or "", r["problem_at"])
            for r in db.query("SELECT s.*, a.channel, a.name FROM chat_status s JOIN accounts a ON a.id = s.account_id"
                              " WHERE s.problem_kind IS NOT NULL AND a.active = 1 ORDER BY a.channel, a.name")]


def chat_facts_rows(db: Database, since: str) -> list[sqlite3.Row]:
    """Every message of conversations active since `since`, in order (input for response metrics)."""
    return db.query(
        "SELECT c.id AS conversation_id, c.channel, c.holiday_mode, m.from_buyer, m.is_auto_reply, m.status,"
        " m.sent_at FROM conversations c JOIN messages m ON m.conversation_id = c.id"
        " WHERE COALESCE(c.last_message_at, c.created_at) >= ? AND m.status IN ('received', 'sent')"
        " ORDER BY c.id, m.sent_at, m.seq", (since,))


# -- row writes (inside a services/sync transaction) -------------------------------------------------------------
def insert_conversation(db: Database, values: dict[str, object]) -> None:
    db.execute(f"INSERT INTO conversations ({', '.join(values)}) VALUES ({', '.join(':' + k for k in values)})",
               values)


def update_conversation(db: Database, conversation_id: str, values: dict[str, object]) -> None:
    sets = ", ".join(f"{k} = :{k}" for k in values)
    db.execute(f"UPDATE conversations SET {sets} WHERE id = :id", {**values, "id": conversation_id})


def insert_message(db: Database, values: dict[str, object]) -> None:
    db.execute(f"INSERT INTO messages ({', '.join(values)}) VALUES ({', '.join(':' + k for k in values)})", values)


def update_message(db: Database, message_id: str, values: dict[str, object]) -> None:
    sets = ", ".join(f"{k} = :{k}" for k in values)
    db.execute(f"UPDATE messages SET {sets} WHERE id = :id", {**values, "id": message_id})


def message_by_platform_id(db: Database, conversation_id: str, platform_message_id: str) -> MessageRow | None:
    r = db.one("SELECT * FROM messages WHERE conversation_id = ? AND platform_message_id = ?",
               (conversation_id, platform_message_id))
    return _message(r) if r else None


def unconfirmed_reply(db: Database, conversation_id: str, text: str) -> MessageRow | None:
    """Our oldest reply with this text whose delivery is not yet confirmed (sent, answer lost or app killed), or
    that was marked failed although it landed (the platform shows it: the record must say so)."""
    r = db.one("SELECT * FROM messages WHERE conversation_id = ? AND status IN ('sending', 'sent', 'failed')"
               " AND text = ?"
               " AND platform_message_id IS NULL AND queued_at IS NOT NULL ORDER BY queued_at, seq LIMIT 1",
               (conversation_id, text))
    return _message(r) if r else None


def uncached_images(db: Database, account_id: str, limit: int = 20) -> list[MessageRow]:
    """Pictures of this shop's chats with a URL but no local copy yet, newest first."""
    return [_message(r) for r in db.query(
        "SELECT m.* FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.account_id = ?"
        " AND m.kind = 'image' AND json_extract(m.payload, '$.image_url') IS NOT NULL"
        " AND json_extract(m.payload, '$.local_path') IS NULL ORDER BY m.sent_at DESC LIMIT ?",
        (account_id, limit))]


def platform_ids(db: Database, conversation_id: str) -> set[str]:
    return {str(r[0]) for r in db.query("SELECT platform_message_id FROM messages WHERE conversation_id = ?"
                                        " AND platform_message_id IS NOT NULL", (conversation_id,))}


def reply_ids(db: Database, conversation_id: str) -> list[str]:
    """Our replies in a conversation that are not confirmed sent (queued, sending or failed)."""
    return [str(r["id"]) for r in db.query(
        "SELECT id FROM messages WHERE conversation_id = ? AND from_buyer = 0"
        " AND status IN ('queued', 'sending', 'failed')", (conversation_id,))]


def recompute_waiting(db: Database, conversation_id: str) -> None:
    """waiting_since = the first buyer message after the last human answer (auto replies do not answer);
    a human answer is a seller message that reached the buyer, or the owner's 'answered' mark."""
    row = db.one(
        "SELECT MAX(sent_at) AS last_reply FROM messages WHERE conversation_id = ? AND from_buyer = 0"
        " AND is_auto_reply = 0 AND status = 'sent' AND platform_notice = ''", (conversation_id,))
    mark = db.scalar("SELECT marked_answered_at FROM conversations WHERE id = ?", (conversation_id,))
    answered = max((t for t in (row["last_reply"] if row else None, mark) if t), default=None)
    waiting = db.scalar(
        "SELECT MIN(sent_at) FROM messages WHERE conversation_id = ? AND from_buyer = 1 AND sent_at > ?",
        (conversation_id, answered or ""))
    last = db.one("SELECT text, sent_at, kind FROM messages WHERE conversation_id = ? AND status != 'failed'"
                  " ORDER BY sent_at DESC, seq DESC LIMIT 1", (conversation_id,))
    values: dict[str, object] = {"waiting_since": waiting, "answered_at": answered}
    if last is not None:
        values["last_text"] = last["text"] or f"[{last['kind']}]"
        values["last_message_at"] = last["sent_at"]
    update_conversation(db, conversation_id, values)


def set_chat_problem(db: Database, account_id: str, kind: str | None, msgid: str | None, detail: str | None,
                     at: str) -> None:
    db.execute("INSERT INTO chat_status (account_id, problem_kind, problem_msgid, problem_detail, problem_at,"
               " last_pull_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(account_id) DO UPDATE SET"
               " problem_kind = excluded.problem_kind, problem_msgid = excluded.problem_msgid,"
               " problem_detail = excluded.problem_detail, problem_at = excluded.problem_at,"
               " last_pull_at = COALESCE(excluded.last_pull_at, chat_status.last_pull_at)",
               (account_id, kind, msgid, detail, at if kind else None, None if kind else at))


def insert_template(db: Database, template_id: str, title: str, body: str, created_at: str) -> None:
    """A new quick reply at the end of the list."""
    sort = int(db.scalar("SELECT COALESCE(MAX(sort), 0) + 10 FROM reply_templates") or 10)
    db.execute("INSERT INTO reply_templates (id, title, body, sort, created_at) VALUES (?, ?, ?, ?, ?)",
               (template_id, title, body, sort, created_at))


def update_template(db: Database, template_id: str, title: str, body: str) -> bool:
    return db.execute("UPDATE reply_templates SET title = ?, body = ? WHERE id = ?",
                      (title, body, template_id)).rowcount == 1


def delete_template(db: Database, template_id: str) -> None:
    db.execute("DELETE FROM reply_templates WHERE id = ?", (template_id,))
