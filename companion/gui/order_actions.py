"""What the order page's buttons do: ship the ticked orders (one click with each shop's remembered choice, else the
ship dialog), cancel an order, answer a buyer's request to cancel, print labels, the picking list and packing slips,
and open the returns view on an order's returns.

Dialogs open window-modal with `open()` and act when accepted, so the page (and a test) can reach the open dialog
as `actions.dialog`. Every write goes through a service; its Change is announced.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QDialog, QMessageBox, QVBoxLayout, QWidget

from companion.domain.errors import UserError
from companion.gui.cancel_dialog import CancelOrderDialog, RefuseRequestDialog
from companion.gui.context import AppContext
from companion.gui.label_printing import print_labels
from companion.gui.messages import show_error
from companion.gui.order_times import shop_text
from companion.gui.picking_list import print_packing_slips, print_picking_list
from companion.gui.returns_view import ReturnsView
from companion.gui.ship_dialog import ShipDialog, ShipPlan
from companion.gui.ship_flow import (
    ShipOutcome,
    one_click_plan,
    options_fetch,
    plan_words,
    queue_plan,
    shop_groups,
)
from companion.gui.ship_results import ShipResults
from companion.i18n import tr
from companion.services import cancellations
from companion.services.change import Change
from companion.services.fulfilment_rules import rules_for
from companion.store import accounts as account_store
from companion.store import online_orders as order_store
from companion.store import order_desk
from companion.store.order_desk import DeskRow


class OrderActions:
    """The page's actions; `results` is the panel that tells what "Kirim semua yang dipilih" did."""

    def __init__(self, parent: QWidget, ctx: AppContext) -> None:
        self.parent, self.ctx = parent, ctx
        self.results = ShipResults()
        self.dialog: QDialog | None = None  # the dialog now open, if any
        self.last_outcome: ShipOutcome | None = None

    def _run(self, action: Callable[[], Change]) -> bool:
        """One service call: its Change announced, or its one sentence shown."""
        try:
            change = action()
        except UserError as exc:
            show_error(self.parent, exc)
            return False
        self.ctx.announce(change)
        return True

    # --- shipping ----------------------------------------------------------------------------------------
    def ship(self, rows: Sequence[DeskRow], choose: bool = False) -> None:
        """Queue at once with every shop's remembered choice; else (or when asked to `choose`) the ship dialog."""
        if not rows:
            return
        groups = shop_groups(self.ctx.db, rows)
        plan = None if choose else one_click_plan(groups)
        if plan is not None:
            self._queue(rows, plan)
            return
        dialog = ShipDialog(self.ctx, groups, options_fetch(self.ctx), self.parent)
        dialog.accepted.connect(lambda: self._queue(rows, dialog.plan()))
        self._open(dialog)

    def _queue(self, rows: Sequence[DeskRow], plan: ShipPlan) -> None:
        try:
            outcome = queue_plan(self.ctx.db, rows, plan)
        except UserError as exc:
            show_error(self.parent, exc)
            return
        self.last_outcome = outcome
        skipped = [(order_store.get(self.ctx.db, order_id), msgid) for order_id, msgid in outcome.skipped]
        self.results.show_outcome(len(outcome.queued), skipped, plan_words(rows, plan) if outcome.queued else [])
        self.ctx.announce(outcome.change)

    def results_done(self) -> None:
        """After a reload: a result that only said "waiting to be sent" goes once every one of them went out (a
        result with orders left out stays until closed: the packer must read it)."""
        outcome = self.last_outcome
        if outcome is None or outcome.skipped or not self.results.isVisible():
            return
        rows = order_desk.desk_rows_by_id(self.ctx.db, outcome.queued)
        if all(row.ship_state != "waiting" for row in rows):
            self.results.hide()

    # --- cancelling --------------------------------------------------------------------------------------
    def cancel(self, row: DeskRow) -> None:
        rules = rules_for(account_store.get(self.ctx.db, row.order.account_id))
        if rules is None:
            return
        dialog = CancelOrderDialog(row, rules, self.parent)
        dialog.accepted.connect(lambda: self._run(
            lambda: cancellations.queue_cancel(self.ctx.db, row.id, dialog.reason, dialog.lines)))
        self._open(dialog)

    def answer(self, row: DeskRow, accept: bool) -> None:
        """"Terima" asks once more (the order is cancelled and its stock comes back); "Tolak" asks for a reason."""
        rules = rules_for(account_store.get(self.ctx.db, row.order.account_id))
        if rules is None:
            return
        if not accept:
            refuse = RefuseRequestDialog(row, rules, self.parent)
            refuse.accepted.connect(lambda: self._run(
                lambda: cancellations.queue_cancel_answer(self.ctx.db, row.id, False, refuse.reason)))
            self._open(refuse)
            return
        box = QMessageBox(QMessageBox.Icon.Question, tr("Accept the cancellation"),
                          tr("Accept the buyer's request? {shop} order {order} is cancelled and its stock comes "
                             "back.", shop=shop_text(row.order), order=row.order.platform_order_id), parent=self.parent)
        yes = box.addButton(tr("Accept"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(tr("Back"), QMessageBox.ButtonRole.RejectRole)
        box.buttonClicked.connect(lambda button: self._run(
            lambda: cancellations.queue_cancel_answer(self.ctx.db, row.id, True)) if button is yes else None)
        self._open(box)

    # --- printing and returns ----------------------------------------------------------------------------
    def print_labels(self, order_ids: Sequence[str]) -> None:
        if order_ids:
            self._opened(print_labels(self.parent, self.ctx, order_ids))

    def picking_list(self, order_ids: Sequence[str]) -> None:
        if order_ids:
            self._opened(print_picking_list(self.parent, self.ctx, order_ids))

    def packing_slips(self, order_ids: Sequence[str]) -> None:
        if order_ids:
            self._opened(print_packing_slips(self.parent, self.ctx, order_ids))

    def _opened(self, dialog: QDialog) -> None:
        """A printing dialog its own module opened (and owns): kept as `dialog` while it is open."""
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self._forget(dialog))

    def _forget(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def open_returns(self, order_id: str | None = None) -> None:
        """The returns view in its own window, on the order's newest return when one is given."""
        dialog = QDialog(self.parent)
        dialog.setWindowTitle(tr("Returns"))
        view = ReturnsView(self.ctx, dialog)
        layout = QVBoxLayout(dialog)
        layout.addWidget(view)
        dialog.resize(1100, 640)
        found = order_desk.returns_of(self.ctx.db, order_id) if order_id else []
        if found and found[0].id in {row.id for row in view.rows}:
            view.select(found[0].id)
        self._open(dialog)

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        self._forget(dialog)
        dialog.deleteLater()
