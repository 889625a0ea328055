"""Pengaturan → "Beberapa laptop": one shop's record on several laptops and outlets, through a hub.

Not joined: what it is for, "Gabung dengan kode undangan", and for the owner or technician "Buat hub baru".
Joined: this laptop (name, receipt prefix, outlet), the hub, how syncing goes, the laptops with "Cabut", who sends
for each marketplace shop with "Ambil alih", "Undang laptop lain" and "Keluar dari hub". A stop (hub reset, this
laptop removed, an older copy, the clock) is one sentence with its one action. Everything that talks to the hub
runs on a pool thread (gui/background.py) while a line says so; the owner's PIN guards what changes the shop.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from shiboken6 import isValid

from companion.gui.context import AppContext
from companion.gui.hub_create_dialog import CreateHubDialog
from companion.gui.hub_devices import DevicesGrid, SendersGrid
from companion.gui.hub_invite_dialog import InviteDialog
from companion.gui.hub_join_dialog import JoinHubDialog
from companion.gui.hub_outlets import outlet_name
from companion.gui.hub_status import HubView, read_hub, status_line
from companion.gui.messages import confirm, error_text
from companion.gui.owner_pin import ask_owner
from companion.i18n import N_, tr
from companion.services.change import Change
from companion.store import accounts as account_store
from companion.sync import hub_actions
from companion.sync.hub_actions import HubFacts

WHAT_FOR = N_("Use one shop record on several laptops and outlets; each laptop keeps working without internet.")
HOW = N_("Sales, stock and products made on any laptop reach the others whenever the internet is there.")


class HubCard(QFrame):
    """The card; `reload()` reads this laptop's record, `load_facts()` asks the hub for the laptops."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setProperty("role", "card")
        self.view: HubView | None = None
        self.facts: HubFacts | None = None
        self.loading = False
        heading = QLabel(tr("Several laptops"))
        heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.alone = self._alone_panel()
        self.joined = self._joined_panel()
        self.practising = _hint(tr("Leave practice mode first: several laptops share the shop's real record, not the "
                                   "practice one."))
        box = QVBoxLayout(self)
        box.addWidget(heading)
        box.addWidget(self.practising)
        box.addWidget(self.alone)
        box.addWidget(self.joined)
        ctx.changed.connect(self._on_change)
        self.reload()

    # --- building -------------------------------------------------------------------------------------

    def _alone_panel(self) -> QWidget:
        panel = QWidget()
        self.join_button = _big(tr("Join with an invitation code"), primary=True)
        self.join_button.clicked.connect(self.open_join)
        self.create_button = _big(tr("Create a new hub"))
        self.create_button.clicked.connect(self.open_create)
        box = QVBoxLayout(panel)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(_text(tr(WHAT_FOR)))
        box.addWidget(_hint(tr(HOW)))
        self.was_in = _hint("")
        box.addWidget(self.was_in)
        box.addWidget(self.join_button, 0, Qt.AlignmentFlag.AlignLeft)
        box.addWidget(_subheading(tr("For the owner or technician")))
        box.addWidget(_hint(tr("A hub is a PostgreSQL database the shop rents (Supabase, Neon) or owns; make it once, "
                               "from the first laptop.")))
        box.addWidget(self.create_button, 0, Qt.AlignmentFlag.AlignLeft)
        return panel

    def _joined_panel(self) -> QWidget:
        panel = QWidget()
        self.stop_text = QLabel()
        self.stop_text.setWordWrap(True)
        self.stop_text.setStyleSheet("color: #a14a00; font-weight: bold;")
        self.stop_button = _big(tr("Join again"), primary=True)
        self.stop_button.clicked.connect(self.open_join)
        self.stop_box = QWidget()
        stop_row = QHBoxLayout(self.stop_box)
        stop_row.setContentsMargins(0, 0, 0, 0)
        stop_row.addWidget(self.stop_text, 1)
        stop_row.addWidget(self.stop_button)
        self.me_label, self.hub_label, self.status_label = QLabel(), QLabel(), QLabel()
        facts = QFormLayout()
        facts.setVerticalSpacing(6)
        for title, label in ((tr("This laptop"), self.me_label), (tr("Hub"), self.hub_label),
                             (tr("Syncing"), self.status_label)):
            label.setWordWrap(True)
            facts.addRow(title, label)
        self.invite_button = _big(tr("Invite another laptop"), primary=True)
        self.invite_button.clicked.connect(self.open_invite)
        self.refresh_button = _big(tr("Read the list again"))
        self.refresh_button.clicked.connect(self.load_facts)
        self.leave_button = _big(tr("Leave the hub"))
        self.leave_button.clicked.connect(self.leave)
        buttons = QHBoxLayout()
        for button in (self.invite_button, self.refresh_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.leave_button)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.devices = DevicesGrid()
        self.devices.revoke.connect(self.revoke)
        self.senders = SendersGrid()
        self.senders.take_over.connect(self.take_over)
        box = QVBoxLayout(panel)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.stop_box)
        box.addLayout(facts)
        box.addLayout(buttons)
        box.addWidget(self.note)
        self.lists = QWidget()  # the laptops and the senders: hidden while syncing is stopped
        lists = QVBoxLayout(self.lists)
        lists.setContentsMargins(0, 0, 0, 0)
        lists.addWidget(_subheading(tr("The shop's laptops")))
        lists.addWidget(self.devices)
        lists.addWidget(_subheading(tr("Who sends for each online shop")))
        lists.addWidget(_hint(tr("One laptop sends stock, replies and shipments for each online shop; the others "
                                 "hand theirs to it.")))
        lists.addWidget(self.senders)
        box.addWidget(self.lists)
        return panel

    # --- reading ---------------------------------------------------------------------------------------

    def _on_change(self, change: Change) -> None:
        if change.sync or change.settings:
            self.reload()

    def reload(self) -> None:
        practising = self.ctx.in_practice_book  # the practice book never joins a hub: it is not the shop's record
        self.practising.setVisible(practising)
        view = self.view = read_hub(self.ctx.db)
        self.alone.setVisible(not view.joined and not practising)
        self.joined.setVisible(view.joined and not practising)
        if practising:
            return
        if not view.joined:
            self.facts = None
            host = view.me.address.host if view.me.address is not None else ""
            self.was_in.setText(tr("This laptop was in the hub at {host} before (it left, or was restored from a "
                                   "backup): join again with a new invitation code.", host=host) if host else "")
            self.was_in.setVisible(bool(host))
            return
        me = view.me
        self.me_label.setText(tr("{name} · receipts {prefix}-… · {outlet}", name=me.device_name or "-",
                                 prefix=me.prefix or "-", outlet=outlet_name(self.ctx.db, me.outlet_id)))
        self.hub_label.setText(me.address.host if me.address is not None else "-")
        self.status_label.setText(status_line(view))
        self.stop_box.setVisible(view.stopped)
        self.stop_text.setText(view.stop_sentence)
        for widget in (self.invite_button, self.refresh_button, self.lists):
            widget.setVisible(not view.stopped)
        self.refresh_button.setEnabled(not self.loading)
        if self.facts is None and not view.stopped and not self.loading:
            self.load_facts()
        elif self.facts is not None:
            self.show_facts(self.facts)

    def load_facts(self) -> None:
        """The laptops and senders from the hub, in the background."""
        self._busy(tr("Reading the laptop list from the hub…"))
        self.ctx.work.run(lambda db, _progress: hub_actions.hub_facts(db), self._facts_read, self._failed)

    def _facts_read(self, facts: HubFacts) -> None:
        if not isValid(self):  # closed (or rebuilt) while the hub was being asked
            return
        self._idle("")
        self.show_facts(facts)

    def show_facts(self, facts: HubFacts) -> None:
        self.facts = facts
        me = self.view.me.device_id if self.view else ""
        self.devices.show_devices(facts.devices, me, lambda outlet: outlet_name(self.ctx.db, outlet))
        self.senders.show_senders(account_store.active(self.ctx.db), facts.leases, me)

    def _busy(self, text: str) -> None:
        self.loading = True
        self.refresh_button.setEnabled(False)
        self._say(text, "hint")

    def _idle(self, text: str, role: str = "hint") -> None:
        self.loading = False
        self.refresh_button.setEnabled(bool(self.view and not self.view.stopped))
        self._say(text, role)

    def _failed(self, exc: BaseException) -> None:
        if not isValid(self):  # closed (or rebuilt) while the hub was being asked
            return
        self._idle(error_text(exc), "error")

    def _say(self, text: str, role: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))
        self.note.setProperty("role", role)
        self.note.style().unpolish(self.note)
        self.note.style().polish(self.note)

    # --- actions ---------------------------------------------------------------------------------------

    def open_join(self) -> None:
        if JoinHubDialog(self.ctx, self.window()).exec():
            self.facts = None
            self.reload()

    def open_create(self) -> None:
        if not ask_owner(self, self.ctx, tr("Making a new hub for the shop.")):
            return
        if CreateHubDialog(self.ctx, self.window()).exec():
            self.facts = None
            self.reload()

    def open_invite(self) -> None:
        if ask_owner(self, self.ctx, tr("Inviting another laptop into the shop's record.")):
            InviteDialog(self.ctx, self.window()).exec()

    def revoke(self, device_id: str, name: str) -> None:
        if not ask_owner(self, self.ctx, tr("Removing the laptop {name} from the hub.", name=name)):
            return
        text = tr("Remove {name} from the hub? It is locked out at once and keeps its own data, but it no longer "
                  "syncs with the other laptops.", name=name)
        if not confirm(self.window(), tr("Remove laptop"), text, tr("Revoke")):
            return
        self._busy(tr("Removing {name}…", name=name))
        self.ctx.work.run(lambda db, _progress: hub_actions.revoke(db, device_id),
                          lambda facts: self._acted(facts, tr("{name} was removed.", name=name)), self._failed)

    def take_over(self, key: str, shop: str) -> None:
        if not ask_owner(self, self.ctx, tr("Making this laptop send for {shop}.", shop=shop)):
            return
        text = tr("Send for {shop} from this laptop? The laptop that sends now stops sending for it; do this only "
                  "when that laptop is gone or broken.", shop=shop)
        if not confirm(self.window(), tr("Take over"), text, tr("Take over")):
            return
        self._busy(tr("Taking over {shop}…", shop=shop))
        self.ctx.work.run(lambda db, _progress: hub_actions.take_over(db, key),
                          lambda facts: self._acted(facts, tr("This laptop sends for {shop} now.", shop=shop)),
                          self._failed)

    def _acted(self, facts: HubFacts, text: str) -> None:
        if not isValid(self):  # closed (or rebuilt) while the hub was being asked
            return
        self._idle(text)
        self.show_facts(facts)
        self.ctx.announce(Change(sync=True))

    def leave(self) -> None:
        text = tr("Leave the hub? This laptop keeps all its data and keeps selling alone; the other laptops no "
                  "longer see what it does.")
        if not confirm(self.window(), tr("Leave the hub"), text, tr("Leave the hub")):
            return
        if not ask_owner(self, self.ctx, tr("Taking this laptop out of the hub.")):
            return
        self._busy(tr("Leaving the hub…"))
        self.ctx.work.run(lambda db, _progress: hub_actions.leave(db), self._left, self._failed)

    def _left(self, change: Change) -> None:
        if not isValid(self):  # closed (or rebuilt) while the hub was being asked
            return
        self._idle("")
        self.facts = None
        self.ctx.announce(change | Change(sync=True))
        self.reload()

def _big(text: str, primary: bool = False) -> QPushButton:
    button = QPushButton(text)
    button.setMinimumHeight(40)
    if primary:
        button.setProperty("primary", True)
    return button


def _text(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def _hint(text: str) -> QLabel:
    label = _text(text)
    label.setProperty("role", "hint")
    return label


def _subheading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-weight: bold; margin-top: 6px;")
    return label
