"""The shop's laptops and who sends for each marketplace shop, as the hub last told us.

Two grids for Pengaturan → "Beberapa laptop": the laptops (name, receipt prefix, outlet, last seen, removed) with
"Cabut", and each linked marketplace shop with the laptop that sends for it and "Ambil alih". The buttons only ask:
the card checks the owner's PIN, confirms and runs the hub call in the background.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QWidget

from companion.domain.hub_records import DeviceRow, Lease
from companion.domain.hub_tables import account_key
from companion.gui.durations import ago_text
from companion.gui.layout_clearing import clear_layout
from companion.gui.sync_status import account_label
from companion.i18n import tr
from companion.store.accounts import AccountRow


class _ButtonGrid(QWidget):
    """A grid of rows, each with an action button kept by key (tests and the card press them)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(16)
        self.grid.setVerticalSpacing(6)
        self.buttons: dict[str, QPushButton] = {}


class DevicesGrid(_ButtonGrid):
    """One row per laptop; `revoke` carries (device id, name)."""

    revoke = Signal(str, str)

    def show_devices(self, devices: Sequence[DeviceRow], me: str, outlet_name: Callable[[str], str]) -> None:
        clear_layout(self.grid)
        self.buttons = {}
        for col, text in enumerate((tr("Laptop"), tr("Receipt prefix"), tr("Outlet"), tr("Last seen"))):
            self.grid.addWidget(_hint(text), 0, col)
        for row, device in enumerate(devices, start=1):
            name = device.name + (" " + tr("(this laptop)") if device.device_id == me else "")
            cells = (name, device.prefix, outlet_name(device.outlet_id), ago_text(device.last_seen_at))
            for col, text in enumerate(cells):
                label = QLabel(text)
                label.setWordWrap(True)
                if device.revoked_at:
                    label.setStyleSheet("color: #777;")
                self.grid.addWidget(label, row, col)
            if device.revoked_at:
                self.grid.addWidget(_hint(tr("Removed")), row, 4)
            elif device.device_id != me:
                button = QPushButton(tr("Revoke"))
                button.setMinimumHeight(34)
                button.clicked.connect(partial(self.revoke.emit, device.device_id, device.name))
                self.grid.addWidget(button, row, 4)
                self.buttons[device.device_id] = button
        self.grid.setColumnStretch(0, 2)
        self.grid.setColumnStretch(2, 1)


class SendersGrid(_ButtonGrid):
    """Each real marketplace shop and the laptop that sends for it; `take_over` carries (account key, shop)."""

    take_over = Signal(str, str)

    def show_senders(self, accounts: Sequence[AccountRow], leases: Sequence[Lease], me: str) -> None:
        clear_layout(self.grid)
        self.buttons = {}
        real = [a for a in accounts if not a.practice]
        if not real:
            self.grid.addWidget(_hint(tr("No online shop is linked yet.")), 0, 0)
            return
        by_key = {lease.account_key: lease for lease in leases}
        for row, account in enumerate(real):
            key = account_key(account.channel, account.shop_ref)
            lease = by_key.get(key)
            shop = account_label(account)
            self.grid.addWidget(QLabel(shop), row, 0)
            if lease is None:
                sender = tr("No laptop sends yet")
            elif lease.device_id == me:
                sender = tr("This laptop sends")
            else:
                sender = tr("{laptop} sends", laptop=lease.device_name or tr("another laptop"))
            self.grid.addWidget(QLabel(sender), row, 1)
            if lease is None or lease.device_id != me:
                button = QPushButton(tr("Take over"))
                button.setMinimumHeight(34)
                button.clicked.connect(partial(self.take_over.emit, key, shop))
                self.grid.addWidget(button, row, 2)
                self.buttons[key] = button
        self.grid.setColumnStretch(0, 2)
        self.grid.setColumnStretch(1, 2)


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "hint")
    label.setWordWrap(True)
    return label
