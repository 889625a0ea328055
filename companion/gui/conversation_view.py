"""One conversation: who is asking, how long they have waited, the thread, and a reply box.

Replies go through services.inbox.queue_reply: they show "menunggu dikirim" until the sync engine has sent them
(exactly once, also after a night offline). Product and order cards show the local product or order they mean, so
the answer can quote today's stock and price.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from companion.domain.clock import now_utc, parse_stamp
from companion.domain.deadlines import Clock
from companion.domain.errors import UserError
from companion.domain.money import format_quantity, format_rupiah
from companion.domain.settings_keys import TIME_ZONE
from companion.gui.channel_names import channel_label, channel_labels
from companion.gui.context import AppContext
from companion.gui.durations import local_time_text, span_text
from companion.gui.flow_layout import flow_row
from companion.gui.messages import confirm, show_error
from companion.gui.order_times import STATUS_NAMES
from companion.i18n import N_, tr
from companion.services import inbox as inbox_service
from companion.services.inbox import QuoteChange
from companion.store import inbox as inbox_store
from companion.store import listings as listing_store
from companion.store import online_orders as order_store
from companion.store import products as product_store
from companion.store.database import Database
from companion.store.inbox import ConversationRow, MessageRow

MANUAL = "manual"  # hand-logged chats (phone, WhatsApp, at the shop): not a channel
MANUAL_NAME = N_("Phone / WA / shop")
SOURCE_NAMES = {"phone": N_("Phone"), "whatsapp": N_("WhatsApp"), "walk_in": N_("At the shop")}
STATUS_TEXT = {"queued": N_("waiting to be sent"), "sending": N_("sending…"), "sent": N_("sent"),
               "failed": N_("not sent")}
SOON = timedelta(hours=2)
THUMB = 160

VIEW_STYLE = """
QFrame#bubbleBuyer { background: #ffffff; border: 1px solid #dde3df; border-radius: 8px; }
QFrame#bubbleShop { background: #e4f3ea; border: 1px solid #b9dcc6; border-radius: 8px; }
QFrame#card { background: #f7f7f2; border: 1px solid #d9d6c3; border-radius: 6px; }
QFrame#staleBar { background: #fff7ed; border: 1px solid #f3c892; border-radius: 6px; }
QLabel#practice { background: #fff1c2; color: #6b4e00; font-weight: bold; padding: 2px 8px; border-radius: 4px; }
QLabel#overdue { color: #b00020; font-weight: bold; }
QLabel#soon { color: #a14a00; font-weight: bold; }
QLabel#failed { color: #b00020; }
QLabel#notice { color: #b00020; font-style: italic; }
QLabel#meta { color: #555; font-size: 9pt; }
QPushButton[role="replyTool"] { padding: 2px 12px; min-height: 32px; }
QWidget#thread { background: #f3f5f4; }
"""


def inbox_channel_names() -> dict[str, str]:
    """{channel: msgid} for the inbox's channel filter: every registered channel, then the hand-logged chats."""
    return {**channel_labels(), MANUAL: MANUAL_NAME}


def inbox_channel_text(channel: str) -> str:
    """The channel's short label, or "Phone / WA / shop" for hand-logged chats."""
    return tr(MANUAL_NAME) if channel == MANUAL else channel_label(channel)


def channel_text(row: ConversationRow) -> str:
    """The channel's label, or how a hand-logged question came ("WhatsApp")."""
    if row.channel == MANUAL and row.source in SOURCE_NAMES:
        return tr(SOURCE_NAMES[row.source])
    return inbox_channel_text(row.channel)


def left_text(clock: Clock | None, now: datetime) -> str:
    """"sisa 2 jam 10 menit" or "terlambat 35 menit"; empty when nobody waits or no rule counts the chat."""
    left = clock.left(now) if clock is not None else None
    if left is None:
        return ""
    if left < timedelta(0):
        return tr("{time} overdue", time=span_text(left))
    return tr("{time} left", time=span_text(left))


def waited_text(clock: Clock | None, now: datetime, units: int = 2) -> str:
    """How long the buyer has waited for an answer ("1 jam 5 menit"), empty when nobody waits."""
    if clock is None:
        return ""
    return span_text(now - clock.waiting_since, units)


