"""Ulasan: buyers' ratings from every linked shop beside the chats, the unanswered 1–3 stars first, newest first;
the chosen one on the right with its photos, product, order, "Apa penyebabnya" and the reply box.

Reads through store.reviews (searched with the inbox's search box) and writes through services.reviews; photos are
kept like chat pictures (sync/images.py: the cache by URL, fetched on a pool thread from the shop's own platform
hosts only). A channel whose platform gives apps no reviews (ChannelSpec.reviews.available False) gets one plain
sentence and a button opening its seller centre.
"""

from __future__ import annotations

from pathlib import Path

import requests
from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from companion.connectors import registry
from companion.domain.errors import UserError
from companion.domain.reviews import LOW_RATING
from companion.domain.settings_keys import TIME_ZONE
from companion.gui.channel_names import channel_label
from companion.gui.context import AppContext
from companion.gui.labels import text_label
from companion.gui.layout_clearing import clear_layout
from companion.gui.messages import error_text
from companion.gui.returns_view import photo_file
from companion.gui.review_cause_words import cause_lines
from companion.gui.review_detail import ReviewDetail
from companion.gui.review_list import REVIEW_COL, STARS_COL, STATE_COL, ReviewListModel
from companion.i18n import tr
from companion.services import reviews as review_service
from companion.services.change import Change
from companion.services.review_causes import causes_for
from companion.store import accounts as account_store
from companion.store import reviews as review_store
from companion.store.database import Database
from companion.store.reviews import ReviewRow
from companion.sync.images import NotAnImage, cache_dir, fetch, hosts_for

LISTED = 500
SIZED_BY = 40  # rows the columns are sized by: measuring all 500 cost more than reading them
VIEW_STYLE = """
QWidget#reviewNotes { background: #eef4fb; border: 1px solid #c5d6ea; border-radius: 6px; }
"""


def fetch_review_photos(db: Database, review_id: str) -> Change:
    """Download the review's photos not cached yet, from its shop's platform hosts only (on a pool thread), and
    note each local copy on the review."""
    row = review_store.get(db, review_id)
    account = account_store.get(db, row.account_id) if row else None
    change = Change()
    if row is None or account is None:
        return change
    allowed, folder = hosts_for(account), cache_dir(db)
    with requests.Session() as http:
        for url in row.photos:
            if photo_file(folder, url) is None and allowed.allows(url):
                try:
                    path = fetch(http, url, folder, allowed)
                except (requests.RequestException, OSError, NotAnImage):
                    continue  # tried again when the review is shown again
                change |= review_service.record_cached_photo(db, review_id, url, str(path))
    return change


