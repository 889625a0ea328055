"""How fast do I answer? Per channel over 7, 30 or 90 days: the share of chats answered inside the platform's window
and the median time to the first real answer, plus one tip from the shop's own pattern.

The numbers are the app's estimate from the chats it has seen ("perkiraan aplikasi"): the platforms count their own
way, so the label says so.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from companion.domain.clock import now_utc
from companion.domain.response_metrics import PERIODS, ResponseStats
from companion.gui.context import AppContext
from companion.gui.conversation_view import inbox_channel_text
from companion.gui.durations import span_text
from companion.gui.layout_clearing import clear_layout
from companion.i18n import N_, tr
from companion.services import inbox as inbox_service

HEADERS = (N_("Channel"), N_("Chats"), N_("Answered in time"), N_("Typical first answer"))
GOOD_RATE, FAIR_RATE = 0.9, 0.75
STYLE = """
QFrame#coaching { background: #ffffff; border: 1px solid #dde3df; border-radius: 6px; }
QLabel#estimate { background: #eef3f0; color: #33523f; padding: 2px 8px; border-radius: 4px; }
QLabel#tip { background: #eef6ff; border: 1px solid #bcd6f2; border-radius: 6px; padding: 8px 12px; }
"""


def rate_text(stats: ResponseStats) -> str:
    """"92% (46 of 50)", or "—" without chats."""
    if stats.rate is None:
        return "—"
    return tr("{percent}% ({answered} of {chats})", percent=round(stats.rate * 100),
              answered=stats.answered_in_window, chats=stats.chats)


def rate_colour(stats: ResponseStats) -> str:
    if stats.rate is None:
        return ""
    return "#1b7a43" if stats.rate >= GOOD_RATE else "#a14a00" if stats.rate >= FAIR_RATE else "#b00020"


def median_text(stats: ResponseStats) -> str:
    return span_text(stats.median_first_response) if stats.median_first_response is not None else "—"


class ResponseCoaching(QFrame):
    """A small table per channel and the one tip; `reload()` reads the numbers again."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("coaching")
        self.setStyleSheet(STYLE)
        self.period = QComboBox()
        for days in PERIODS:
            self.period.addItem(tr("Last {days} days", days=days), days)
        self.period.setCurrentIndex(PERIODS.index(30) if 30 in PERIODS else 0)
        self.period.currentIndexChanged.connect(lambda _i: self.reload())
        estimate = QLabel(tr("app's estimate"))
        estimate.setObjectName("estimate")
        estimate.setToolTip(tr("Worked out from the chats this app has seen; the marketplace counts its own "
                               "way, so its number can differ a little."))
        title = QLabel(tr("How fast do I answer?"))
        title.setStyleSheet("font-weight: bold; font-size: 13pt;")
        head = QHBoxLayout()
        head.addWidget(title)
        head.addWidget(estimate)
        head.addStretch(1)
        head.addWidget(self.period)
        self.grid_holder = QWidget()
        self.grid = QGridLayout(self.grid_holder)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(24)
        self.empty = QLabel(tr("Not enough chats yet to count: answer a few buyers first."))
        self.empty.setProperty("role", "hint")
        self.tip = QLabel()
        self.tip.setObjectName("tip")
        self.tip.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addLayout(head)
        layout.addWidget(self.grid_holder)
        layout.addWidget(self.empty)
        layout.addWidget(self.tip)
        self.stats: list[ResponseStats] = []

    def reload(self) -> None:
        overview = inbox_service.response_overview(self.ctx.db, now_utc(), self.period.currentData())
        self.stats = [s for s in overview.stats if s.chats]
        self._fill(self.stats)
        self.empty.setVisible(not self.stats)
        self.grid_holder.setVisible(bool(self.stats))
        self.tip.setVisible(overview.tip is not None)
        if overview.tip is not None:
            msgid, params = overview.tip
            self.tip.setText(tr("Tip: {tip}", tip=tr(msgid, **params)))

    def rows_text(self) -> list[list[str]]:
        """The table as a person reads it (tests use it)."""
        return [[self.grid.itemAtPosition(r, c).widget().text()  # type: ignore[union-attr]
                 for c in range(len(HEADERS))] for r in range(1, self.grid.rowCount())
                if self.grid.itemAtPosition(r, 0) is not None]

    def _fill(self, stats: list[ResponseStats]) -> None:
        clear_layout(self.grid)
        for col, header in enumerate(HEADERS):
            label = QLabel(tr(header))
            label.setProperty("role", "hint")
            self.grid.addWidget(label, 0, col)
        for row, one in enumerate(stats, start=1):
            rate = QLabel(rate_text(one))
            colour = rate_colour(one)
            if colour:
                rate.setStyleSheet(f"color: {colour}; font-weight: bold;")
            cells = (QLabel(inbox_channel_text(one.channel)), QLabel(str(one.chats)), rate,
                     QLabel(median_text(one)))
            for col, cell in enumerate(cells):
                cell.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                self.grid.addWidget(cell, row, col)
