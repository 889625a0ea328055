"""Kotak Masuk: every buyer waiting for an answer, from every shop and from the phone, the most urgent first.

Each row says how long the buyer has waited and how long is left before the platform counts the chat as unanswered
("sisa 2 jam 10 menit", "terlambat 35 menit" in red). Practice chats are labelled LATIHAN. Opening a row shows the
conversation and a reply box; answers leave through the sync engine, also after the shop was offline.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from companion.connectors import registry
from companion.domain.clock import now_utc
from companion.domain.deadlines import Clock
from companion.domain.money import format_quantity
from companion.gui.context import AppContext
from companion.gui.conversation_view import (
    ConversationView,
    channel_text,
    inbox_channel_names,
    inbox_channel_text,
    left_text,
    urgency_name,
    waited_text,
)
from companion.gui.countdown_model import CountdownTableModel, Index
from companion.gui.flow_layout import flow_row
from companion.gui.pages.base import Page
from companion.gui.reviews_view import ReviewsView
from companion.i18n import N_, tr
from companion.services import inbox as inbox_service
from companion.services.change import Change
from companion.services.inbox_pages import InboxPager
from companion.store import accounts as account_store
from companion.store import inbox as inbox_store
from companion.store.inbox import ConversationRow
from companion.store.reviews import unanswered_low_count
from companion.sync.chat import on_demand

COUNTDOWN_MS = 30_000
SEARCH_DELAY_MS = 250
STATES = ((N_("Waiting"), "waiting"), (N_("Overdue"), "overdue"), (N_("All"), "all"))
HEADERS = (N_("Time left"), N_("From"), N_("Buyer and last message"))
LEFT_COL, CHANNEL_COL, BUYER_COL = range(3)
RED, AMBER, PRACTICE_BG = QColor("#b00020"), QColor("#a14a00"), QColor("#fff1c2")
TEXT_CHARS = 80
PAGE_ROWS = 40  # rows read at a time: a few screens of 54-pixel rows; scrolling near the end reads the next ones
Entry = tuple[ConversationRow, Clock | None]

MODE_STYLE = ("QPushButton { padding: 4px 16px; font-weight: bold; } "  # bold both ways: checking keeps the width
              "QPushButton:checked { background: #1b7a43; color: white;"
              " border: 1px solid #145c32; border-radius: 3px; }")
PAGE_STYLE = """
QLabel#chatProblem { background: #fff7ed; border: 1px solid #f3c892; border-radius: 6px; padding: 8px 12px; }
QWidget#chatChecks { background: #eef4fb; border: 1px solid #c5d6ea; border-radius: 6px; }
"""


PRACTICE_CHAT_PROBLEM = N_("The practice shops' chats are not answering: press \"Start practice again\" in the "
                           "yellow bar.")


class InboxModel(CountdownTableModel[Entry]):
    """Conversations in the inbox's order (services.inbox_pages), read a page at a time: the view asks for more
    (canFetchMore/fetchMore) when it is scrolled near the end. Countdowns are worked out at paint time."""

    headers = HEADERS
    countdown_col = LEFT_COL

    def __init__(self) -> None:
        super().__init__()
        self.pager: InboxPager | None = None
        self._texts: dict[tuple[str, int], str] = {}  # cell texts at `_texts_now`: Babel's durations are slow
        self._texts_now = self.now

    @property
    def entries(self) -> list[Entry]:
        """The rows read so far (the list's start)."""
        return self.rows

    def set_entries(self, entries: list[Entry], now: datetime) -> None:
        self.pager = None
        self._texts.clear()
        self.replace_rows(entries, now)

    def set_pager(self, pager: InboxPager, keep: int = 0) -> None:
        """A new reading of the list; as many rows as were shown before (at least a page), so a refresh keeps
        the person's place."""
        self.pager = pager
        self._texts.clear()
        self.replace_rows(pager.next(max(keep, PAGE_ROWS)), pager.now)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 (Qt name)
        return not parent.isValid() and self.pager is not None and not self.pager.exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 (Qt name)
        if not self.canFetchMore(parent) or self.pager is None:
            return
        more = self.pager.next(PAGE_ROWS)
        if more:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
            self.rows.extend(more)
            self.endInsertRows()

    def find(self, conversation_id: str) -> int:
        """The row of a conversation, reading further down the list when it is not loaded yet (-1: not listed)."""
        row = self.row_of(conversation_id)
        while row < 0 and self.canFetchMore():
            start = len(self.rows)
            self.fetchMore()
            row = next((start + n for n, (c, _k) in enumerate(self.rows[start:]) if c.id == conversation_id), -1)
        return row

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        (row, clock), col = self.entries[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, clock, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.buyer_name}\n{row.last_text}" if col == BUYER_COL else self.text(row, clock, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            urgency = urgency_name(clock, self.now) if col == LEFT_COL else ""
            if urgency or (col == BUYER_COL and row.failed_replies):
                return QBrush(AMBER if urgency == "soon" else RED)
        if role == Qt.ItemDataRole.FontRole and self._bold(row, clock, col):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and col == CHANNEL_COL and row.practice:
            return QBrush(PRACTICE_BG)
        return None

    def _bold(self, row: ConversationRow, clock: Clock | None, col: int) -> bool:
        if col == LEFT_COL:
            return bool(urgency_name(clock, self.now))
        if col == CHANNEL_COL:
            return row.practice
        return col == BUYER_COL and row.unread > 0

    def text(self, row: ConversationRow, clock: Clock | None, col: int) -> str:
        """A cell's text, worked out once per row and clock tick (the view asks again at every repaint)."""
        if self._texts_now != self.now:
            self._texts.clear()
            self._texts_now = self.now
        key = (row.id, col)
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = self._text(row, clock, col)
        return text

    def _text(self, row: ConversationRow, clock: Clock | None, col: int) -> str:
        if col == LEFT_COL:
            if not row.waiting_since:
                return tr("answered")
            left = left_text(clock, self.now)
            waited = tr("waiting {time}", time=waited_text(clock, self.now, units=1))
            return f"{left}\n{waited}" if left else waited
        if col == CHANNEL_COL:
            name = channel_text(row)
            return f"{tr('PRACTICE')}\n{name}" if row.practice else name
        return row.buyer_name + (f" ({row.unread})" if row.unread else "") + "\n" + self._last_text(row)

    def _last_text(self, row: ConversationRow) -> str:
        text = " ".join(row.last_text.split())
        text = text if len(text) <= TEXT_CHARS else text[:TEXT_CHARS - 1] + "…"
        if row.failed_replies:
            return tr("Not sent: {text}", text=text)
        if row.queued_replies:
            return tr("Waiting to be sent: {text}", text=text)
        return text

    def entry(self, n: int) -> Entry | None:
        return self.row_at(n)

    def row_of(self, conversation_id: str) -> int:
        return next((n for n, (c, _k) in enumerate(self.entries) if c.id == conversation_id), -1)


class InboxPage(Page):
    title_msgid = N_("Inbox")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.setStyleSheet(PAGE_STYLE)
        self._loaded = False
        self._listed: tuple[str | None, str, str] | None = None  # the filter the list was last read with
        title = QLabel(tr("Inbox"))
        title.setProperty("role", "title")
        self.log_button = QPushButton(tr("Log a question…"))
        self.log_button.setToolTip(tr("A question by phone, WhatsApp or at the shop: keep it here until answered."))
        self.log_button.clicked.connect(self.log_inquiry)
        self.templates_button = QPushButton(tr("Quick replies…"))
        self.templates_button.clicked.connect(self.edit_templates)
        self.coaching_toggle = QToolButton()
        self.coaching_toggle.setCheckable(True)
        self.coaching_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.coaching_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.coaching_toggle.setText(tr("How fast do I answer?"))
        self.coaching_toggle.toggled.connect(self.show_coaching)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(12)
        self._modes_built(top)
        # up here, wrapping in a narrow window: the conversation below keeps the height
        top.addWidget(flow_row([], [self.templates_button, self.log_button]), 1)
        self.problem = QLabel()
        self.problem.setObjectName("chatProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.checks = QWidget()
        self.checks.setObjectName("chatChecks")
        self.checks.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.checks_layout = QHBoxLayout(self.checks)  # in the filter row: the thread keeps the height
        self.checks_layout.setContentsMargins(0, 0, 0, 0)
        self.checks.hide()
        self.check_buttons: dict[str, QPushButton] = {}
        self._filters_built(ctx)
        self.model = InboxModel()
        self.table = self._table()
        self.empty_label = QLabel()
        self.empty_label.setProperty("role", "hint")
        self.empty_label.setWordWrap(True)
        self.view = ConversationView(ctx)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty_label)
        # under the list, not in the title row: one line of buttons up there leaves the thread its height
        left_layout.addWidget(self.coaching_toggle, 0, Qt.AlignmentFlag.AlignLeft)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.addWidget(left)
        self.split.addWidget(self.view)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.split.setSizes([560, 420])
        self.view.setMinimumWidth(360)
        self.coaching: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.problem)
        layout.addWidget(self.checks)
        self.filters.addWidget(self.checks)
        layout.addLayout(self.filters)
        self.reviews = ReviewsView(ctx)
        self.reviews.counted.connect(lambda n, _low: self.count_label.setText(
            tr("1 review") if n == 1 else tr("{count} reviews", count=format_quantity(n))))
        self.stack = QStackedWidget()
        self.stack.addWidget(self.split)
        self.stack.addWidget(self.reviews)
        layout.addWidget(self.stack, 1)
        self._layout = layout
        self._timer = self.ctx.every(self, COUNTDOWN_MS, self._tick)

    def _modes_built(self, top: QHBoxLayout) -> None:
        """"Chat" and "Ulasan": the buyers' questions, or their ratings (the unanswered low ones counted)."""
        self.chats_tab = QPushButton(tr("Chats"))
        self.reviews_tab = QPushButton(tr("Reviews"))
        self.modes = QButtonGroup(self)
        for button in (self.chats_tab, self.reviews_tab):
            button.setCheckable(True)
            button.setMinimumHeight(36)
            button.setStyleSheet(MODE_STYLE)
            self.modes.addButton(button)
            top.addWidget(button)
        self.chats_tab.setChecked(True)
        self.reviews_tab.toggled.connect(self.show_reviews)

    def _filters_built(self, ctx: AppContext) -> None:
        self.channel = QComboBox()
        self.channel.addItem(tr("All channels"), None)
        for key, name in inbox_channel_names().items():
            self.channel.addItem(tr(name), key)
        self.state = QComboBox()
        for label, key in STATES:
            self.state.addItem(tr(label), key)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Search all messages"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._search_timer.start(SEARCH_DELAY_MS))
        self.channel.currentIndexChanged.connect(lambda _i: self._channel_chosen())
        self.state.currentIndexChanged.connect(lambda _i: self.reload())
        self.count_label = QLabel()
        self.count_label.setProperty("role", "hint")
        self.filters = QHBoxLayout()
        self.filters.addWidget(self.channel)
        self.filters.addWidget(self.state)
        self.filters.addWidget(self.search, 1)
        self.filters.addWidget(self.count_label)

    def _table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(54)  # two lines: the buyer, then the last message
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(BUYER_COL, QHeaderView.ResizeMode.Stretch)
        table.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        return table

    # --- data --------------------------------------------------------------------------------------------
    def reload(self) -> None:
        self._search_timer.stop()
        low = unanswered_low_count(self.ctx.db)
        self.reviews_tab.setText(tr("Reviews ({count})", count=low) if low else tr("Reviews"))
        if self.showing_reviews():
            self.reviews.reload(self.search.text().strip())
            self._loaded = True
            return
        selected = self.selected()
        wanted = (self.channel.currentData(), self.state.currentData(), self.search.text().strip())
        pager = InboxPager(self.ctx.db, now_utc(), *wanted)
        # a refresh of the same list keeps as many rows as were read (the place scrolled to); a new filter starts over
        self.model.set_pager(pager, keep=self.model.rowCount() if wanted == self._listed else 0)
        self._listed = wanted
        self._show_problems()
        self._show_checks()
        total = pager.total()
        self.count_label.setText(tr("1 conversation") if total == 1
                                 else tr("{count} conversations", count=format_quantity(total)))
        self.empty_label.setVisible(not total)
        self.empty_label.setText(self._empty_text())
        self._loaded = True
        open_id = selected[0].id if selected else (self.view.row.id if self.view.row else None)
        row = self.model.row_of(open_id) if open_id else -1
        if row >= 0:
            self.table.selectRow(row)
        elif open_id:  # answered (or filtered out) while open: it stays on screen until the person moves on
            self.view.show_conversation(inbox_store.conversation(self.ctx.db, open_id), None)
            return
        self._show_selected()

    def _empty_text(self) -> str:
        if self.search.text().strip():
            return tr("No message contains these words.")
        if self.state.currentData() != "all":
            return tr("Nobody is waiting for an answer. New chats appear by themselves after each sync.")
        return tr("No conversations yet. Chats from your online shops appear here after each sync.")

    def _show_problems(self) -> None:
        """One sentence per shop whose chats cannot be read (no chat permission yet), saying what to do."""
        practice = {a.id for a in account_store.active(self.ctx.db) if a.practice}
        problems = inbox_store.chat_problems(self.ctx.db)
        # a practice shop needs no developer console: its chats come back with "Start practice again"
        sentences = [tr(PRACTICE_CHAT_PROBLEM) if p.account_id in practice
                     else tr(p.sentence_msgid) if inbox_channel_text(p.channel) in tr(p.sentence_msgid)
                     else f"{inbox_channel_text(p.channel)}: {tr(p.sentence_msgid)}" for p in problems]
        self.problem.setText("\n".join(dict.fromkeys(sentences)))
        self.problem.setVisible(bool(sentences))

    def _show_checks(self) -> None:
        """Channels whose chats are read only when asked: one line each, why, and a button to check now."""
        wanted = sorted({a.channel for a in account_store.active(self.ctx.db) if on_demand(a.channel)},
                        key=lambda c: (getattr(registry.find(c), "order", 100), c))
        if wanted != list(self.check_buttons):
            while self.checks_layout.count():
                item = self.checks_layout.takeAt(0)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.deleteLater()
            self.check_buttons = {}
            for channel in wanted:
                self.checks_layout.addWidget(self._check_line(channel))
        self.checks.setVisible(bool(wanted))

    def _check_line(self, channel: str) -> QWidget:
        spec = registry.find(channel)
        line = QWidget()
        row = QHBoxLayout(line)
        row.setContentsMargins(0, 0, 0, 0)
        note = (tr(spec.chat_pull_note) if spec and spec.chat_pull_note else
                tr("Chats of this marketplace are read only when you ask."))
        button = QPushButton(tr("Check {channel} chats", channel=inbox_channel_text(channel)))
        button.setToolTip(note)  # why, on the button: a line of its own left the thread one message high
        button.clicked.connect(lambda: self.check_chats(channel))
        self.check_buttons[channel] = button
        row.addWidget(button)
        return line

    def _channel_chosen(self) -> None:
        """Opening an on-demand channel's filter is asking for its chats."""
        channel = self.channel.currentData()
        if channel and on_demand(channel):
            self.check_chats(channel)
        self.reload()

    def check_chats(self, channel: str) -> bool:
        """Ask the sync to read this channel's chats now (they arrive as any chats do); False when sync is off."""
        if self.ctx.sync is None or not self.ctx.sync.running:
            return False
        self.ctx.sync.check_chats(channel)
        return True

    def on_change(self, change: Change) -> None:
        if self._loaded and self.showing_reviews() and self.reviews.wants(change):
            self.reload()
            return
        if self._loaded and (change.conversations or change.sync or change.settings or change.products):
            self.reload()
            if self.coaching is not None and self.coaching.isVisible():
                self.coaching.reload()  # type: ignore[attr-defined]

    def _tick(self) -> None:
        self.model.tick()
        self.view.tick()

    def selected(self) -> Entry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if rows else None

    def showing_reviews(self) -> bool:
        return self.stack.currentWidget() is self.reviews

    def show_reviews(self, shown: bool) -> None:
        """Switch between the chats and the reviews; the search box searches what is shown."""
        self.reviews_tab.setChecked(shown)
        self.chats_tab.setChecked(not shown)
        self.stack.setCurrentWidget(self.reviews if shown else self.split)
        for widget in (self.channel, self.state, self.templates_button, self.log_button, self.coaching_toggle):
            widget.setVisible(not shown)
        if shown:
            self.coaching_toggle.setChecked(False)
            self.problem.hide()
            self.checks.hide()
        self.search.setPlaceholderText(tr("Search all reviews") if shown else tr("Search all messages"))
        self.reload()

    def open_reviews(self, review_id: str | None = None) -> bool:
        """Show the reviews (from the tray or the Home checklist), with one chosen when given."""
        self.show_reviews(True)
        return self.reviews.open_review(review_id) if review_id else True

    def open_conversation(self, conversation_id: str) -> bool:
        """Select a conversation (from an alert or the Home checklist); shows every state if it is not listed."""
        if self.showing_reviews():
            self.show_reviews(False)
        row = self.model.find(conversation_id)
        if row < 0 and self.state.currentData() != "all":
            self.state.setCurrentIndex(len(STATES) - 1)
            row = self.model.find(conversation_id)
        if row >= 0:
            self.table.selectRow(row)
        return row >= 0

    def _show_selected(self) -> None:
        entry = self.selected()
        self.view.show_conversation(*(entry if entry else (None, None)))
        if entry is not None and entry[0].unread:
            conversation_id = entry[0].id  # read now: after this reload, so the list is not reset under the click
            QTimer.singleShot(0, lambda: self._mark_read(conversation_id))

    def _mark_read(self, conversation_id: str) -> None:
        self.ctx.announce(inbox_service.mark_read(self.ctx.db, conversation_id))

    # --- actions -----------------------------------------------------------------------------------------
    def log_inquiry(self) -> None:
        from companion.gui.log_inquiry_dialog import LogInquiryDialog

        dialog = LogInquiryDialog(self.ctx, self)
        if dialog.exec() and dialog.conversation_id:
            self.open_conversation(dialog.conversation_id)

    def edit_templates(self) -> None:
        from companion.gui.quick_replies import TemplatesDialog

        TemplatesDialog(self.ctx, self).exec()

    def show_coaching(self, shown: bool) -> None:
        """The response-rate panel is built the first time it is opened."""
        self.coaching_toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        if shown and self.coaching is None:
            from companion.gui.response_coaching import ResponseCoaching

            self.coaching = ResponseCoaching(self.ctx)
            self._layout.addWidget(self.coaching)
        if self.coaching is not None:
            self.coaching.setVisible(shown)
            if shown:
                self.coaching.reload()  # type: ignore[attr-defined]