def urgency_name(clock: Clock | None, now: datetime) -> str:
    """"overdue", "soon" or "" (the style name of a countdown)."""
    left = clock.left(now) if clock is not None else None
    if left is None:
        return ""
    return "overdue" if left < timedelta(0) else "soon" if left < SOON else ""


def status_text(message: MessageRow) -> str:
    if message.blocked and message.status == "sent":  # the platform took it but the buyer did not get it
        return tr("blocked by the marketplace")
    return tr(STATUS_TEXT.get(message.status, message.status)) if message.status in STATUS_TEXT else ""


def notice_text(message: MessageRow) -> str:
    """The platform's own words when it blocked or flagged this message ("" when it did not)."""
    return tr("The marketplace blocked this message: {words}", words=message.platform_notice) \
        if message.platform_notice else ""


def _label(text: str, name: str = "", wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        label.setObjectName(name)
    return label


class ConversationView(QWidget):
    """The right-hand side of the inbox; `show_conversation(row, clock)` fills it, None empties it."""

    product_chosen = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.row: ConversationRow | None = None
        self.clock: Clock | None = None
        self.messages: list[MessageRow] = []
        self.product_id: str | None = None  # the product the reply is about (picked, or the thread's last card)
        self.quoted: dict[str, tuple[int, int]] = {}  # product id → (price, stock) as put into the reply
        self.retry_buttons: dict[str, QPushButton] = {}
        self.setStyleSheet(VIEW_STYLE)
        self.buyer = QLabel()
        self.buyer.setProperty("role", "title")
        self.practice = QLabel(tr("PRACTICE"))
        self.practice.setObjectName("practice")
        self.practice.setToolTip(tr("A pretend buyer from practice mode: answer to learn, nobody real is waiting."))
        self.channel = _label("", "meta")
        self.countdown = QLabel()
        self.answered_button = QPushButton(tr("Already answered"))
        self.answered_button.setToolTip(tr("Answered by phone, WhatsApp or in the marketplace app: stop counting."))
        self.answered_button.clicked.connect(self.mark_answered)
        self.orders = _label("", "meta")
        self.stale = QFrame()
        self.stale.setObjectName("staleBar")
        self.stale_text = _label("")
        self.stale_keep = QPushButton(tr("Send anyway"))
        self.stale_change = QPushButton(tr("Change the answer"))
        stale_layout = QHBoxLayout(self.stale)
        stale_layout.addWidget(self.stale_text, 1)
        stale_layout.addWidget(self.stale_keep)
        stale_layout.addWidget(self.stale_change)
        self.stale.hide()
        self.stale_message_id: str | None = None
        self.stale_seen: set[str] = set()  # queued answers the owner let go with the new numbers
        self.stale_keep.clicked.connect(self.keep_stale)
        self.stale_change.clicked.connect(self.change_stale)
        self.thread_box = QWidget()
        self.thread_box.setObjectName("thread")
        self.thread_layout = QVBoxLayout(self.thread_box)
        self.thread_layout.setSpacing(4)
        self.thread_layout.setContentsMargins(6, 4, 6, 4)  # a short window still shows two messages
        self.thread_layout.addStretch(1)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setWidget(self.thread_box)
        self._stick_to_end = True
        bar = self.scroller.verticalScrollBar()
        bar.rangeChanged.connect(lambda _lo, _hi: self._scroll_to_end())
        bar.sliderPressed.connect(lambda: setattr(self, "_stick_to_end", False))
        self.empty = _label(tr("Choose a conversation on the left to read it and answer."), "meta")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reply = QPlainTextEdit()
        self.reply.setPlaceholderText(tr("Write an answer… (Ctrl+Enter sends)"))
        self.reply.setFixedHeight(48)  # two lines (it scrolls for more); the thread above keeps the height
        self.quick_button = QPushButton(tr("Quick reply ▾"))
        self.quick_button.clicked.connect(self.open_quick_replies)
        self.product_button = QPushButton(tr("Product…"))
        self.product_button.setToolTip(tr("Put a product's price and stock of right now into the answer."))
        self.product_button.clicked.connect(self.pick_product)
        self.send_button = QPushButton(tr("Send"))
        self.send_button.setProperty("primary", True)
        self.send_button.clicked.connect(self.send)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self.reply).activated.connect(self.send)
        for button in (self.answered_button, self.quick_button, self.product_button, self.send_button):
            button.setProperty("role", "replyTool")  # a little lower than a page's buttons: the thread keeps the height
        self.error = _label("")
        self.error.setProperty("role", "error")
        self.error.hide()
        self._layout()
        self.show_conversation(None, None)

    def _layout(self) -> None:
        # the buyer, the shop and the time left beside "Already answered": the thread keeps the height
        who = QHBoxLayout()
        who.addWidget(self.buyer)
        who.addWidget(self.practice)
        who.addStretch(1)
        names = QVBoxLayout()
        names.setSpacing(0)
        names.addLayout(who)
        names.addWidget(flow_row([self.channel, self.countdown]))  # one line when there is room, else two
        head = QHBoxLayout()
        head.addLayout(names, 1)
        self.answered_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # never cut
        head.addWidget(self.answered_button, 0, Qt.AlignmentFlag.AlignBottom)
        tools = QHBoxLayout()
        tools.addWidget(self.quick_button)
        tools.addWidget(self.product_button)
        tools.addStretch(1)
        tools.addWidget(self.send_button)
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(head)
        body.addWidget(self.orders)
        body.addWidget(self.stale)
        body.addWidget(self.scroller, 1)
        body.addWidget(self.error)
        body.addWidget(self.reply)
        body.addLayout(tools)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.body, 1)

    # --- showing ------------------------------------------------------------------------------------------
    def show_conversation(self, row: ConversationRow | None, clock: Clock | None) -> None:
        """Fill the view; a different conversation starts a fresh reply, the same one keeps what was typed."""
        if row is None or self.row is None or row.id != self.row.id:
            self.reply.clear()
            self.quoted = {}
            self.product_id = None
            self.error.hide()
        self.row, self.clock = row, clock
        self.empty.setVisible(row is None)
        self.body.setVisible(row is not None)
        if row is None:
            self.messages = []
            return
        self.buyer.setText(row.buyer_name or tr("Buyer"))
        self.practice.setVisible(row.practice)
        where = channel_text(row)
        account = tr(row.account_name) if row.practice and row.account_name else row.account_name  # practice: msgids
        shown = account if account and where in account else where
        self.channel.setText(f"{where} · {account}" if shown != account and account else shown)
        self.answered_button.setVisible(row.waiting_since is not None)
        self.tick()
        self.messages = inbox_store.thread(self.ctx.db, row.id)
        self._show_orders(row)
        self._fill_thread()
        self._check_stale()

    def tick(self) -> None:
        """Move the countdown on."""
        now = now_utc()
        self.countdown.setText(left_text(self.clock, now))
        self.countdown.setObjectName(urgency_name(self.clock, now))
        self.countdown.setStyleSheet("")  # re-polish for the new object name

    def _show_orders(self, row: ConversationRow) -> None:
        """The buyer's orders in this shop, newest first (up to three), so "where is my parcel" is one glance."""
        mine = [o for o in order_store.listing(self.ctx.db, channel=row.channel if row.account_id else None)
                if row.account_id and o.account_id == row.account_id and row.buyer_name
                and o.buyer_name == row.buyer_name][:3]
        self.orders.setVisible(bool(mine))
        self.orders.setText(tr("Orders: {orders}", orders="; ".join(
            f"{o.platform_order_id} ({tr(STATUS_NAMES.get(o.status, o.status))}, {format_rupiah(o.total)})"
            for o in mine)))

    def _fill_thread(self) -> None:
        while self.thread_layout.count() > 1:
            item = self.thread_layout.takeAt(1)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.retry_buttons = {}
        for message in self.messages:
            self.thread_layout.addWidget(self._bubble(message))
        self.thread_box.adjustSize()
        self._stick_to_end = True  # the newest message in view once the layout has sized the bubbles
        self._scroll_to_end()

    def _scroll_to_end(self) -> None:
        if self._stick_to_end:
            bar = self.scroller.verticalScrollBar()
            bar.setValue(bar.maximum())

    def thread_texts(self) -> list[str]:
        """What the thread shows, top to bottom (what a person reads; tests use it)."""
        texts: list[str] = []
        for n in range(1, self.thread_layout.count()):
            item = self.thread_layout.itemAt(n)
            widget = item.widget() if item is not None else None
            if widget is not None:
                texts.append(" | ".join(label.text() for label in widget.findChildren(QLabel) if label.text()))
        return texts

    def _bubble(self, message: MessageRow) -> QWidget:
        frame = QFrame()
        frame.setObjectName("bubbleBuyer" if message.from_buyer else "bubbleShop")
        frame.setMaximumWidth(520)
        inner = QVBoxLayout(frame)
        inner.setContentsMargins(10, 6, 10, 6)
        if message.kind == "image":
            inner.addWidget(self._image(message))
        elif message.kind == "product":
            inner.addWidget(self._product_card(message))
        elif message.kind == "order":
            inner.addWidget(self._order_card(message))
        if message.text:
            inner.addWidget(_label(message.text))
        elif message.kind == "other":
            inner.addWidget(_label(tr("(a message the app cannot show: open it in the marketplace app)"), "meta"))
        inner.addWidget(self._meta(message))
        if message.platform_notice:
            inner.addWidget(_label(notice_text(message), "notice"))
        if message.status == "failed":
            inner.addLayout(self._failure(message))
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        if not message.from_buyer:
            row.addStretch(1)
        row.addWidget(frame, 3)
        if message.from_buyer:
            row.addStretch(1)
        return holder

    def _meta(self, message: MessageRow) -> QLabel:
        parts = [local_time_text(parse_stamp(message.sent_at), self.ctx.setting(TIME_ZONE))
                 if message.sent_at else ""]
        if message.is_auto_reply:
            parts.append(tr("automatic reply"))
        if not message.from_buyer:
            parts.append(status_text(message))
        return _label(" · ".join(p for p in parts if p), "meta")

    def _failure(self, message: MessageRow) -> QHBoxLayout:
        line = QHBoxLayout()
        reason = tr(message.error) if message.error else tr("This answer could not be sent: try again.")
        line.addWidget(_label(reason, "failed"), 1)
        retry = QPushButton(tr("Try again"))
        retry.clicked.connect(lambda: self.retry(message.id))
        self.retry_buttons[message.id] = retry
        line.addWidget(retry)
        return line

    def _image(self, message: MessageRow) -> QLabel:
        path = str(message.payload.get("path") or message.payload.get("local_path") or "")
        pixmap = QPixmap(path) if path else QPixmap()
        if not pixmap.isNull():
            label = QLabel()
            label.setPixmap(pixmap.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation))
            return label
        url = str(message.payload.get("image_url") or message.payload.get("url") or "")
        text = tr("Picture not downloaded yet") + (f': <a href="{url}">{tr("open")}</a>' if url else "")
        label = _label(text, "meta")
        label.setOpenExternalLinks(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        return label

    def _product_of(self, message: MessageRow) -> str | None:
        """The local product a card means: resolved when it arrived, else through the shop's mapping of today."""
        value = message.payload.get("product_id")
        if value:
            return str(value)
        item_id = str(message.payload.get("item_id") or "")
        if not item_id or self.row is None or not self.row.account_id:
            return None
        return next((v.product_id for v in listing_store.by_item(self.ctx.db, self.row.account_id, item_id)
                     if v.product_id), None)

    def _product_card(self, message: MessageRow) -> QFrame:
        card = QFrame()
        card.setObjectName("card")
        layout = QVBoxLayout(card)
        product_id = self._product_of(message)
        product = product_store.get(self.ctx.db, product_id) if product_id else None
        if product is None:
            name = str(message.payload.get("name") or message.payload.get("item_id") or "")
            layout.addWidget(_label(tr("Product {name}: not linked to one of your products yet", name=name)))
            return card
        layout.addWidget(_label(f"<b>{product.name}</b>"))
        layout.addWidget(_label(tr("{price} · stock {stock}", price=format_rupiah(product.sell_price),
                                   stock=format_quantity(product.on_hand)), "meta"))
        use = QPushButton(tr("Answer about this product"))
        use.clicked.connect(lambda: self.choose_product(product.id))
        layout.addWidget(use)
        return card

    def _order_card(self, message: MessageRow) -> QFrame:
        card = QFrame()
        card.setObjectName("card")
        layout = QVBoxLayout(card)
        order_id = str(message.payload.get("order_id") or "")
        number = str(message.payload.get("platform_order_id") or order_id)
        order = order_store.get(self.ctx.db, order_id) if order_id else None
        if order is None and number and self.row is not None and self.row.account_id:
            order = order_store.by_platform_id(self.ctx.db, self.row.account_id, number)
        if order is None:
            layout.addWidget(_label(tr("Order {number}: not downloaded yet", number=number or "—")))
            return card
        layout.addWidget(_label(tr("Order {number}", number=f"<b>{order.platform_order_id}</b>")))
        layout.addWidget(_label(f"{tr(STATUS_NAMES.get(order.status, order.status))} · {format_rupiah(order.total)}",
                                "meta"))
        counts: dict[str, int] = {}   # one line per unit on some platforms: "2 × Gula", not "1 × Gula, 1 × Gula"
        for li in order_store.lines(self.ctx.db, order.id):
            counts[li.name] = counts.get(li.name, 0) + li.quantity
        if counts:
            layout.addWidget(_label(", ".join(f"{format_quantity(n)} × {name}" for name, n in counts.items()), "meta"))
        return card

    # --- stale quotes ------------------------------------------------------------------------------------
    def _check_stale(self) -> None:
        """A queued answer quoting a price or stock that has changed since: ask before it goes out."""
        self.stale_message_id = None
        for message in self.messages:
            if message.status != "queued" or message.id in self.stale_seen:
                continue
            changes = inbox_service.stale_quotes(self.ctx.db, message.id)
            if changes:
                self.stale_message_id = message.id
                self.stale_text.setText(stale_sentence(changes))
                break
        self.stale.setVisible(self.stale_message_id is not None)

    def keep_stale(self) -> None:
        """The owner read the new numbers and lets the queued answer go as written (the sync held it till now)."""
        if self.stale_message_id is not None:
            self.stale_seen.add(self.stale_message_id)
            self._stale_action(inbox_service.confirm_reply)
        self._check_stale()

    def change_stale(self) -> None:
        """The queued answer is taken back (never sent) and its text comes back into the reply box to edit."""
        if self.stale_message_id is None:
            return
        text = self._stale_action(lambda db, mid: inbox_service.withdraw_reply(db, mid))
        if text is not None:
            self.reply.setPlainText(text)
            self.reply.setFocus()

    def _stale_action(self, action: Callable[[Database, str], Any]) -> str | None:
        try:
            result = action(self.ctx.db, self.stale_message_id or "")
        except UserError as exc:
            self.stale_text.setText(exc.message())
            return None
        text, change = result if isinstance(result, tuple) else (None, result)
        self.ctx.announce(change)
        if self.ctx.sync is not None:
            self.ctx.sync.sync_now()
        return text

    # --- answering ---------------------------------------------------------------------------------------
    def choose_product(self, product_id: str) -> None:
        self.product_id = product_id
        self.product_chosen.emit(product_id)

    def pick_product(self) -> None:
        from companion.gui.product_picker import ProductPicker, product_line

        picker = ProductPicker(self.ctx, self)
        if picker.exec() and picker.chosen is not None:
            product = picker.chosen
            self.choose_product(product.id)
            self.quoted[product.id] = (product.sell_price, product.on_hand)
            self.insert_text(product_line(product, for_buyer=True))

    def insert_text(self, text: str) -> None:
        cursor = self.reply.textCursor()
        before = self.reply.toPlainText()[:cursor.position()]
        cursor.insertText((" " if before and not before.endswith((" ", "\n")) else "") + text)
        self.reply.setFocus()

    def open_quick_replies(self) -> None:
        from companion.gui.quick_replies import TemplatesDialog, template_menu

        menu = template_menu(self.ctx, self)
        action = menu.exec(self.quick_button.mapToGlobal(self.quick_button.rect().bottomLeft()))
        if action is None:
            return
        body = action.data()
        if body is None:
            TemplatesDialog(self.ctx, self).exec()
            return
        self.use_template(str(body))

    def use_template(self, body: str) -> bool:
        """Fill a quick reply with the chosen product's live numbers and put it in the reply box."""
        from companion.gui.product_picker import ProductPicker
        from companion.gui.quick_replies import needs_product

        product_id = self.product_id or self._thread_product()
        if needs_product(body) and product_id is None:
            picker = ProductPicker(self.ctx, self)
            if not picker.exec() or picker.chosen is None:
                return False
            product_id = picker.chosen.id
            self.choose_product(product_id)
        try:
            text = inbox_service.fill_template(self.ctx.db, body, product_id, self.row.id if self.row else None)
        except UserError as exc:
            show_error(self, exc)
            return False
        if product_id and needs_product(body):
            product = product_store.get(self.ctx.db, product_id)
            if product is not None:
                self.quoted[product.id] = (product.sell_price, product.on_hand)
        self.insert_text(text)
        return True

    def _thread_product(self) -> str | None:
        """The product the buyer last showed a card of."""
        return next((p for m in reversed(self.messages) if (p := self._product_of(m))), None)

    def changed_quotes(self) -> list[QuoteChange]:
        """Products whose price or stock moved since they were put into the reply box (a sale meanwhile)."""
        out: list[QuoteChange] = []
        for product_id, (price, stock) in sorted(self.quoted.items()):
            product = product_store.get(self.ctx.db, product_id)
            now = (product.sell_price, product.on_hand) if product is not None else (None, None)
            if now != (price, stock):
                out.append(QuoteChange(product_id, product.display_name if product else "", price, now[0], stock,
                                       now[1]))
        return out

    def send(self) -> bool:
        """Kirim: queue the answer (it shows "menunggu dikirim" until the sync has sent it)."""
        if self.row is None:
            return False
        changes = self.changed_quotes()
        if changes and not confirm(self, tr("Price or stock changed"), stale_sentence(changes), tr("Send anyway"),
                                   tr("Change the answer")):
            return False
        try:
            _message_id, change = inbox_service.queue_reply(self.ctx.db, self.row.id, self.reply.toPlainText(),
                                                            self.quoted or None)
        except UserError as exc:
            self.error.setText(exc.message())
            self.error.show()
            return False
        self.reply.clear()
        self.quoted = {}
        self.error.hide()
        self.ctx.announce(change)
        if self.ctx.sync is not None:
            self.ctx.sync.sync_now()
        return True

    def retry(self, message_id: str) -> bool:
        """"Coba lagi": the failed answer goes back in the queue, and the sync runner is woken."""
        try:
            change = inbox_service.retry_reply(self.ctx.db, message_id)
        except UserError as exc:
            show_error(self, exc)
            return False
        self.ctx.announce(change)
        if self.ctx.sync is not None:
            self.ctx.sync.sync_now()
        return True

    def mark_answered(self) -> bool:
        if self.row is None:
            return False
        try:
            change = inbox_service.mark_answered(self.ctx.db, self.row.id)
        except UserError as exc:
            show_error(self, exc)
            return False
        self.ctx.announce(change)
        return True


def stale_sentence(changes: Sequence[QuoteChange]) -> str:
    """One plain question naming the old and the new numbers of every quoted product that changed."""
    parts: list[str] = []
    for change in changes:
        if change.price_now is None or change.stock_now is None:
            parts.append(tr("a product you mentioned was deleted"))
            continue
        if change.price_now != change.price_then:
            parts.append(tr("{name} now costs {new} (you wrote {old})", name=change.product_name,
                            new=format_rupiah(change.price_now), old=format_rupiah(change.price_then)))
        if change.stock_now != change.stock_then:
            parts.append(tr("{name} stock is now {new} (you wrote {old})", name=change.product_name,
                            new=format_quantity(change.stock_now), old=format_quantity(change.stock_then)))
    return tr("Since you wrote this answer, {changes}: send it anyway?", changes="; ".join(parts))
