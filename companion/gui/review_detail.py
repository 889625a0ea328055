"""One buyer's review, on the right of the "Ulasan" view: the stars, the words and photos, the product (as the shop
calls it) and the order it came from, "Apa penyebabnya" for a low rating, and the reply box.

A reply is queued through services.reviews.queue_review_reply (the platform's length limit and one-reply rule are
checked there, before anything is queued) and reads "menunggu dikirim" until the sync has sent it; a refusal shows
the platform's own words. Quick replies (domain/review_replies.py) fill in the buyer's name and the product.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from companion.connectors import registry
from companion.domain import review_replies
from companion.domain.clock import parse_stamp
from companion.domain.money import format_rupiah
from companion.domain.reviews import LOW_RATING
from companion.domain.settings_keys import TIME_ZONE
from companion.gui.channel_names import channel_label
from companion.gui.context import AppContext
from companion.gui.durations import local_time_text
from companion.gui.form_errors import FormErrors
from companion.gui.labels import text_label
from companion.gui.order_times import STATUS_NAMES
from companion.gui.review_cause_words import FOUND, UNKNOWN, CauseLine
from companion.i18n import N_, tr
from companion.services.reviews import NOT_MAPPED
from companion.store import online_orders as order_store
from companion.store.reviews import ReviewRow

THUMB = 80
FULL, EMPTY = "★", "☆"
STAR_COLOURS = {1: "#b00020", 2: "#b00020", 3: "#a14a00"}  # 4–5 stars: the shop's green
GOOD = "#1b7a43"

DETAIL_STYLE = """
QLabel#stars { font-size: 20pt; }
QLabel#buyer { font-size: 14pt; font-weight: bold; }
QLabel#meta { color: #555; }
QLabel#reviewText { font-size: 12pt; }
QFrame#causes { background: #fff7ed; border: 1px solid #f3c892; border-radius: 6px; }
QLabel#causesTitle { font-size: 12pt; font-weight: bold; }
QLabel#causeFound { color: #8a4b00; font-weight: bold; }
QLabel#causeClear { color: #1b7a43; }
QLabel#causeUnknown { color: #555; }
QFrame#replied { background: #e4f3ea; border: 1px solid #b9dcc6; border-radius: 6px; }
QFrame#waiting { background: #eef4fb; border: 1px solid #c5d6ea; border-radius: 6px; }
QFrame#refused { background: #fdecee; border: 1px solid #f1b8c0; border-radius: 6px; }
QLabel#counterOver { color: #b00020; font-weight: bold; }
QLabel#practice { background: #fff1c2; color: #6b4e00; font-weight: bold; padding: 2px 8px; border-radius: 4px; }
"""


def stars_text(rating: int) -> str:
    rating = max(0, min(5, rating))
    return FULL * rating + EMPTY * (5 - rating)


def star_colour(rating: int) -> str:
    return STAR_COLOURS.get(rating, GOOD)


def is_low(row: ReviewRow) -> bool:
    return row.low


def needs_answer(row: ReviewRow) -> bool:
    """A low review with no answer on the platform nor one of ours on its way (the tray and the checklist count
    these; a refused reply of ours still needs the owner)."""
    return row.low and row.unanswered


STATE_WORDS = {"waiting": N_("waiting to be sent"), "failed": N_("not sent"), "sent": N_("replied")}


def state_text(row: ReviewRow) -> str:
    """The review's answer in a word or two: "belum dibalas", "menunggu dikirim", "tidak terkirim", "sudah dibalas"."""
    if row.hidden:
        return tr("deleted by the buyer")
    if row.reply_text:
        return tr("replied")
    if row.reply_state in STATE_WORDS:
        return tr(STATE_WORDS[row.reply_state])
    return tr("not answered yet")


def product_name(row: ReviewRow) -> str:
    """The shop's own name for the product when the listing is linked, else the platform's name."""
    if row.product_id and row.product_display_name:
        return row.product_display_name
    return row.product_name or tr("a product")


def reply_limit(channel: str) -> int:
    """The channel's reply length limit (0 when its spec does not say)."""
    spec = registry.find(channel)
    rules = spec.reviews if spec is not None else None
    return rules.max_reply_length if rules is not None else 0


