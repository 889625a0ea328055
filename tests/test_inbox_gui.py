"""Kotak Masuk: waiting buyers by urgency with countdowns, filters and search, replies with live stock that wait to be
sent, the stale-quote question, "Sudah dijawab", hand-logged questions, coaching, unread counts in the navigation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from companion import i18n
from companion.connectors.lazada.credentials import LazadaCredentials
from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.connectors.shopee.spec import SPEC as SHOPEE_SPEC
from companion.connectors.tiktok.credentials import TikTokCredentials
from companion.domain.clock import now_utc, stamp
from companion.domain.marketplace import Conversation, Message
from companion.domain.product import ProductInput
from companion.gui.context import AppContext
from companion.gui.log_inquiry_dialog import LogInquiryDialog
from companion.gui.main_window import MainWindow
from companion.gui.pages.inbox import BUYER_COL, CHANNEL_COL, LEFT_COL, InboxPage
from companion.gui.product_picker import ProductPicker
from companion.services.inbox import apply_chat_page, log_inquiry, queue_reply, save_template, stale_quotes
from companion.services.products import add_product, edit_product
from companion.store import inbox as inbox_store
from companion.store.database import Database

URL = "http://127.0.0.1:1"
STOCK_TEMPLATE = "Halo kak, {nama_produk} ready, stok {stok}, harga {harga}."


def chat(db: Database, account_id: str, cid: str, buyer: str, text: str, ago: timedelta, unread: int = 1) -> None:
    at = now_utc() - ago
    apply_chat_page(db, account_id, [Conversation(cid, "b-" + cid, buyer, text, at, unread)],
                    {cid: [Message("m-" + cid, cid, "b-" + cid, text, "text", at, True, False)]})


def seed(db: Database) -> dict[str, str]:
    """Practice shops; Shopee: one overdue, one with 2 h left; TikTok: 10 h left; a WhatsApp question (30 min)."""
    from companion.services.accounts import link_practice_accounts

    kopi, _ = add_product(db, ProductInput(sku="KOPI-250", name="Kopi Arabika", sell_price=35_000), 12)
    ids, _ = link_practice_accounts(db, {"shopee": ShopeeCredentials(1, "k", 2, base_url=URL),
                                         "tiktok": TikTokCredentials("a", "s", base_url=URL),
                                         "lazada": LazadaCredentials("a", "s", base_url=URL)})
    accounts = dict(zip(("shopee", "tiktok", "lazada"), ids, strict=True))
    chat(db, accounts["shopee"], "S1", "rina", "Kak, kopi arabika masih ada?",
         timedelta(hours=12, minutes=35, seconds=30))
    chat(db, accounts["shopee"], "S2", "budi", "Bisa kirim hari ini?", timedelta(hours=9, minutes=50), unread=2)
    chat(db, accounts["tiktok"], "T1", "dewi", "Ready warna hitam?", timedelta(hours=2))
    log_inquiry(db, "whatsapp", "Pak Joko", "Ada gula 1 kg?", 30)
    save_template(db, None, "Stok ada", STOCK_TEMPLATE)
    return {**accounts, "kopi": kopi}


@pytest.fixture
def ctx(qtbot: QtBot, data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


@pytest.fixture
def seeded(ctx: AppContext) -> dict[str, str]:
    return seed(ctx.db)


@pytest.fixture
def page(qtbot: QtBot, ctx: AppContext, seeded: dict[str, str]) -> InboxPage:
    widget = InboxPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    widget.on_shown()
    return widget


def column(page: InboxPage, col: int) -> list[str]:
    return [page.model.text(row, clock, col) for row, clock in page.model.entries]


def select(page: InboxPage, buyer: str) -> None:
    row = next(n for n, (c, _k) in enumerate(page.model.entries) if c.buyer_name == buyer)
    page.table.selectRow(row)


def answer_box(when_shown: str = "accept") -> None:
    """Press a button of the next message box (they are modal)."""
    def press() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            button = box.buttons()[0 if when_shown == "accept" else 1]
            button.click()
        else:
            QTimer.singleShot(20, press)
    QTimer.singleShot(0, press)


def test_waiting_buyers_sorted_by_urgency_with_countdowns(page: InboxPage) -> None:
    buyers = [c.buyer_name for c, _k in page.model.entries]
    assert buyers == ["rina", "Pak Joko", "budi", "dewi"]
    left = column(page, LEFT_COL)
    assert left[0].startswith("terlambat 35 menit\nmenunggu 12 jam")
    assert left[1].startswith("sisa 29 menit")
    assert left[2].startswith("sisa 2 jam 9 menit")
    assert page.model.data(page.model.index(0, LEFT_COL), Qt.ItemDataRole.ForegroundRole).color().name() == "#b00020"
    channels = column(page, CHANNEL_COL)
    assert channels[0] == "LATIHAN\nShopee" and channels[1] == "WhatsApp" and channels[3] == "LATIHAN\nTikTok Shop"
    assert column(page, BUYER_COL)[2] == "budi (2)\nBisa kirim hari ini?"


def test_filters_and_search(page: InboxPage, qtbot: QtBot) -> None:
    page.channel.setCurrentIndex(page.channel.findData("tiktok"))
    assert [c.buyer_name for c, _k in page.model.entries] == ["dewi"]
    page.channel.setCurrentIndex(0)
    page.state.setCurrentIndex(page.state.findData("overdue"))
    assert [c.buyer_name for c, _k in page.model.entries] == ["rina"]
    page.state.setCurrentIndex(page.state.findData("all"))
    page.search.setText("gula")
    qtbot.waitUntil(lambda: [c.buyer_name for c, _k in page.model.entries] == ["Pak Joko"])
    page.search.setText("\"' OR 1=1 --")  # FTS operators and quotes are words, not syntax
    qtbot.waitUntil(lambda: not page.model.entries)
    assert page.empty_label.isVisibleTo(page)
    assert page.empty_label.text() == "Tidak ada pesan yang berisi kata-kata ini."


def test_quick_reply_with_live_stock_waits_to_be_sent(page: InboxPage, seeded: dict[str, str]) -> None:
    select(page, "rina")
    view = page.view
    view.choose_product(seeded["kopi"])
    assert view.use_template(STOCK_TEMPLATE)
    assert view.reply.toPlainText() == "Halo kak, Kopi Arabika ready, stok 12, harga Rp35.000."
    assert view.send()
    assert view.reply.toPlainText() == ""
    assert view.thread_texts()[-1].startswith("Halo kak, Kopi Arabika ready, stok 12, harga Rp35.000. | ")
    assert view.thread_texts()[-1].endswith("menunggu dikirim")
    assert column(page, BUYER_COL)[0].startswith("rina\nMenunggu dikirim: Halo kak")
    queued = [m for m in inbox_store.thread(page.ctx.db, view.row.id) if m.status == "queued"]  # type: ignore[union-attr]
    assert len(queued) == 1 and queued[0].quoted == {seeded["kopi"]: {"price": 35_000, "stock": 12}}


def test_empty_reply_says_what_to_do(page: InboxPage) -> None:
    select(page, "rina")
    assert not page.view.send()
    assert page.view.error.isVisibleTo(page.view) and page.view.error.text().startswith("Pesan")


def test_stale_quote_question_after_a_price_change(page: InboxPage, seeded: dict[str, str]) -> None:
    select(page, "rina")
    conversation_id = page.selected()[0].id  # type: ignore[index]
    queue_reply(page.ctx.db, conversation_id, "Kopi Rp35.000, stok 12", {seeded["kopi"]: (35_000, 12)})
    page.reload()
    assert not page.view.stale.isVisibleTo(page.view)
    change = edit_product(page.ctx.db, seeded["kopi"],
                          ProductInput(sku="KOPI-250", name="Kopi Arabika", sell_price=40_000))
    page.ctx.announce(change)
    assert page.view.stale.isVisibleTo(page.view)
    assert page.view.stale_text.text() == ("Sejak jawaban ini ditulis, harga Kopi Arabika sekarang Rp40.000 "
                                           "(tertulis Rp35.000): tetap kirim?")
    page.view.stale_keep.click()
    assert not page.view.stale.isVisibleTo(page.view)
    assert stale_quotes(page.ctx.db, next(m for m in page.view.messages if m.status == "queued").id) == []


def test_changing_a_held_answer_takes_it_back_into_the_reply_box(page: InboxPage, seeded: dict[str, str]) -> None:
    select(page, "rina")
    conversation_id = page.selected()[0].id  # type: ignore[index]
    queue_reply(page.ctx.db, conversation_id, "Kopi Rp35.000, stok 12", {seeded["kopi"]: (35_000, 12)})
    page.ctx.announce(edit_product(page.ctx.db, seeded["kopi"],
                                   ProductInput(sku="KOPI-250", name="Kopi Arabika", sell_price=40_000)))
    page.view.stale_change.click()
    assert page.view.reply.toPlainText() == "Kopi Rp35.000, stok 12"
    assert not [m for m in page.view.messages if m.status == "queued"]


def test_price_changed_while_typing_is_asked_before_queueing(page: InboxPage, seeded: dict[str, str]) -> None:
    select(page, "rina")
    page.view.choose_product(seeded["kopi"])
    page.view.use_template(STOCK_TEMPLATE)
    edit_product(page.ctx.db, seeded["kopi"], ProductInput(sku="KOPI-250", name="Kopi Arabika", sell_price=40_000))
    answer_box("reject")  # "Ubah jawaban"
    assert not page.view.send()
    assert page.view.reply.toPlainText().startswith("Halo kak")


def test_already_answered_leaves_waiting(page: InboxPage) -> None:
    select(page, "budi")
    assert page.view.mark_answered()
    assert "budi" not in [c.buyer_name for c, _k in page.model.entries]
    assert page.view.row is not None and page.view.row.buyer_name == "budi"  # still open: the person moves on
    page.reload()  # the next sync round's refresh does not snatch it away either
    assert page.view.row is not None and page.view.row.buyer_name == "budi"
    page.state.setCurrentIndex(page.state.findData("all"))
    budi = next(i for i, (c, _k) in enumerate(page.model.entries) if c.buyer_name == "budi")
    assert column(page, LEFT_COL)[budi] == "sudah dijawab"


def test_log_a_question_by_hand(page: InboxPage, qtbot: QtBot) -> None:
    dialog = LogInquiryDialog(page.ctx, page)
    qtbot.addWidget(dialog)
    dialog.buyer.setText("Bu Sri")
    dialog.text.setPlainText("Kopi bisa diantar?")
    dialog.target.setCurrentIndex(dialog.target.findData(15))
    assert dialog.save()
    assert page.open_conversation(dialog.conversation_id or "")
    row, _clock = page.selected()  # type: ignore[misc]
    assert row.buyer_name == "Bu Sri" and row.source == "whatsapp"
    assert page.view.countdown.text().startswith("sisa 14 menit")
    empty = LogInquiryDialog(page.ctx, page)
    qtbot.addWidget(empty)
    empty.text.setPlainText("Tanpa nama")
    answer_box()
    assert not empty.save()  # the buyer's name is empty: told in one sentence, nothing saved


def test_product_picker_inserts_live_price_and_stock(page: InboxPage, qtbot: QtBot, seeded: dict[str, str]) -> None:
    picker = ProductPicker(page.ctx, page, "kopi")
    qtbot.addWidget(picker)
    assert picker.list.count() == 1 and picker.list.item(0).text() == "Kopi Arabika: Rp35.000, stok 12"
    picker.search.setText("tidak ada")
    picker.reload()
    assert picker.list.count() == 0 and picker.empty.isVisibleTo(picker)
    picker.search.setText("KOPI-250")
    picker.reload()
    picker.pick()
    assert picker.chosen is not None and picker.chosen.id == seeded["kopi"]


def test_shopee_chat_permission_sentence(page: InboxPage, seeded: dict[str, str]) -> None:
    """A real shop's missing chat permission is said in the platform's words; a practice shop needs no developer
    console, so practice mode says what to do there instead (issue 17: no Open Platform warning in practice)."""
    from companion.services.accounts import link_account

    assert not page.problem.isVisibleTo(page)
    real, _ = link_account(page.ctx.db, "Toko Berkah Shopee", ShopeeCredentials(1, "k", 2, base_url=URL))
    with page.ctx.db.write():
        inbox_store.set_chat_problem(page.ctx.db, real, "not_permitted", SHOPEE_SPEC.chat_permission_sentence, "",
                                     stamp())
    page.reload()
    assert page.problem.isVisibleTo(page)
    assert page.problem.text().startswith("Chat Shopee")
    assert "Settings" in page.problem.text() or "Pengaturan" in page.problem.text()
    with page.ctx.db.write():
        inbox_store.set_chat_problem(page.ctx.db, seeded["shopee"], "not_permitted",
                                     SHOPEE_SPEC.chat_permission_sentence, "", stamp())
    page.reload()
    lines = page.problem.text().split("\n")  # the real shop's sentence, and the practice shop's own
    assert len(lines) == 2 and sum("Open Platform" in line for line in lines) == 1
    assert any("Mulai ulang latihan" in line for line in lines)


def test_coaching_panel(page: InboxPage) -> None:
    select(page, "Pak Joko")
    page.view.reply.setPlainText("Ada, Pak.")
    assert page.view.send()
    page.coaching_toggle.setChecked(True)
    coaching = page.coaching
    assert coaching is not None and coaching.isVisibleTo(page)
    rows = coaching.rows_text()  # type: ignore[attr-defined]
    assert ["Telepon / WA / toko", "1", "100% (1 dari 1)", "1 menit"] in rows
    page.coaching_toggle.setChecked(False)
    assert not coaching.isVisibleTo(page)


def test_unread_counts_in_navigation(qtbot: QtBot, ctx: AppContext, seeded: dict[str, str]) -> None:
    window = MainWindow(ctx, "home")
    qtbot.addWidget(window)
    assert window.nav.item(1).text() == "Kotak Masuk (3)"
    chat(ctx.db, seeded["tiktok"], "T2", "eka", "Halo?", timedelta(minutes=1))
    ctx.announce(apply_chat_page(ctx.db, seeded["tiktok"], [], {}))  # a sync round's Change
    window.refresh_counts()
    assert window.nav.item(1).text() == "Kotak Masuk (4)"
    page = window.open_page("inbox")
    assert isinstance(page, InboxPage)
    select(page, "eka")
    qtbot.waitUntil(lambda: window.nav.item(1).text() == "Kotak Masuk (3)")  # opened: read


def test_failed_reply_says_why_and_try_again_queues_it(page: InboxPage) -> None:
    from companion.services.inbox import reply_failed

    select(page, "rina")
    conversation_id = page.selected()[0].id  # type: ignore[index]
    message_id, _ = queue_reply(page.ctx.db, conversation_id, "Ada kak.")
    page.ctx.announce(reply_failed(page.ctx.db, message_id, "The marketplace refused this reply: too many messages"))
    assert "tidak terkirim" in page.view.thread_texts()[-1]
    page.view.retry_buttons[message_id].click()
    assert page.view.thread_texts()[-1].endswith("menunggu dikirim")
    assert inbox_store.message(page.ctx.db, message_id).status == "queued"  # type: ignore[union-attr]


def test_the_starts_window_counts_unread_chats_after_the_paint(qtbot: QtBot, ctx: AppContext,
                                                                 seeded: dict[str, str]) -> None:
    """The count is a query over every chat: the app's start (strip_after_paint) adds it once the window is up."""
    window = MainWindow(ctx, strip_after_paint=True)
    qtbot.addWidget(window)
    assert window.nav.item(1).text() == "Kotak Masuk"
    window.finish_start()
    assert window.nav.item(1).text() == "Kotak Masuk (3)"
    i18n.set_language("en")  # a rebuild later in the day (the settings page's language) counts at once
    try:
        ctx.language_changed.emit("en")
        assert window.nav.item(1).text() == "Inbox (3)"
    finally:
        i18n.set_language("id")
