"""The inbox's write path: applying chat pages from the marketplaces, hand-logged inquiries, queued replies,
templates — and the inbox's read models that need domain rules (deadlines, response metrics).

Conversations and messages are keyed by platform ids, so applying a page twice changes nothing. A reply is
written as 'queued' together with its command (kind `chat_reply`, key `reply:<message id>`, for the conversation's
shop) in one transaction; the sync engine sends it exactly once (sync/chat.py). The message's status and its
command's state move together: queued/waiting, sending/sending, sent/sent, failed/failed (failed/cancelled when
the owner withdrew or cancelled it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from companion.domain.clock import parse_stamp, stamp
from companion.domain.deadlines import MANUAL
from companion.domain.errors import NotFound, UserError
from companion.domain.ids import new_id
from companion.domain.marketplace import Conversation, Message
from companion.domain.money import format_rupiah
from companion.domain.settings_keys import CHAT_HOLIDAY, CHAT_SHIPPING_ESTIMATE, TIME_ZONE
from companion.i18n import N_
from companion.services import inbox_pages
from companion.services.change import Change
from companion.services.reply_rules import reply_rule, reply_rules
from companion.store import accounts as account_store
from companion.store import inbox as inbox_store
from companion.store import listings as listing_store
from companion.store import online_orders as order_store
from companion.store import outbox, sync_state
from companion.store import products as product_store
from companion.store import settings as settings_store
from companion.store.accounts import AccountRow
from companion.store.database import Database
from companion.store.inbox import ConversationRow

if TYPE_CHECKING:
    from companion.domain.deadlines import Clock
    from companion.domain.response_metrics import ChatFacts, ResponseStats

CHAT_STREAM = "chat"
REPLY_KIND = "chat_reply"
SOURCES = ("phone", "whatsapp", "walk_in")
MAX_TEXT = 4000
OVERVIEW_DAYS = 30
DEFAULT_SHIPPING_ESTIMATE = "hari ini"   # buyer-facing text, always Indonesian
KIND_WORDS = {"text": "text", "1": "text", "image": "image", "img": "image", "picture": "image", "photo": "image",
              "3": "image", "sticker": "image", "product": "product", "item": "product", "item_list": "product",
              "10006": "product", "order": "order", "10007": "order"}


def reply_key(message_id: str) -> str:
    return f"reply:{message_id}"


def message_kind(platform_kind: str) -> str:
    """The platform's message type ("TEXT", "1", "image", "PRODUCT_CARD" …) to our five kinds."""
    raw = platform_kind.strip().lower()
    if raw in KIND_WORDS:
        return KIND_WORDS[raw]
    for word, kind in (("text", "text"), ("image", "image"), ("img", "image"), ("product", "product"),
                       ("item", "product"), ("order", "order")):
        if word in raw:
            return kind
    return "other"


def _ts(moment: datetime | None) -> str | None:
    return stamp(moment.astimezone(UTC)) if moment else None


# -- from the marketplaces --------------------------------------------------------------------------------------
def apply_chat_page(db: Database, account_id: str, conversations: Sequence[Conversation],
                    messages_by_conversation: Mapping[str, Sequence[Message]],
                    cursor: str | tuple[str, str] | None = None) -> Change:
    """Store conversations and their messages (and the "chat" cursor after them) in one transaction."""
    touched: set[str] = set()
    now = stamp()
    with db.write():
        account = account_store.get(db, account_id)
        if account is None:
            raise NotFound(N_("This online shop is no longer linked: link it again in Settings."))
        holiday = settings_store.get(db, CHAT_HOLIDAY.of(account.channel))
        for conv in conversations:
            conv_id, changed = _store_conversation(db, account, conv, holiday, now)
            for msg in messages_by_conversation.get(conv.conversation_id, ()):
                changed |= _store_message(db, account_id, conv_id, msg)
            if changed:
                inbox_store.recompute_waiting(db, conv_id)
                touched.add(conv_id)
        if cursor is not None:
            stream, value = cursor if isinstance(cursor, tuple) else (CHAT_STREAM, cursor)
            sync_state.set_cursor(db, account_id, stream, value, now)
    return Change(conversations=frozenset(touched))


