"""The returns view: reason, photos (from the picture cache), deadline and amount; accept, refuse with the platform's
reason, a partial refund where allowed (each queued, "menunggu dikirim"); and a returned item put back in stock or
written off per line, with the ledger checked."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from companion import i18n
from companion.connectors.tiktok.credentials import TikTokCredentials
from companion.domain.clock import now_utc
from companion.domain.fulfilment import (
    ReturnAction,
    ReturnAnswer,
    ReturnLine,
    ReturnRequest,
    ReturnState,
)
from companion.domain.marketplace import Order, OrderLine, OrderStatus
from companion.domain.product import ProductInput
from companion.gui.context import AppContext
from companion.gui.returns_view import ReturnsView
from companion.services.accounts import link_practice_accounts
from companion.services.change import Change
from companion.services.online_orders import apply_orders
from companion.services.products import add_product
from companion.services.returns import apply_returns
from companion.store import outbox
from companion.store import products as product_store
from companion.store import returns as return_store
from companion.store import stock as stock_store
from companion.store.database import Database
from companion.sync.images import cache_dir

URL = "http://127.0.0.1:1"
PHOTO = "http://127.0.0.1:1/photos/retur-1.png"


def _return(number: str, state: ReturnState, *, sku: str = "KAOS-M", photos: tuple[str, ...] = (PHOTO,),
            actions: tuple[ReturnAction, ...] = (ReturnAction.ACCEPT, ReturnAction.REFUSE,
                                                 ReturnAction.PARTIAL_REFUND)) -> ReturnRequest:
    now = now_utc()
    return ReturnRequest(f"R-{number}", number, state, state.value.upper(), "Barang rusak", "Sobek di bahu", photos,
                         (ReturnLine("1", "11", "0", sku, "Kaos Polos M", 2),), 70_000, now - timedelta(hours=5),
                         now - timedelta(hours=1), now + timedelta(days=1, hours=3), True, actions)


def seed(db: Database) -> tuple[str, str]:
    product_id, _ = add_product(db, ProductInput(sku="KAOS-M", name="Kaos Polos", variant_name="M",
                                                 sell_price=35_000), 20)
    (account,), _ = link_practice_accounts(db, {"tiktok": TikTokCredentials("a", "s", base_url=URL)})
    now = now_utc()
    apply_orders(db, account, [Order("tiktok", number, "DELIVERED", OrderStatus.COMPLETED, now - timedelta(days=3),
                                     now - timedelta(days=1), None, "Sari",
                                     (OrderLine("1", "11", "0", "KAOS-M", "Kaos Polos M", 2, 35_000),))
                               for number in ("9001", "9002")])
    apply_returns(db, account, [_return("9001", ReturnState.REQUESTED), _return("9002", ReturnState.ACCEPTED)])
    return account, product_id


@pytest.fixture
def ctx(qtbot: QtBot, data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


@pytest.fixture
def view(qtbot: QtBot, ctx: AppContext) -> ReturnsView:
    widget = ReturnsView(ctx)
    qtbot.addWidget(widget)
    widget.resize(1366, 700)
    return widget


def texts(view: ReturnsView) -> str:
    return "\n".join(label.text() for label in view.detail.findChildren(QLabel))


def buttons(view: ReturnsView) -> dict[str, QPushButton]:
    return {b.text(): b for b in view.detail.findChildren(QPushButton) if b.isVisibleTo(view)}


def row_of(view: ReturnsView, number: str) -> str:
    return next(r.id for r in view.rows if r.platform_order_id == number)


def test_the_list_shows_reason_amount_deadline_and_the_cached_photo(ctx: AppContext, view: ReturnsView) -> None:
    seed(ctx.db)
    folder = cache_dir(ctx.db)
    folder.mkdir(parents=True)
    picture = QImage(40, 30, QImage.Format.Format_RGB32)
    picture.fill(QColor("#c0392b"))
    picture.save(str(folder / (hashlib.sha1(PHOTO.encode()).hexdigest() + ".png")))
    view.reload()
    assert [r.platform_order_id for r in view.rows] == ["9001", "9002"]  # waiting for an answer first
    cells = [view.table.item(0, c).text() for c in range(view.table.columnCount())]
    assert cells[1] == "9001" and cells[2] == "Barang rusak" and cells[3] == "Rp70.000"
    assert "lagi" in cells[4] and cells[5] == "Menunggu jawaban Anda"
    view.select(row_of(view, "9001"))
    shown = texts(view)
    assert "Pengembalian pesanan 9001" in shown and "Sobek di bahu" in shown
    assert "Jawab dalam 1 hari 2 jam" in shown  # 1 day 3 hours, less the moment the test took
    assert any(label.pixmap() is not None and not label.pixmap().isNull()
               for label in view.detail.findChildren(QLabel))
    assert {"Terima pengembalian", "Tolak", "Tawarkan sebagian dana"} <= set(buttons(view))


def test_accept_refuse_and_partial_refund_are_queued_once(ctx: AppContext, view: ReturnsView) -> None:
    seed(ctx.db)
    view.reload()
    rid = row_of(view, "9001")
    view.select(rid)
    assert not view.offer(rid, "90.000")  # more than the buyer asked: one sentence, nothing queued
    assert "Rp70.000" in view.message.text()
    view.refuse_reason.setCurrentIndex(2)
    view.refuse_note.setText("Barang sudah dipakai")
    buttons(view)["Tolak"].click()
    assert "Jawaban menunggu dikirim" in view.table.item(0, 5).text()
    assert "menunggu dikirim" in view.message.text()
    commands = [c for c in outbox.by_key_prefix(ctx.db, f"return-answer:{rid}:")]
    assert len(commands) == 1
    answer = commands[0].payload["answer"]
    assert answer["action"] == "refuse" and answer["reason"] == "reverse_reject_request_reason_3"
    assert answer["note"] == "Barang sudah dipakai"
    assert "Terima pengembalian" not in buttons(view)  # nothing more to answer while it waits
    assert not view.answer(rid, ReturnAnswer(ReturnAction.ACCEPT))
    assert len(outbox.by_key_prefix(ctx.db, f"return-answer:{rid}:")) == 1


def test_partial_refund_goes_out_with_the_amount(ctx: AppContext, view: ReturnsView) -> None:
    seed(ctx.db)
    view.reload()
    rid = row_of(view, "9001")
    view.select(rid)
    view.amount.setText("Rp 25.000")
    buttons(view)["Tawarkan sebagian dana"].click()
    (command,) = outbox.by_key_prefix(ctx.db, f"return-answer:{rid}:")
    assert command.payload["answer"]["action"] == "partial_refund" and command.payload["answer"]["amount"] == 25_000


def test_returned_items_go_back_to_stock_or_are_written_off_in_the_ledger(ctx: AppContext,
                                                                          view: ReturnsView) -> None:
    _, product_id = seed(ctx.db)
    before = product_store.get(ctx.db, product_id).on_hand
    view.reload()
    rid = row_of(view, "9002")
    view.select(rid)
    assert {"Masukkan ke stok", "Hapuskan"} <= set(buttons(view))
    buttons(view)["Masukkan ke stok"].click()
    assert product_store.get(ctx.db, product_id).on_hand == before + 2
    assert "Sudah masuk stok" in texts(view) and "Masukkan ke stok" not in buttons(view)
    assert not view.receive(rid, ["1"], "write_off")  # each line once: one sentence, no second movement
    assert product_store.get(ctx.db, product_id).on_hand == before + 2
    assert return_store.get(ctx.db, rid).received_at


def test_write_off_moves_in_and_out_so_the_level_stays(ctx: AppContext, view: ReturnsView) -> None:
    _, product_id = seed(ctx.db)
    before = product_store.get(ctx.db, product_id).on_hand
    view.reload()
    rid = row_of(view, "9002")
    view.select(rid)
    assert view.receive(rid, ["1"], "write_off")
    assert product_store.get(ctx.db, product_id).on_hand == before
    kinds = [m.kind for m in stock_store.history(ctx.db, product_id)]
    assert "online_return" in kinds and "return_write_off" in kinds
    assert "Sudah dihapuskan" in texts(view)


@pytest.mark.parametrize("language", ["id", "en"])
def test_no_returns_is_said_in_words(ctx: AppContext, qtbot: QtBot, language: str) -> None:
    i18n.set_language(language)
    widget = ReturnsView(ctx)
    qtbot.addWidget(widget)
    assert widget.empty.isVisibleTo(widget) and not widget.table.isVisibleTo(widget)
    assert ("Tidak ada permintaan" if language == "id" else "No return requests") in widget.empty.text()


class _PhotoServer(ThreadingHTTPServer):
    """A stand-in for the practice marketplace's picture host on this computer."""

    picture = b""


