"""Pengaturan's "Printer struk" section: how the thermal printer is connected (COM/Bluetooth port from the ports the
computer has, network address, USB id, an installed printer, a device file), its paper width, cutter and cash
drawer, what every receipt says at the top and bottom, the logo, and "Cetak tes" to check it all in one press."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.domain.printer_test_page import printer_test_doc
from companion.domain.settings_keys import (
    PRINTER_BAUD,
    PRINTER_CUT,
    PRINTER_DRAWER,
    PRINTER_KIND,
    PRINTER_PAPER_MM,
    PRINTER_TARGET,
    RECEIPT_ADDRESS,
    RECEIPT_FOOTER,
    RECEIPT_LOGO,
    RECEIPT_PHONE,
    SHOP_NAME,
)
from companion.gui.context import AppContext
from companion.gui.form_errors import FormErrors, error_label
from companion.gui.messages import error_text
from companion.gui.owner_pin import ask_owner
from companion.gui.receipt_printing import print_document
from companion.i18n import N_, tr
from companion.printing.config import BAUD_RATES, PAPER_WIDTHS
from companion.printing.ports import serial_ports
from companion.services.change import Change
from companion.services.printer_setup import remove_logo, save_logo, save_printer

KINDS = (("", N_("None: use the computer's print window")), ("serial", N_("Bluetooth or COM port")),
         ("network", N_("Network (LAN / Wi-Fi)")), ("usb", N_("USB (straight to the printer)")),
         ("installed", N_("Printer installed on this computer")), ("file", N_("Device file")))
HINTS = {"": N_("Receipts open on screen with Print and Save PDF."),
         "serial": N_("Pair a Bluetooth printer in the computer's settings first; it then shows as a port here."),
         "network": N_("The printer's address, e.g. 192.168.1.50 (port 9100 unless typed)."),
         "usb": N_("vendor:product as the computer lists the printer, e.g. 0416:5011."),
         "installed": N_("The printer's name as the computer lists it; the app sends it raw receipt commands."),
         "file": N_("For example /dev/usb/lp0.")}


class PrinterSetup(QFrame):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setProperty("role", "card")
        self.kind = QComboBox()
        for code, label in KINDS:
            self.kind.addItem(tr(label), code)
        self.target = QComboBox()
        self.target.setEditable(True)
        self.target.setMinimumWidth(260)
        self.find_ports = QPushButton(tr("Find ports"))
        self.find_ports.clicked.connect(self.fill_ports)
        self.baud = QComboBox()
        for rate in BAUD_RATES:
            self.baud.addItem(str(rate), rate)
        self.paper = QComboBox()
        for mm in PAPER_WIDTHS:
            self.paper.addItem(tr("{mm} mm", mm=mm), mm)
        self.cut = QCheckBox(tr("Cut the paper after each receipt"))
        self.drawer = QCheckBox(tr("Open the cash drawer for cash sales"))
        self.address, self.phone, self.footer = QLineEdit(), QLineEdit(), QLineEdit()
        self.address.setPlaceholderText(tr("For example: Jl. Mawar 12, Bandung"))
        self.phone.setPlaceholderText(tr("For example: 0812 3456 7890"))
        self.footer.setPlaceholderText(tr("Thank you for shopping!"))
        self.hint = _hint("")
        self.logo_note = QLabel()
        self._build()
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.reload()

    def _build(self) -> None:
        where = QHBoxLayout()
        where.addWidget(self.target, 1)
        where.addWidget(self.find_ports)
        choose_logo, drop_logo = QPushButton(tr("Choose logo…")), QPushButton(tr("Remove logo"))
        choose_logo.clicked.connect(self.choose_logo)
        drop_logo.clicked.connect(self.drop_logo)
        self.drop_logo_button = drop_logo
        logo = QHBoxLayout()
        logo.addWidget(self.logo_note, 1)
        logo.addWidget(choose_logo)
        logo.addWidget(drop_logo)
        self.form = QFormLayout()
        self.form.setVerticalSpacing(8)
        self.form.addRow(tr("Connection"), self.kind)
        self.form.addRow(tr("Port or address"), where)
        self.target_error = error_label()  # under the whole row (the port list shares it with "Find ports")
        self.form.addRow("", self.target_error)
        self.form.addRow("", self.hint)
        self.form.addRow(tr("Port speed"), self.baud)
        self.form.addRow(tr("Paper width"), self.paper)
        self.form.addRow("", self.cut)
        self.form.addRow("", self.drawer)
        self.form.addRow(tr("Address on the receipt"), self.address)
        self.form.addRow(tr("Phone on the receipt"), self.phone)
        self.form.addRow(tr("Bottom line"), self.footer)
        self.form.addRow(tr("Logo"), logo)
        self.save_button = QPushButton(tr("Save printer"))
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(self.save)
        self.test_button = QPushButton(tr("Print a test page"))
        self.test_button.clicked.connect(self.print_test)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        self.note = QLabel()
        self.note.setWordWrap(True)
        heading = QLabel(tr("Receipt printer"))
        heading.setStyleSheet("font-size: 13pt; font-weight: bold;")  # as Pengaturan's other card headings
        box = QVBoxLayout(self)
        box.addWidget(heading)
        box.addWidget(_hint(tr("The receipt's shop name is the name above; the sale is always saved first, "
                               "whatever the printer does.")))
        box.addLayout(self.form)
        box.addLayout(buttons)
        box.addWidget(self.note)
        self.errors = FormErrors(self.note)
        self.errors.add(PRINTER_KIND.key, self.kind)
        self.errors.add(PRINTER_TARGET.key, self.target, self.target_error)
        for setting, field in ((RECEIPT_ADDRESS, self.address), (RECEIPT_PHONE, self.phone),
                               (RECEIPT_FOOTER, self.footer)):
            self.errors.add(setting.key, field)

    def reload(self) -> None:
        ctx = self.ctx
        _select(self.kind, ctx.setting(PRINTER_KIND))
        self.fill_ports()
        self.target.setCurrentText(ctx.setting(PRINTER_TARGET))
        _select(self.baud, ctx.setting(PRINTER_BAUD))
        _select(self.paper, ctx.setting(PRINTER_PAPER_MM))
        self.cut.setChecked(ctx.setting(PRINTER_CUT))
        self.drawer.setChecked(ctx.setting(PRINTER_DRAWER))
        self.address.setText(ctx.setting(RECEIPT_ADDRESS))
        self.phone.setText(ctx.setting(RECEIPT_PHONE))
        self.footer.setText(ctx.setting(RECEIPT_FOOTER))
        has_logo = bool(ctx.setting(RECEIPT_LOGO))
        self.logo_note.setText(tr("A logo is set.") if has_logo else tr("No logo."))
        self.drop_logo_button.setEnabled(has_logo)
        self._kind_changed()

    def fill_ports(self) -> None:
        """The serial ports the computer has now (USB-serial cables, paired Bluetooth printers)."""
        typed = self.target.currentText()
        self.target.clear()
        if self.kind.currentData() == "serial":
            for device, description in serial_ports():
                self.target.addItem(f"{device} — {description}" if description else device, device)
        self.target.setCurrentText(typed)

    def _kind_changed(self) -> None:
        kind = str(self.kind.currentData())
        self.hint.setText(tr(HINTS[kind]))
        for widget in (self.target, self.find_ports):
            widget.setEnabled(bool(kind))
        self.find_ports.setVisible(kind == "serial")
        self.baud.setEnabled(kind == "serial")
        self.test_button.setEnabled(True)

    def values(self) -> dict[str, str]:
        target = self.target.currentText()
        data = self.target.currentData()
        if data and self.target.itemText(self.target.currentIndex()) == target:
            target = str(data)  # "COM3 — USB Serial" → COM3
        return {PRINTER_KIND.key: str(self.kind.currentData()), PRINTER_TARGET.key: target,
                PRINTER_BAUD.key: str(self.baud.currentData()), PRINTER_PAPER_MM.key: str(self.paper.currentData()),
                PRINTER_CUT.key: "1" if self.cut.isChecked() else "0",
                PRINTER_DRAWER.key: "1" if self.drawer.isChecked() else "0",
                RECEIPT_ADDRESS.key: self.address.text(), RECEIPT_PHONE.key: self.phone.text(),
                RECEIPT_FOOTER.key: self.footer.text()}

    def save(self) -> bool:
        if not ask_owner(self, self.ctx, tr("Changing the receipt printer.")):
            return False
        try:
            change = save_printer(self.ctx.db, self.values())
        except UserError as exc:
            self.errors.show(exc, PRINTER_TARGET.key)
            return False
        self.errors.clear()
        self._announce(change, tr("Printer saved."))
        return True

    def print_test(self) -> None:
        """Save what is shown, then print the test page the way receipts will go."""
        if not self.save():
            return
        ctx = self.ctx
        doc = printer_test_doc(ctx.setting(SHOP_NAME), ctx.setting(RECEIPT_ADDRESS), ctx.setting(RECEIPT_PHONE),
                               ctx.setting(RECEIPT_FOOTER), ctx.setting(PRINTER_PAPER_MM),
                               bool(ctx.setting(RECEIPT_LOGO)), ctx.setting(PRINTER_DRAWER))
        print_document(self, ctx, doc)
        self.note.setText(tr("Test page sent. If nothing comes out, a message will say why."))

    def choose_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Choose logo"), str(Path.home()),
                                              tr("Pictures (*.png *.jpg *.jpeg *.bmp *.gif)"))
        if path:
            self.use_logo(Path(path))

    def use_logo(self, path: Path) -> None:
        try:
            change = save_logo(self.ctx.db, path)
        except UserError as exc:
            self.note.setText(error_text(exc))
            return
        self._announce(change, tr("Logo saved: it prints at the top of every receipt."))

    def drop_logo(self) -> None:
        self._announce(remove_logo(self.ctx.db), tr("Logo removed."))

    def _announce(self, change: Change, text: str) -> None:
        self.ctx.announce(change)
        self.reload()
        self.note.setProperty("role", "hint")
        self.note.setText(text)


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "hint")
    label.setWordWrap(True)
    return label


def _select(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(max(index, 0))