def _store_conversation(db: Database, account: AccountRow, conv: Conversation, holiday: bool,
                        now: str) -> tuple[str, bool]:
    account_id, channel = account.id, account.channel
    existing = inbox_store.by_platform_id(db, account_id, conv.conversation_id)
    if existing is None and not account.practice:
        # The shop linked again (after a move): its chats move to the new link, so replies go out through it and
        # the inbox shows each chat once.
        existing = inbox_store.under_other_real_account(db, account_id, channel, conv.conversation_id)
        if existing is not None:
            inbox_store.update_conversation(db, existing.id, {"account_id": account_id})
            outbox.retarget(db, [reply_key(i) for i in inbox_store.reply_ids(db, existing.id)], account_id)
    if existing is None:
        conv_id = new_id()
        inbox_store.insert_conversation(db, {
            "id": conv_id, "account_id": account_id, "channel": channel,
            "platform_conversation_id": conv.conversation_id, "buyer_id": conv.buyer_id,
            "buyer_name": conv.buyer_name, "holiday_mode": int(holiday), "last_text": conv.last_text,
            "last_message_at": _ts(conv.last_message_at), "unread": max(0, conv.unread_count), "created_at": now})
        return conv_id, True
    values: dict[str, object] = {}
    if conv.buyer_name and conv.buyer_name != existing.buyer_name:
        values["buyer_name"] = conv.buyer_name
    if conv.buyer_id and conv.buyer_id != existing.buyer_id:
        values["buyer_id"] = conv.buyer_id
    unread, newer = max(0, conv.unread_count), (_ts(conv.last_message_at) or "") > (existing.last_message_at or "")
    if unread < existing.unread or (unread > existing.unread and newer):  # read here stays read till a new message
        values["unread"] = unread
    if values:
        inbox_store.update_conversation(db, existing.id, values)
    return existing.id, bool(values)


def _store_message(db: Database, account_id: str, conversation_id: str, msg: Message) -> bool:
    """Insert a platform message once; our own reply read back from the platform is matched, not duplicated. A
    message we hold whose platform notice changed (the platform blocked it after it arrived) takes the new words."""
    held = inbox_store.message_by_platform_id(db, conversation_id, msg.message_id)
    if held is not None:
        if msg.platform_notice and msg.platform_notice != held.platform_notice:
            inbox_store.update_message(db, held.id, {"platform_notice": msg.platform_notice[:500]})
            return True
        return False
    sent_at = _ts(msg.sent_at) or stamp()
    if not msg.from_buyer and not msg.is_auto_reply:
        ours = inbox_store.unconfirmed_reply(db, conversation_id, msg.text)
        if ours is not None:
            inbox_store.update_message(db, ours.id, {"status": "sent", "platform_message_id": msg.message_id,
                                                     "sent_at": sent_at, "error": None,
                                                     "platform_notice": msg.platform_notice[:500]})
            _settle_entry(db, ours.id, outbox.SENT, None)  # else its command waits forever ("1 menunggu")
            return True
    kind = message_kind(msg.kind)
    payload: dict[str, object] = {"platform_kind": msg.kind, "sender_id": msg.sender_id,
                                  **attachment_payload(db, account_id, msg.attachment)}
    inbox_store.insert_message(db, {
        "id": new_id(), "conversation_id": conversation_id, "platform_message_id": msg.message_id,
        "from_buyer": int(msg.from_buyer), "is_auto_reply": int(msg.is_auto_reply), "kind": kind,
        "text": msg.text, "payload": json.dumps(payload, sort_keys=True), "sent_at": sent_at,
        "status": "received" if msg.from_buyer else "sent", "platform_notice": msg.platform_notice[:500]})
    return True


