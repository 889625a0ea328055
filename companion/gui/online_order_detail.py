"""One online order in full: who, when it must go out, and each item with the shop's own product (or not yet)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from companion.domain.clock import now_utc, parse_stamp
from companion.domain.money import format_quantity, format_rupiah
from companion.domain.settings_keys import TIME_ZONE
from companion.gui.context import AppContext
from companion.gui.durations import local_time_text
from companion.gui.order_times import STATUS_NAMES, deadline_text, shop_text, time_left
from companion.i18n import tr
from companion.store import online_orders as order_store
from companion.store import products as product_store
from companion.store.online_orders import OnlineOrderRow

DETAIL_STYLE = """
QFrame#orderDetail { background: #ffffff; border: 1px solid #dde3df; border-radius: 6px; }
QLabel#orderHeading { font-size: 14pt; font-weight: bold; }
QLabel#practiceBadge { background: #fff1c2; color: #7a5200; font-weight: bold; padding: 3px 8px;
                       border: 1px solid #e8c66a; border-radius: 4px; }
QLabel#lineName { font-weight: bold; }
QLabel#lineInfo { color: #444; }
QLabel#lineUnmapped { color: #a14a00; font-weight: bold; }
QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }
QLabel#orderTotal { font-size: 14pt; font-weight: bold; }
QLabel#deadline[late="true"] { color: #b00020; font-weight: bold; }
"""


class OrderDetail(QFrame):
    """Filled from the store each time an order is picked; `map_requested(account_id)` asks for the mapping screen."""

    map_requested = Signal(object)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.order: OnlineOrderRow | None = None
        self.setObjectName("orderDetail")
        self.setStyleSheet(DETAIL_STYLE)
        self.heading = self._label("orderHeading")
        self.badge = QLabel(tr("PRACTICE – not a real buyer"))
        self.badge.setObjectName("practiceBadge")
        self.facts = self._label()
        self.deadline = self._label("deadline")
        self.lines = QWidget()
        self.lines_area = QScrollArea()  # a long order scrolls; the rest of the panel stays put
        self.lines_area.setWidgetResizable(True)
        self.lines_area.setFrameShape(QFrame.Shape.NoFrame)
        self.lines_area.setWidget(self.lines)
        self.lines_area.setMinimumHeight(70)
        self.total = self._label("orderTotal")
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.unmapped_hint = self._label()
        self.unmapped_hint.setProperty("role", "hint")
        self.unmapped_hint.setText(tr("Items not mapped to a shop product do not change stock yet."))
        self.map_button = QPushButton(tr("Map items…"))
        self.map_button.clicked.connect(lambda: self.map_requested.emit(self.order.account_id if self.order else None))
        self.empty = self._label()
        self.empty.setProperty("role", "hint")
        self.empty.setText(tr("Pick an order to see its items."))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        for widget in (self.heading, self.badge, self.facts, self.deadline):
            layout.addWidget(widget)
        layout.addWidget(self.lines_area, 1)
        for last in (self.total, self.unmapped_hint, self.map_button, self.empty):
            layout.addWidget(last)
        self.show_order(None)

    @staticmethod
    def _label(name: str = "") -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        if name:
            label.setObjectName(name)
        return label

    def show_order(self, order: OnlineOrderRow | None) -> None:
        self.order = order
        for widget in (self.heading, self.facts, self.deadline, self.lines_area, self.total):
            widget.setVisible(order is not None)
        self.empty.setVisible(order is None)
        self.badge.setVisible(order is not None and order.practice)
        if order is None:
            self.unmapped_hint.hide()
            self.map_button.hide()
            return
        zone = self.ctx.setting(TIME_ZONE)
        self.heading.setText(tr("{shop} order {order}", shop=shop_text(order), order=order.platform_order_id))
        self.facts.setText("\n".join((
            tr("Buyer: {name}", name=order.buyer_name or "—"),
            tr("Ordered: {time}", time=local_time_text(parse_stamp(order.created_at), zone)),
            tr("Status: {status}", status=tr(STATUS_NAMES.get(order.status, order.status))),
        )))
        self.tick()
        unmapped = self._fill_lines(order)
        self.total.setText(tr("Total {amount}", amount=format_rupiah(order.total)))
        self.unmapped_hint.setVisible(unmapped > 0)
        self.map_button.setVisible(unmapped > 0)

    def tick(self) -> None:
        """The ship-by line moves on with the clock."""
        order = self.order
        if order is None or not order.ship_by:
            self.deadline.setText("")
            return
        now = now_utc()
        when = local_time_text(parse_stamp(order.ship_by), self.ctx.setting(TIME_ZONE))
        left = time_left(order, now)
        text = tr("Ship by: {time}", time=when)
        self.deadline.setText(f"{text} ({deadline_text(order, now)})" if left is not None else text)
        self.deadline.setProperty("late", left is not None and left.total_seconds() < 0)
        self.deadline.style().unpolish(self.deadline)
        self.deadline.style().polish(self.deadline)

    def _fill_lines(self, order: OnlineOrderRow) -> int:
        """The order's items, each with the shop product it takes stock from; returns how many have none yet."""
        fresh = QWidget()
        box = QVBoxLayout(fresh)
        box.setContentsMargins(0, 6, 0, 6)
        box.setSpacing(2)
        unmapped = 0
        for line in order_store.lines(self.ctx.db, order.id):
            product = product_store.get(self.ctx.db, line.product_id) if line.product_id else None
            unmapped += product is None
            mine = product.display_name if product else tr("not mapped yet")
            texts = ((f"{format_quantity(line.quantity)} × {line.name}", "lineName"),
                     (tr("{price} each", price=format_rupiah(line.unit_price)), "lineInfo"),
                     (tr("Shop product: {product}", product=mine), "lineUnmapped" if product is None else "lineInfo"))
            for text, name in texts:
                label = QLabel(text)  # one line each: wrapped labels added late overlap in a splitter
                label.setObjectName(name)
                label.setToolTip(text)
                box.addWidget(label)
            box.addSpacing(8)
        box.addStretch(1)
        self.lines_area.setWidget(fresh)  # the old one is deleted by the scroll area
        self.lines = fresh
        return unmapped
