"""One online order in full: a buyer's request to cancel on top (with its deadline, "Terima" and "Tolak"), who and
when it must go out (with the platform's late-shipment rule when the time is near), the courier, tracking number,
where the shipment stands and the label, returns, and each item with the shop's own product (or not yet).

The panel only shows and asks: each button emits a signal the page acts on (services, dialogs, printing).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from companion.domain.clock import now_utc, parse_stamp
from companion.domain.fulfilment import FulfilmentRules
from companion.domain.marketplace import OrderStatus
from companion.domain.money import format_rupiah
from companion.domain.settings_keys import TIME_ZONE
from companion.gui.context import AppContext
from companion.gui.durations import local_time_text, span_text
from companion.gui.order_times import deadline_text, shop_text, time_left
from companion.gui.order_words import grouped_items, item_text, late_note, product_text, refusal_text, status_name
from companion.i18n import tr
from companion.services.fulfilment_rules import rules_for
from companion.store import accounts as account_store
from companion.store.order_desk import CancelRequestRow, DeskRow

DETAIL_STYLE = """
QFrame#orderDetail { background: #ffffff; border: 1px solid #dde3df; border-radius: 6px; }
QLabel#orderHeading { font-size: 13pt; font-weight: bold; }
QLabel#practiceBadge { background: #fff1c2; color: #7a5200; font-weight: bold; padding: 3px 8px;
                       border: 1px solid #e8c66a; border-radius: 4px; }