def attachment_payload(db: Database, account_id: str, attachment: Mapping[str, str]) -> dict[str, object]:
    """What a picture or card points at, with the local record it means: "image_url"; "item_id" → "product_id"
    (through the shop's listing mapping) and "name"; the platform's order number "platform_order_id" → "order_id"
    (the local online order). Platform ids are kept, so a card can still be resolved when the record comes later."""
    out: dict[str, object] = {}
    url = attachment.get("image_url", "")
    if url:
        out["image_url"] = url
    item_id = attachment.get("item_id", "")
    if item_id:
        out["item_id"] = item_id
        variants = listing_store.by_item(db, account_id, item_id)
        if variants:
            out["name"] = variants[0].name
        mapped = next((v.product_id for v in variants if v.product_id), None)
        if mapped:
            out["product_id"] = mapped
    order_number = attachment.get("order_id", "")
    if order_number:
        out["platform_order_id"] = order_number
        local = order_store.by_platform_id(db, account_id, order_number)
        if local is not None:
            out["order_id"] = local.id
    return out


def record_cached_image(db: Database, message_id: str, url: str, local_path: str) -> Change:
    """The picture at `url` is now on disk: the message shows the local copy from now on."""
    with db.write():
        msg = inbox_store.message(db, message_id)
        if msg is None or msg.payload.get("image_url") != url:
            return Change()
        inbox_store.update_message(db, message_id,
                                   {"payload": json.dumps({**msg.payload, "local_path": local_path}, sort_keys=True)})
    return Change(conversations=frozenset({msg.conversation_id}))


# -- the owner's actions ----------------------------------------------------------------------------------------
def _clean_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise UserError(N_("The message is empty: type what the buyer asked or what you answer."))
    if len(cleaned) > MAX_TEXT:
        raise UserError(N_("The message is too long: keep it under {limit} characters."), limit=MAX_TEXT)
    return cleaned


def log_inquiry(db: Database, source: str, buyer_name: str, text: str,
                target_minutes: int | None = 60) -> tuple[str, Change]:
    """A question that came by phone, WhatsApp or at the counter, so it waits in the inbox with a target time."""
    if source not in SOURCES:
        raise UserError(N_("Choose where the question came from: phone, WhatsApp or in the shop."))
    if target_minutes is not None and not 0 < target_minutes <= 7 * 24 * 60:
        raise UserError(N_("The answer target must be between 1 minute and 7 days: choose another target."))
    name = buyer_name.strip()
    if not name:
        raise UserError(N_("The buyer's name is empty: type a name or a phone number."))
    body = _clean_text(text)
    conv_id, now = new_id(), stamp()
    with db.write():
        inbox_store.insert_conversation(db, {
            "id": conv_id, "account_id": None, "channel": MANUAL, "buyer_name": name, "source": source,
            "target_minutes": target_minutes, "last_text": body, "last_message_at": now, "created_at": now})
        inbox_store.insert_message(db, {
            "id": new_id(), "conversation_id": conv_id, "from_buyer": 1, "kind": "text", "text": body,
            "payload": json.dumps({"source": source}), "sent_at": now, "status": "received"})
        inbox_store.recompute_waiting(db, conv_id)
    return conv_id, Change(conversations=frozenset({conv_id}))


def queue_reply(db: Database, conversation_id: str, text: str,
                quoted: Mapping[str, tuple[int, int]] | None = None) -> tuple[str, Change]:
    """A reply, queued with its command in one transaction ('menunggu dikirim' until the sync sends it).

    `quoted` maps product id → (price, stock) as shown to the owner when writing, for `stale_quotes`.
    A reply in a hand-logged conversation is only a note of the answer given (nothing to send): stored 'sent'.
    """
    body = _clean_text(text)
    message_id, now = new_id(), stamp()
    quotes = {pid: {"price": int(p), "stock": int(s)} for pid, (p, s) in (quoted or {}).items()}
    with db.write():
        conv = inbox_store.conversation(db, conversation_id)
        if conv is None:
            raise NotFound(N_("This conversation is no longer in the inbox: refresh the list."))
        manual = conv.account_id is None
        inbox_store.insert_message(db, {
            "id": message_id, "conversation_id": conversation_id, "from_buyer": 0, "kind": "text", "text": body,
            "sent_at": now, "queued_at": now, "status": "sent" if manual else "queued",
            "quoted": json.dumps(quotes, sort_keys=True) if quotes else None})
        if not manual:
            outbox.enqueue(db, REPLY_KIND, {"message_id": message_id}, reply_key(message_id), conv.account_id)
        inbox_store.update_conversation(db, conversation_id, {"unread": 0})
        inbox_store.recompute_waiting(db, conversation_id)
    return message_id, Change(conversations=frozenset({conversation_id}))


