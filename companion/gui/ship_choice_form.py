"""One shop's part of the ship dialog: pickup (address and time slot), drop-off (branch) or the shop's own courier
(courier name and each order's tracking number), and "Ingat pilihan ini".

It opens with the shop's remembered choice (or pickup at the earliest slot) and fills in the platform's addresses,
slots, branches and couriers when they arrive from the background; without them (offline) the orders still queue,
and the sync takes the earliest slot when the internet is back.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from companion.connectors import registry
from companion.domain.fulfilment import ShipChoice, ShipMethod, ShippingOptions, TimeSlot
from companion.gui.durations import local_time_text
from companion.gui.order_times import shop_text
from companion.gui.order_words import METHOD_WORDS
from companion.i18n import tr
from companion.store.order_desk import DeskRow


@dataclass
class ShopGroup:
    """The ticked orders of one shop, with the shop's remembered choice (None: never chosen)."""

    account_id: str
    channel: str
    rows: list[DeskRow] = field(default_factory=list)
    usual: ShipChoice | None = None

    @property
    def title(self) -> str:
        if len(self.rows) == 1:
            return tr("{shop} · 1 order", shop=shop_text(self.rows[0].order))
        return tr("{shop} · {count} orders", shop=shop_text(self.rows[0].order), count=len(self.rows))


def shop_methods(channel: str) -> tuple[ShipMethod, ...]:
    """The ways the channel's orders may go out (its spec's rules; all three when it declares none)."""
    spec = registry.find(channel)
    rules = spec.fulfilment if spec is not None else None
    return rules.methods if rules is not None and rules.methods else tuple(ShipMethod)


def slot_text(slot: TimeSlot, zone: str) -> str:
    """"Sen, 7 Des 09.00–12.00" in the shop's zone (the platform's id when it gives no times)."""
    if slot.starts is None:
        return slot.slot_id
    start = local_time_text(slot.starts, zone, "EEE, d MMM HH:mm")
    return f"{start}–{local_time_text(slot.ends, zone, 'HH:mm')}" if slot.ends is not None else start


