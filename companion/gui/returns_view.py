"""Buyers' return requests: the list (reason, refund asked, deadline to answer), and the chosen one with the
buyer's photos, its items and what the shop can do: accept, refuse with one of the platform's reasons, offer part
of the money back where the platform allows; when the parcel comes back, each item goes back in stock
("Masukkan ke stok") or is written off ("Hapuskan"), a ledger movement either way (services/returns.py).

Answers go out through the command outbox: they show "menunggu dikirim" until the sync has sent them, and the
platform's refusal in its own words. Photos are kept like chat pictures (sync/images.py): shown from the cache,
fetched once in the background from the shop's own platform hosts only.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import requests
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from companion.domain.clock import now_utc, parse_stamp
from companion.domain.errors import UserError
from companion.domain.fulfilment import FulfilmentRules, ReturnAction, ReturnAnswer, ReturnState
from companion.domain.money import format_quantity, format_rupiah
from companion.domain.typed_numbers import read_amount
from companion.gui.channel_names import channel_label
from companion.gui.context import AppContext
from companion.gui.durations import span_text
from companion.gui.form_errors import NOT_SENT, EnterSaves, FormErrors, error_label
from companion.gui.layout_clearing import clear_layout
from companion.gui.messages import confirm, error_text
from companion.gui.product_picker import ProductPicker
from companion.i18n import N_, tr
from companion.services import returns as return_service
from companion.services.change import Change
from companion.services.fulfilment_rules import rules_for
from companion.store import accounts as account_store
from companion.store import products as product_store
from companion.store import returns as return_store
from companion.store.database import Database
from companion.store.returns import ReturnLineRow, ReturnRow
from companion.sync.images import NotAnImage, cache_dir, fetch, hosts_for

HEADERS = (N_("Shop"), N_("Order"), N_("Reason"), N_("Refund asked"), N_("Answer by"), N_("Status"))
STATE_NAMES = {
    ReturnState.REQUESTED.value: N_("Waiting for your answer"), ReturnState.ACCEPTED.value: N_("Accepted"),
    ReturnState.REFUSED.value: N_("Refused"), ReturnState.REFUNDED.value: N_("Money returned"),
    ReturnState.CLOSED.value: N_("Closed"),
}
DISPOSITION_NAMES = {return_store.RESTOCKED: N_("Back in stock"), return_store.WRITTEN_OFF: N_("Written off")}
ITEM_COMES_BACK = (ReturnState.ACCEPTED.value, ReturnState.REFUNDED.value)
THUMB = 120
DETAIL_WIDTH = 520   # the chosen return's side: its buttons and photos fit without scrolling sideways


def deadline_words(answer_by: str | None, now: datetime) -> str:
    """"1 hari 3 jam lagi" or "terlambat 2 jam"; empty without a deadline."""
    if not answer_by:
        return ""
    left = parse_stamp(answer_by) - now
    if left.total_seconds() < 0:
        return tr("{span} late", span=span_text(left))
    return tr("{span} left", span=span_text(left))


def deadline_sentence(answer_by: str, now: datetime) -> str:
    """What the deadline means for the shop, in one sentence."""
    left = parse_stamp(answer_by) - now
    if left.total_seconds() < 0:
        return tr("The time to answer ended {span} ago: the platform may decide without you.", span=span_text(left))
    return tr("Answer within {span}: after that the platform decides without you.", span=span_text(left))


def state_words(row: ReturnRow) -> str:
    """The return's state, with our answer's journey where one is under way."""
    if row.answer_state == "waiting":
        return tr("Answer waiting to be sent")
    if row.answer_state == "failed":
        return tr("Answer not accepted")
    if row.received_at:
        return tr("Received at the shop")
    return tr(STATE_NAMES.get(row.state, row.state))


def photo_file(folder: Path, url: str) -> Path | None:
    """The cached copy of a photo (sync/images.py names it by the URL's SHA-1), if it is there."""
    name = hashlib.sha1(url.encode("utf-8")).hexdigest()
    known = sorted(folder.glob(name + ".*")) if folder.exists() else []
    return next((p for p in known if not p.name.endswith(".part")), None)


def fetch_photos(db: Database, return_id: str) -> int:
    """Download the return's photos not cached yet, from its shop's platform hosts only (a pool thread)."""
    row = return_store.get(db, return_id)
    account = account_store.get(db, row.account_id) if row else None
    if row is None or account is None:
        return 0
    allowed, folder, got = hosts_for(account), cache_dir(db), 0
    with requests.Session() as http:
        for url in row.photos:
            if photo_file(folder, url) is None and allowed.allows(url):
                try:
                    fetch(http, url, folder, allowed)
                    got += 1
                except (requests.RequestException, OSError, NotAnImage):
                    continue  # tried again when the return is shown again
    return got


def _item(text: str, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _label(text: str, role: str = "", wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    if role:
        label.setProperty("role", role)
    return label


class ReturnsView(QWidget):
    """The returns list beside the chosen return; refreshed by every Change the app announces."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[ReturnRow] = []
        self.fetching: set[str] = set()
        self.shown: tuple[object, ...] | None = None  # what the detail shows, so a sync round keeps typed words
        self.errors = FormErrors(several=NOT_SENT)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels([tr(h) for h in HEADERS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(34)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.table.currentCellChanged.connect(lambda *_: self.show_detail())
        self.empty = _label(tr("No return requests. When a buyer asks to return an order, it shows here."), "hint")
        self.detail = QWidget()
        self.detail_layout = QVBoxLayout(self.detail)
        self.detail_layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.detail)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.empty)
        left_layout.addWidget(self.table, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(scroll)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        scroll.setMinimumWidth(DETAIL_WIDTH)
        split.setSizes([700, DETAIL_WIDTH])
        self.message = _label("")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split, 1)
        ctx.changed.connect(self._changed)
        self.reload()

    def _changed(self, change: Change) -> None:
        if change.orders or change.sync or change.products:
            self.reload()

    def reload(self) -> None:
        """Read the returns again, keeping the chosen one."""
        keep = self.current()
        self.rows = return_store.listing(self.ctx.db)
        now = now_utc()
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            cells = (channel_label(row.channel), row.platform_order_id, row.reason,
                     format_rupiah(row.refund_amount),
                     deadline_words(row.answer_by, now) if row.state == ReturnState.REQUESTED.value else "",
                     state_words(row))
            for c, text in enumerate(cells):
                self.table.setItem(r, c, _item(text, right=c == 3))
        ids = [row.id for row in self.rows]
        self.table.setCurrentCell(ids.index(keep.id) if keep and keep.id in ids else (0 if ids else -1), 0)
        self.table.blockSignals(False)
        self.empty.setVisible(not self.rows)
        self.table.setVisible(bool(self.rows))
        self.show_detail(force=False)

    def current(self) -> ReturnRow | None:
        r = self.table.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def select(self, return_id: str) -> None:
        self.table.setCurrentCell([row.id for row in self.rows].index(return_id), 0)

    # --- the chosen return -------------------------------------------------------------------------------------

    def _shown_key(self, row: ReturnRow | None) -> tuple[object, ...] | None:
        return (row, tuple(return_store.lines(self.ctx.db, row.id))) if row else None

    def show_detail(self, force: bool = True) -> None:
        """Build the chosen return's side; unchanged news (another shop's sync round) leaves it as it is."""
        row = self.current()
        key = self._shown_key(row)
        if not force and key == self.shown:
            return
        self.shown = key
        clear_layout(self.detail_layout)
        self.message = _label("")
        self.errors = FormErrors(several=NOT_SENT)  # the answer box's fields, each with its error line under it
        if row is None:
            return
        add = self.detail_layout.addWidget
        add(_label(f"<b>{tr('Return of order {number}', number=row.platform_order_id)}</b>", "title"))
        add(_label(f"{channel_label(row.channel)} · {tr(row.account_name)} · {state_words(row)}", "hint"))
        if row.state == ReturnState.REQUESTED.value and row.answer_by:
            add(_label(deadline_sentence(row.answer_by, now_utc()), "error"))
        if row.answer_state == "failed":
            add(_label(tr("The platform said: {words}", words=row.answer_problem), "error"))
        add(_label(tr("Buyer's reason: {reason}", reason=row.reason or "–")))
        if row.buyer_note:
            add(_label(tr("Buyer's note: {note}", note=row.buyer_note)))
        asked = tr("Refund asked: {amount}", amount=format_rupiah(row.refund_amount))
        if not row.needs_item_back:
            asked += " · " + tr("refund only, nothing comes back")
        add(_label(asked))
        self._photos(row)
        self._lines(row)
        self._answer_box(row)
        add(self.message)

    def _photos(self, row: ReturnRow) -> None:
        if not row.photos:
            return
        strip = QHBoxLayout()
        folder, missing = cache_dir(self.ctx.db), 0
        for url in row.photos:
            path = photo_file(folder, url)
            pixmap = QPixmap(str(path)) if path else QPixmap()
            if pixmap.isNull():
                missing += 1
                continue
            label = QLabel()
            label.setPixmap(pixmap.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation))
            label.setToolTip(url)
            strip.addWidget(label)
        strip.addStretch(1)
        box = QWidget()
        box.setLayout(strip)
        self.detail_layout.addWidget(_label(tr("Buyer's photos"), "hint"))
        self.detail_layout.addWidget(box)
        if missing:
            self.detail_layout.addWidget(_label(tr("{count} photos not downloaded yet: they show when the "
                                                   "internet is back.", count=missing), "hint"))
            self._fetch(row.id)

    def _fetch(self, return_id: str) -> None:
        if return_id in self.fetching:
            return
        self.fetching.add(return_id)

        def done(got: object) -> None:
            if not isValid(self):  # the returns window was closed while the photos downloaded
                return
            self.fetching.discard(return_id)  # shown again later: the rest are tried again
            if got:
                self.show_detail()

        self.ctx.work.run(lambda db, _progress: fetch_photos(db, return_id), done,
                          lambda _exc: self.fetching.discard(return_id))

    def _lines(self, row: ReturnRow) -> None:
        lines = return_store.lines(self.ctx.db, row.id)
        if row.needs_item_back and row.state in ITEM_COMES_BACK and any(not line.disposition for line in lines):
            self.detail_layout.addWidget(_label(tr("When the parcel is back at the shop, put each item back in stock "
                                                   "or write it off if it cannot be sold."), "hint"))
        grid = QGridLayout()
        grid.addWidget(_label(f"<b>{tr('Items')}</b>"), 0, 0)
        grid.addWidget(_label(f"<b>{tr('Quantity')}</b>"), 0, 1)
        for i, line in enumerate(lines, start=1):
            product = product_store.get(self.ctx.db, line.product_id) if line.product_id else None
            name = line.name + (f"<br/><span style='color:#555'>→ {product.display_name}</span>" if product else "")
            grid.addWidget(_label(name), i, 0)
            grid.addWidget(_label(format_quantity(line.quantity)), i, 1)
            grid.addLayout(self._line_actions(row, line), i, 2)
        grid.setColumnStretch(0, 1)
        box = QWidget()
        box.setLayout(grid)
        self.detail_layout.addWidget(box)

    def _line_actions(self, row: ReturnRow, line: ReturnLineRow) -> QHBoxLayout:
        actions = QHBoxLayout()
        if line.disposition:
            actions.addWidget(_label(tr(DISPOSITION_NAMES.get(line.disposition, line.disposition)), "hint"))
            return actions
        if not (row.needs_item_back and row.state in ITEM_COMES_BACK):
            return actions
        if line.product_id is None:
            link = QPushButton(tr("Choose the product"))
            link.clicked.connect(lambda: self.choose_product(row.id, line.line_id, line.name))
            actions.addWidget(link)
            return actions
        back = QPushButton(tr("Put back in stock"))
        back.setProperty("primary", True)
        back.clicked.connect(lambda: self.receive(row.id, [line.line_id], "restock"))
        off = QPushButton(tr("Write off"))
        off.clicked.connect(lambda: self.ask_write_off(row.id, line))
        actions.addWidget(back)
        actions.addWidget(off)
        return actions

    def _answer_box(self, row: ReturnRow) -> None:
        if row.state != ReturnState.REQUESTED.value or row.answer_state == "waiting":
            return
        rules = rules_for(account_store.get(self.ctx.db, row.account_id))
        if rules is None:
            self.detail_layout.addWidget(_label(tr("Answer this return in the seller centre."), "hint"))
            return
        box = QFrame()
        box.setProperty("role", "card")
        column = QVBoxLayout(box)
        if ReturnAction.ACCEPT.value in row.actions:
            accept = QPushButton(tr("Accept the return"))
            accept.setProperty("primary", True)
            accept.clicked.connect(lambda: self.answer(row.id, ReturnAnswer(ReturnAction.ACCEPT)))
            column.addWidget(accept)
        if ReturnAction.REFUSE.value in row.actions:
            self._refuse_rows(column, row, rules)
        if rules.partial_refund and ReturnAction.PARTIAL_REFUND.value in row.actions:
            self.amount = QLineEdit()
            self.amount.setPlaceholderText(tr("e.g. 25.000"))
            offer = QPushButton(tr("Offer part of the money"))
            offer.clicked.connect(lambda: self.offer(row.id, self.amount.text()))
            EnterSaves(offer, offer.click, [self.amount])  # Enter in the amount offers it
            line = QHBoxLayout()
            line.addWidget(QLabel(tr("Amount")))
            line.addWidget(self.amount, 1)
            line.addWidget(offer)
            column.addLayout(line)
            under = error_label()
            column.addWidget(under)
            self.errors.add("amount", self.amount, under)
        self.detail_layout.addWidget(box)

    def _refuse_rows(self, column: QVBoxLayout, row: ReturnRow, rules: FulfilmentRules) -> None:
        self.refuse_reason = QComboBox()
        self.refuse_reason.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.refuse_reason.setMinimumContentsLength(20)
        for reason in rules.refuse_reasons:
            self.refuse_reason.addItem(tr(reason.label), reason.code)
        self.refuse_note = QLineEdit()
        self.refuse_note.setPlaceholderText(tr("Your words to the buyer (optional)"))
        refuse = QPushButton(tr("Refuse"))
        refuse.clicked.connect(lambda: self.answer(row.id, ReturnAnswer(
            ReturnAction.REFUSE, str(self.refuse_reason.currentData() or ""), self.refuse_note.text())))
        EnterSaves(refuse, refuse.click, [self.refuse_note])  # Enter in the note sends the refusal
        if rules.refuse_reasons:
            column.addWidget(self.refuse_reason)
            self.errors.add("refuse_reason", self.refuse_reason)
        line = QHBoxLayout()
        line.addWidget(self.refuse_note, 1)
        line.addWidget(refuse)
        column.addLayout(line)
        under = error_label()
        column.addWidget(under)
        self.errors.add("refuse_note", self.refuse_note, under)

    # --- actions (each one service call, then the Change announced) -------------------------------------------

    def answer(self, return_id: str, answer: ReturnAnswer) -> bool:
        try:
            change = return_service.queue_return_answer(self.ctx.db, return_id, answer)
        except UserError as exc:
            self._refused(exc)
            return False
        self.errors.clear()
        self.ctx.announce(change)
        self._say(tr("Your answer waits to be sent with the next sync."))
        return True

    def offer(self, return_id: str, text: str) -> bool:
        try:
            amount = read_amount(text, tr("Amount"))
        except UserError as exc:
            self._refused(exc, "amount")
            return False
        return self.answer(return_id, ReturnAnswer(ReturnAction.PARTIAL_REFUND, amount=amount))

    def ask_write_off(self, return_id: str, line: ReturnLineRow) -> None:
        if confirm(self, tr("Write off {name}?", name=line.name),
                   tr("It counts as come back and gone out again: the stock does not change, the ledger shows it."),
                   tr("Write off"), tr("Keep it")):
            self.receive(return_id, [line.line_id], "write_off")

    def receive(self, return_id: str, line_ids: list[str], disposition: str) -> bool:
        """The returned items arrived: back in stock ("restock") or written off ("write_off")."""
        try:
            result = return_service.receive_return(self.ctx.db, return_id, disposition, line_ids)
        except UserError as exc:
            self._say(error_text(exc), error=True)
            return False
        self.ctx.announce(result.change)
        if result.needs_product:
            self._say(tr("Choose the product first for: {names}.", names=", ".join(result.needs_product)), error=True)
            return False
        self._say(tr("Put back in stock.") if disposition == "restock" else tr("Written off."))
        return True

    def choose_product(self, return_id: str, line_id: str, name: str) -> None:
        picker = ProductPicker(self.ctx, self, name)
        if picker.exec() and picker.chosen is not None:
            self.link_product(return_id, line_id, picker.chosen.id)

    def link_product(self, return_id: str, line_id: str, product_id: str) -> None:
        try:
            change = return_service.set_line_product(self.ctx.db, return_id, line_id, product_id)
        except UserError as exc:
            self._say(error_text(exc), error=True)
            return
        self.ctx.announce(change)

    def _refused(self, exc: UserError, field: str = "") -> None:
        """The answer's problems under their boxes (what was typed stays), the sentence in the message line."""
        self.errors.show(exc, field)
        self._say(self.errors.summary_text() or error_text(exc), error=True)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setProperty("role", "error" if error else "hint")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