def reply_note(channel: str) -> str:
    """The channel's own words on replies ("sent once, cannot be changed"), for the send button's tooltip."""
    spec = registry.find(channel)
    rules = spec.reviews if spec is not None else None
    return tr(rules.note) if rules is not None and rules.note else ""


def _label(text: str = "", name: str = "", role: str = "") -> QLabel:
    label = text_label(text, name, role)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _frame(name: str) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setObjectName(name)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(12, 8, 12, 8)
    layout.setSpacing(4)
    return frame, layout


class ReviewDetail(QWidget):
    """`show_review(row, causes, photos)` fills it, None empties it; `send_requested(review_id, text)` asks the
    owner of the view to queue the reply (so tests and the page decide how)."""

    send_requested = Signal(str, str)
    withdraw_requested = Signal(str)  # "Batalkan": a reply still waiting is not sent

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.row: ReviewRow | None = None
        self.setStyleSheet(DETAIL_STYLE)
        self.empty = _label(tr("Choose a review on the left to read it and answer."), "meta")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self._fresh_content()
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.reply_box = self._reply_box()
        self.cause_labels: list[QLabel] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.scroller, 1)
        layout.addWidget(self.reply_box)
        self.show_review(None)

    def _reply_box(self) -> QWidget:
        box = QWidget()
        self.reply = QPlainTextEdit()
        self.reply.setPlaceholderText(tr("Write a polite reply… everyone who looks at the product reads it."))
        self.reply.setFixedHeight(92)
        self.reply.textChanged.connect(self._count)
        self.counter = _label("", "meta")
        self.error = _label("", role="error")
        self.error.hide()
        self.quick_button = QPushButton(tr("Quick reply ▾"))
        self.quick_button.setToolTip(tr("An apology, a replacement or thanks, with the buyer's name and the product."))
        self.quick_button.clicked.connect(self.open_quick_replies)
        self.send_button = QPushButton(tr("Send reply"))
        self.send_button.setProperty("primary", True)
        self.send_button.setMinimumHeight(36)
        self.send_button.clicked.connect(self.send)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self.reply).activated.connect(self.send)
        tools = QHBoxLayout()
        tools.addWidget(self.quick_button)
        tools.addWidget(self.counter, 1)
        tools.addWidget(self.send_button)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.reply)
        layout.addWidget(self.error)  # under the box, like every form's error line (form_errors.py)
        layout.addLayout(tools)
        self.errors = FormErrors()
        self.errors.add("reply", self.reply, self.error)
        return box

    # --- showing ------------------------------------------------------------------------------------------
    def show_review(self, row: ReviewRow | None, causes: Sequence[CauseLine] = (),
                    photos: Sequence[Path | None] = ()) -> None:
        """Fill the view; another review starts a fresh reply, the same one keeps what was typed."""
        fresh = row is None or self.row is None or row.id != self.row.id
        if fresh:
            self.reply.clear()
            self.errors.clear()
        self.row = row
        if fresh and row is not None and row.reply_state == "failed" and row.pending_reply:
            self.reply.setPlainText(row.pending_reply)  # refused: the words come back to change and send again
        self.empty.setVisible(row is None)
        self.scroller.setVisible(row is not None)
        self._fresh_content()
        self.cause_labels = []
        if row is None:
            self.reply_box.hide()
            return
        self._head(row)
        self._words(row)
        self._photos(row, photos)
        self._product_and_order(row)
        self._answer(row)
        if is_low(row) and not row.hidden:
            self._causes(causes)
        self.content_layout.addStretch(1)
        self.reply_box.setVisible(self.can_reply(row))
        self.send_button.setToolTip(reply_note(row.channel))
        self._count()

    def _fresh_content(self) -> None:
        """A new page for each showing (the old one, rows within rows included, goes with its widget)."""
        self.content = QWidget()
        self.content_layout = QVBoxLayout(self.content)
        self.content_layout.setContentsMargins(0, 0, 8, 0)
        self.content_layout.setSpacing(8)
        old = self.scroller.takeWidget()
        if old is not None:  # later: a button of it may be the one whose click brought us here
            old.hide()
            old.deleteLater()
        self.scroller.setWidget(self.content)

    def _head(self, row: ReviewRow) -> None:
        stars = _label(stars_text(row.rating), "stars")
        stars.setStyleSheet(f"color: {star_colour(row.rating)};")
        stars.setAccessibleName(tr("{count} of 5 stars", count=row.rating))
        stars.setToolTip(stars.accessibleName())
        self.stars = stars
        head = QHBoxLayout()
        head.addWidget(stars)
        head.addWidget(_label(row.buyer_name or tr("Buyer"), "buyer"), 1)
        if row.practice:
            practice = _label(tr("PRACTICE"), "practice")
            practice.setToolTip(tr("A pretend buyer from practice mode: answer to learn, nobody real reads it."))
            head.addWidget(practice)
        self.content_layout.addLayout(head)
        when = local_time_text(parse_stamp(row.created_at), self.ctx.setting(TIME_ZONE)) if row.created_at else ""
        shop = tr(row.account_name) if row.account_name else channel_label(row.channel)  # practice: msgids
        where = shop if channel_label(row.channel) in shop else f"{channel_label(row.channel)} · {shop}"
        self.content_layout.addWidget(_label(" · ".join(p for p in (where, when) if p), "meta"))

    def _words(self, row: ReviewRow) -> None:
        if row.hidden:
            self.content_layout.addWidget(_label(tr("The buyer deleted this review: it can no longer be answered."),
                                                 role="error"))
        text = row.text.strip()
        self.text_label = _label(text or tr("(only stars, no words)"), "reviewText" if text else "meta")
        self.content_layout.addWidget(self.text_label)

    def _photos(self, row: ReviewRow, photos: Sequence[Path | None]) -> None:
        if not row.photos:
            return
        strip = QHBoxLayout()
        strip.setSpacing(8)
        missing = 0
        for url, path in zip(row.photos, list(photos) + [None] * (len(row.photos) - len(photos)), strict=False):
            pixmap = QPixmap(str(path)) if path else QPixmap()
            if pixmap.isNull():
                missing += 1
                continue
            button = QToolButton()
            button.setIcon(pixmap)
            button.setIconSize(pixmap.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio).size())
            button.setToolTip(tr("Open the photo bigger"))
            button.setAutoRaise(True)
            button.clicked.connect(lambda _c=False, p=path: QDesktopServices.openUrl(QUrl.fromLocalFile(str(p))))
            button.setProperty("url", url)
            strip.addWidget(button)
        strip.addStretch(1)
        self.photo_count = len(row.photos) - missing
        self.content_layout.addLayout(strip)
        if missing:
            self.content_layout.addWidget(_label(tr("{count} photos not downloaded yet: they show when the internet "
                                                    "is back.", count=missing), "meta"))

    def _product_and_order(self, row: ReviewRow) -> None:
        self.product_label = _label(tr("Product: {name}", name=product_name(row)))
        self.content_layout.addWidget(self.product_label)
        if not row.product_id:
            self.content_layout.addWidget(_label(tr(NOT_MAPPED), "meta"))
        order = order_store.get(self.ctx.db, row.order_id) if row.order_id else None
        if order is None and row.platform_order_id:
            order = order_store.by_platform_id(self.ctx.db, row.account_id, row.platform_order_id)
        if order is None:
            if row.platform_order_id:
                self.content_layout.addWidget(_label(tr("Order {number}: not downloaded yet",
                                                        number=row.platform_order_id), "meta"))
            return
        words = tr("Order {number}", number=order.platform_order_id)
        status = tr(STATUS_NAMES.get(order.status, order.status))
        self.order_label = _label(f"{words} · {status} · {format_rupiah(order.total)}")
        self.content_layout.addWidget(self.order_label)

    def _causes(self, causes: Sequence[CauseLine]) -> None:
        frame, layout = _frame("causes")
        title = _label(tr("What caused it?"), "causesTitle")
        title.setToolTip(tr("What the app knows from your own orders, chats and stock, not the buyer's words."))
        layout.addWidget(title)
        if not causes:
            layout.addWidget(_label(tr("Nothing in your records points to a cause: read the words and the photos."),
                                    "meta"))
        for cause in causes:
            mark, name = {FOUND: ("•  ", "causeFound"), UNKNOWN: ("?  ", "causeUnknown")}.get(cause.state,
                                                                                            ("✓  ", "causeClear"))
            label = _label(mark + cause.text, name)
            self.cause_labels.append(label)
            layout.addWidget(label)
        self.content_layout.addWidget(frame)

    def _answer(self, row: ReviewRow) -> None:
        """The reply as it stands: on the platform, waiting to be sent, or refused with the platform's words."""
        self.answer_label: QLabel | None = None
        if row.reply_text:
            frame, layout = _frame("replied")
            when = local_time_text(parse_stamp(row.replied_at), self.ctx.setting(TIME_ZONE)) if row.replied_at else ""
            layout.addWidget(_label(" · ".join(p for p in (tr("Your reply"), when) if p), "meta"))
            self.answer_label = _label(row.reply_text)
        elif row.reply_state in ("waiting", "sent") and row.pending_reply:
            frame, layout = _frame("waiting")
            head = QHBoxLayout()
            head.addWidget(_label(tr("Your reply · waiting to be sent"), "meta"), 1)
            if row.reply_state == "waiting":
                self.withdraw_button = QPushButton(tr("Cancel"))
                self.withdraw_button.setToolTip(tr("Do not send this reply: the review waits for an answer again."))
                review_id = row.id
                self.withdraw_button.clicked.connect(lambda: self.withdraw_requested.emit(review_id))
                head.addWidget(self.withdraw_button)
            layout.addLayout(head)
            self.answer_label = _label(row.pending_reply)
        elif row.reply_state == "failed":
            frame, layout = _frame("refused")
            problem = row.reply_problem or tr("the marketplace did not take it")
            self.answer_label = _label(tr("Your reply was not sent: {words}", words=problem), role="error")
            layout.addWidget(self.answer_label)
            layout.addWidget(_label(tr("Change the reply below and send it again."), "meta"))
            self.content_layout.addWidget(frame)
            return
        else:
            return
        layout.addWidget(self.answer_label)
        self.content_layout.addWidget(frame)

    @staticmethod
    def can_reply(row: ReviewRow) -> bool:
        return not row.hidden and not row.reply_text and row.reply_state not in ("waiting", "sent")

    def _count(self) -> None:
        """Letters typed against the platform's limit, red when over (the service refuses it too)."""
        limit = reply_limit(self.row.channel) if self.row is not None else 0
        used = len(self.reply.toPlainText().strip())
        if not limit:
            self.counter.setText("")
            return
        self.counter.setText(tr("{used} of {limit} letters", used=used, limit=limit))
        self.counter.setObjectName("counterOver" if used > limit else "meta")
        self.counter.setStyleSheet("")  # re-polish for the new object name

    # --- answering ---------------------------------------------------------------------------------------
    def quick_menu(self) -> QMenu:
        """The review quick replies, the fitting ones first; each action carries its template's key."""
        menu = QMenu(self)
        rating = self.row.rating if self.row is not None else 5
        for template in review_replies.templates_for(rating, LOW_RATING):
            action = menu.addAction(tr(template.title))
            action.setData(template.key)
        return menu

    def open_quick_replies(self) -> None:
        menu = self.quick_menu()
        action = menu.exec(self.quick_button.mapToGlobal(self.quick_button.rect().bottomLeft()))
        if action is not None:
            self.use_template(str(action.data()))

    def use_template(self, key: str) -> bool:
        """Put the quick reply, filled with this buyer and product, in the reply box (replacing an empty one)."""
        template = review_replies.find(key)
        if template is None or self.row is None:
            return False
        product = self.row.product_display_name if self.row.product_id else self.row.product_name
        text = review_replies.fill(template, self.row.buyer_name, product or "")
        cursor = self.reply.textCursor()
        before = self.reply.toPlainText()[:cursor.position()]
        cursor.insertText(("\n" if before.strip() else "") + text)
        self.reply.setFocus()
        return True

    def send(self) -> None:
        if self.row is not None and self.can_reply(self.row):
            self.send_requested.emit(self.row.id, self.reply.toPlainText())

    def sent(self) -> None:
        """The reply was queued: the box empties (the review shows it "menunggu dikirim")."""
        self.reply.clear()
        self.errors.clear()

    def refused(self, sentence: str) -> None:
        """The reply was not queued (too long, already answered, deleted): one sentence under the box, the box
        outlined, the words kept to change."""
        self.errors.show_texts([("reply", sentence)])

    def texts(self) -> list[str]:
        """Every text the review shows, top to bottom (what a person reads; tests use it)."""
        return [label.text() for label in self.content.findChildren(QLabel) if label.text()]

    def cause_texts(self) -> list[str]:
        return [label.text() for label in self.cause_labels]