class ReviewsView(QWidget):
    """The "Ulasan" side of the inbox: `reload(search)` reads the list again, keeping the chosen review."""

    counted = Signal(int, int)  # reviews listed, unanswered low ones listed

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.search = ""
        self.fetching: set[str] = set()
        self.setStyleSheet(VIEW_STYLE)
        self.notes = QWidget()
        self.notes.setObjectName("reviewNotes")
        self.notes.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.notes_layout = QVBoxLayout(self.notes)
        self.notes_layout.setContentsMargins(10, 6, 10, 6)
        self.notes.hide()
        self.centre_buttons: dict[str, QPushButton] = {}
        self.only_open = QCheckBox(tr("Only 1–3 stars not answered yet"))
        self.only_open.toggled.connect(lambda _on: self.reload())
        self.month_button = QPushButton(tr("Ratings per month…"))
        self.month_button.setToolTip(tr("Each product's average rating this month, its low ratings and their most "
                                        "common cause."))
        self.month_button.clicked.connect(self.open_months)
        self.model = ReviewListModel()
        self.table = self._table()
        self.empty_label = text_label("", role="hint")
        self.detail = ReviewDetail(ctx)
        self.detail.send_requested.connect(self.send)
        self.detail.withdraw_requested.connect(self.withdraw)
        self.detail.setMinimumWidth(380)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(self.only_open, 1)
        bar.addWidget(self.month_button)
        left_layout.addWidget(self.notes)  # beside the list, so the chosen review keeps the full height
        left_layout.addLayout(bar)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty_label)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.addWidget(left)
        self.split.addWidget(self.detail)
        self.split.setStretchFactor(0, 1)  # half each: the chosen review's words and causes wrap less
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([500, 500])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.split, 1)

    def _table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(54)  # two lines: buyer and product, then the words
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = table.horizontalHeader()
        header.setResizeContentsPrecision(SIZED_BY)
        header.setSectionResizeMode(STARS_COL, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(REVIEW_COL, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(STATE_COL, QHeaderView.ResizeMode.ResizeToContents)
        table.selectionModel().selectionChanged.connect(lambda *_: self.show_selected())
        return table

    # --- data --------------------------------------------------------------------------------------------
    def reload(self, search: str | None = None) -> None:
        if search is not None:
            self.search = search
        open_id = self.detail.row.id if self.detail.row is not None else None
        only = self.only_open.isChecked()
        rows = review_store.listing(self.ctx.db, search=self.search, only_unanswered=only,
                                    rating_max=LOW_RATING if only else None, limit=LISTED)
        self.model.set_rows(rows, self.ctx.setting(TIME_ZONE))
        self._show_notes()
        self.empty_label.setText(self._empty_text())
        self.empty_label.setVisible(not rows)
        self.counted.emit(len(rows), self.model.low_unanswered())
        row = self.model.row_of(open_id) if open_id else -1
        if row >= 0:
            self.table.selectRow(row)
            self.show_selected()
        elif open_id:  # answered or filtered out while open: it stays on screen until the person moves on
            self.show_review(review_store.get(self.ctx.db, open_id))
        else:
            self.show_selected()

    def _empty_text(self) -> str:
        if self.search:
            return tr("No review contains these words.")
        if self.only_open.isChecked():
            return tr("Every low rating has an answer.")
        return tr("No reviews yet. Buyers' ratings from your online shops appear here after each sync.")

    def _show_notes(self) -> None:
        """One line per linked shop whose platform gives apps no reviews: say so, and open its seller centre."""
        wanted = {}
        for account in account_store.active(self.ctx.db):
            spec = registry.find(account.channel)
            rules = spec.reviews if spec is not None else None
            if rules is not None and not rules.available:
                wanted[account.channel] = rules
        if sorted(wanted) != sorted(self.centre_buttons):
            clear_layout(self.notes_layout)
            self.centre_buttons = {}
            for channel, rules in sorted(wanted.items()):
                self.notes_layout.addWidget(self._note_line(channel, rules.note, rules.seller_centre_url))
        self.notes.setVisible(bool(wanted))

    def _note_line(self, channel: str, note: str, url: str) -> QWidget:
        line = QWidget()
        column = QVBoxLayout(line)
        column.setContentsMargins(0, 0, 0, 0)
        words = tr(note) if note else tr("{channel} does not give its reviews to apps: read and answer them in its "
                                         "seller centre.", channel=channel_label(channel))
        column.addWidget(text_label(words))
        if url:
            button = QPushButton(tr("Open {channel} seller centre", channel=channel_label(channel)))
            button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl(url)))
            self.centre_buttons[channel] = button
            column.addWidget(button, 0, Qt.AlignmentFlag.AlignRight)
        return line

    def selected(self) -> ReviewRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def open_review(self, review_id: str) -> bool:
        row = self.model.row_of(review_id)
        if row < 0 and self.only_open.isChecked():
            self.only_open.setChecked(False)
            row = self.model.row_of(review_id)
        if row >= 0:
            self.table.selectRow(row)
        return row >= 0

    def show_selected(self) -> None:
        self.show_review(self.selected())

    def show_review(self, row: ReviewRow | None) -> None:
        if row is None:
            self.detail.show_review(None)
            return
        causes = cause_lines(causes_for(self.ctx.db, row.id)) if row.low and not row.hidden else []
        photos = photos_of(self.ctx.db, row)
        self.detail.show_review(row, causes, photos)
        if any(p is None for p in photos):
            self._fetch(row.id)

    def _fetch(self, review_id: str) -> None:
        if review_id in self.fetching:
            return
        self.fetching.add(review_id)

        def done(change: Change) -> None:
            self.fetching.discard(review_id)  # shown again later: the rest are tried again
            if change.reviews:
                self.ctx.announce(change)

        self.ctx.work.run(lambda db, _progress: fetch_review_photos(db, review_id), done,
                          lambda _exc: self.fetching.discard(review_id))

    # --- actions -----------------------------------------------------------------------------------------
    def send(self, review_id: str, text: str) -> bool:
        """Queue the reply: it reads "menunggu dikirim" until the sync has sent it, exactly once."""
        try:
            change = review_service.queue_review_reply(self.ctx.db, review_id, text)
        except UserError as exc:
            self.detail.refused(error_text(exc))
            return False
        self.detail.sent()
        self.ctx.announce(change)
        if self.ctx.sync is not None:
            self.ctx.sync.sync_now()
        return True

    def withdraw(self, review_id: str) -> bool:
        """"Batalkan": the waiting reply is not sent; its words come back to the box to change."""
        row = review_store.get(self.ctx.db, review_id)
        try:
            change = review_service.withdraw_review_reply(self.ctx.db, review_id)
        except UserError as exc:
            self.detail.refused(error_text(exc))
            return False
        self.ctx.announce(change)
        if row is not None and not self.detail.reply.toPlainText().strip():
            self.detail.reply.setPlainText(row.pending_reply)
        return True

    def open_months(self) -> None:
        from companion.gui.review_month_view import ReviewMonthDialog

        ReviewMonthDialog(self.ctx, self).exec()

    def wants(self, change: Change) -> bool:
        """Whether a change may touch what this view shows."""
        return bool(change.reviews or change.sync or change.orders or change.products or change.settings)


def photos_of(db: Database, row: ReviewRow) -> list[Path | None]:
    """Each photo's copy on this laptop: cached by the sync (photo_paths) or by this view, None when not yet."""
    folder, known = cache_dir(db), row.photo_paths or {}
    return [Path(known[url]) if url in known and Path(known[url]).exists() else photo_file(folder, url)
            for url in row.photos]
