"""What "Kirim semua yang dipilih" did, above the order list: how many orders now wait to be sent, and each order
left out with its one sentence (what happened, what to do). Stays until the packer closes it or ships again."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from companion.gui.order_times import channel_name
from companion.i18n import tr
from companion.store.online_orders import OnlineOrderRow

RESULT_STYLE = """
QFrame#shipResults { background: #eef7f1; border: 1px solid #b9dcc6; border-radius: 6px; }
QFrame#shipResults[skipped="true"] { background: #fff7ed; border-color: #f3c892; }
QLabel#shipResultsTitle { font-weight: bold; }
"""


class ShipResults(QFrame):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("shipResults")
        self.setStyleSheet(RESULT_STYLE)
        self.title = QLabel()
        self.title.setObjectName("shipResultsTitle")
        self.title.setWordWrap(True)
        self.details = QLabel()
        self.details.setWordWrap(True)
        close = QPushButton(tr("Close"))
        close.clicked.connect(self.hide)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addLayout(top)
        layout.addWidget(self.details)
        self.hide()

    def show_outcome(self, queued: int, skipped: list[tuple[OnlineOrderRow | None, str]],
                     how: list[str] | None = None) -> None:
        """`skipped`: (the order, or None when it is gone, and the msgid of why); `how`: each shop's way of
        sending, in words."""
        if queued == 1:
            title = tr("1 order is waiting to be sent: it goes out with the next sync.")
        elif queued:
            title = tr("{count} orders are waiting to be sent: they go out with the next sync.", count=queued)
        else:
            title = tr("No order was queued.")
        self.title.setText(title)
        lines = [tr("Sent as: {how}", how="; ".join(how))] if how else []
        if skipped:
            lines.append(tr("{count} left out:", count=len(skipped)))
        lines += [f"• {self._order_words(order)}: {tr(msgid)}" for order, msgid in skipped]
        self.details.setText("\n".join(lines))
        self.details.setVisible(bool(lines))
        self.setProperty("skipped", bool(skipped))
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()

    @staticmethod
    def _order_words(order: OnlineOrderRow | None) -> str:
        if order is None:
            return tr("An order")
        return tr("{shop} order {order}", shop=channel_name(order.channel), order=order.platform_order_id)
