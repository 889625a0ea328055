"""Ulasan beside the chats: unanswered low ratings first, stars, photos from the picture cache, the shop's own product
and the order, "Apa penyebabnya" for orders built to be late, unanswered and oversold; replies with quick replies
for reviews that wait "menunggu dikirim", refusals in the platform's words, one sentence for a reply too long or a
second one; TikTok Shop's plain sentence and seller-centre button; the tray, the opening checklist, the month."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import pytest
from PySide6.QtCore import QBuffer, QIODevice, QObject, Qt, QUrl, Slot
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QImage
from PySide6.QtWidgets import QTableWidgetItem
from pytestqt.qtbot import QtBot
from review_seed import review, seed

from companion import i18n
from companion.domain import review_replies
from companion.domain.clock import now_utc
from companion.domain.reviews import LOW_RATING, ReviewReplyResult
from companion.gui.alerts import InboxAlerts
from companion.gui.context import AppContext
from companion.gui.main_window import MainWindow
from companion.gui.pages.home import HomePage, checklist
from companion.gui.pages.inbox import InboxPage
from companion.gui.review_list import REVIEW_COL, STARS_COL, STATE_COL
from companion.gui.review_month_view import ReviewMonthView
from companion.i18n import tr
from companion.services.reviews import ALREADY_ANSWERED, NOT_MAPPED, apply_reviews, record_reply_results
from companion.store import reviews as review_store
from companion.sync.images import cache_dir

PHOTOS = "http://127.0.0.1:1"


@pytest.fixture
def ctx(qtbot: QtBot, data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


@pytest.fixture
def ids(ctx: AppContext) -> dict[str, str]:
    return seed(ctx.db, PHOTOS)


@pytest.fixture
def page(qtbot: QtBot, ctx: AppContext, ids: dict[str, str]) -> InboxPage:
    widget = InboxPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1280, 720)
    widget.show()
    widget.on_shown()
    widget.open_reviews()
    return widget


def refs(page: InboxPage) -> list[str]:
    return [r.platform_review_id for r in page.reviews.model.rows]


def choose(page: InboxPage, ids: dict[str, str], ref: str) -> None:
    assert page.reviews.open_review(ids[ref])


def texts(page: InboxPage, col: int) -> dict[str, str]:
    return {r.platform_review_id: page.reviews.model.text(r, col) for r in page.reviews.model.rows}


def cached_photo(ctx: AppContext, url: str) -> None:
    """A picture already in the cache, named as sync/images.py names it."""
    folder = cache_dir(ctx.db)
    folder.mkdir(parents=True, exist_ok=True)
    image = QImage(200, 150, QImage.Format.Format_RGB32)
    image.fill(QColor("#c08040"))
    image.save(str(folder / (hashlib.sha1(url.encode("utf-8")).hexdigest() + ".png")))


def test_unanswered_low_ratings_first_with_stars_and_state(page: InboxPage) -> None:
    assert page.reviews_tab.text() == "Ulasan (5)"
    assert page.count_label.text() == "9 ulasan"
    assert refs(page)[:5] == ["R-LATE", "R-GULA", "R-MEH", "R-UNMAPPED", "L-2"]  # newest first
    assert set(refs(page)[5:]) == {"L-1", "R-OK", "R-THANKED", "R-GONE"}
    stars, state, review = texts(page, STARS_COL), texts(page, STATE_COL), texts(page, REVIEW_COL)
    assert stars["R-LATE"] == "★☆☆☆☆" and stars["R-OK"] == "★★★★★"
    assert state["R-LATE"].startswith("belum dibalas\nShopee")
    assert state["L-1"].startswith("menunggu dikirim\nLazada")
    assert state["L-2"].startswith("tidak terkirim")
    assert state["R-THANKED"].startswith("sudah dibalas") and state["R-GONE"].startswith("dihapus pembeli")
    assert review["R-LATE"].startswith("rina.s · Kopi Arabika 250 g\nBarang datang telat") and "(2 foto)" in review[
        "R-LATE"]
    model = page.reviews.model
    first = model.index(0, STARS_COL)
    brush = model.data(first, Qt.ItemDataRole.ForegroundRole)
    assert isinstance(brush, QBrush) and brush.color().name() == "#b00020"
    page.reviews.only_open.setChecked(True)
    assert refs(page) == ["R-LATE", "R-GULA", "R-MEH", "R-UNMAPPED", "L-2"]


def test_review_shows_photos_product_order_and_its_causes(page: InboxPage, ctx: AppContext,
                                                          ids: dict[str, str]) -> None:
    cached_photo(ctx, PHOTOS + "/photo-1.png")  # the second is not downloaded yet (its host answers nothing)
    choose(page, ids, "R-LATE")
    detail = page.reviews.detail
    assert detail.stars.text() == "★☆☆☆☆" and detail.stars.accessibleName() == "1 dari 5 bintang"
    assert detail.product_label.text() == "Barang: Kopi Arabika 250 g"
    assert detail.order_label.text().startswith("Pesanan LATE-1 · ")
    assert detail.photo_count == 1
    causes = detail.cause_texts()
    assert causes[0] == "•  Pengiriman: dikirim 3 hari setelah batas kirim."
    assert causes[1].startswith("•  Chat: pertanyaan pembeli tidak pernah dijawab")
    ctx.work.wait()  # the missing photo was tried on a pool thread: still missing, nothing broke
    choose(page, ids, "R-GULA")
    assert detail.cause_texts()[0] == "•  Stok: pesanan ini kelebihan jual: toko menjual lebih banyak dari yang ada."
    choose(page, ids, "R-UNMAPPED")
    assert detail.product_label.text() == "Barang: Tumbler Stainless 500 ml"
    assert tr(NOT_MAPPED) in detail.texts()
    assert detail.cause_texts() == ["?  Pesanan ulasan ini tidak ada di laptop ini, jadi aplikasi tidak bisa mencari "
                                    "penyebabnya."]
    choose(page, ids, "R-OK")
    assert detail.cause_texts() == []  # a good rating needs no cause


def test_quick_replies_fill_the_buyer_and_the_product(page: InboxPage, ids: dict[str, str]) -> None:
    choose(page, ids, "R-GULA")
    detail = page.reviews.detail
    menu = [a.text() for a in detail.quick_menu().actions()]
    assert menu == ["Minta maaf", "Kami ganti barangnya", "Terima kasih"]
    assert detail.use_template("replace")
    assert detail.reply.toPlainText().startswith("Halo kak budi_h, mohon maaf atas Gula Aren 1 kg yang diterima. "
                                                 "Kami ganti barangnya")
    choose(page, ids, "R-MEH")  # another review: a fresh box; a masked name greets without it
    assert detail.reply.toPlainText() == ""
    detail.use_template("apology")
    assert detail.reply.toPlainText().startswith("Halo kak, mohon maaf Kopi Arabika 250 g mengecewakan.")
    choose(page, ids, "R-OK")
    assert next(a.text() for a in detail.quick_menu().actions()) == "Terima kasih"


def test_templates_in_english_and_a_long_product_name() -> None:
    i18n.set_language("en")
    thanks = review_replies.find("thanks")
    assert thanks is not None
    assert review_replies.fill(thanks, "Rina", "Kopi") == ("Hello Rina, thank you so much for shopping with us and "
                                                           "reviewing Kopi! We look forward to your next order.")
    long_name = "Kopi Arabika Gayo Premium 250 g Biji atau Bubuk Sangrai Medium Fresh Roasted Setiap Hari"
    assert review_replies.product_words(long_name) == "Kopi Arabika Gayo Premium 250 g Biji atau Bubuk Sangrai"
    assert next(t.key for t in review_replies.templates_for(5, LOW_RATING)) == "thanks"


def test_a_reply_waits_to_be_sent_then_the_refusal_in_the_platform_words(page: InboxPage, ctx: AppContext,
                                                                         ids: dict[str, str]) -> None:
    alerts = InboxAlerts(ctx, tray=False)
    assert alerts.counts.low_reviews == 5
    choose(page, ids, "R-LATE")
    detail = page.reviews.detail
    detail.reply.setPlainText("Mohon maaf kak Rina, kami kirim ganti hari ini.")
    detail.send()
    row = review_store.get(ctx.db, ids["R-LATE"])
    assert row is not None and row.reply_state == "waiting"
    assert texts(page, STATE_COL)["R-LATE"].startswith("menunggu dikirim")
    assert detail.answer_label is not None and detail.answer_label.text() == "Mohon maaf kak Rina, kami kirim ganti " \
                                                                             "hari ini."
    assert detail.reply_box.isHidden() and detail.reply.toPlainText() == ""
    assert page.reviews_tab.text() == "Ulasan (4)" and alerts.counts.low_reviews == 4
    ctx.announce(record_reply_results(ctx.db, ids["shopee"], [ReviewReplyResult(
        "R-LATE", False, "error_param", "reply contains a forbidden link")]))
    assert texts(page, STATE_COL)["R-LATE"].startswith("tidak terkirim")
    assert detail.answer_label.text() == "Balasan Anda tidak terkirim: reply contains a forbidden link"
    assert not detail.reply_box.isHidden()
    assert alerts.counts.low_reviews == 5
    assert "5 ulasan bintang rendah belum dibalas" in alerts.tooltip()
    alerts.close()


def test_too_long_second_reply_and_deleted_review_are_one_sentence(page: InboxPage, ctx: AppContext,
                                                                   ids: dict[str, str]) -> None:
    choose(page, ids, "R-GULA")
    detail = page.reviews.detail
    detail.reply.setPlainText("maaf " * 120)
    assert detail.counter.text() == "599 dari 500 huruf" and detail.counter.objectName() == "counterOver"
    detail.send()
    assert not detail.error.isHidden()
    assert "500" in detail.error.text() and detail.error.text().count(".") == 1
    assert review_store.get(ctx.db, ids["R-GULA"]).reply_state == ""  # type: ignore[union-attr]
    choose(page, ids, "R-THANKED")
    assert detail.reply_box.isHidden() and detail.answer_label is not None
    assert detail.answer_label.text() == "Terima kasih kak Joko!"
    assert not page.reviews.send(ids["R-THANKED"], "Sekali lagi terima kasih")
    assert detail.error.text() == tr(ALREADY_ANSWERED)
    choose(page, ids, "R-GONE")
    assert detail.reply_box.isHidden()
    assert detail.text_label.text() == "Jelek"


def test_a_waiting_reply_can_be_taken_back(page: InboxPage, ctx: AppContext, ids: dict[str, str]) -> None:
    choose(page, ids, "L-1")
    detail = page.reviews.detail
    assert detail.reply_box.isHidden()
    detail.withdraw_button.click()
    assert review_store.get(ctx.db, ids["L-1"]).reply_state == ""  # type: ignore[union-attr]
    assert detail.reply.toPlainText().startswith("Halo kak Dewi, mohon maaf atas kemasannya.")
    assert not detail.reply_box.isHidden()
    choose(page, ids, "L-2")  # refused by Lazada: its words, and the text back in the box to change
    assert detail.answer_label is not None
    assert detail.answer_label.text() == "Balasan Anda tidak terkirim: Reply content contains sensitive words"
    assert detail.reply.toPlainText() == "Mohon maaf kak Andi, paket sedang kami lacak."


def test_search_uses_the_inbox_search_box(page: InboxPage, qtbot: QtBot) -> None:
    assert page.search.placeholderText() == "Cari di semua ulasan"
    assert page.channel.isHidden() and page.state.isHidden()
    page.search.setText("gula")
    page.reload()
    assert refs(page) == ["R-GULA"]
    page.search.setText("tidak ada kata ini")
    page.reload()
    assert refs(page) == [] and page.reviews.empty_label.text() == "Tidak ada ulasan yang memuat kata-kata ini."
    page.search.clear()
    page.show_reviews(False)
    assert page.search.placeholderText() == "Cari di semua pesan" and not page.channel.isHidden()


class _Opened(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


def test_tiktok_says_plainly_and_opens_its_seller_centre(page: InboxPage) -> None:
    view = page.reviews
    assert not view.notes.isHidden()
    assert list(view.centre_buttons) == ["tiktok"]
    words = view.notes.findChildren(type(page.count_label))[0].text()
    assert words.startswith("TikTok Shop") and "aplikasi" in words
    opened = _Opened()
    QDesktopServices.setUrlHandler("https", opened, "open")  # type: ignore[arg-type]
    try:
        view.centre_buttons["tiktok"].click()
    finally:
        QDesktopServices.unsetUrlHandler("https")
    assert opened.urls and opened.urls[0].startswith("https://seller-id.tokopedia.com/product/rating")


def test_tray_and_opening_checklist_count_unanswered_low_reviews(ctx: AppContext, qtbot: QtBot,
                                                                 ids: dict[str, str]) -> None:
    line = next(item for item in checklist(ctx, "9999", 5) if item[0] == "reviews")
    assert line == ("reviews", "inbox", True, "5 ulasan bintang 1–3 belum dibalas")
    i18n.set_language("en")
    assert next(i for i in checklist(ctx, "9999", 5) if i[0] == "reviews")[3] == ("5 low ratings (1–3 stars) not "
                                                                                   "answered yet")
    i18n.set_language("id")
    window = MainWindow(ctx, "home")
    qtbot.addWidget(window)
    home = window.page("home")
    assert isinstance(home, HomePage)
    qtbot.mouseClick(home.checks["reviews"], Qt.MouseButton.LeftButton)
    inbox = window.page("inbox")
    assert window.current_key() == "inbox" and isinstance(inbox, InboxPage) and inbox.showing_reviews()


def test_month_per_product(ctx: AppContext, qtbot: QtBot, ids: dict[str, str]) -> None:
    view = ReviewMonthView(ctx)
    qtbot.addWidget(view)
    view.reload()
    ctx.work.wait()
    qtbot.waitUntil(lambda: view.table.rowCount() > 0)
    rows = [[(view.table.item(r, c) or QTableWidgetItem()).text() for c in range(5)]
            for r in range(view.table.rowCount())]
    assert rows[0][:4] == ["Kopi Arabika 250 g", "2,8 ★", "5", "3"]
    assert rows[1][0] == "Gula Aren 1 kg" and rows[1][3] == "1"
    assert rows[0][4] and rows[1][4] and rows[2][4] == "tidak diketahui"
    i18n.set_language("en")
    view.show_rows([])
    assert view.status.text() == "No reviews in this month."


def test_a_new_low_review_is_announced_once(ctx: AppContext, ids: dict[str, str]) -> None:
    alerts = InboxAlerts(ctx, tray=False)
    seen: list[tuple[str, str]] = []
    alerts.notifier.notified.connect(lambda title, text: seen.append((title, text)))
    alerts.refresh()
    assert seen == []  # what was there at start is counted, not announced
    ctx.announce(apply_reviews(ctx.db, ids["shopee"], [review("R-NEW", 1, "Botolnya bocor.", now_utc(),
                                                              buyer="wati")]))
    alerts.refresh()
    assert seen == [("Latihan: Ulasan bintang 1 baru dari wati", "Botolnya bocor.")]
    assert alerts.counts.low_reviews == 6 and alerts.last_news == "reviews"
    alerts.refresh()
    assert len(seen) == 1
    alerts.close()


def test_a_click_on_a_review_notification_opens_the_reviews(ctx: AppContext, qtbot: QtBot,
                                                            ids: dict[str, str]) -> None:
    from companion.gui.app import start_alerts

    window = MainWindow(ctx, "home")
    qtbot.addWidget(window)
    start_alerts(ctx, window)
    [watcher] = window.findChildren(InboxAlerts)
    ctx.announce(apply_reviews(ctx.db, ids["shopee"], [review("R-NEW", 2, "Kurang manis.", now_utc(), buyer="wati")]))
    watcher.open_inbox.emit()
    inbox = window.page("inbox")
    assert window.current_key() == "inbox" and isinstance(inbox, InboxPage) and inbox.showing_reviews()


class _Pictures(BaseHTTPRequestHandler):
    """The shop's platform on this computer, serving the buyer's photos."""

    def do_GET(self) -> None:
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image = QImage(60, 40, QImage.Format.Format_RGB32)
        image.fill(QColor("#336699"))
        image.save(buffer, "PNG")  # type: ignore[call-overload]
        body = bytes(buffer.data().data())
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


def test_photos_are_fetched_once_from_the_shops_platform_and_shown(qtbot: QtBot, ctx: AppContext) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pictures)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        ids = seed(ctx.db, f"http://127.0.0.1:{server.server_address[1]}")
        page = InboxPage(ctx)
        qtbot.addWidget(page)
        page.show()
        page.on_shown()
        page.open_reviews(ids["R-LATE"])
        assert page.reviews.detail.photo_count == 0  # not on this laptop yet: fetched on a pool thread
        ctx.work.wait()
        qtbot.waitUntil(lambda: page.reviews.detail.photo_count == 2)
        row = review_store.get(ctx.db, ids["R-LATE"])
        assert row is not None and row.photo_paths is not None and len(row.photo_paths) == 2
        assert all(Path(p).exists() for p in row.photo_paths.values())
    finally:
        server.shutdown()
        server.server_close()
