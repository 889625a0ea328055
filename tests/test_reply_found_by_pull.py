"""A reply cut off mid-send (app killed, answer lost) and then found by the chat pull is delivered: its outbox
entry is settled too, not left waiting forever. Found by the reliability campaign's kill cycles."""

from __future__ import annotations

from datetime import UTC, datetime

from companion.connectors.errors import Permanent
from companion.domain.marketplace import Conversation, Message
from companion.services import inbox as inbox_service
from companion.store import inbox as inbox_store
from companion.store import outbox
from companion.store.database import Database
from companion.sync import chat

T0 = datetime(2024, 5, 6, 3, 0, tzinfo=UTC)


def _shop_with_question(db: Database) -> str:
    with db.write():
        db.execute("INSERT INTO accounts (id, channel, name, base_url, created_at) VALUES (?, ?, ?, ?, ?)",
                   ("acc-lazada", "lazada", "Toko lazada", "http://127.0.0.1:1", "2024-01-01"))
    inbox_service.apply_chat_page(db, "acc-lazada", [Conversation("c1", "b1", "Budi", "", T0, 1)], {"c1": [
        Message("m1", "c1", "b1", "Kak, ready?", "text", T0, True, False)]})
    return str(inbox_store.by_platform_id(db, "acc-lazada", "c1").id)  # type: ignore[union-attr]


def _seller_message(ref: str, text: str) -> Message:
    return Message(ref, "c1", "seller", text, "text", datetime.now(UTC), False, False)


def test_a_reply_found_on_the_platform_by_the_pull_settles_its_outbox_entry(db: Database) -> None:
    conv_id = _shop_with_question(db)
    reply_id, _ = inbox_service.queue_reply(db, conv_id, "Ready kak, silakan diorder")
    inbox_service.begin_send(db, reply_id)  # then the app was killed before the platform's answer came
    assert outbox.pending_count(db) == 1

    inbox_service.apply_chat_page(db, "acc-lazada", [Conversation("c1", "b1", "Budi", "", T0, 0)],
                                  {"c1": [_seller_message("m2", "Ready kak, silakan diorder")]})

    reply = inbox_store.message(db, reply_id)
    assert reply is not None and reply.status == "sent" and reply.platform_message_id == "m2"
    assert outbox.pending_count(db) == 0
    assert db.scalar("SELECT state FROM outbox WHERE idempotency_key = ?", (inbox_service.reply_key(reply_id),)) \
        == "sent"
    assert db.scalar("SELECT COUNT(*) FROM messages WHERE from_buyer = 0") == 1  # matched, not a second copy


def test_a_different_seller_text_is_not_taken_for_the_queued_reply(db: Database) -> None:
    conv_id = _shop_with_question(db)
    reply_id, _ = inbox_service.queue_reply(db, conv_id, "Ready kak")
    inbox_service.begin_send(db, reply_id)

    inbox_service.apply_chat_page(db, "acc-lazada", [Conversation("c1", "b1", "Budi", "", T0, 0)],
                                  {"c1": [_seller_message("m2", "Maaf kak, habis")]})  # typed on the phone

    reply = inbox_store.message(db, reply_id)
    assert reply is not None and reply.status == "sending"
    assert outbox.pending_count(db) == 1


def test_a_reply_marked_failed_that_the_platform_shows_is_recorded_sent(db: Database) -> None:
    """Marked failed (a refusal after an earlier attempt had landed) but the pull finds it: the record says sent,
    so nobody presses 'Kirim ulang' and the buyer never gets it twice."""
    conv_id = _shop_with_question(db)
    reply_id, _ = inbox_service.queue_reply(db, conv_id, "Ready kak")
    inbox_service.begin_send(db, reply_id)
    inbox_service.reply_failed(db, reply_id, "InvalidTimestamp")

    inbox_service.apply_chat_page(db, "acc-lazada", [Conversation("c1", "b1", "Budi", "", T0, 0)],
                                  {"c1": [_seller_message("m2", "Ready kak")]})

    reply = inbox_store.message(db, reply_id)
    assert reply is not None and (reply.status, reply.platform_message_id, reply.error) == ("sent", "m2", None)
    assert db.scalar("SELECT COUNT(*) FROM messages WHERE from_buyer = 0") == 1


