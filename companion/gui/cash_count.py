"""Counting the drawer by notes: how many of each rupiah note, plus the coins as one amount, added up as typed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QSpinBox, QWidget

from companion.domain.errors import UserError
from companion.domain.money import format_rupiah, parse_rupiah
from companion.i18n import N_, tr

NOTES = (100_000, 50_000, 20_000, 10_000, 5_000, 2_000, 1_000)  # the rupiah notes in use
MAX_NOTES = 9_999
PER_ROW = 4  # two rows of four: short enough for a 1280×720 screen with everything else open


class CashCount(QWidget):
    """Notes × count in two rows and a coins box; `total_changed(int)` after every change."""

    total_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        self.counts: dict[int, QSpinBox] = {}
        for no, note in enumerate(NOTES):
            box = QSpinBox()
            box.setRange(0, MAX_NOTES)
            box.setSuffix(tr(" sheets"))
            box.setAccessibleName(tr("{note} notes", note=format_rupiah(note)))
            box.valueChanged.connect(self._changed)
            self.counts[note] = box
            row, col = no // PER_ROW, (no % PER_ROW) * 2
            grid.addWidget(QLabel(format_rupiah(note)), row, col, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(box, row, col + 1)
        self.coins = QLineEdit()
        self.coins.setPlaceholderText(tr("Coins, e.g. 3.500"))
        self.coins.setAccessibleName(tr("Coins"))
        self.coins.textChanged.connect(self._changed)
        grid.addWidget(QLabel(tr("Coins")), 1, 6, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.coins, 1, 7)

    def coins_amount(self) -> int:
        """The coins typed (0 when empty or unreadable: the coins box never blocks the count)."""
        try:
            return parse_rupiah(self.coins.text(), N_("Coins")) if self.coins.text().strip() else 0
        except UserError:
            return 0

    def total(self) -> int:
        return sum(note * box.value() for note, box in self.counts.items()) + self.coins_amount()

    def _changed(self) -> None:
        self.total_changed.emit(self.total())
