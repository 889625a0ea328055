"""Closing a shift: what the drawer (and, when the owner wants, QRIS and transfer) should hold, what was counted,
the difference as it is typed, and why it differs. The service computes the expected amounts again inside the
close's own transaction; what this dialog shows is the same sums read when it opened."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.domain.money import format_rupiah, parse_rupiah
from companion.domain.settings_keys import SHIFT_COUNT_NON_CASH
from companion.domain.shifts import (
    CASH,
    QRIS,
    REASON_LONG,
    REASON_NEEDED,
    TRANSFER,
    Counted,
    Expected,
    differences,
    expected,
)
from companion.gui.cash_count import CashCount
from companion.gui.context import AppContext
from companion.gui.form_errors import EnterSaves, FormErrors, error_label
from companion.gui.messages import show_error
from companion.gui.owner_pin import ask_owner
from companion.gui.shift_words import difference_text, opened_text
from companion.i18n import N_, tr
from companion.services import shifts as shift_service
from companion.store import shifts as shift_store

METHODS = ((CASH, N_("Cash"), N_("Counted cash")), (QRIS, N_("QRIS"), N_("Counted QRIS")),
           (TRANSFER, N_("Transfer"), N_("Counted transfer")))


TONES = {"none": "color: #4a5560;", "even": "color: #1b7a43;", "short": "color: #b00020;", "over": "color: #a14a00;"}


class CloseShiftDialog(QDialog):
    def __init__(self, ctx: AppContext, shift_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.shift_id = shift_id
        shift = shift_store.get(ctx.db, shift_id)
        if shift is None:
            raise UserError(N_("This shift was not found: open the shift list again."))
        self.expected: Expected = expected(shift_store.money(ctx.db, shift_id))
        self.setWindowTitle(tr("Close shift"))
        head = QLabel(opened_text(ctx, shift))
        head.setWordWrap(True)
        self.counted: dict[str, QLineEdit] = {}
        self.diff_labels: dict[str, QLabel] = {}
        self.count_errors: dict[str, QLabel] = {}
        self.count_non_cash = QCheckBox(tr("Count QRIS and transfer when closing a shift"))
        self.count_non_cash.setChecked(ctx.setting(SHIFT_COUNT_NON_CASH))
        self.count_non_cash.toggled.connect(self._non_cash_toggled)
        self.cash_count = CashCount()
        self.cash_count.total_changed.connect(lambda total: self.counted[CASH].setText(f"{total:,}".replace(",", ".")))
        self.notes_box = QFrame()
        self.notes_box.setFrameShape(QFrame.Shape.StyledPanel)
        QVBoxLayout(self.notes_box).addWidget(self.cash_count)
        self.notes_box.hide()
        self.notes_button = QPushButton(tr("Count by notes"))
        self.notes_button.setCheckable(True)
        self.notes_button.toggled.connect(self._notes_toggled)
        self.total_diff = QLabel()
        self.total_diff.setProperty("role", "title")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(tr("Why the count differs, e.g. change given wrongly"))
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addLayout(self._grid())
        layout.addWidget(self.notes_box)
        layout.addWidget(self.count_non_cash)
        layout.addWidget(self.total_diff)
        layout.addWidget(QLabel(tr("Reason (needed when the count differs)")))
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addWidget(self._buttons())
        self.errors = FormErrors(self.error)
        for method, _name, _counted in METHODS:
            self.errors.add(method, self.counted[method], self.count_errors[method])
        self.errors.add("reason", self.reason)
        EnterSaves(self, self.save, [*self.counted.values(), self.reason])
        self._show_non_cash(self.count_non_cash.isChecked())
        self.counted[CASH].setFocus()
        self._fit()

    def _grid(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        for col, text in enumerate((tr("Expected"), tr("Counted"), tr("Difference")), start=1):
            label = QLabel(f"<b>{text}</b>")
            grid.addWidget(label, 0, col, Qt.AlignmentFlag.AlignRight)
        for no, (method, name, counted_name) in enumerate(METHODS):
            row = 1 + 2 * no
            grid.addWidget(QLabel(tr(name)), row, 0)
            value = QLabel(format_rupiah(getattr(self.expected, _attr(method))))
            grid.addWidget(value, row, 1, Qt.AlignmentFlag.AlignRight)
            edit = QLineEdit()
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.setAccessibleName(tr(counted_name))
            edit.setPlaceholderText(tr("e.g. 450.000"))
            edit.setMinimumWidth(150)
            edit.textChanged.connect(self._update)
            self.counted[method] = edit
            grid.addWidget(edit, row, 2)
            diff = QLabel("–")
            diff.setMinimumWidth(130)
            diff.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.diff_labels[method] = diff
            grid.addWidget(diff, row, 3)
            self.count_errors[method] = error_label()
            grid.addWidget(self.count_errors[method], row + 1, 1, 1, 4)
        grid.addWidget(self.notes_button, 1, 4)
        grid.setColumnStretch(5, 1)
        return grid

    def _buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox()
        self.close_button = buttons.addButton(tr("Close shift"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button.setProperty("primary", True)
        self.close_button.setDefault(True)
        buttons.addButton(tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        return buttons

    def _notes_toggled(self, on: bool) -> None:
        """The notes helper shown (its total fills the counted cash from the first change) or hidden again."""
        self.notes_box.setVisible(on)
        self._fit()

    def _fit(self) -> None:
        """As large as what it shows (a small screen's window manager may not grow a dialog by itself)."""
        self.resize(self.sizeHint())

    def _non_cash_toggled(self, on: bool) -> None:
        """The owner's choice (the owner's PIN when one is set), kept for the next close too."""
        why = (tr("Counting QRIS and transfer at every shift close.") if on
               else tr("No longer counting QRIS and transfer at shift close."))
        if not ask_owner(self, self.ctx, why):
            with QSignalBlocker(self.count_non_cash):
                self.count_non_cash.setChecked(not on)
            return
        try:
            self.ctx.announce(shift_service.count_non_cash(self.ctx.db, on))
        except UserError as exc:
            show_error(self, exc)
        self._show_non_cash(on)

    def _show_non_cash(self, on: bool) -> None:
        for method in (QRIS, TRANSFER):
            self.counted[method].setVisible(on)
            self.diff_labels[method].setVisible(on)
        self._update()
        self._fit()

    def _typed(self, method: str) -> int | None:
        """What was typed for a method, None when empty, not counted, or unreadable (shown when saving)."""
        edit = self.counted[method]
        if edit.isHidden() or not edit.text().strip():
            return None
        try:
            return parse_rupiah(edit.text(), N_("Counted cash"))
        except UserError:
            return None

    def counted_now(self) -> Counted | None:
        """The counts as typed so far (None until the cash is typed)."""
        cash = self._typed(CASH)
        if cash is None:
            return None
        return Counted(cash, self._typed(QRIS), self._typed(TRANSFER))

    def _update(self) -> None:
        """Every difference and the total as the cashier types."""
        counted = self.counted_now()
        diffs = differences(self.expected, counted) if counted else {}
        for method, label in self.diff_labels.items():
            label.setText(difference_text(diffs[method]) if method in diffs else "–")
        total = sum(diffs.values())
        self.total_diff.setText(tr("Difference: {text}", text=difference_text(total))
                                if counted else tr("Type the cash counted in the drawer."))
        tone = "none" if not counted else "short" if total < 0 else "over" if total > 0 else "even"
        self.total_diff.setStyleSheet(TONES[tone])

    def _read(self) -> Counted:
        """Every count typed, read as rupiah; each unreadable box named under it."""
        values: dict[str, int | None] = {}
        problems: list[tuple[str, str]] = []
        for method, _name, counted_name in METHODS:
            edit = self.counted[method]
            if edit.isHidden():
                values[method] = None
                continue
            try:
                values[method] = parse_rupiah(edit.text(), counted_name)
            except UserError as exc:
                problems.append((method, exc.message()))
        if problems:
            self.errors.show_texts(problems)
            self._fit()
            raise _Shown
        cash = values[CASH]
        assert cash is not None
        return Counted(cash, values[QRIS], values[TRANSFER])

    def save(self) -> None:
        try:
            counted = self._read()
            _close, change = shift_service.close_shift(
                self.ctx.db, self.shift_id, counted.cash, counted.qris, counted.transfer, self.reason.text(),
                actor=self.ctx.cashier_id)
        except _Shown:
            return
        except UserError as exc:
            self.errors.show(exc, "reason" if exc.msgid in (REASON_NEEDED, REASON_LONG) else "")
            self._fit()
            return
        self.ctx.announce(change)
        self.accept()


class _Shown(Exception):
    """The form already shows what is wrong."""


def _attr(method: str) -> str:
    return {CASH: "cash", QRIS: "qris", TRANSFER: "transfer"}[method]