class _PhotoHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = self.server.picture  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def photo_host() -> Iterator[str]:
    server = _PhotoServer(("127.0.0.1", 0), _PhotoHandler)
    picture = QImage(30, 20, QImage.Format.Format_RGB32)
    picture.fill(QColor("#2e86c1"))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    picture.save(buffer, "PNG")
    server.picture = bytes(buffer.data().data())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_photo_not_cached_yet_is_fetched_once_from_the_shops_own_host(ctx: AppContext, qtbot: QtBot,
                                                                        photo_host: str) -> None:
    (account,), _ = link_practice_accounts(ctx.db, {"tiktok": TikTokCredentials("a", "s", base_url=photo_host)})
    url = f"{photo_host}/photos/r7.png"
    elsewhere = "http://127.0.0.2:9/photos/not-ours.png"  # not the shop's host: never fetched
    apply_returns(ctx.db, account, [_return("7001", ReturnState.REQUESTED, photos=(url, elsewhere))])
    view = ReturnsView(ctx)
    qtbot.addWidget(view)
    assert "2 foto belum terunduh" in texts(view)

    def shown() -> bool:
        return any(label.pixmap() is not None and not label.pixmap().isNull()
                   for label in view.detail.findChildren(QLabel))

    qtbot.waitUntil(shown)
    assert "1 foto belum terunduh" in texts(view)
    assert len(list(cache_dir(ctx.db).glob("*.png"))) == 1


def test_a_sync_round_with_other_news_keeps_what_was_typed(ctx: AppContext, view: ReturnsView) -> None:
    seed(ctx.db)
    view.reload()
    view.select(row_of(view, "9001"))
    view.refuse_note.setText("Sudah saya cek, jahitannya utuh")
    ctx.announce(Change(sync=True, orders=frozenset({"another-order"})))
    assert view.refuse_note.text() == "Sudah saya cek, jahitannya utuh"
