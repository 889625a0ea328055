"""Alerts for waiting buyers: a tray icon counting who waits (and who is overdue), and notifications for a new
question and for a question within an hour of its platform deadline.

Every notification goes through `Notifier.notified(title, text)` first, then to the tray balloon when a tray
exists, so offscreen (tests, a desktop without a tray) the counts and the notifications still happen.
Each waiting stretch of a conversation (its `waiting_since`) is announced at most once as new and once as
close to its deadline; what is already waiting when the app starts is counted, not announced.
Buyers' unanswered 1–3 star reviews are counted in the tooltip too, and a new one is announced once.

A refresh runs on the GUI thread after every sync round and conversation change, so it never reads every waiting
chat (1 500 of them on a busy shop cost 30–100 ms): the counts come from the inbox indexes, "close to its deadline"
reads only the chats due within the hour, and "new" reads only the chats whose waiting began with a message stored
since the last look (a mark on `messages.seq`, kept per book: the shop's and the practice book's).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon, QWidget

from companion.domain.clock import now_utc
from companion.domain.reviews import LOW_RATING
from companion.domain.settings_keys import ALERT_SOUND
from companion.i18n import tr
from companion.resources import resource_path
from companion.services.change import Change
from companion.services.inbox_pages import waiting_counts, waiting_now
from companion.store.inbox_list import last_message_seq, new_waiting
from companion.store.reviews import listing, unanswered_low_count

if TYPE_CHECKING:
    from companion.domain.deadlines import Clock
    from companion.gui.context import AppContext
    from companion.store.database import Database
    from companion.store.inbox import ConversationRow

REFRESH_MS = 60_000  # deadlines come closer without any change in the record
NEAR_DEADLINE = timedelta(hours=1)
SHOWN_ONE_BY_ONE = 3  # more news at once than this becomes one summary notification
MESSAGE_MS = 10_000
LOOKED_AT = 50  # newest unanswered low reviews looked at for news


@dataclass(frozen=True)
class WaitingCounts:
    waiting: int
    overdue: int
    low_reviews: int = 0  # unanswered 1–3 star reviews (store.reviews.unanswered_low_count)


def waiting_buyers(db: Database, now: datetime) -> list[tuple[ConversationRow, Clock | None]]:
    """Every conversation whose buyer waits for an answer, most urgent first (through the inbox service). Reads
    them all: for counts use `chat_counts`, which the indexes answer."""
    from companion.services.inbox import inbox_view

    return [(row, clock) for row, clock in inbox_view(db, now, state="waiting") if row.waiting_since]


def counts(waiting: list[tuple[ConversationRow, Clock | None]], now: datetime) -> WaitingCounts:
    return WaitingCounts(len(waiting), sum(1 for _row, clock in waiting if clock is not None and clock.overdue(now)))


def chat_counts(db: Database, now: datetime) -> WaitingCounts:
    """Who waits and who is overdue, counted in the inbox indexes: what `counts(waiting_buyers(...))` gives,
    without reading a single chat."""
    waiting, overdue = waiting_counts(db, now)
    return WaitingCounts(waiting, overdue)


def tooltip_text(found: WaitingCounts) -> str:
    """The tray tooltip: the app's name, then who waits in plain words, then the low ratings not answered yet."""
    if not found.waiting:
        text = tr("Seller Companion: no buyers waiting")
    elif not found.overdue:
        text = tr("Seller Companion: {waiting} waiting for an answer", waiting=found.waiting)
    else:
        text = tr("Seller Companion: {waiting} waiting for an answer, {overdue} past the deadline",
                  waiting=found.waiting, overdue=found.overdue)
    if found.low_reviews == 1:
        return tr("{text}; 1 low rating not answered yet", text=text)
    if found.low_reviews:
        return tr("{text}; {count} low ratings not answered yet", text=text, count=found.low_reviews)
    return text


def app_icon(overdue: int = 0) -> QIcon:
    """resources/icons/app.png when present, else a drawn one: a green shop bag with a chat dot; red badge when
    someone is overdue."""
    path = resource_path("icons", "app.png")
    base = QPixmap(str(path)) if path.exists() else QPixmap()
    if base.isNull():
        base = _drawn_icon()
    if overdue:
        base = _with_badge(base)
    return QIcon(base)


