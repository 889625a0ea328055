"""The row of order filters a packer works through ("Perlu dikemas", "Siap dikirim", …), each with its count.

The keys are the store's (store/order_desk.FILTERS): what a button holds and what it counts are one definition.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QPushButton, QSizePolicy, QWidget

from companion.gui.flow_layout import FlowLayout
from companion.i18n import N_, tr

TO_PACK, READY, IN_TRANSIT, DONE, CANCELLED_RETURNED, UNPAID, ALL = (
    "to_pack", "ready", "in_transit", "done", "cancelled_returned", "unpaid", "all")
FILTER_LABELS: dict[str, str] = {
    TO_PACK: N_("To pack"), READY: N_("Ready to ship"), IN_TRANSIT: N_("In transit"), DONE: N_("Completed"),
    CANCELLED_RETURNED: N_("Cancelled/Returned"), UNPAID: N_("Not paid yet"), ALL: N_("All"),
}
FILTER_STYLE = """
QPushButton[role="filter"] { font-size: 10pt; min-height: 28px; padding: 2px 7px; border: 1px solid #c9d3cd;
                             border-radius: 14px; background: #fff; }
QPushButton[role="filter"]:checked { background: #1b7a43; color: white; border: 1px solid #1b7a43; border-radius: 3px; }
"""


class FilterBar(QWidget):
    """Toggle buttons, one checked; `changed(key)` when the packer picks another."""

    changed = Signal(str)

    def __init__(self, start: str = TO_PACK) -> None:
        super().__init__()
        self.setStyleSheet(FILTER_STYLE)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QPushButton] = {}
        row = FlowLayout(self, spacing=4)  # a narrow window puts the rest on a second line, never cuts a count
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        for key, label in FILTER_LABELS.items():
            button = QPushButton(tr(label))
            button.setCheckable(True)
            button.setProperty("role", "filter")
            button.clicked.connect(lambda _on=False, key=key: self._picked(key))
            self.group.addButton(button)
            self.buttons[key] = button
            row.add_widget(button)
        self._current = start
        self.buttons[start].setChecked(True)

    def current(self) -> str:
        return self._current

    def select(self, key: str) -> None:
        """Pick a filter as if clicked (tests, and the page after "Kirim semua")."""
        self.buttons[key].setChecked(True)
        self._picked(key)

    def _picked(self, key: str) -> None:
        if key != self._current:
            self._current = key
            self.changed.emit(key)

    def set_counts(self, counts: dict[str, int]) -> None:
        """"Perlu dikemas (12)"; "Semua" without a number (it is the sum)."""
        for key, button in self.buttons.items():
            label = tr(FILTER_LABELS[key])
            count = counts.get(key, 0)
            button.setText(label if key == ALL else tr("{label} ({count})", label=label, count=count))
