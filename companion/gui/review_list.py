"""The list of buyers' reviews in the "Ulasan" view: the stars, the buyer, the product and the words, and where the
answer stands. Rows come in the order store.reviews.listing gives them (unanswered 1–3 stars first, newest first).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from companion.domain.clock import parse_stamp
from companion.gui.channel_names import channel_label
from companion.gui.durations import local_time_text
from companion.gui.review_detail import needs_answer, star_colour, stars_text, state_text
from companion.i18n import N_, tr
from companion.store.reviews import ReviewRow

HEADERS = (N_("Stars"), N_("Buyer, product and review"), N_("Answer"))
STARS_COL, REVIEW_COL, STATE_COL = range(3)
TEXT_CHARS = 90
RED = QColor("#b00020")
Index = QModelIndex | QPersistentModelIndex


def short(text: str, chars: int = TEXT_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= chars else text[:chars - 1] + "…"


class ReviewListModel(QAbstractTableModel):
    """Reviews as plain rows (store.reviews.ReviewRow or anything with its fields)."""

    def __init__(self, zone: str = "WIB") -> None:
        super().__init__()
        self.rows: list[ReviewRow] = []
        self.zone = zone
        self._texts: dict[tuple[int, int], str] = {}  # worked out once per row and column (dates go through Babel)

    def set_rows(self, rows: Sequence[ReviewRow], zone: str | None = None) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self._texts = {}
        self.zone = zone or self.zone
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return tr(HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            key = (index.row(), col)
            if key not in self._texts:
                self._texts[key] = self.text(row, col)
            return self._texts[key]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.buyer_name}\n{row.text}" if col == REVIEW_COL else self.text(row, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == STARS_COL:
                return QBrush(QColor(star_colour(row.rating)))
            if col == STATE_COL and (needs_answer(row) or row.reply_state == "failed"):
                return QBrush(RED)
        if role == Qt.ItemDataRole.FontRole and (col == STARS_COL or needs_answer(row)):
            font = QFont()
            font.setBold(True)
            if col == STARS_COL:
                font.setPointSizeF(font.pointSizeF() * 1.15)
            return font
        return None

    def text(self, row: ReviewRow, col: int) -> str:
        if col == STARS_COL:
            return stars_text(row.rating)
        if col == REVIEW_COL:
            product = row.product_display_name if row.product_id and row.product_display_name else row.product_name
            head = " · ".join(p for p in (row.buyer_name, short(product, 48)) if p)
            body = short(row.text) if row.text.strip() else tr("(only stars, no words)")
            photos = "  (" + tr("{count} photos", count=len(row.photos)) + ")" if row.photos else ""
            return f"{head}\n{body}{photos}"
        when = local_time_text(parse_stamp(row.created_at), self.zone, "d MMM") if row.created_at else ""
        where = channel_label(row.channel)
        return f"{state_text(row)}\n{' · '.join(p for p in (where, when) if p)}"

    def row_at(self, n: int) -> ReviewRow | None:
        return self.rows[n] if 0 <= n < len(self.rows) else None

    def row_of(self, review_id: str) -> int:
        return next((n for n, r in enumerate(self.rows) if r.id == review_id), -1)

    def low_unanswered(self) -> int:
        return sum(1 for r in self.rows if needs_answer(r))