def retry_reply(db: Database, message_id: str) -> Change:
    """Queue a failed reply again (the owner changed nothing, or fixed the shop's permission)."""
    with db.write():
        msg = inbox_store.message(db, message_id)
        if msg is None or msg.status != "failed":
            raise NotFound(N_("This reply is not waiting to be sent again: refresh the conversation."))
        inbox_store.update_message(db, message_id, {"status": "queued", "error": None})
        _settle_entry(db, message_id, outbox.WAITING, None)
    return Change(conversations=frozenset({msg.conversation_id}))


# -- the sync engine's steps for one reply (each commits before the next network call) ----------------------------
def begin_send(db: Database, message_id: str) -> None:
    """'sending' is on disk before the reply leaves: after a crash the engine reads back before sending again."""
    with db.write():
        inbox_store.update_message(db, message_id, {"status": "sending", "error": None})
        _settle_entry(db, message_id, outbox.SENDING, None)


def reply_sent(db: Database, message_id: str, platform_message_id: str, sent_at: datetime | None = None,
               platform_notice: str = "") -> Change:
    """The platform has the reply: 'sent' with its id, the clock stops, its command is sent. With a
    `platform_notice` the platform took it but blocked it (its words): the command is done, yet the buyer did not
    get it, so the clock does not stop and the view says so."""
    with db.write():
        msg = inbox_store.message(db, message_id)
        if msg is None:
            return Change()
        inbox_store.update_message(db, message_id, {
            "status": "sent", "platform_message_id": platform_message_id or None,
            "sent_at": _ts(sent_at) or stamp(), "error": None, "platform_notice": platform_notice[:500]})
        _settle_entry(db, message_id, outbox.SENT, None)
        inbox_store.recompute_waiting(db, msg.conversation_id)
    return Change(conversations=frozenset({msg.conversation_id}))


def reply_failed(db: Database, message_id: str, error: str) -> Change:
    """Refused for good (the platform's words kept for the owner); 'Kirim ulang' queues it again."""
    with db.write():
        msg = inbox_store.message(db, message_id)
        if msg is None:
            return Change()
        inbox_store.update_message(db, message_id, {"status": "failed", "error": error[:500]})
        _settle_entry(db, message_id, outbox.FAILED, error[:500])
    return Change(conversations=frozenset({msg.conversation_id}))


def reply_requeued(db: Database, message_id: str, reason: str) -> Change:
    """Nothing left the laptop (offline, refused login, slow down): back to 'queued' for the next round."""
    with db.write():
        msg = inbox_store.message(db, message_id)
        if msg is None:
            return Change()
        inbox_store.update_message(db, message_id, {"status": "queued"})
        command = outbox.by_key(db, reply_key(message_id))
        if command is not None:
            outbox.count_attempt(db, command.id, reason[:500])
    return Change(conversations=frozenset({msg.conversation_id}))


def cancel_reply(db: Database, message_id: str) -> Change:
    """The owner cancels a reply still waiting (never one that may be on its way): it is not sent."""
    with db.write():
        msg = inbox_store.message(db, message_id)
        if msg is None or msg.status != "queued":
            raise NotFound(N_("This answer is no longer waiting to be sent: refresh the conversation."))
        inbox_store.update_message(db, message_id, {"status": "failed", "error": CANCELLED})
        _settle_entry(db, message_id, outbox.CANCELLED, None)
    return Change(conversations=frozenset({msg.conversation_id}), sync=True)


