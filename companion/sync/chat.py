"""The inbox's part of a sync round: pull changed conversations (the chat phase), and the reply command's handler
that sends queued replies exactly once.

Pull: conversation lists come newest first, so the walk stops at the first conversation older than the "chat"
cursor (the newest `last_message_at` applied so far); each changed conversation's messages are read until a known
message, and applied keyed by platform id. The cursor commits with the last conversation it covers, so a round cut
short simply repeats harmless work.

Send (command kind "chat_reply", one per reply, for the conversation's shop): a reply and its command are marked
'sending' and committed before `send_text`; 'sent' with the platform id after. Look-back rule: a reply found
'sending' (the answer was lost, or the app was killed mid-send) is first looked for in the conversation as the
platform shows it — our text, from the seller, after the queue time — and only sent again when it is not there.
Offline, throttled or refused logins put it back to 'queued'; a refusal marks it 'failed' with the platform's
words. Some channels allow their chat API per app: NotPermitted is kept as the shop's chat problem, one sentence
the inbox shows (store.inbox.chat_problems, the channel's own words from its spec), without failing the shop's
order and stock sync.

Platform rules: a channel whose spec says `chat_pull="on_demand"` is never listed by a round (`on_demand`); the
engine's `check_chats` runs this phase when the person asks. A message the platform blocked carries its words
(`Message.platform_notice`); a held one that gains a notice later is passed on so the service records it.

Pictures: after the pull, pictures not yet on this laptop are downloaded into the data folder's image cache
(sync/images.py); one that fails keeps its URL and is tried again next round.

Known gap: the read-back looks at the newest page of the conversation only.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import timedelta
from functools import partial

from companion.connectors import registry
from companion.connectors.base import Connector
from companion.connectors.errors import NotPermitted, Permanent, Temporary
from companion.domain.clock import parse_stamp, stamp
from companion.domain.marketplace import Capability, Conversation, ConversationPage, Message, MessagePage
from companion.services import inbox as inbox_service
from companion.services.change import Change
from companion.store import inbox as inbox_store
from companion.store import sync_state
from companion.store.accounts import AccountRow
from companion.store.database import Database
from companion.store.outbox import CommandRow
from companion.sync import images
from companion.sync.events import NOT_PERMITTED, Problem
from companion.sync.problems import refusal_sentence
from companion.sync.rounds import AccountRun, Caller, CommandHandler, CommandRound

log = logging.getLogger(__name__)

CHAT = "chat"
POLL, ON_DEMAND = "poll", "on_demand"   # ChannelSpec.chat_pull
MAX_CONVERSATION_PAGES = 20
MAX_MESSAGE_PAGES = 5
CLOCK_SLACK = timedelta(minutes=10)   # platform and laptop clocks differ; a read-back match may be this early


def on_demand(channel: str) -> bool:
    """True when the channel's conversations are listed only when the person asks (its spec's `chat_pull`)."""
    spec = registry.find(channel)
    return spec is not None and spec.chat_pull == ON_DEMAND


def chat_problem(account: AccountRow, exc: NotPermitted) -> Problem:
    sentence = refusal_sentence(exc, account.channel, chat=True)
    detail = f"{exc.platform_code}: {exc.platform_message}" if exc.platform_message else exc.platform_code
    detail += f" [{exc.reason}]" if exc.reason else ""
    return Problem(NOT_PERMITTED, sentence, detail)


def _note_problem(db: Database, account: AccountRow, problem: Problem | None) -> None:
    if problem is None:
        inbox_service.note_chat_problem(db, account.id, None, None, None)
    else:
        inbox_service.note_chat_problem(db, account.id, problem.kind, problem.sentence_msgid, problem.detail)


# -- pull ---------------------------------------------------------------------------------------------------------
def pull_chats(db: Database, account: AccountRow, link: Connector, call: Caller) -> Change:
    """New and changed conversations with their new messages; NotPermitted becomes the shop's chat problem."""
    try:
        change = _pull(db, account, link, call)
    except NotPermitted as exc:
        _note_problem(db, account, chat_problem(account, exc))
        return Change()
    _note_problem(db, account, None)
    return change


