"""How the ticked orders go out, per shop: pickup, drop-off or the shop's own courier, with "Ingat pilihan ini".

The platform's current options (addresses and slots, branches, couriers) are asked on the background helper
(sync/shipping_options.py) while the dialog is open; the dialog never waits for them: offline, the orders queue
with the remembered (or the earliest) choice and the sync takes the earliest slot when the internet is back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from companion.domain.fulfilment import ShipChoice, ShippingOptions
from companion.domain.settings_keys import TIME_ZONE
from companion.gui.background import Progress
from companion.gui.context import AppContext
from companion.gui.form_errors import NOT_SENT, EnterSaves, FormErrors
from companion.gui.ship_choice_form import ShopGroup, ShopSection
from companion.i18n import tr
from companion.store.database import Database

# (our order id) -> the platform's options, or a sentence (msgid) why there are none; run on a pool thread
OptionsFetch = Callable[[str], "ShippingOptions | str"]


@dataclass
class ShipPlan:
    """What the dialog decided: a choice per shop, per-order choices (own courier: each its tracking number), and the
    choices to remember."""

    shop_choices: dict[str, ShipChoice] = field(default_factory=dict)
    order_choices: dict[str, tuple[str, ShipChoice]] = field(default_factory=dict)  # order id -> (account, choice)
    remember: dict[str, ShipChoice] = field(default_factory=dict)


class ShipDialog(QDialog):
    """One section per shop; "Kirim {n} pesanan" queues them all (the page does the queuing with `plan()`)."""

    def __init__(self, ctx: AppContext, groups: list[ShopGroup], fetch: OptionsFetch | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._open = True
        self.setWindowTitle(tr("Ship the selected orders"))
        zone = ctx.setting(TIME_ZONE)
        self.sections = [ShopSection(group, zone) for group in groups]
        count = sum(len(g.rows) for g in groups)
        intro = QLabel(tr("Choose how each shop's orders go out. Offline, they wait and go out when the internet "
                          "is back."))
        intro.setWordWrap(True)
        body = QWidget()
        box = QVBoxLayout(body)
        box.setContentsMargins(0, 0, 0, 0)
        for section in self.sections:
            box.addWidget(section)
        box.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setProperty("role", "error")
        self.error.setStyleSheet("color: #b00020; font-weight: bold;")
        self.error.hide()
        self.buttons = QDialogButtonBox()
        self.send = self.buttons.addButton(tr("Ship {count} orders", count=count) if count != 1 else tr("Ship 1 order"),
                                           QDialogButtonBox.ButtonRole.AcceptRole)
        self.send.setProperty("primary", True)
        self.buttons.addButton(tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.errors = FormErrors(self.error, several=NOT_SENT)
        for section in self.sections:
            for key, widget in section.keyed():
                self.errors.add(key, widget)
        EnterSaves(self, self.accept, [widget for section in self.sections for _key, widget in section.keyed()])
        self.resize(620, min(640, 200 + 230 * len(self.sections)))
        self._ask(fetch)

    def _ask(self, fetch: OptionsFetch | None) -> None:
        """Each shop's options on the background helper; the form stays usable meanwhile."""
        for section in self.sections:
            if fetch is None:
                section.set_offline()
            else:
                self._ask_one(fetch, section)

    def _ask_one(self, fetch: OptionsFetch, section: ShopSection) -> None:
        first = section.group.rows[0].id

        def job(_db: Database, _progress: Progress) -> ShippingOptions | str:
            return fetch(first)

        def failed(_exc: BaseException) -> None:
            self._answered(section, "")

        self.ctx.work.run(job, on_done=lambda answer: self._answered(section, answer), on_error=failed)

    def _answered(self, section: ShopSection, answer: ShippingOptions | str) -> None:
        if not self._open:
            return  # closed before the platform answered
        if isinstance(answer, ShippingOptions):
            section.set_options(answer)
        else:
            section.set_offline(answer)

    def done(self, result: int) -> None:
        self._open = False
        super().done(result)

    def accept(self) -> None:
        """Every own-courier box's problem at once under it (form_errors.py); sent only when there is none."""
        found = [problem for section in self.sections for problem in section.problems()]
        if found:
            self.errors.show_texts(found)
            return
        self.errors.clear()
        super().accept()

    def plan(self) -> ShipPlan:
        plan = ShipPlan()
        for section in self.sections:
            account = section.group.account_id
            per_order = section.order_choices()
            if per_order:
                plan.order_choices.update({oid: (account, choice) for oid, choice in per_order.items()})
            else:
                plan.shop_choices[account] = section.choice()
            remembered = section.remembered()
            if remembered is not None:
                plan.remember[account] = remembered
        return plan
