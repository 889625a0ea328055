"""Pengaturan → "Outlet": the shop's outlets (add, rename), which one this laptop sells from, and which outlets'
stock the marketplaces are told ("Stok online diambil dari: semua outlet / outlet terpilih").

Every change asks for the owner's PIN first (nothing is asked until one is set) and goes through services/outlets.py
or the shop's settings; the card reloads itself when settings change (an outlet added on another laptop arrives as
one). The hub's own card ("Beberapa laptop") is separate.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.domain.settings_keys import MARKETPLACE_OUTLETS, outlet_ids
from companion.gui.context import AppContext
from companion.gui.form_errors import FormErrors
from companion.gui.messages import error_text
from companion.gui.outlet_picker import open_outlets, this_outlet
from companion.gui.owner_pin import ask_owner
from companion.i18n import tr
from companion.services import outlets as outlet_service
from companion.services.change import Change
from companion.services.marketplace_outlets import choose_marketplace_outlets
from companion.store import outlets as outlet_store
from companion.store import settings as settings_store


class OutletsSetup(QFrame):
    """The settings card; `reload()` reads the outlets, this laptop's choice and the online stock source."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setProperty("role", "card")
        self.setObjectName("outlets-setup")
        heading = QLabel(tr("Outlets"))
        heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        intro = _hint(tr("One shop with several places that sell: stock is counted per outlet and for the whole shop. "
                         "Each laptop sells from its own outlet."))
        self.list = QListWidget()
        self.list.setMinimumHeight(110)
        self.list.setMaximumHeight(130)
        self.list.setStyleSheet("QListWidget::item { min-height: 34px; padding-left: 6px; }")
        self.list.currentItemChanged.connect(lambda *_: self._enable())
        self.list.itemActivated.connect(lambda _i: self.rename())
        self.add_button = _button(tr("Add outlet…"), self.add)
        self.rename_button = _button(tr("Rename…"), self.rename)
        self.archive_button = _button(tr("Archive"), self.archive)
        side = QVBoxLayout()
        side.addWidget(self.add_button)
        side.addWidget(self.rename_button)
        side.addWidget(self.archive_button)
        side.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.list, 1)
        top.addLayout(side)
        self.here = QComboBox()
        self.here.setMinimumWidth(200)
        self.here_button = _button(tr("Save"), self.save_here)
        here_row = QHBoxLayout()
        here_label = QLabel(tr("This laptop is at outlet"))
        here_label.setBuddy(self.here)
        here_row.addWidget(here_label)
        here_row.addWidget(self.here)
        here_row.addWidget(self.here_button)
        here_row.addStretch(1)
        self._online_box = QVBoxLayout()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.hide()
        box = QVBoxLayout(self)
        box.addWidget(heading)
        box.addWidget(intro)
        box.addLayout(top)
        self.several = QWidget()  # this laptop's outlet and the online source: shown once there are two outlets
        several = QVBoxLayout(self.several)
        several.setContentsMargins(0, 0, 0, 0)
        several.addLayout(here_row)
        several.addLayout(self._online_source())
        box.addWidget(self.several)
        box.addWidget(self.note)
        ctx.changed.connect(self._on_change)
        self.reload()

    def _online_source(self) -> QVBoxLayout:
        self.all_outlets = QRadioButton(tr("all outlets"))
        self.some_outlets = QRadioButton(tr("chosen outlets:"))
        group = QButtonGroup(self)
        group.addButton(self.all_outlets)
        group.addButton(self.some_outlets)
        group.buttonToggled.connect(lambda *_: self._enable_choices())
        self.choices: dict[str, QCheckBox] = {}
        self.choice_row = QHBoxLayout()  # one tick box per outlet, on a line of its own (room for several)
        self.online_button = _button(tr("Save"), self.save_online)
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("Online stock comes from:")))
        row.addWidget(self.all_outlets)
        row.addWidget(self.some_outlets)
        row.addStretch(1)
        ticks = QHBoxLayout()
        ticks.setContentsMargins(24, 0, 0, 0)
        ticks.addLayout(self.choice_row)
        ticks.addWidget(self.online_button)
        ticks.addStretch(1)
        self._online_box.addLayout(row)
        self._online_box.addLayout(ticks)
        self._online_box.addWidget(_hint(tr("The number sent to the marketplaces is the stock of these outlets added "
                                             "up; the laptop that holds each online shop sends it.")))
        return self._online_box

    # --- reading ---------------------------------------------------------------------------------------
    def _on_change(self, change: Change) -> None:
        if change.settings:
            self.reload()

    def reload(self) -> None:
        outlets = open_outlets(self.ctx.db)
        here = this_outlet(self.ctx.db)
        current = self._current()
        self.list.clear()
        for outlet in outlet_store.listed(self.ctx.db):
            text = tr("{name} (this laptop)", name=outlet.name) if outlet.id == here else outlet.name
            item = QListWidgetItem(tr("{name} (archived)", name=text) if outlet.archived else text)
            item.setData(Qt.ItemDataRole.UserRole, outlet.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, outlet.name)
            item.setData(Qt.ItemDataRole.UserRole + 2, outlet.archived)
            if outlet.archived:
                item.setForeground(Qt.GlobalColor.gray)
            self.list.addItem(item)
            if outlet.id == current:
                self.list.setCurrentItem(item)
        self._enable()
        self.here.clear()
        for outlet_id, name in outlets:
            self.here.addItem(name, outlet_id)
        self.here.setCurrentIndex(max(self.here.findData(here), 0))
        self._reload_online(outlets)
        self.several.setVisible(len(outlets) > 1)

    def _reload_online(self, outlets: list[tuple[str, str]]) -> None:
        chosen = outlet_ids(settings_store.get(self.ctx.db, MARKETPLACE_OUTLETS))
        while self.choice_row.count():
            taken = self.choice_row.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()
        self.choices = {}
        for outlet_id, name in outlets:
            box = QCheckBox(name)
            box.setChecked(outlet_id in chosen)
            self.choices[outlet_id] = box
            self.choice_row.addWidget(box)
        (self.some_outlets if chosen else self.all_outlets).setChecked(True)
        self._enable_choices()

    def _enable_choices(self) -> None:
        for box in self.choices.values():
            box.setEnabled(self.some_outlets.isChecked())

    def _enable(self) -> None:
        item = self.list.currentItem()
        self.rename_button.setEnabled(item is not None)
        self.archive_button.setEnabled(item is not None)
        archived = item is not None and bool(item.data(Qt.ItemDataRole.UserRole + 2))
        self.archive_button.setText(tr("Restore") if archived else tr("Archive"))

    def _current(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    # --- actions ---------------------------------------------------------------------------------------
    def add(self) -> None:
        if not self._allowed(tr("Adding an outlet.")):
            return
        dialog = OutletNameDialog(tr("Add outlet"), "",
                                  lambda name: outlet_service.add_outlet(self.ctx.db, name)[1], self)
        if dialog.exec() and dialog.change is not None:
            self._done(dialog.change, tr("Outlet added."))

    def rename(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        outlet_id, name = str(item.data(Qt.ItemDataRole.UserRole)), str(item.data(Qt.ItemDataRole.UserRole + 1))
        if not self._allowed(tr("Renaming the outlet {name}.", name=name)):
            return
        dialog = OutletNameDialog(tr("Rename outlet"), name,
                                  lambda new: outlet_service.rename_outlet(self.ctx.db, outlet_id, new), self)
        if dialog.exec() and dialog.change is not None:
            self._done(dialog.change, tr("Outlet renamed."))

    def archive(self) -> None:
        """An outlet the shop closed leaves the lists (its history stays); an archived one comes back."""
        item = self.list.currentItem()
        if item is None:
            return
        outlet_id, name = str(item.data(Qt.ItemDataRole.UserRole)), str(item.data(Qt.ItemDataRole.UserRole + 1))
        if item.data(Qt.ItemDataRole.UserRole + 2):
            if self._allowed(tr("Restoring the outlet {name}.", name=name)):
                self._run(lambda: outlet_service.restore_outlet(self.ctx.db, outlet_id),
                          tr("{name} is back in the lists.", name=name))
        elif self._allowed(tr("Archiving the outlet {name}.", name=name)):
            self._run(lambda: outlet_service.archive_outlet(self.ctx.db, outlet_id),
                      tr("{name} is archived: its history stays.", name=name))

    def save_here(self) -> None:
        outlet_id = str(self.here.currentData())
        if not self._allowed(tr("Changing the outlet this laptop sells from.")):
            return
        self._run(lambda: outlet_service.choose_outlet(self.ctx.db, outlet_id),
                  tr("This laptop now sells from {name}.", name=self.here.currentText()))

    def save_online(self) -> None:
        ids = [] if self.all_outlets.isChecked() else [o for o, box in self.choices.items() if box.isChecked()]
        if self.some_outlets.isChecked() and not ids:
            self._say(tr("No outlet is ticked: tick at least one outlet, or choose all outlets."), error=True)
            return
        if not self._allowed(tr("Changing which outlets' stock the marketplaces are told.")):
            return
        self._run(lambda: choose_marketplace_outlets(self.ctx.db, ids),
                  tr("Online stock now comes from {outlets}.", outlets=self._online_words(ids)))

    def _online_words(self, ids: list[str]) -> str:
        if not ids:
            return tr("all outlets")
        names = dict(open_outlets(self.ctx.db))
        return ", ".join(names.get(i, i) for i in ids)

    def _allowed(self, why: str) -> bool:
        return ask_owner(self, self.ctx, why)

    def _run(self, action: Callable[[], Change], done: str) -> None:
        try:
            change = action()
        except UserError as exc:
            self._say(error_text(exc), error=True)
            return
        self._done(change, done)

    def _done(self, change: Change, text: str) -> None:
        self.ctx.announce(change)
        self.reload()
        self._say(text)

    def _say(self, text: str, error: bool = False) -> None:
        self.note.setText(text)
        self.note.setProperty("role", "error" if error else "hint")
        self.note.style().unpolish(self.note)
        self.note.style().polish(self.note)
        self.note.setVisible(bool(text))


class OutletNameDialog(QDialog):
    """One outlet's name; `save(name) -> Change` runs on OK and a refusal shows under the field."""

    def __init__(self, title: str, name: str, save: Callable[[str], Change], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._save = save
        self.change: Change | None = None
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.name = QLineEdit(name)
        self.name.setMaxLength(60)
        self.name.setPlaceholderText(tr("For example: Cabang Pasar"))
        self.name.returnPressed.connect(self.save)
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox()
        ok = buttons.addButton(tr("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setProperty("primary", True)
        ok.setAutoDefault(False)
        buttons.addButton(tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("Outlet name")))
        layout.addWidget(self.name)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.errors = FormErrors(self.error)
        self.errors.add("name", self.name)

    def save(self) -> None:
        try:
            self.change = self._save(self.name.text())
        except UserError as exc:
            self.errors.show(exc, "name")
            return
        self.accept()


def _button(text: str, slot: Callable[[], None]) -> QPushButton:
    button = QPushButton(text)
    button.clicked.connect(lambda: slot())
    return button


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "hint")
    label.setWordWrap(True)
    return label