def _drawn_icon(size: int = 64) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(QColor("#1b7a43")))
    p.drawRoundedRect(QRectF(6, 18, 52, 42), 8, 8)  # the bag
    p.setBrush(Qt.BrushStyle.NoBrush)
    pen = p.pen()
    pen.setStyle(Qt.PenStyle.SolidLine)
    pen.setColor(QColor("#1b7a43"))
    pen.setWidth(5)
    p.setPen(pen)
    p.drawArc(QRectF(20, 4, 24, 28), 0, 180 * 16)  # its handle
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(QColor("white")))
    p.drawEllipse(QPointF(32, 39), 12, 9)  # a speech bubble: buyers talk to the shop
    p.setBrush(QBrush(QColor("#1b7a43")))
    for x in (26, 32, 38):
        p.drawEllipse(QPointF(x, 39), 2, 2)
    p.end()
    return pixmap


def _with_badge(base: QPixmap) -> QPixmap:
    pixmap = base.copy()
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(QColor("#b00020")))
    r = pixmap.width() * 0.22
    p.drawEllipse(QPointF(pixmap.width() - r, r), r, r)
    p.setPen(QColor("white"))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(r * 1.5))
    p.setFont(font)
    p.drawText(QRectF(pixmap.width() - 2 * r, 0, 2 * r, 2 * r), Qt.AlignmentFlag.AlignCenter, "!")
    p.end()
    return pixmap


class Notifier(QObject):
    """One place every alert passes: `notified` first (so tests and trayless desktops see it), then the tray
    balloon, then a beep when the shop asked for sound."""

    notified = Signal(str, str)  # title, text

    def __init__(self, tray: QSystemTrayIcon | None = None, sound: bool = False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tray = tray
        self.sound = sound

    def notify(self, title: str, text: str) -> None:
        self.notified.emit(title, text)
        if self.tray is not None and self.tray.isVisible() and QSystemTrayIcon.supportsMessages():
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, MESSAGE_MS)
        if self.sound:
            QApplication.beep()