def note_chat_problem(db: Database, account_id: str, kind: str | None, msgid: str | None,
                      detail: str | None) -> Change:
    """Why this shop's chats cannot be used right now (None: they work again); the inbox shows the sentence."""
    with db.write():
        inbox_store.set_chat_problem(db, account_id, kind, msgid, detail, stamp())
    return Change()


def _settle_entry(db: Database, message_id: str, state: str, error: str | None) -> None:
    """The reply's command follows its message (services/commands.py lists them)."""
    outbox.set_state_by_key(db, reply_key(message_id), state, error)


@dataclass(frozen=True)
class QuoteChange:
    product_id: str
    product_name: str
    price_then: int
    price_now: int | None      # None: the product is gone
    stock_then: int
    stock_now: int | None


def stale_quotes(db: Database, message_id: str) -> list[QuoteChange]:
    """What changed in price or stock since a queued reply quoted it (empty: the reply is still true)."""
    msg = inbox_store.message(db, message_id)
    if msg is None:
        return []
    out: list[QuoteChange] = []
    for pid, q in sorted(msg.quoted.items()):
        product = product_store.get(db, pid)
        then_price, then_stock = int(q.get("price", 0)), int(q.get("stock", 0))
        if product is None:
            out.append(QuoteChange(pid, "", then_price, None, then_stock, None))
        elif (product.sell_price, product.on_hand) != (then_price, then_stock):
            out.append(QuoteChange(pid, product.display_name, then_price, product.sell_price, then_stock,
                                   product.on_hand))
    return out


def confirm_reply(db: Database, message_id: str) -> Change:
    """The owner read the new numbers and lets a queued reply go as written: it now quotes today's numbers,
    so the sync stops holding it."""
    with db.write():
        msg = inbox_store.message(db, message_id)
        if msg is None or msg.status != "queued":
            raise NotFound(N_("This answer is no longer waiting to be sent: refresh the conversation."))
        now_quoted = {}
        for pid in msg.quoted:
            product = product_store.get(db, pid)
            if product is not None:
                now_quoted[pid] = {"price": product.sell_price, "stock": product.on_hand}
        inbox_store.update_message(db, message_id, {"quoted": json.dumps(now_quoted, sort_keys=True)})
    return Change(conversations=frozenset({msg.conversation_id}))


def withdraw_reply(db: Database, message_id: str) -> tuple[str, Change]:
    """The owner wants to change a queued reply: it will not be sent; returns its text to edit."""
    with db.write():
        msg = inbox_store.message(db, message_id)
        if msg is None or msg.status != "queued":
            raise NotFound(N_("This answer is no longer waiting to be sent: refresh the conversation."))
        inbox_store.update_message(db, message_id, {"status": "failed", "error": WITHDRAWN})
        _settle_entry(db, message_id, outbox.CANCELLED, None)
    return msg.text, Change(conversations=frozenset({msg.conversation_id}))


WITHDRAWN = N_("Not sent: you chose to change this answer.")
CANCELLED = N_("Not sent: you cancelled this answer.")


def mark_answered(db: Database, conversation_id: str) -> Change:
    """The owner answered elsewhere (in the marketplace app, by phone): stop the clock."""
    with db.write():
        if inbox_store.conversation(db, conversation_id) is None:
            raise NotFound(N_("This conversation is no longer in the inbox: refresh the list."))
        inbox_store.update_conversation(db, conversation_id, {"marked_answered_at": stamp(), "unread": 0})
        inbox_store.recompute_waiting(db, conversation_id)
    return Change(conversations=frozenset({conversation_id}))


def mark_read(db: Database, conversation_id: str) -> Change:
    with db.write():
        inbox_store.update_conversation(db, conversation_id, {"unread": 0})
    return Change(conversations=frozenset({conversation_id}))


# -- templates --------------------------------------------------------------------------------------------------
def save_template(db: Database, template_id: str | None, title: str, body: str) -> Change:
    name, text = title.strip(), body.strip()
    if not name or not text:
        raise UserError(N_("A quick reply needs a title and a text: fill in both."))
    with db.write():
        if template_id is None:
            inbox_store.insert_template(db, new_id(), name, text, stamp())
        elif not inbox_store.update_template(db, template_id, name, text):
            raise NotFound(N_("This quick reply was deleted: refresh the list."))
    return Change(settings=True)


