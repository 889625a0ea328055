"""The slim strip on the counter saying whether a shift is open, with the one button that opens or closes it.

"Shift belum dibuka · Buka shift" or "Shift dibuka 08.00 oleh Ani · Kas awal Rp200.000 · Tutup shift". It reads
the open shift through the store and follows every Change that touches shifts or people (a cashier's name).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from companion.gui.context import AppContext
from companion.gui.outlet_words import with_outlet
from companion.i18n import tr
from companion.services.change import Change
from companion.store import shifts as shift_store
from companion.store.shifts import ShiftRow

BAR_STYLE = """
QFrame#shiftBar { background: #f3f5f4; border: 1px solid #dde3df; border-radius: 4px; }
QFrame#shiftBar[open="false"] { background: #fff6e5; border-color: #f0d9a8; }
QLabel#shiftState { color: #1f2d26; }
QPushButton#shiftHistory { border: none; color: #1b5e8a; text-decoration: underline; min-height: 28px; }
"""


class ShiftBar(QFrame):
    """Open or close the counter's shift; `shift_changed` fires after either (the counter may refresh)."""

    shift_changed = Signal()

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("shiftBar")
        self.setStyleSheet(BAR_STYLE)
        self.shift: ShiftRow | None = None
        self.state = QLabel()
        self.state.setObjectName("shiftState")
        self.state.setWordWrap(True)
        self.action = QPushButton()
        self.action.clicked.connect(self._act)
        self.history_button = QPushButton(tr("Shift history"))
        self.history_button.setObjectName("shiftHistory")
        self.history_button.clicked.connect(self._show_history)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 2, 6, 2)
        row.addWidget(self.state, 1)
        row.addWidget(self.history_button)
        row.addWidget(self.action)
        ctx.changed.connect(self._on_change)
        self.refresh()

    def _on_change(self, change: Change) -> None:
        if change.shifts or change.people or change.settings:
            self.refresh()

    def refresh(self) -> None:
        """Read the open shift again and say it in one line."""
        self.shift = shift_store.current(self.ctx.db)
        if self.shift is None:
            self.state.setText(tr("Shift not opened yet"))
            self.action.setText(tr("Open shift"))
        else:
            from companion.gui.shift_words import opened_text  # Babel's dates load once a shift is open

            self.state.setText(opened_text(self.ctx, self.shift))
            self.action.setText(tr("Close shift"))
        self.state.setText(with_outlet(self.ctx.db, self.state.text()))  # "… · Outlet: Cabang Pasar" (several)
        self.action.setProperty("primary", self.shift is None)
        self.setProperty("open", "true" if self.shift else "false")
        for widget in (self, self.action):
            if widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):  # (not yet shown: polished when shown;
                widget.style().unpolish(widget)  # asking PySide for the style early sets up every QStyle class)
                widget.style().polish(widget)

    def _show_history(self) -> None:
        from companion.gui.shift_dialogs import show_shift_history  # the dialogs load when first used

        show_shift_history(self, self.ctx)

    def _act(self) -> None:
        from companion.gui.shift_dialogs import ask_close_shift, ask_open_shift

        shift = shift_store.current(self.ctx.db)  # another window may have opened or closed it meanwhile
        done = ask_open_shift(self, self.ctx) if shift is None else ask_close_shift(self, self.ctx, shift.id)
        self.refresh()
        if done:
            self.shift_changed.emit()
