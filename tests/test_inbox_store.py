"""Inbox record: platform pages keyed by id, waiting clocks, search, hand-logged inquiries, queued replies,
stale quotes and templates — on a real SQLite file."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from companion.domain.errors import UserError
from companion.domain.marketplace import Conversation, Message
from companion.domain.product import ProductInput
from companion.services import inbox as inbox_service
from companion.services.products import add_product, edit_product
from companion.store import inbox as inbox_store
from companion.store import sync_state
from companion.store.database import Database

T0 = datetime(2024, 5, 6, 3, 0, tzinfo=UTC)


def _account(db: Database, channel: str = "shopee") -> str:
    with db.write():
        db.execute("INSERT INTO accounts (id, channel, name, base_url, created_at) VALUES (?, ?, ?, ?, ?)",
                   (f"acc-{channel}", channel, f"Toko {channel}", "http://127.0.0.1:1", "2024-01-01"))
    return f"acc-{channel}"


def _conv(ref: str = "c1", unread: int = 1) -> Conversation:
    return Conversation(ref, "300000001", "Budi", "", T0, unread)


def _msg(ref: str, minutes: int, text: str, from_buyer: bool = True, auto: bool = False,
         kind: str = "text") -> Message:
    return Message(ref, "c1", "b" if from_buyer else "s", text, kind, T0 + timedelta(minutes=minutes),
                   from_buyer, auto)


def _stamp(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_fts5_is_available(db: Database) -> None:
    assert db.scalar("SELECT COUNT(*) FROM messages_fts") == 0  # the v4 migration created the FTS5 table


def test_applying_a_page_twice_changes_nothing(db: Database) -> None:
    acc = _account(db)
    msgs = [_msg("m1", 0, "Kak, kopi ready?"), _msg("m2", 1, "Halo, ada yang bisa dibantu?", False, True)]
    first = inbox_service.apply_chat_page(db, acc, [_conv()], {"c1": msgs}, cursor='{"since": "x"}')
    before = db.query("SELECT * FROM messages ORDER BY seq")
    second = inbox_service.apply_chat_page(db, acc, [_conv()], {"c1": msgs}, cursor='{"since": "x"}')
    assert len(first.conversations) == 1 and second.conversations == frozenset()
    assert [tuple(r) for r in db.query("SELECT * FROM messages ORDER BY seq")] == [tuple(r) for r in before]
    assert db.scalar("SELECT COUNT(*) FROM conversations") == 1
    assert sync_state.cursor(db, acc, "chat") == '{"since": "x"}'


def test_waiting_since_ignores_auto_replies_and_restarts_after_a_human_answer(db: Database) -> None:
    acc = _account(db)
    inbox_service.apply_chat_page(db, acc, [_conv()], {"c1": [
        _msg("m1", 0, "Kak, kopi ready?"), _msg("m2", 1, "Balasan otomatis", False, True),
        _msg("m3", 5, "Halo?")]})
    row = inbox_store.conversations(db)[0]
    assert row.waiting_since == _stamp(0)  # the auto reply did not answer
    inbox_service.apply_chat_page(db, acc, [_conv()], {"c1": [_msg("m4", 10, "Ready Kak", False)]})
    assert inbox_store.conversations(db)[0].waiting_since is None
    inbox_service.apply_chat_page(db, acc, [_conv()], {"c1": [_msg("m5", 20, "Oke, ongkirnya?"),
                                                             _msg("m6", 21, "Ke Bandung")]})
    row = inbox_store.conversations(db)[0]
    assert row.waiting_since == _stamp(20) and row.last_text == "Ke Bandung"
    assert inbox_store.conversations(db, state="waiting")[0].id == row.id
    inbox_service.mark_answered(db, row.id)
    assert inbox_store.conversations(db, state="waiting") == []


def test_message_kinds_keep_the_platform_type(db: Database) -> None:
    acc = _account(db)
    inbox_service.apply_chat_page(db, acc, [_conv()], {"c1": [_msg("m1", 0, "", kind="image"),
                                                             _msg("m2", 1, "", kind="10006")]})
    thread = inbox_store.thread(db, inbox_store.conversations(db)[0].id)
    assert [(m.kind, m.payload["platform_kind"]) for m in thread] == [("image", "image"), ("product", "10006")]


def test_search_finds_a_word_in_messages(db: Database) -> None:
    acc = _account(db)
    inbox_service.apply_chat_page(db, acc, [_conv()], {"c1": [_msg("m1", 0, "Apakah gula pasir masih ada?")]})
    inbox_service.log_inquiry(db, "phone", "Ibu Sari", "Minta kopi sachet 2 dus", 30)
    assert [r.buyer_name for r in inbox_store.conversations(db, search="gula")] == ["Budi"]
    assert [r.buyer_name for r in inbox_store.conversations(db, search="kop")] == ["Ibu Sari"]  # prefix
    assert inbox_store.conversations(db, search='teh" OR *') == []  # operators are inert
    assert [m.text for m in inbox_store.search_messages(db, "PASIR")] == ["Apakah gula pasir masih ada?"]


def test_hand_logged_inquiry_waits_with_its_target(db: Database) -> None:
    conv_id, change = inbox_service.log_inquiry(db, "whatsapp", "Pak Joko", "Bisa antar besok?", 45)
    row = inbox_store.conversation(db, conv_id)
    assert row is not None and change.conversations == {conv_id}
    assert (row.channel, row.source, row.target_minutes, row.account_id) == ("manual", "whatsapp", 45, None)
    assert row.waiting_since is not None
    now = datetime.now(UTC)
    view = inbox_service.inbox_view(db, now + timedelta(minutes=50), state="overdue")
    assert [r.id for r, _ in view] == [conv_id]
    inbox_service.queue_reply(db, conv_id, "Bisa, Pak.")  # a note of the answer: nothing to send
    assert inbox_store.conversation(db, conv_id).waiting_since is None  # type: ignore[union-attr]
    assert db.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'chat_reply'") == 0
    with pytest.raises(UserError):
        inbox_service.log_inquiry(db, "pigeon", "X", "Y", 30)
    with pytest.raises(UserError):
        inbox_service.log_inquiry(db, "phone", "X", "   ", 30)
    with pytest.raises(UserError):
        inbox_service.log_inquiry(db, "phone", "X", "Y", 0)


def test_queue_reply_writes_message_and_outbox_together(db: Database) -> None:
    acc = _account(db)
    inbox_service.apply_chat_page(db, acc, [_conv()], {"c1": [_msg("m1", 0, "Kak?")]})
    conv_id = inbox_store.conversations(db)[0].id
    message_id, _ = inbox_service.queue_reply(db, conv_id, "Ready Kak")
    msg = inbox_store.message(db, message_id)
    assert msg is not None and msg.status == "queued"
    entry = db.one("SELECT * FROM outbox WHERE idempotency_key = ?", (f"reply:{message_id}",))
    assert entry["kind"] == "chat_reply" and json.loads(entry["payload"]) == {"message_id": message_id}
    row = inbox_store.conversation(db, conv_id)
    assert row is not None and row.queued_replies == 1 and row.waiting_since is not None  # not answered yet
    with pytest.raises(UserError):
        inbox_service.queue_reply(db, conv_id, "  ")
    with pytest.raises(UserError):
        inbox_service.queue_reply(db, "nope", "Halo")


def test_stale_quotes_after_a_price_change(db: Database) -> None:
    acc = _account(db)
    pid, _ = add_product(db, ProductInput(sku="KOPI", name="Kopi Sachet", sell_price=2_500), 20)
    inbox_service.apply_chat_page(db, acc, [_conv()], {"c1": [_msg("m1", 0, "Kopi ready?")]})
    conv_id = inbox_store.conversations(db)[0].id
    message_id, _ = inbox_service.queue_reply(db, conv_id, "Ready", quoted={pid: (2_500, 20)})
    assert inbox_service.stale_quotes(db, message_id) == []
    edit_product(db, pid, ProductInput(sku="KOPI", name="Kopi Sachet", sell_price=3_000))
    [change] = inbox_service.stale_quotes(db, message_id)
    assert (change.price_then, change.price_now, change.stock_now) == (2_500, 3_000, 20)


def test_templates_and_filling(db: Database) -> None:
    pid, _ = add_product(db, ProductInput(sku="TEH", name="Teh Botol", sell_price=15_000), 7)
    conv_id, _ = inbox_service.log_inquiry(db, "walk_in", "Rina", "Teh ada?", None)
    seeded = inbox_store.templates(db)
    assert seeded and "{nama_produk}" in seeded[0].body
    text = inbox_service.fill_template(db, seeded[0].body, pid, conv_id)
    assert text == "Stok Teh Botol ready 7 pcs, Kak. Harga Rp15.000. Dikirim hari ini. Terima kasih!"
    assert inbox_service.fill_template(db, "Halo {nama_pembeli} {nama_produk}", None, conv_id) == \
        "Halo Rina {nama_produk}"
    inbox_service.save_template(db, None, "Baru", "Isi {stok}")
    new = next(t for t in inbox_store.templates(db) if t.title == "Baru")
    inbox_service.save_template(db, new.id, "Baru 2", "Isi lagi")
    assert inbox_store.template(db, new.id).body == "Isi lagi"  # type: ignore[union-attr]
    inbox_service.delete_template(db, new.id)
    assert inbox_store.template(db, new.id) is None
    with pytest.raises(UserError):
        inbox_service.save_template(db, None, "", "x")


def test_inbox_view_and_response_overview(db: Database) -> None:
    acc = _account(db)
    now = T0 + timedelta(hours=13)
    inbox_service.apply_chat_page(db, acc, [_conv("c1"), Conversation("c2", "3", "Ani", "", T0, 0)], {
        "c1": [_msg("m1", 0, "Kak?")],
        "c2": [Message("m2", "c2", "b", "Halo", "text", T0 + timedelta(hours=12), True, False)]})
    view = inbox_service.inbox_view(db, now)
    assert [r.buyer_name for r, _ in view] == ["Budi", "Ani"]  # Budi is overdue
    assert view[0][1] is not None and view[0][1].overdue(now)
    overview = inbox_service.response_overview(db, now)
    assert [s.channel for s in overview.stats] == ["shopee"]
    assert overview.stats[0].chats >= 1
