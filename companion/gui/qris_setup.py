"""Pengaturan → QRIS toko: the shop's static QRIS pasted or read from a photo of the sticker, checked, confirmed, kept.

The owner sees the merchant name, city and NMID the code pays to before saving, so a neighbour's sticker or a code
from another sale is caught here and never reaches a customer's phone.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.domain.qris import QrisFacts, check_static, read_qris
from companion.gui.context import AppContext
from companion.gui.messages import confirm, error_text, show_error
from companion.gui.qris_photo import read_sticker_photo
from companion.i18n import tr
from companion.services.change import Change
from companion.services.qris import forget_static_payload, save_static_payload, static_payload
from companion.store.database import Database


class QrisSetup(QFrame):
    """The "QRIS toko" card: paste or photo → what it pays to → Simpan QRIS; Hapus QRIS stops using it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setProperty("role", "card")
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(tr("Paste the text of the QRIS sticker here (it starts with 000201)"))
        self.text.setFixedHeight(72)
        self.text.textChanged.connect(self.check)
        self.photo_button = QPushButton(tr("Read from a sticker photo…"))
        self.photo_button.clicked.connect(self.choose_photo)
        self.save_button = QPushButton(tr("Save QRIS"))
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(self.save)
        self.forget_button = QPushButton(tr("Remove QRIS"))
        self.forget_button.clicked.connect(self.forget)
        self.saved = _label()
        self.found = _label()
        self.found.setStyleSheet("font-weight: bold;")
        self.problem = _label("error")
        self._build()
        ctx.changed.connect(self._on_change)
        self.reload()

    def _build(self) -> None:
        heading = QLabel(tr("Shop QRIS"))
        heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        hint = _label("hint")
        hint.setText(tr("Enter the shop's printed QRIS once: at the counter the app then shows a QRIS code holding "
                        "the exact total, and the customer's phone fills in the amount."))
        buttons = QHBoxLayout()
        for button in (self.photo_button, self.save_button, self.forget_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        box = QVBoxLayout(self)
        for widget in (heading, hint, self.saved, self.text):
            box.addWidget(widget)
        box.addLayout(buttons)
        box.addWidget(self.found)
        box.addWidget(self.problem)

    # --- reading --------------------------------------------------------------------------------------

    def reload(self) -> None:
        """Show what is saved; the paste box keeps what the owner is working on."""
        payload = static_payload(self.ctx.db)
        _say(self.saved, _facts_line(tr("Saved:"), read_qris(payload)) if payload
             else tr("No QRIS saved yet: QRIS payments are confirmed by hand at the counter."))
        self.forget_button.setVisible(bool(payload))
        self.check()

    def _on_change(self, change: Change) -> None:
        if change.settings:
            self.reload()

    def check(self) -> None:
        """What the pasted text pays to, or the one sentence saying why it cannot be used."""
        text = self.text.toPlainText().strip()
        _say(self.found, "")
        _say(self.problem, "")
        self.save_button.setEnabled(False)
        if not text:
            return
        try:
            check_static(text)
            facts = read_qris(text)
        except UserError as exc:
            _say(self.problem, error_text(exc))
            return
        _say(self.found, _facts_line(tr("Check that this is your shop:"), facts))
        self.save_button.setEnabled(text != static_payload(self.ctx.db))

    # --- actions --------------------------------------------------------------------------------------

    def choose_photo(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, tr("Choose a photo of the QRIS sticker"), str(Path.home()),
                                              tr("Pictures (*.png *.jpg *.jpeg)"))
        if name:
            self.read_photo(Path(name))

    def read_photo(self, path: Path) -> None:
        """Read the sticker photo on a pool thread (a phone photo is large); the code lands in the paste box."""
        self.photo_button.setEnabled(False)
        _say(self.problem, "")
        _say(self.found, tr("Reading the photo…"))

        def read(_db: Database, _progress: object) -> str:
            return read_sticker_photo(path)

        self.ctx.work.run(read, on_done=self._photo_read, on_error=self._photo_failed)

    def _photo_read(self, text: str) -> None:
        self.photo_button.setEnabled(True)
        self.text.setPlainText(text)  # checked at once, with the merchant shown for the owner to confirm

    def _photo_failed(self, exc: BaseException) -> None:
        self.photo_button.setEnabled(True)
        _say(self.found, "")
        _say(self.problem, error_text(exc))

    def save(self) -> None:
        try:
            change = save_static_payload(self.ctx.db, self.text.toPlainText())
        except UserError as exc:
            _say(self.problem, error_text(exc))
            return
        self.text.clear()
        self.ctx.announce(change)

    def forget(self) -> None:
        if not confirm(self, tr("Remove QRIS"), tr("Stop showing QRIS codes with the amount at the counter?"),
                       tr("Remove QRIS")):
            return
        try:
            self.ctx.announce(forget_static_payload(self.ctx.db))
        except UserError as exc:
            show_error(self, exc)


def _facts_line(lead: str, facts: QrisFacts) -> str:
    return tr("{lead} {name} · {city} · NMID {nmid}", lead=lead, name=facts.merchant_name, city=facts.city,
              nmid=facts.nmid)


def _label(role: str = "") -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if role:
        label.setProperty("role", role)
    return label


def _say(label: QLabel, text: str) -> None:
    """An empty line takes no room in the card."""
    label.setText(text)
    label.setVisible(bool(text))
