"""Who is at the counter: choose your name, type your PIN, and every sale, void, refund and stock change from then
on records you (ctx.set_cashier). With no cashiers set up nothing is asked and the badge stays hidden."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.gui.context import AppContext
from companion.gui.messages import error_text
from companion.i18n import tr
from companion.services import cashiers as cashier_service
from companion.services.change import Change
from companion.store import cashiers as cashier_store
from companion.store.cashiers import CashierRow


def _label(row: CashierRow) -> str:
    return tr("{name} (owner)", name=row.name) if row.is_owner else row.name


class CashierLogin(QDialog):
    """Names on the left, the PIN under them; OK sets the person at the counter."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("Who is at the counter?"))
        self.setMinimumWidth(440)
        intro = QLabel(tr("Choose your name and type your PIN: sales, voids and stock changes record who did them."))
        intro.setWordWrap(True)
        self.names = QListWidget()
        self.names.setMinimumHeight(180)
        self.names.setStyleSheet("QListWidget { font-size: 13pt; } QListWidget::item { min-height: 40px; "
                                 "padding-left: 8px; }")
        for row in cashier_store.people(ctx.db):
            item = QListWidgetItem(_label(row))
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.names.addItem(item)
            if row.id == ctx.cashier_id:
                self.names.setCurrentItem(item)
        if self.names.currentItem() is None and self.names.count():
            self.names.setCurrentRow(1 if self.names.count() > 1 else 0)  # the first cashier (the owner is first)
        from companion.gui.pin_field import error_and_buttons, pin_field  # (the counter's badge does not need it)

        self.pin = pin_field()
        self.error, self.ok, buttons = error_and_buttons(self, tr("Start"), self.check)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.names)
        layout.addWidget(QLabel(tr("PIN")))
        layout.addWidget(self.pin)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.names.currentItemChanged.connect(lambda *_: self._chosen())
        self.names.itemActivated.connect(lambda *_: self.pin.setFocus())
        self._timer = QTimer(self)  # counts a wait down; stops when the database closes
        ctx.closing.connect(self._timer.stop)
        self._timer.timeout.connect(self._chosen)
        self._chosen()
        self.pin.setFocus()

    def chosen_id(self) -> str | None:
        item = self.names.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def choose(self, name: str) -> None:
        """Select the person called `name` (tests and a scanned name card)."""
        for i in range(self.names.count()):
            if self.names.item(i).text().startswith(name):
                self.names.setCurrentRow(i)
                return

    def _chosen(self) -> None:
        """The wait of the chosen person, if any, counted down; another name can be chosen meanwhile."""
        cashier_id = self.chosen_id()
        left = cashier_service.wait_left(self.ctx.db, cashier_id) if cashier_id else 0
        self.ok.setEnabled(bool(cashier_id) and not left)
        self.pin.setEnabled(not left)
        if left:
            self._say(tr("The PIN was wrong too many times: wait {seconds} seconds, then try again. Selling goes on "
                         "meanwhile.", seconds=left))
            self._timer.start(1000)
        else:
            self._timer.stop()
            if self.error.text() and not self.pin.text():
                self._say("")

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def check(self) -> None:
        cashier_id = self.chosen_id()
        if cashier_id is None:
            return
        try:
            cashier_service.check_pin(self.ctx.db, cashier_id, self.pin.text())
        except UserError as exc:
            self.pin.clear()
            self._chosen()
            self._say(error_text(exc))
            self.pin.setFocus()
            return
        self.ctx.set_cashier(cashier_id)
        self.accept()


def log_in(parent: QWidget | None, ctx: AppContext) -> bool:
    """Ask who is at the counter when cashiers are set up; True when someone logged in (or none is needed)."""
    if not cashier_service.cashiers_set_up(ctx.db):
        if ctx.cashier_id is not None:
            ctx.set_cashier(None)
        return True
    return CashierLogin(ctx, parent).exec() == QDialog.DialogCode.Accepted


def ensure_cashier(parent: QWidget | None, ctx: AppContext) -> bool:
    """Before recording something: True when no cashiers are set up or someone is logged in; otherwise the login
    is asked now (False when it was closed: nothing should be recorded without a name)."""
    if not cashier_service.cashiers_set_up(ctx.db):
        return True
    row = cashier_store.get(ctx.db, ctx.cashier_id) if ctx.cashier_id else None
    if row is not None and not row.disabled:
        return True
    return CashierLogin(ctx, parent).exec() == QDialog.DialogCode.Accepted


class CashierBadge(QWidget):
    """"Kasir: Ani · Ganti kasir" for the counter; hidden while no cashiers are set up. Until someone logs in it
    says so and the button asks who is there."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.who = QLabel()
        self.who.setProperty("role", "muted")
        self.switch = QPushButton(tr("Switch cashier"))
        self.switch.setToolTip(tr("Another person takes over the counter: they choose their name and type their PIN."))
        self.switch.clicked.connect(lambda: log_in(self, self.ctx))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.who)
        row.addWidget(self.switch)
        ctx.cashier_changed.connect(lambda _id: self.refresh())
        ctx.changed.connect(self._on_change)
        self.refresh()

    def _on_change(self, change: Change) -> None:
        if change.people:
            self.refresh()

    def refresh(self) -> None:
        if not cashier_service.cashiers_set_up(self.ctx.db):
            self.hide()
            return
        row = cashier_store.get(self.ctx.db, self.ctx.cashier_id) if self.ctx.cashier_id else None
        if row is None or row.disabled:
            self.who.setText(tr("Nobody logged in"))
            self.switch.setText(tr("Log in"))
        else:
            self.who.setText(tr("Cashier: {name}", name=row.name))
            self.switch.setText(tr("Switch cashier"))
        self.show()


def current_name(ctx: AppContext) -> str:
    """The name of the person at the counter ("" when none)."""
    row = cashier_store.get(ctx.db, ctx.cashier_id) if ctx.cashier_id else None
    return "" if row is None else row.name


__all__ = ["CashierBadge", "CashierLogin", "current_name", "ensure_cashier", "log_in"]