class ShopSection(QGroupBox):
    """How one shop's ticked orders go out."""

    def __init__(self, group: ShopGroup, zone: str) -> None:
        super().__init__(group.title)
        self.group, self.zone = group, zone
        self.options: ShippingOptions | None = None
        self.radios: dict[ShipMethod, QRadioButton] = {}
        self.tracking: dict[str, QLineEdit] = {}
        self.method_group = QButtonGroup(self)
        self.pages: dict[ShipMethod, QWidget] = {}  # one shown at a time (a hidden one takes no room)
        self.address, self.slot, self.branch, self.provider = QComboBox(), QComboBox(), QComboBox(), QComboBox()
        self.courier = QLineEdit()
        self.courier.setPlaceholderText(tr("e.g. JNE, SiCepat, a local courier"))
        self.provider_label = QLabel(tr("Courier"))
        self.note = QLabel(tr("Getting the choices from {shop}…", shop=shop_text(group.rows[0].order)))
        self.note.setWordWrap(True)
        self.note.setProperty("role", "hint")
        self.remember = QCheckBox(tr("Remember this choice"))
        self.remember.setChecked(True)
        self._build()
        self._fill_defaults()
        self._prefill(group.usual)

    # --- building ----------------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        methods = QHBoxLayout()
        for method in shop_methods(self.group.channel):
            radio = QRadioButton(tr(METHOD_WORDS[method]))
            radio.toggled.connect(lambda on, m=method: self._show_method(m) if on else None)
            self.method_group.addButton(radio)
            self.radios[method] = radio
            methods.addWidget(radio)
        methods.addStretch(1)
        layout.addLayout(methods)
        self.pages = {ShipMethod.PICKUP: self._pickup_page(), ShipMethod.DROPOFF: self._dropoff_page(),
                      ShipMethod.OWN_COURIER: self._own_page()}
        for page in self.pages.values():
            page.hide()
            layout.addWidget(page)
        provider_row = QFormLayout()
        provider_row.addRow(self.provider_label, self.provider)
        layout.addLayout(provider_row)
        layout.addWidget(self.note)
        layout.addWidget(self.remember)
        self.address.currentIndexChanged.connect(lambda _i: self._fill_slots())

    def _pickup_page(self) -> QWidget:
        page = QWidget()
        self.pickup_form = QFormLayout(page)
        self.pickup_form.setContentsMargins(0, 0, 0, 0)
        self.pickup_form.addRow(tr("Pickup address"), self.address)
        self.pickup_form.addRow(tr("Time slot"), self.slot)
        self.pickup_note = QLabel(tr("The courier comes to the address the marketplace holds for the shop."))
        self.pickup_note.setWordWrap(True)
        self.pickup_note.setProperty("role", "hint")
        self.pickup_form.addRow(self.pickup_note)
        self.pickup_form.setRowVisible(self.pickup_note, False)
        return page

    def _dropoff_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(tr("Branch"), self.branch)
        return page

    def _own_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(tr("Courier"), self.courier)
        for row in self.group.rows:
            edit = QLineEdit()
            edit.setPlaceholderText(tr("Tracking number"))
            self.tracking[row.id] = edit
            form.addRow(tr("Order {order}", order=row.order.platform_order_id), edit)
        return page

    def _fill_defaults(self) -> None:
        """Before (or without) the platform's answer: the shop's address, the earliest slot, the first branch."""
        self.address.addItem(tr("The shop's pickup address"), "")
        self.slot.addItem(tr("Earliest slot when sending"), "")
        self.branch.addItem(tr("The first branch the platform offers"), "")
        self.provider.addItem(tr("The platform's courier"), "")
        self._show_providers()

    def _prefill(self, usual: ShipChoice | None) -> None:
        method = usual.method if usual is not None and usual.method in self.radios else next(iter(self.radios))
        self.radios[method].setChecked(True)
        self._show_method(method)
        if usual is not None:
            self.courier.setText(usual.courier)

    # --- the platform's answer ---------------------------------------------------------------------------
    def set_options(self, options: ShippingOptions) -> None:
        """Fill in what the platform offers now; the remembered address, branch and courier stay picked."""
        self.options = options
        usual = self.group.usual or ShipChoice(self.current_method())
        named = [(a.text, a.address_id) for a in options.addresses if a.text]   # some platforms name none
        self._refill(self.address, named, usual.address_id or (named[0][1] if named else ""))
        self._refill(self.branch, [(self._branch_text(b.name, b.address), b.branch_id) for b in options.branches],
                     usual.branch_id)
        self._refill(self.provider, [(p, p) for p in options.providers], usual.provider)
        self._fill_slots()
        has_slots = any(a.slots for a in options.addresses)
        self.pickup_form.setRowVisible(self.address, bool(named))
        self.pickup_form.setRowVisible(self.slot, has_slots)
        self.pickup_form.setRowVisible(self.pickup_note, not has_slots)
        offered = [m for m in options.methods if m in self.radios]
        for method, radio in self.radios.items():
            radio.setEnabled(not offered or method in offered)
        if offered and self.current_method() not in offered:
            self.radios[offered[0]].setChecked(True)
        courier = f" {tr('Courier: {courier}', courier=options.courier)}" if options.courier else ""
        self.note.setText(tr("Choices from {shop} as of now.", shop=shop_text(self.group.rows[0].order)) + courier)
        self._show_providers()

    def set_offline(self, problem: str = "") -> None:
        """No options now (offline, or the platform said no): its sentence, and what happens to the orders."""
        shop = shop_text(self.group.rows[0].order)
        first = tr(problem) if problem else tr("{shop} cannot be reached now.", shop=shop)
        self.note.setText(first + "\n" + tr("The orders wait and go out with the earliest slot when the internet "
                                            "is back."))

    @staticmethod
    def _branch_text(name: str, address: str) -> str:
        return f"{name} — {address}" if address else name

    @staticmethod
    def _refill(combo: QComboBox, items: list[tuple[str, str]], wanted: str) -> None:
        """Keep the first ("let the platform choose") entry, add the platform's, pick the remembered one."""
        while combo.count() > 1:
            combo.removeItem(1)
        for text, data in items:
            combo.addItem(text, data)
        found = combo.findData(wanted) if wanted else -1
        combo.setCurrentIndex(max(found, 0))

    def _fill_slots(self) -> None:
        while self.slot.count() > 1:
            self.slot.removeItem(1)
        if self.options is None:
            return
        address_id = self.address.currentData()
        for address in self.options.addresses:
            if not address_id or address.address_id == address_id:
                for slot in address.slots:
                    self.slot.addItem(slot_text(slot, self.zone), (address.address_id, slot.slot_id))
                if address_id:
                    break
                address_id = address.address_id  # "the shop's address": the first one's slots

    def _show_method(self, method: ShipMethod) -> None:
        for shown, page in self.pages.items():
            page.setVisible(shown is method)
        self._show_providers()

    def _show_providers(self) -> None:
        shown = self.provider.count() > 1 and self.current_method() is not ShipMethod.OWN_COURIER
        self.provider.setVisible(shown)
        self.provider_label.setVisible(shown)

    # --- the answer --------------------------------------------------------------------------------------
    def current_method(self) -> ShipMethod:
        return next((m for m, radio in self.radios.items() if radio.isChecked()), next(iter(self.radios)))

    def choice(self) -> ShipChoice:
        """The shop's choice (own courier: without tracking numbers, which are per order)."""
        method = self.current_method()
        provider = str(self.provider.currentData() or "")
        if method is ShipMethod.OWN_COURIER:
            return ShipChoice(method, courier=self.courier.text().strip())
        if method is ShipMethod.DROPOFF:
            return ShipChoice(method, branch_id=str(self.branch.currentData() or ""), provider=provider)
        slot = self.slot.currentData()
        address_id, slot_id = slot if isinstance(slot, tuple) else (str(self.address.currentData() or ""), "")
        return ShipChoice(method, address_id=address_id, slot_id=slot_id, provider=provider)

    def remembered(self) -> ShipChoice | None:
        """What "Ingat pilihan ini" keeps: the choice without a slot (slots expire; the earliest is taken each time)
        and without a tracking number."""
        return replace(self.choice(), slot_id="", tracking_number="") if self.remember.isChecked() else None

    def order_choices(self) -> dict[str, ShipChoice]:
        """Own courier: each order's choice with its own tracking number; otherwise none (the shop's choice serves)."""
        choice = self.choice()
        if choice.method is not ShipMethod.OWN_COURIER:
            return {}
        return {order_id: replace(choice, tracking_number=edit.text().strip())
                for order_id, edit in self.tracking.items()}

    def keyed(self) -> list[tuple[str, QWidget]]:
        """The own-courier boxes in reading order, by a key unique in the dialog (several shops share it)."""
        shop = self.group.account_id
        return [(f"{shop}:courier", self.courier),
                *((f"{shop}:tracking:{order_id}", edit) for order_id, edit in self.tracking.items())]

    def problems(self) -> list[tuple[str, str]]:
        """Every box's sentence at once, by `keyed` key: the courier's name and each empty tracking number."""
        if self.current_method() is not ShipMethod.OWN_COURIER:
            return []
        shop = self.group.account_id
        found = []
        if not self.courier.text().strip():
            found.append((f"{shop}:courier", tr("Type the courier's name for {shop}: the buyer sees it with the "
                                                 "tracking number.", shop=shop_text(self.group.rows[0].order))))
        found += [(f"{shop}:tracking:{order_id}",
                   tr("Type this order's tracking number: the platform needs it to follow the parcel."))
                  for order_id, edit in self.tracking.items() if not edit.text().strip()]
        return found

    def problem(self) -> str:
        """The first sentence when the form cannot be sent as it is ("" when it can)."""
        return next((text for _key, text in self.problems()), "")
