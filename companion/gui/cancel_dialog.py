"""Cancelling from the app: the seller cancels with one of the platform's reasons (out of stock first), the whole
order or, where the platform allows, some units of some lines; and refusing a buyer's request to cancel with one
of the platform's reasons where it lists them.

The dialogs only ask; the page queues the answer through services/cancellations.py. Stock never moves here: it
comes back when the platform reports the cancelled lines.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from companion.domain.fulfilment import CancelReason, FulfilmentRules
from companion.gui.form_errors import FormErrors, error_label
from companion.gui.order_times import shop_text
from companion.gui.order_words import item_text
from companion.i18n import tr
from companion.store.order_desk import DeskRow

ERROR_STYLE = "color: #b00020; font-weight: bold;"


def _reason_buttons(layout: QVBoxLayout, reasons: tuple[CancelReason, ...],
                    group: QButtonGroup) -> dict[str, QRadioButton]:
    """One radio per platform reason, the first (out of stock, for a seller's cancel) picked."""
    found: dict[str, QRadioButton] = {}
    for n, reason in enumerate(reasons):
        radio = QRadioButton(tr(reason.label))
        radio.setChecked(n == 0)
        group.addButton(radio)
        layout.addWidget(radio)
        found[reason.code] = radio
    return found


class CancelOrderDialog(QDialog):
    """`reason` (the platform's code) and `lines` ((line row id, units) each; empty = the whole order)."""

    def __init__(self, row: DeskRow, rules: FulfilmentRules, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row, self.rules = row, rules
        self.setWindowTitle(tr("Cancel order {order}", order=row.order.platform_order_id))
        layout = QVBoxLayout(self)
        heading = QLabel(tr("Cancel {shop} order {order}?", shop=shop_text(row.order),
                            order=row.order.platform_order_id))
        heading.setProperty("role", "title")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        hint = QLabel(tr("The buyer is told the reason. Stock comes back when the marketplace confirms the "
                         "cancellation."))
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        layout.addWidget(hint)
        self.reason_title = QLabel(tr("Reason"))
        layout.addWidget(self.reason_title)
        self.reasons = QButtonGroup(self)
        self.reason_buttons = _reason_buttons(layout, rules.cancel_reasons, self.reasons)
        self.reason_error = error_label()  # under the last reason
        layout.addWidget(self.reason_error)
        self.whole = QRadioButton(tr("The whole order"))
        self.some = QRadioButton(tr("Only some items"))
        self.counts: dict[str, QSpinBox] = {}
        self.lines_box = self._lines_box()
        self._scope(layout)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        layout.addWidget(self.error)
        self.errors = FormErrors(self.error)
        self.errors.add("reason", self.reason_title, self.reason_error)
        if layout.indexOf(self.lines_box) >= 0:
            self.errors.add("lines", self.lines_box)
        buttons = QDialogButtonBox()
        self.confirm = buttons.addButton(tr("Cancel the order"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm.setProperty("danger", True)
        buttons.addButton(tr("Keep the order"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _scope(self, layout: QVBoxLayout) -> None:
        """Whole order or some items: only where the platform cancels single lines."""
        scope = QButtonGroup(self)
        self.whole.setChecked(True)
        for radio in (self.whole, self.some):
            scope.addButton(radio)
        self.some.toggled.connect(self._scope_changed)
        if self.rules.cancels_lines and self.row.items:
            layout.addSpacing(6)
            layout.addWidget(self.whole)
            layout.addWidget(self.some)
            layout.addWidget(self.lines_box)
        self.lines_box.setEnabled(False)

    def _lines_box(self) -> QWidget:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(24, 0, 0, 0)
        for n, item in enumerate(self.row.items):
            label = QLabel(item_text(item))
            label.setWordWrap(True)
            count = QSpinBox()
            count.setRange(0, item.quantity)
            count.setSuffix(" " + tr("of {count}", count=item.quantity))
            self.counts[item.row_id] = count
            grid.addWidget(label, n, 0)
            grid.addWidget(count, n, 1)
        grid.setColumnStretch(0, 1)
        return box

    def _scope_changed(self, some: bool) -> None:
        self.lines_box.setEnabled(some)
        self.confirm.setText(tr("Cancel these items") if self.some.isChecked() else tr("Cancel the order"))

    @property
    def reason(self) -> str:
        return next((code for code, radio in self.reason_buttons.items() if radio.isChecked()), "")

    @property
    def lines(self) -> tuple[tuple[str, int], ...]:
        """The units to cancel per line; () for the whole order (also when every unit of every line is picked)."""
        if not self.some.isChecked():
            return ()
        picked = tuple((row_id, spin.value()) for row_id, spin in self.counts.items() if spin.value() > 0)
        every = all(spin.value() == spin.maximum() for spin in self.counts.values())
        return () if every else picked

    def problems(self) -> list[tuple[str, str]]:
        """Both problems at once, by field: no reason picked, and "only some items" with none picked."""
        found = []
        if not self.reason:
            found.append(("reason", tr("Choose a reason: the marketplace tells the buyer.")))
        if self.some.isChecked() and not any(spin.value() for spin in self.counts.values()):
            found.append(("lines", tr("Choose how many of which item to cancel, or cancel the whole order.")))
        return found

    def accept(self) -> None:
        found = self.problems()
        if found:
            self.errors.show_texts(found)
            return
        self.errors.clear()
        super().accept()


class RefuseRequestDialog(QDialog):
    """Refusing a buyer's request to cancel: `reason` is the platform's code ("" where it lists none)."""

    def __init__(self, row: DeskRow, rules: FulfilmentRules, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Refuse the cancellation"))
        layout = QVBoxLayout(self)
        text = QLabel(tr("Refuse the buyer's request to cancel {shop} order {order}? The order stays, and must be "
                         "shipped on time.", shop=shop_text(row.order), order=row.order.platform_order_id))
        text.setWordWrap(True)
        layout.addWidget(text)
        self.reasons = QButtonGroup(self)
        if rules.refuse_reasons:
            layout.addWidget(QLabel(tr("Reason")))
        self.reason_buttons = _reason_buttons(layout, rules.refuse_reasons, self.reasons)
        buttons = QDialogButtonBox()
        confirm = buttons.addButton(tr("Refuse"), QDialogButtonBox.ButtonRole.AcceptRole)
        confirm.setProperty("primary", True)
        buttons.addButton(tr("Back"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @property
    def reason(self) -> str:
        return next((code for code, radio in self.reason_buttons.items() if radio.isChecked()), "")