def delete_template(db: Database, template_id: str) -> Change:
    with db.write():
        inbox_store.delete_template(db, template_id)
    return Change(settings=True)


def fill_template(db: Database, body: str, product_id: str | None, conversation_id: str | None) -> str:
    """Placeholders from the local record; one whose value is unknown stays as written, for the owner to edit."""
    values: dict[str, str] = {"estimasi_kirim": settings_store.get(db, CHAT_SHIPPING_ESTIMATE)
                              or DEFAULT_SHIPPING_ESTIMATE}
    product = product_store.get(db, product_id) if product_id else None
    if product is not None:
        values |= {"nama_produk": product.display_name, "stok": str(product.on_hand),
                   "harga": format_rupiah(product.sell_price)}
    conv = inbox_store.conversation(db, conversation_id) if conversation_id else None
    if conv is not None and conv.buyer_name:
        values["nama_pembeli"] = conv.buyer_name
    out = body
    for key, value in values.items():
        out = out.replace("{" + key + "}", value)
    return out


# -- read models with domain rules --------------------------------------------------------------------------------
def clock_of(row: ConversationRow, zone: str) -> Clock | None:
    """The waiting buyer's clock by the channel's own rule (services.reply_rules); None when nobody waits."""
    from companion.domain.deadlines import clock_for

    if row.waiting_since is None:
        return None
    return clock_for(reply_rule(row.channel), parse_stamp(row.waiting_since), zone, row.target_minutes,
                     row.holiday_mode)


def inbox_view(db: Database, now: datetime, channel: str | None = None, state: str = "all",
               search: str = "") -> list[tuple[ConversationRow, Clock | None]]:
    """Waiting conversations first, most urgent on top (domain.deadlines.urgency_key); then the rest, newest first.
    The whole list; the Kotak Masuk page reads it a screenful at a time (services.inbox_pages.InboxPager)."""
    return inbox_pages.inbox_view(db, now, channel, state, search)


class ResponseOverview(NamedTuple):
    stats: list[ResponseStats]
    tip: tuple[str, dict[str, object]] | None


def chat_facts(db: Database, now: datetime, days: int = OVERVIEW_DAYS) -> list[ChatFacts]:
    """Per conversation: the first buyer question after each human answer, and the first human reply to it."""
    from companion.domain.response_metrics import ChatFacts

    facts: list[ChatFacts] = []
    current: dict[str, object] = {}
    for r in inbox_store.chat_facts_rows(db, stamp(now - timedelta(days=days))):
        key = r["conversation_id"]
        asked = current.get(key)
        if r["from_buyer"] and asked is None:
            current[key] = (r["channel"], parse_stamp(r["sent_at"]), bool(r["holiday_mode"]), False)
        elif not r["from_buyer"] and isinstance(asked, tuple):
            channel, at, holiday, auto = asked
            if r["is_auto_reply"]:
                current[key] = (channel, at, holiday, True)
            else:
                facts.append(ChatFacts(channel, at, parse_stamp(r["sent_at"]), False, holiday))
                current[key] = None
    for asked in current.values():
        if isinstance(asked, tuple):
            channel, at, holiday, auto = asked
            facts.append(ChatFacts(channel, at, None, bool(auto), holiday))
    return facts


def response_overview(db: Database, now: datetime, days: int = OVERVIEW_DAYS) -> ResponseOverview:
    """Response rate and median first response per channel with chats, plus one coaching tip (or None).
    Chats of a channel without a reply rule (one this version does not know) are not rated."""
    from companion.domain.response_metrics import response_stats, tip

    zone = settings_store.get(db, TIME_ZONE)
    facts = chat_facts(db, now, days)
    rules = reply_rules()
    channels = sorted({f.channel for f in facts} & rules.keys())
    return ResponseOverview([response_stats(facts, ch, days, now, zone, rules=rules) for ch in channels],
                            tip(facts, zone))