class _RefusingReads:
    """A shop whose reads are refused (the laptop's clock is off): whether a reply landed cannot be seen."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def list_messages(self, conversation_id: str, cursor: str | None) -> object:
        raise Permanent("InvalidTimestamp", "Timestamp out of range")

    def send_text(self, target: Conversation, text: str) -> str:
        self.sent.append(text)
        return "m9"


def test_a_reply_whose_landing_cannot_be_checked_stays_sending_not_failed_nor_sent_again(db: Database) -> None:
    conv_id = _shop_with_question(db)
    reply_id, _ = inbox_service.queue_reply(db, conv_id, "Ready kak")
    inbox_service.begin_send(db, reply_id)  # it left; the app was killed before the answer came
    shop = _RefusingReads()
    target = Conversation("c1", "b1", "Budi", "", None, 0)

    chat._send_one(db, reply_id, target, shop, lambda fn: fn())  # type: ignore[arg-type]

    reply = inbox_store.message(db, reply_id)
    assert reply is not None and reply.status == "sending" and shop.sent == []
    assert outbox.pending_count(db) == 1


def test_a_shop_linked_again_takes_its_chats_along(db: Database) -> None:
    """After a move the shop is linked anew (a new account row): a chat that comes in again is the same chat,
    moved to the new link, so it shows once and a reply waiting in it goes out through the new link."""
    from companion.connectors.lazada.credentials import LazadaCredentials
    from companion.services.accounts import link_account, unlink_account

    old, _ = link_account(db, "Toko Berkah – Lazada", LazadaCredentials("1", "s", "acc", "ref"))
    inbox_service.apply_chat_page(db, old, [Conversation("c1", "b1", "Budi", "", T0, 1)], {"c1": [
        Message("m1", "c1", "b1", "Kak, ready?", "text", T0, True, False)]})
    conv = inbox_store.by_platform_id(db, old, "c1")
    assert conv is not None
    reply_id, _ = inbox_service.queue_reply(db, conv.id, "Ready kak")
    unlink_account(db, old)
    new, _ = link_account(db, "Toko Berkah – Lazada", LazadaCredentials("1", "s", "acc2", "ref2"))

    inbox_service.apply_chat_page(db, new, [Conversation("c1", "b1", "Budi", "", T0, 1)], {"c1": [
        Message("m1", "c1", "b1", "Kak, ready?", "text", T0, True, False),
        Message("m2", "c1", "b1", "Halo?", "text", datetime.now(UTC), True, False)]})

    moved = inbox_store.by_platform_id(db, new, "c1")
    assert moved is not None and moved.id == conv.id and inbox_store.by_platform_id(db, old, "c1") is None
    assert db.scalar("SELECT COUNT(*) FROM conversations") == 1
    assert [m.text for m in inbox_store.thread(db, conv.id) if m.from_buyer] == ["Kak, ready?", "Halo?"]
    assert [m.id for m in inbox_store.outgoing(db, new)] == [reply_id]


def test_a_practice_shop_never_takes_a_real_shops_chat(db: Database) -> None:
    from companion.connectors.lazada.credentials import LazadaCredentials
    from companion.services.accounts import link_account, link_practice_accounts

    real, _ = link_account(db, "Toko Berkah – Lazada", LazadaCredentials("1", "s", "acc", "ref"))
    inbox_service.apply_chat_page(db, real, [Conversation("c1", "b1", "Budi", "", T0, 1)], {})
    ids, _ = link_practice_accounts(db, {"lazada": LazadaCredentials("1", "s", "a", "r", base_url="http://127.0.0.1:1")})
    inbox_service.apply_chat_page(db, ids[0], [Conversation("c1", "b1", "Budi", "", T0, 1)], {})
    assert inbox_store.by_platform_id(db, real, "c1") is not None
    assert db.scalar("SELECT COUNT(*) FROM conversations") == 2