def _since(db: Database, account_id: str) -> str | None:
    raw = sync_state.cursor(db, account_id, CHAT)
    try:
        value = json.loads(raw).get("since") if raw else None
    except (ValueError, AttributeError):
        return None
    return str(value) if value else None


def _changed_conversations(account_id: str, since: str | None, link: Connector,
                           call: Caller) -> tuple[list[Conversation], str | None]:
    """Conversations whose last message is at or after `since` (newest first), and the newest time seen."""
    changed: dict[str, Conversation] = {}
    newest = since
    page_cursor: str | None = None
    for _ in range(MAX_CONVERSATION_PAGES):
        page: ConversationPage = call(partial(link.list_conversations, page_cursor))
        older = False
        for conv in page.conversations:
            at = stamp(conv.last_message_at) if conv.last_message_at else None
            if since and at and at < since:
                older = True
                continue
            changed.setdefault(conv.conversation_id, conv)
            if at and (newest is None or at > newest):
                newest = at
        if older or page.done or not page.next_cursor:
            break
        page_cursor = page.next_cursor
    return list(changed.values()), newest


def _new_messages(db: Database, account_id: str, conv: Conversation, link: Connector, call: Caller) -> list[Message]:
    """Newest first from the platform, until a message we already hold (or a few pages on first sight). Held
    messages that now carry a platform notice (the platform blocked one after it arrived) come along too."""
    local = inbox_store.by_platform_id(db, account_id, conv.conversation_id)
    known = inbox_store.platform_ids(db, local.id) if local else set()
    out: list[Message] = []
    page_cursor: str | None = None
    for _ in range(MAX_MESSAGE_PAGES):
        page: MessagePage = call(partial(link.list_messages, conv.conversation_id, page_cursor))
        fresh = [m for m in page.messages if m.message_id not in known]
        out += fresh + [m for m in page.messages if m.message_id in known and m.platform_notice]
        if len(fresh) < len(page.messages) or page.done or not page.next_cursor:
            break
        page_cursor = page.next_cursor
    return sorted(reversed(out), key=lambda m: m.sent_at)   # oldest first; same-second messages keep their order


def _pull(db: Database, account: AccountRow, link: Connector, call: Caller) -> Change:
    since = _since(db, account.id)
    changed, newest = _changed_conversations(account.id, since, link, call)
    change = Change()
    cursor = json.dumps({"since": newest})
    for n, conv in enumerate(reversed(changed)):   # oldest first; the cursor rides with the last one
        messages = _new_messages(db, account.id, conv, link, call)
        last = n == len(changed) - 1
        change |= inbox_service.apply_chat_page(db, account.id, [conv], {conv.conversation_id: messages},
                                                cursor=(CHAT, cursor) if last else None)
    if not changed and newest != since and newest is not None:
        change |= inbox_service.apply_chat_page(db, account.id, [], {}, cursor=(CHAT, cursor))
    return change


# -- send ---------------------------------------------------------------------------------------------------------
def send_replies(db: Database, account: AccountRow, link: Connector, call: Caller,
                 message_ids: Sequence[str]) -> Change:
    """These replies of this shop (its due reply commands), each exactly once. Errors that stop the shop's round are
    raised (after the reply is back to 'queued'); refusals fail only that reply."""
    change = Change()
    for message_id in message_ids:
        msg = inbox_store.message(db, message_id)
        if msg is None or msg.status not in ("queued", "sending"):
            continue
        if msg.status == "queued" and inbox_service.stale_quotes(db, msg.id):
            continue  # it quotes a price or stock that changed: held until the owner confirms or changes it
        conv = inbox_store.conversation(db, msg.conversation_id)
        if conv is None or not conv.platform_conversation_id:
            continue
        target = Conversation(conv.platform_conversation_id, conv.buyer_id, conv.buyer_name, "", None, 0)
        try:
            change |= _send_one(db, msg.id, target, link, call)
        except NotPermitted as exc:
            problem = chat_problem(account, exc)
            _note_problem(db, account, problem)
            change |= inbox_service.reply_failed(db, msg.id, problem.detail)
        except Permanent as exc:
            change |= inbox_service.reply_failed(db, msg.id, exc.platform_message or exc.platform_code)
    return change


