"""The command outbox: states and idempotency keys, 'Kirim ulang' and 'Batalkan' rules, the v6 migration of old
outbox rows and replies (and the channel CHECK lists dropped), and the engine running only declared phases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sync_child import account_ids, admin, credentials_source, quick_connector, setup_shop
from test_reply_found_by_pull import T0, _shop_with_question

from companion.connectors.base import Connector, Credentials
from companion.domain.clock import stamp
from companion.domain.errors import NotFound, UserError
from companion.domain.marketplace import Capability, Conversation, Message
from companion.practice.server import PracticeMarketplace
from companion.services import commands as command_service
from companion.services import inbox as inbox_service
from companion.services.stock_push import STOCK_CHANGED
from companion.store import inbox as inbox_store
from companion.store import migrations, outbox
from companion.store.database import Database
from companion.store.location import db_path
from companion.store.schema_shape import differences, shape_of
from companion.store.schema_v2 import V2
from companion.store.schema_v4 import V4
from companion.sync.engine import SyncEngine

OLD_ACCOUNTS_CHANNEL = "channel TEXT NOT NULL CHECK (channel IN ('shopee', 'tiktok', 'lazada')),"
OLD_CONVERSATIONS_CHANNEL = "channel TEXT NOT NULL CHECK (channel IN ('shopee', 'tiktok', 'lazada', 'manual')),"


def _reply(db: Database) -> tuple[str, str]:
    conv_id = _shop_with_question(db)
    message_id, _ = inbox_service.queue_reply(db, conv_id, "Ready kak")
    command = outbox.by_key(db, inbox_service.reply_key(message_id))
    assert command is not None
    return message_id, command.id


def _state(db: Database, command_id: str) -> str:
    command = outbox.get(db, command_id)
    assert command is not None
    return command.state


def test_a_key_is_queued_once_and_a_reply_command_follows_its_message(db: Database) -> None:
    with db.write():
        assert outbox.enqueue(db, STOCK_CHANGED, {"product_ids": ["p"]}, "k1")
        assert not outbox.enqueue(db, STOCK_CHANGED, {"product_ids": ["q"]}, "k1")
    assert outbox.by_key(db, "k1").payload == {"product_ids": ["p"]}  # type: ignore[union-attr]
    message_id, command_id = _reply(db)
    command = outbox.get(db, command_id)
    assert command is not None and (command.kind, command.account_id, command.state) == \
        ("chat_reply", "acc-lazada", "waiting")
    inbox_service.begin_send(db, message_id)
    assert _state(db, command_id) == "sending"
    inbox_service.reply_requeued(db, message_id, "offline")
    command = outbox.get(db, command_id)
    assert command is not None and (command.state, command.attempts, command.last_error) == ("waiting", 1, "offline")
    inbox_service.reply_failed(db, message_id, "Pesan ditolak")
    command = outbox.get(db, command_id)
    assert command is not None and (command.state, command.last_error) == ("failed", "Pesan ditolak")
    with pytest.raises(sqlite_error()), db.write():
        db.execute("UPDATE outbox SET state = 'lost' WHERE id = ?", (command_id,))


def sqlite_error() -> type[Exception]:
    import sqlite3

    return sqlite3.IntegrityError


def test_send_again_and_cancel_follow_the_rules(db: Database) -> None:
    message_id, command_id = _reply(db)
    with pytest.raises(NotFound):
        command_service.retry_command(db, command_id)  # waiting: nothing to send again
    change = command_service.cancel_command(db, command_id)
    assert change.sync and _state(db, command_id) == "cancelled"
    msg = inbox_store.message(db, message_id)
    assert msg is not None and msg.status == "failed" and msg.error == inbox_service.CANCELLED
    assert command_id not in {c.id for c in command_service.open_commands(db)}

    second, second_id = inbox_service.queue_reply(db, msg.conversation_id, "Habis kak")[0], ""
    second_id = outbox.by_key(db, inbox_service.reply_key(second)).id  # type: ignore[union-attr]
    inbox_service.begin_send(db, second)
    with pytest.raises(UserError):
        command_service.cancel_command(db, second_id)  # it may be on the platform already
    inbox_service.reply_failed(db, second, "Akun dibatasi")
    assert [c.last_error for c in command_service.open_commands(db)] == ["Akun dibatasi"]
    command_service.retry_command(db, second_id)
    assert _state(db, second_id) == "waiting" and inbox_store.message(db, second).status == "queued"  # type: ignore[union-attr]

    with db.write():
        outbox.enqueue(db, STOCK_CHANGED, {"product_ids": ["p"]}, "stock-1")
    stock = outbox.by_key(db, "stock-1")
    assert stock is not None and not command_service.can_cancel(stock)
    with pytest.raises(UserError):
        command_service.cancel_command(db, stock.id)  # the shops need their stock numbers
    with pytest.raises(NotFound):
        command_service.cancel_command(db, "no-such-command")


def _old_v5(path: Path) -> Database:
    """A version-5 file made with the CHECK lists the channel column had before version 6."""
    db = Database(path)
    old = {2: V2.replace("channel TEXT NOT NULL,", OLD_ACCOUNTS_CHANNEL, 1),
           4: V4.replace("channel TEXT NOT NULL,", OLD_CONVERSATIONS_CHANNEL, 1)}
    assert old[2] != V2 and old[4] != V4
    for version, script in migrations.MIGRATIONS[:5]:
        with db.write():
            for stmt in migrations.statements(old.get(version, script)):
                db.execute(stmt)
            db.execute("INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)", (version, stamp()))
    return db


def _schema(db: Database) -> list[tuple[str, str, str]]:
    return [(r["type"], r["name"], r["sql"] or "") for r in db.query(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")]


def _fill_v5(db: Database) -> None:
    now = stamp()
    with db.write():
        db.execute("INSERT INTO accounts (id, channel, name, base_url, created_at) VALUES ('a1', 'lazada', 'Toko',"
                   " 'http://x', ?)", (now,))
        db.execute("INSERT INTO conversations (id, account_id, channel, platform_conversation_id, created_at)"
                   " VALUES ('c1', 'a1', 'lazada', 'pc1', ?)", (now,))
        for mid, status, error in (("m1", "queued", None), ("m2", "sending", None), ("m3", "failed", "Ditolak"),
                                   ("m4", "failed", inbox_service.WITHDRAWN), ("m5", "sent", None)):
            db.execute("INSERT INTO messages (id, conversation_id, from_buyer, text, sent_at, queued_at, status,"
                       " error) VALUES (?, 'c1', 0, 'x', ?, ?, ?, ?)", (mid, now, now, status, error))
        rows = [("o1", STOCK_CHANGED, '{"product_ids": ["p"]}', "sale:1", "pending"),
                ("o2", STOCK_CHANGED, '{"product_ids": ["p"]}', "sale:2", "done"),
                ("o3", STOCK_CHANGED, '{"product_ids": ["p"]}', "sale:3", "failed"),
                ("o4", "chat_reply", '{"message_id": "m1"}', "reply:m1", "pending"),
                ("o5", "chat_reply", '{"message_id": "m2"}', "reply:m2", "pending"),
                ("o6", "chat_reply", '{"message_id": "m5"}', "reply:m5", "done")]
        for row in rows:   # m3 and m4 have no outbox row (older replies): the migration gives them one
            db.execute("INSERT INTO outbox (id, kind, payload, idempotency_key, status, created_at)"
                       " VALUES (?, ?, ?, ?, ?, ?)", (*row, now))


def test_v6_moves_old_rows_and_ends_with_the_fresh_schema(tmp_path: Path) -> None:
    fresh = Database(tmp_path / "fresh.db")
    migrations.migrate(fresh, target=6)
    old = _old_v5(tmp_path / "old.db")
    _fill_v5(old)
    with pytest.raises(sqlite_error()), old.write():   # the old CHECK list refuses a fourth channel
        old.execute("INSERT INTO accounts (id, channel, name, base_url, created_at) VALUES ('z', 'pasar', 'P',"
                    " 'http://x', 't')")
    assert migrations.migrate(old, target=6) == [6]
    assert _schema(old) == _schema(fresh)
    assert differences(shape_of(old), shape_of(fresh)) == []
    assert old.query("PRAGMA foreign_key_check") == []
    states = {r["idempotency_key"]: (r["state"], r["account_id"], r["last_error"])
              for r in old.query("SELECT * FROM outbox")}
    assert states == {"sale:1": ("waiting", None, None), "sale:2": ("sent", None, None),
                      "sale:3": ("failed", None, None), "reply:m1": ("waiting", "a1", None),
                      "reply:m2": ("sending", "a1", None), "reply:m3": ("failed", "a1", "Ditolak"),
                      "reply:m4": ("cancelled", "a1", inbox_service.WITHDRAWN), "reply:m5": ("sent", "a1", None)}
    assert json.loads(old.scalar("SELECT payload FROM outbox WHERE idempotency_key = 'reply:m3'")) == \
        {"message_id": "m3"}
    assert old.scalar("SELECT COUNT(*) FROM messages") == 5 and old.scalar("SELECT name FROM accounts") == "Toko"
    with old.write():   # the channel is plain text now: the registry checks it, not SQL
        old.execute("INSERT INTO accounts (id, channel, name, base_url, created_at) VALUES ('z', 'pasar', 'P',"
                    " 'http://x', 't')")


def test_a_channel_without_chat_gets_no_chat_phase_and_its_replies_wait(data_dir: Path, db: Database,
                                                                       market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    setup_shop(db, url)
    admin(url, "/messages", {"platform": "tiktok", "text": "Kak, ready?", "buyer": 1})
    tiktok = account_ids(db)["tiktok"]
    inbox_service.apply_chat_page(db, tiktok, [Conversation("c9", "b1", "Budi", "", T0, 1)], {"c9": [
        Message("m9", "c9", "b1", "Halo?", "text", T0, True, False)]})
    conv = inbox_store.by_platform_id(db, tiktok, "c9")
    assert conv is not None
    reply_id, _ = inbox_service.queue_reply(db, conv.id, "Ready kak")

    def without_chat(credentials: Credentials) -> Connector:
        link = quick_connector(credentials)
        link.capabilities = frozenset({Capability.ORDERS, Capability.STOCK})  # type: ignore[misc]
        return link

    summary = SyncEngine(db_path(data_dir), credentials_source(url), without_chat).sync_once()
    assert summary.ok
    assert db.scalar("SELECT COUNT(*) FROM conversations") == 1   # the buyer's question was not pulled
    assert inbox_store.message(db, reply_id).status == "queued"  # type: ignore[union-attr]
    assert summary.change.sync and outbox.pending_count(db) == 1   # stock settled; the reply waits


def test_the_list_in_settings_sends_again_and_cancels(qtbot: object, data_dir: Path, tmp_path: Path) -> None:
    from companion import i18n
    from companion.gui.commands_panel import CommandsPanel
    from companion.gui.context import AppContext
    from companion.gui.style import STYLE

    ctx = AppContext(data_dir)
    try:
        message_id, command_id = _reply(ctx.db)
        conv_id = inbox_store.message(ctx.db, message_id).conversation_id  # type: ignore[union-attr]
        second, _ = inbox_service.queue_reply(ctx.db, conv_id, "Maaf kak, habis")
        inbox_service.begin_send(ctx.db, second)
        inbox_service.reply_failed(ctx.db, second, "10009: chat tidak diizinkan untuk toko ini")
        for lang in ("id", "en"):
            i18n.set_language(lang)
            panel = CommandsPanel(ctx)
            panel.setStyleSheet(STYLE)
            panel.resize(1366, 400)
            panel.show()
            panel.grab().save(str(Path("/tmp") / f"commands_{lang}.png"))
            buttons: list[object] = panel.findChildren(QPushButtonType())
            assert len(buttons) == 2   # one to send again, one to cancel
            panel.close()
        i18n.set_language("id")
        panel = CommandsPanel(ctx)
        panel.cancel(command_id)
        assert _state(ctx.db, command_id) == "cancelled"
        failed = outbox.by_key(ctx.db, inbox_service.reply_key(second))
        assert failed is not None
        panel.retry(failed.id)
        assert _state(ctx.db, failed.id) == "waiting"
    finally:
        i18n.set_language("id")
        ctx.close()


def QPushButtonType() -> type:
    """The button class, imported only where Qt is in use."""
    from PySide6.QtWidgets import QPushButton

    return QPushButton