QFrame#cancelRequest { background: #fdecee; border: 1px solid #f0b3bb; border-radius: 6px; }
QLabel#cancelRequestTitle { color: #8c0016; font-weight: bold; }
QLabel#lineName { font-weight: bold; }
QLabel#lineInfo { color: #444; }
QLabel#lineUnmapped { color: #a14a00; font-weight: bold; }
QLabel#shipProblem { color: #b00020; font-weight: bold; }
QLabel#lateNote { color: #a14a00; }
QLabel#lateNote[late="true"] { color: #b00020; font-weight: bold; }
QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }
QLabel#orderTotal { font-size: 14pt; font-weight: bold; }
QPushButton[role="detailAction"] { padding: 2px 6px; min-height: 32px; }
QLabel#deadline[late="true"] { color: #b00020; font-weight: bold; }
"""
CANCELLABLE = (OrderStatus.UNPAID.value, OrderStatus.PAID.value, OrderStatus.READY_TO_SHIP.value)


def _label(name: str = "", wrap: bool = True) -> QLabel:
    """A wrapped label that never widens the panel: a long order number is cut, the rest wraps to the width."""
    label = QLabel()
    label.setWordWrap(wrap)
    label.setMinimumWidth(1)
    if name:
        label.setObjectName(name)
    return label


class CancelRequestBox(QFrame):
    """A buyer's request to cancel: the reason, the time to answer by, and "Terima" / "Tolak"."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("cancelRequest")
        self.title = _label("cancelRequestTitle")
        self.text = _label()
        self.accept_button = QPushButton(tr("Accept"))
        self.refuse_button = QPushButton(tr("Refuse"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.refuse_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addLayout(buttons)

    def show_request(self, request: CancelRequestRow | None, zone: str) -> None:
        self.setVisible(request is not None and request.needs_answer)
        if request is None or not request.needs_answer:
            return
        self.title.setText(tr("The buyer asks to cancel this order"))
        lines = [tr("Reason: {reason}", reason=request.reason)] if request.reason else []
        if request.answer_by:
            when = parse_stamp(request.answer_by)
            left = when - now_utc()
            lines.append(tr("Answer by {time} ({left} left)", time=local_time_text(when, zone), left=span_text(left))
                         if left.total_seconds() > 0 else tr("Answer by {time} (too late)",
                                                             time=local_time_text(when, zone)))
        answering = request.state in ("accepting", "refusing")
        if answering:
            lines.append(tr("Your answer is waiting to be sent."))
        if request.state == "failed" and request.problem:
            lines.append(tr("The marketplace refused the answer: {words}", words=request.problem))
        self.text.setText("\n".join(lines))
        self.accept_button.setVisible(not answering)
        self.refuse_button.setVisible(not answering)


class OrderDetail(QFrame):
    """Filled from the store each time an order is picked; each button asks the page by signal."""

    map_requested = Signal(object)       # account id
    ship_requested = Signal(str)         # order id: the ship dialog for this one order
    cancel_requested = Signal(str)       # order id: the seller cancels (cancel_dialog)
    answer_requested = Signal(str, bool)  # order id, accept: the buyer's cancel request
    returns_requested = Signal(str)      # order id: the returns view, opened on this order's returns
    label_requested = Signal(str)        # order id: print its shipping label
    slip_requested = Signal(str)         # order id: print its packing slip

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.row: DeskRow | None = None
        self.rules: FulfilmentRules | None = None
        self.setObjectName("orderDetail")
        self.setStyleSheet(DETAIL_STYLE)
        self.request = CancelRequestBox()
        self.request.accept_button.clicked.connect(lambda: self._ask(self.answer_requested, True))
        self.request.refuse_button.clicked.connect(lambda: self._ask(self.answer_requested, False))
        self.heading = _label("orderHeading")
        self.badge = _label("practiceBadge")
        self.badge.setText(tr("PRACTICE – not a real buyer"))
        self.facts = _label()
        self.deadline = _label("deadline")
        self.late = _label("lateNote")
        self.shipping = _label()
        self.shipping.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # copy the tracking no.
        self.ship_problem = _label("shipProblem")
        self.returns = _label()
        self.returns_button = QPushButton(tr("Open returns"))
        self.returns_button.clicked.connect(lambda: self._ask(self.returns_requested))
        self.lines = QWidget()
        self.lines_holder = QWidget()  # the items are rebuilt for each order inside it
        holder = QVBoxLayout(self.lines_holder)
        holder.setContentsMargins(0, 0, 0, 0)
        holder.addWidget(self.lines)
        self.total = _label("orderTotal")
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.unmapped_hint = _label()
        self.unmapped_hint.setProperty("role", "hint")
        self.unmapped_hint.setText(tr("Items not mapped to a shop product do not change stock yet."))
        self.map_button = QPushButton(tr("Map items…"))
        self.map_button.clicked.connect(lambda: self.map_requested.emit(self.row.order.account_id if self.row
                                                                        else None))
        self.empty = _label()
        self.empty.setProperty("role", "hint")
        self.empty.setText(tr("Pick an order to see its items."))
        self.ship_button = QPushButton(tr("Ship…"))
        self.ship_button.clicked.connect(lambda: self._ask(self.ship_requested))
        self.cancel_button = QPushButton(tr("Cancel order…"))
        self.cancel_button.clicked.connect(lambda: self._ask(self.cancel_requested))
        self.label_button = QPushButton(tr("Print label"))
        self.label_button.clicked.connect(lambda: self._ask(self.label_requested))
        self.slip_button = QPushButton(tr("Pack slip"))
        self.slip_button.clicked.connect(lambda: self._ask(self.slip_requested))
        self._lay_out()
        self.show_order(None)

    def _lay_out(self) -> None:
        body = QWidget()
        box = QVBoxLayout(body)
        box.setContentsMargins(0, 0, 4, 0)
        for widget in (self.request, self.heading, self.badge, self.facts, self.deadline, self.late, self.shipping,
                       self.ship_problem, self.returns, self.returns_button, self.lines_holder):
            box.addWidget(widget)
        for last in (self.total, self.unmapped_hint, self.map_button):
            box.addWidget(last)
        box.addStretch(1)
        self.body_scroll = QScrollArea()  # a long order scrolls; the buttons stay put
        self.body_scroll.setWidgetResizable(True)
        self.body_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.body_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # labels wrap instead
        self.body_scroll.setWidget(body)
        self.body_scroll.setMinimumHeight(40)  # a short window: the order scrolls in a few lines, the buttons stay
        for button in (self.ship_button, self.cancel_button, self.label_button, self.slip_button):
            button.setProperty("role", "detailAction")
            button.setToolTip(button.text())
        self.action_grid = QGridLayout()
        self.action_grid.setSpacing(6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.addWidget(self.body_scroll, 1)
        layout.addWidget(self.empty)
        layout.addLayout(self.action_grid)

    def _ask(self, signal: SignalInstance, *args: object) -> None:
        if self.row is not None:
            signal.emit(self.row.id, *args)

    # --- showing -----------------------------------------------------------------------------------------
    def show_order(self, row: DeskRow | None) -> None:
        self.row = row
        self.body_scroll.setVisible(row is not None)
        self.empty.setVisible(row is None)
        if row is None:
            for button in (self.ship_button, self.cancel_button, self.label_button, self.slip_button):
                button.hide()
            return
        self.rules = rules_for(account_store.get(self.ctx.db, row.order.account_id))
        zone = self.ctx.setting(TIME_ZONE)
        order = row.order
        self.request.show_request(row.cancel_request, zone)
        self.badge.setVisible(order.practice)
        self.heading.setText(tr("{shop} order {order}", shop=shop_text(order), order=order.platform_order_id))
        buyer = f"{order.buyer_name or '—'}, {row.buyer_city}" if row.buyer_city else (order.buyer_name or "—")
        self.facts.setText("\n".join((
            tr("Buyer: {name}", name=buyer),
            tr("Ordered: {time}", time=local_time_text(parse_stamp(order.created_at), zone)),
            tr("Status: {status}", status=status_name(order.status)),
        )))
        self._show_shipping(row)
        self._show_returns(row)
        self.tick()
        unmapped = self._fill_lines(row)
        self.total.setText(tr("Total {amount}", amount=format_rupiah(order.total)))
        self.unmapped_hint.setVisible(unmapped > 0)
        self.map_button.setVisible(unmapped > 0)
        self._show_actions(row)

    def _show_shipping(self, row: DeskRow) -> None:
        lines = []
        if row.courier:
            lines.append(tr("Courier: {courier}", courier=row.courier))
        if row.tracking_number:
            lines.append(tr("Tracking number: {number}", number=row.tracking_number))
        if row.ship_state == "waiting":
            lines.append(tr("Shipping: waiting to be sent (it goes out with the next sync)"))
        if row.has_label:
            lines.append(tr("Label: printed") if row.label_printed_at else tr("Label: ready to print"))
        elif row.order.status == OrderStatus.READY_TO_SHIP.value:
            lines.append(tr("Label: not here yet (it comes with the next sync)"))
        self.shipping.setText("\n".join(lines))
        self.shipping.setVisible(bool(lines))
        failed = row.ship_state == "failed" and bool(row.ship_problem)
        self.ship_problem.setText(refusal_text(row) if failed else "")
        self.ship_problem.setVisible(failed)

    def _show_returns(self, row: DeskRow) -> None:
        self.returns.setText(tr("The buyer asked to return items ({count}).", count=row.returns))
        self.returns.setVisible(row.returns > 0)
        self.returns_button.setVisible(row.returns > 0)

    def _show_actions(self, row: DeskRow) -> None:
        """The buttons that apply to this order, two a row with no gaps."""
        status, rules = row.order.status, self.rules
        shown = {
            self.ship_button: rules is not None and status == OrderStatus.PAID.value and row.ship_state != "waiting",
            self.cancel_button: rules is not None and status in CANCELLABLE and row.ship_state != "waiting",
            self.label_button: row.has_label,
            self.slip_button: status in (OrderStatus.PAID.value, OrderStatus.READY_TO_SHIP.value),
        }
        for button in shown:
            self.action_grid.removeWidget(button)
        visible = [b for b, on in shown.items() if on]
        for n, button in enumerate(visible):
            last_alone = n == len(visible) - 1 and n % 2 == 0
            self.action_grid.addWidget(button, n // 2, n % 2, 1, 2 if last_alone else 1)
        for button, on in shown.items():
            button.setVisible(on)

    def tick(self) -> None:
        """The ship-by line (and the platform's late rule) move on with the clock."""
        row = self.row
        ship_by = row.order.ship_by if row is not None else None
        if row is None or not ship_by:
            self.deadline.setText("")
            self.late.setText("")
            self.late.hide()
            return
        now = now_utc()
        order = row.order
        when = local_time_text(parse_stamp(ship_by), self.ctx.setting(TIME_ZONE))
        left = time_left(order, now)
        text = tr("Ship by: {time}", time=when)
        self.deadline.setText(f"{text} ({deadline_text(order, now)})" if left is not None else text)
        late = left is not None and left.total_seconds() < 0
        note = late_note(row, now)
        self.late.setText(note)
        self.late.setVisible(bool(note))
        for label in (self.deadline, self.late):
            label.setProperty("late", late)
            label.style().unpolish(label)
            label.style().polish(label)

    def _fill_lines(self, row: DeskRow) -> int:
        """The order's items, each with the shop product it takes stock from; returns how many have none yet."""
        fresh = QWidget()
        box = QVBoxLayout(fresh)
        box.setContentsMargins(0, 6, 0, 6)
        box.setSpacing(2)
        unmapped = 0
        for item in grouped_items(row.items):
            unmapped += item.product_id is None
            texts = ((item_text(item), "lineName"),
                     (tr("{price} each", price=format_rupiah(item.unit_price)), "lineInfo"),
                     (product_text(item), "lineUnmapped" if item.product_id is None else "lineInfo"))
            for text, name in texts:
                label = _label(name)
                label.setText(text)
                label.setToolTip(text)
                box.addWidget(label)
            box.addSpacing(6)
        holder = self.lines_holder.layout()
        if holder is not None:
            holder.replaceWidget(self.lines, fresh)
        self.lines.hide()
        self.lines.deleteLater()
        self.lines = fresh
        return unmapped