def _send_one(db: Database, message_id: str, target: Conversation, link: Connector, call: Caller) -> Change:
    msg = inbox_store.message(db, message_id)
    if msg is None or msg.status not in ("queued", "sending"):
        return Change()
    if msg.status == "sending":   # an earlier attempt may have landed: look before sending again
        found = _look_back(db, msg.id, target, link, call)
        if found is not None:
            return found
    inbox_service.begin_send(db, msg.id)
    try:
        platform_id = call(lambda: link.send_text(target, msg.text))
    except Temporary as exc:
        if not exc.outcome_unknown:
            inbox_service.reply_requeued(db, msg.id, exc.message)
            raise
        found = _look_back(db, msg.id, target, link, call)
        if found is not None:
            return found
        platform_id = call(lambda: link.send_text(target, msg.text))   # it did not land: once more
    except (Permanent, NotPermitted):
        raise
    except Exception as exc:   # throttled, login refused: nothing was sent
        inbox_service.reply_requeued(db, msg.id, str(exc))
        raise
    return inbox_service.reply_sent(db, msg.id, str(platform_id or ""))


def _look_back(db: Database, message_id: str, target: Conversation, link: Connector, call: Caller) -> Change | None:
    """`_read_back`, except that a refused read (a wrong clock, chat taken away) leaves the reply 'sending', to be
    looked for again next round: it may have landed, so it is neither failed (the owner would send it again) nor
    sent once more. Returns an empty Change then, which stops this attempt."""
    try:
        return _read_back(db, message_id, target, link, call)
    except Permanent as exc:   # NotPermitted included
        log.warning("reply %s: could not look whether it landed (%s); looking again next round", message_id,
                    exc.platform_code or type(exc).__name__)
        return Change()


def _read_back(db: Database, message_id: str, target: Conversation, link: Connector, call: Caller) -> Change | None:
    """The reply as the platform shows it (our text, from the seller, after queue time), recorded 'sent'."""
    msg = inbox_store.message(db, message_id)
    if msg is None:
        return Change()
    page = call(lambda: link.list_messages(target.conversation_id, None))
    known = inbox_store.platform_ids(db, msg.conversation_id)
    after = parse_stamp(msg.queued_at or msg.sent_at) - CLOCK_SLACK
    for m in page.messages:
        if (not m.from_buyer and not m.is_auto_reply and m.text == msg.text and m.message_id not in known
                and m.sent_at >= after):
            return inbox_service.reply_sent(db, msg.id, m.message_id, m.sent_at, m.platform_notice)
    return None


# -- the engine's hooks -------------------------------------------------------------------------------------------
def chat_phase(db: Database, account: AccountRow, link: Connector, call: Caller) -> Change:
    """The chat phase of a round: pull, then cache new pictures."""
    change = pull_chats(db, account, link, call)
    try:   # thumbnails are a convenience: a picture that cannot be fetched never stops the round
        change |= images.cache_images(db, account.id)
    except Exception:
        log.exception("chat pictures of %s not cached this round", account.id)
    return change


def send_reply_commands(rnd: CommandRound, run: AccountRun, commands: Sequence[CommandRow]) -> Change:
    """The reply handler: this shop's due reply commands, oldest first."""
    ids = [str(c.payload.get("message_id", "")) for c in commands]
    return send_replies(rnd.db, run.row, run.link, run.call, [i for i in ids if i]) if ids else Change()


REPLY_HANDLER = CommandHandler(inbox_service.REPLY_KIND, Capability.CHAT, send_reply_commands, _look_back)