class InboxAlerts(QObject):
    """Keeps the counts and the notifications in step with the inbox: on every Change that touches
    conversations, and once a minute for deadlines that come closer by themselves."""

    counts_changed = Signal(int, int)  # waiting, overdue
    open_inbox = Signal()  # the tray icon or a notification was clicked

    def __init__(self, ctx: AppContext, parent: QObject | None = None, tray: bool = True) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.counts = WaitingCounts(0, 0)
        self.tray: QSystemTrayIcon | None = None
        if tray and QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = self._make_tray()
        self.notifier = Notifier(self.tray, ctx.setting(ALERT_SOUND), self)
        self._marks: dict[str, int] = {}  # per book (`_book`): messages.seq seen at the last refresh
        self._announced_near: set[tuple[str, str]] = set()  # (conversation id, waiting_since) of those due soon
        self._seen_reviews: set[str] | None = None  # unanswered low reviews already counted or announced
        self.last_news = "chats"  # what the latest notification was about: a click opens the chats or the reviews
        ctx.changed.connect(self._on_change)
        self._timer = self.ctx.every(self, REFRESH_MS, self.refresh)
        self.refresh()

    def _make_tray(self) -> QSystemTrayIcon:
        tray = QSystemTrayIcon(app_icon(), self)
        tray.activated.connect(lambda _reason: self.open_inbox.emit())
        tray.messageClicked.connect(self.open_inbox.emit)
        menu = QMenu()
        menu.addAction(tr("Open the inbox"), self.open_inbox.emit)
        tray.setContextMenu(menu)
        self._menu = menu  # the tray does not own its menu
        tray.show()
        return tray

    def tooltip(self) -> str:
        return tooltip_text(self.counts)

    def _on_change(self, change: Change) -> None:
        if change.settings:
            self.notifier.sound = self.ctx.setting(ALERT_SOUND)
        if change.conversations or change.reviews or change.settings or change.sync:
            self.refresh()

    def refresh(self, now: datetime | None = None) -> None:
        """Read who waits, update the tray, announce what is new since the last look."""
        now = now or now_utc()
        db = self.ctx.db
        chats = waiting_now(db, now, NEAR_DEADLINE)
        self.counts = WaitingCounts(chats.waiting, chats.overdue, unanswered_low_count(db))
        if self.tray is not None:
            self.tray.setToolTip(self.tooltip())
            self.tray.setIcon(app_icon(self.counts.overdue))
        self.counts_changed.emit(self.counts.waiting, self.counts.overdue)
        self._announce_new(*self._new_questions(db))
        self._announce_near(self._near(chats.due_soon))
        self._announce_reviews()

    def _announce_reviews(self) -> None:
        """A new unanswered 1–3 star review, once; those there when the app starts are counted, not announced."""
        rows = listing(self.ctx.db, rating_max=LOW_RATING, only_unanswered=True, limit=LOOKED_AT) \
            if self.counts.low_reviews else []
        seen = self._seen_reviews
        self._seen_reviews = (seen or set()) | {r.id for r in rows}
        fresh = [r for r in rows if seen is not None and r.id not in seen]
        if fresh:
            self.last_news = "reviews"
        if len(fresh) > SHOWN_ONE_BY_ONE:
            self.notifier.notify(tr("New low ratings"), tr("{count} new 1–3 star reviews wait for an answer.",
                                                           count=len(fresh)))
            return
        for row in fresh:
            title = tr("New {stars}-star review from {buyer}", stars=row.rating, buyer=row.buyer_name or tr("a buyer"))
            title = tr("Practice: {title}", title=title) if row.practice else title
            self.notifier.notify(title, row.text or row.product_display_name or row.product_name)

    def _new_questions(self, db: Database) -> tuple[list[ConversationRow], int]:
        """The waiting stretches that began with a message stored since the last refresh (the first few, and how
        many). The first look at a book only sets its mark: what waits then is counted, not announced (as at the
        start); so does a book whose messages end before the mark. Back in the shop's book after practising, what
        came in meanwhile is announced."""
        upto = last_message_seq(db)
        book = _book(db)
        after = self._marks.get(book)
        self._marks[book] = upto
        if after is None or after >= upto:
            return [], 0
        return new_waiting(db, after, upto, SHOWN_ONE_BY_ONE + 1)

    def _near(self, due_soon: list[tuple[ConversationRow, Clock | None]]) -> list[ConversationRow]:
        """Those newly within the hour of their deadline; a stretch once announced is remembered while it stays
        due soon (answered or overdue, it is forgotten: a new question starts a new stretch)."""
        soon = [(row, (row.id, str(row.waiting_since))) for row, _clock in due_soon]
        near = [row for row, key in soon if key not in self._announced_near]
        self._announced_near = {key for _row, key in soon}
        return near

    def _announce_new(self, rows: list[ConversationRow], count: int) -> None:
        if rows:
            self.last_news = "chats"
        if count > SHOWN_ONE_BY_ONE:
            self.notifier.notify(tr("New questions from buyers"),
                                 tr("{count} buyers are waiting for an answer.", count=count))
            return
        for row in rows:
            title = tr("New question from {buyer}", buyer=_buyer(row))
            self.notifier.notify(_practice(row, title), row.last_text or tr("(a photo or product)"))

    def _announce_near(self, rows: list[ConversationRow]) -> None:
        if len(rows) > SHOWN_ONE_BY_ONE:
            self.notifier.notify(tr("Answer soon"), tr("{count} buyers will be past the deadline within an hour.",
                                                       count=len(rows)))
            return
        for row in rows:
            text = tr("{buyer} has waited a long time: answer within the hour so the shop's chat score stays good.",
                      buyer=_buyer(row))
            self.notifier.notify(_practice(row, tr("Answer soon")), text)

    def close(self) -> None:
        self._timer.stop()
        if self.tray is not None:
            self.tray.hide()


def _book(db: Database) -> str:
    """Which book a mark belongs to: its path and file (a restored copy or a fresh practice book put in the same
    place is another file, whose messages are numbered afresh)."""
    try:
        return f"{db.path}#{os.stat(db.path).st_ino}"
    except OSError:
        return str(db.path)


def _buyer(row: ConversationRow) -> str:
    return row.buyer_name or tr("a buyer")


def _practice(row: ConversationRow, title: str) -> str:
    return tr("Practice: {title}", title=title) if row.practice else title


def install_alerts(ctx: AppContext, window: QWidget) -> InboxAlerts:
    """Start-up wiring: alerts live as long as the window; a click brings the window and its inbox forward."""
    alerts = InboxAlerts(ctx, window)

    def show_inbox() -> None:
        window.showNormal()
        window.raise_()
        window.activateWindow()
        open_page = getattr(window, "open_page", None)
        from companion.gui.main_window import PAGES

        if open_page is not None and any(key == "inbox" for key, *_rest in PAGES):
            page = open_page("inbox")
            if alerts.last_news == "reviews" and hasattr(page, "open_reviews"):
                page.open_reviews()

    alerts.open_inbox.connect(show_inbox)
    return alerts
