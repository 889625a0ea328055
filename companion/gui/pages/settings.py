"""Pengaturan: the shop's name, language, time zone and low-stock limit; the data folder, backups and restore."""

from __future__ import annotations

import os
from pathlib import Path

from babel.numbers import format_decimal
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from companion import i18n
from companion.domain.clock import ZONE_LABELS
from companion.domain.errors import UserError
from companion.domain.settings_keys import LANGUAGE, LOW_STOCK_THRESHOLD, SHOP_NAME, TIME_ZONE
from companion.gui.cashiers_setup import CashiersSetup
from companion.gui.commands_panel import CommandsPanel
from companion.gui.context import AppContext
from companion.gui.form_errors import EnterSaves, FormErrors
from companion.gui.hub_settings import HubCard
from companion.gui.messages import confirm, error_text, show_error
from companion.gui.online_shops_card import OnlineShopsCard
from companion.gui.outlets_settings import OutletsSetup
from companion.gui.owner_pin import ask_owner
from companion.gui.page_guide import show_all_guides
from companion.gui.pages.base import Page
from companion.gui.printer_setup import PrinterSetup
from companion.gui.qris_setup import QrisSetup
from companion.gui.startup import show_time
from companion.i18n import N_, babel_locale, tr
from companion.services.change import Change
from companion.services.settings import MAX_SHOP_NAME, MAX_THRESHOLD, save_settings
from companion.store import backup
from companion.store.database import close_thread_databases
from companion.store.location import backup_dir

LANGUAGE_LABELS = {"id": N_("Bahasa Indonesia"), "en": N_("English")}


class SettingsPage(Page):
    title_msgid = N_("Settings")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        title = QLabel(tr("Settings"))
        title.setProperty("role", "title")
        columns = QHBoxLayout()
        columns.addWidget(self._shop_card(), 1)
        columns.addWidget(self._data_card(), 1)
        self.online = OnlineShopsCard(ctx)
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.addWidget(title)
        layout.addLayout(columns, 1)
        layout.addWidget(self.online)
        self.qris = QrisSetup(ctx)  # the shop's static QRIS, for codes with the amount at the counter
        layout.addWidget(self.qris)
        self.cashiers = CashiersSetup(ctx)  # the owner's PIN, cashiers and the discount limit
        layout.addWidget(self.cashiers)
        self.commands = CommandsPanel(ctx)  # what waits to leave the laptop, or was refused
        layout.addWidget(self.commands)
        self.printer = PrinterSetup(ctx)  # the receipt printer, its paper, drawer and receipt header
        layout.addWidget(self.printer)
        self.hub = HubCard(ctx)  # "Beberapa laptop": one shop's record on several laptops, through a hub
        layout.addWidget(self.hub)
        self.outlets = OutletsSetup(ctx)  # "Outlet": the shop's outlets, this laptop's, online stock's source
        layout.addWidget(self.outlets)
        self.set_scrolling_content(inner)  # the online shops card makes it taller than a small laptop screen
        self.reload()

    # --- building -------------------------------------------------------------------------------------

    def _shop_card(self) -> QFrame:
        card = _card()
        self.shop_name = QLineEdit()
        self.shop_name.setMaxLength(MAX_SHOP_NAME)
        self.shop_name.setPlaceholderText(tr("For example: Toko Berkah Jaya"))
        self.language = QComboBox()
        for code in i18n.LANGUAGES:
            self.language.addItem(tr(LANGUAGE_LABELS[code]), code)
        self.zone = QComboBox()
        for code, label in ZONE_LABELS.items():
            self.zone.addItem(tr(label), code)
        self.threshold = QSpinBox()
        self.threshold.setRange(0, MAX_THRESHOLD)
        self.threshold.setGroupSeparatorShown(True)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.setVerticalSpacing(10)
        form.addRow(tr("Shop name"), self.shop_name)
        form.addRow(tr("Language"), self.language)
        form.addRow(tr("Time zone"), self.zone)
        form.addRow(tr("Low stock when at most"), self.threshold)
        self.save_button = QPushButton(tr("Save settings"))
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(self.save)
        self.saved_note = QLabel()
        self.saved_note.setWordWrap(True)
        box = QVBoxLayout(card)
        box.addWidget(_heading(tr("Shop")))
        box.addLayout(form)
        box.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)
        box.addWidget(self.saved_note)
        self.guides_button = QPushButton(tr("Show the page guides again"))
        self.guides_button.clicked.connect(self.show_guides)
        box.addWidget(self.guides_button, 0, Qt.AlignmentFlag.AlignLeft)
        box.addStretch(1)
        self.errors = FormErrors(self.saved_note)  # each setting's sentence under it, the same rules as the welcome
        for key, widget in ((SHOP_NAME.key, self.shop_name), (LANGUAGE.key, self.language),
                            (TIME_ZONE.key, self.zone), (LOW_STOCK_THRESHOLD.key, self.threshold)):
            self.errors.add(key, widget)
        EnterSaves(self, self.save, [self.shop_name, self.language, self.zone, self.threshold])
        return card

    def _data_card(self) -> QFrame:
        card = _card()
        folder = QLabel(str(self.ctx.data_dir).replace(os.sep, os.sep + "\u200b"))  # a long path wraps at its folders
        folder.setWordWrap(True)
        folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        open_folder = QPushButton(tr("Open folder"))
        open_folder.clicked.connect(self.open_folder)
        self.backup_button = QPushButton(tr("Back up now"))
        self.backup_button.setProperty("primary", True)
        self.backup_button.clicked.connect(self.back_up_now)
        self.backup_note = QLabel()
        self.backup_note.setWordWrap(True)
        self.backups = QListWidget()
        self.backups.setMinimumHeight(160)
        self.backups.setWordWrap(True)
        self.backups.setStyleSheet("QListWidget::item { min-height: 34px; padding-left: 6px; }")
        self.restore_button = QPushButton(tr("Restore from backup…"))
        self.restore_button.clicked.connect(self.restore_selected)
        from_file = QPushButton(tr("Choose a file…"))
        from_file.clicked.connect(self.restore_from_file)
        grid = QGridLayout()
        grid.addWidget(self.backup_button, 0, 0)
        grid.addWidget(open_folder, 0, 1)
        grid.addWidget(self.restore_button, 1, 0)
        grid.addWidget(from_file, 1, 1)
        box = QVBoxLayout(card)
        box.addWidget(_heading(tr("Data folder")))
        box.addWidget(folder)
        box.addWidget(_hint(tr("A backup is made each time the app starts and once a day; the newest 14 are kept.")))
        box.addLayout(grid)
        box.addWidget(self.backup_note)
        box.addWidget(_heading(tr("Backups")))
        box.addWidget(self.backups, 1)
        return card

    # --- reading ---------------------------------------------------------------------------------------

    def reload(self) -> None:
        if not self.errors.shown():  # a refused save keeps what was typed on screen until it is fixed
            self.shop_name.setText(self.ctx.setting(SHOP_NAME))
            _select(self.language, self.ctx.setting(LANGUAGE))
            _select(self.zone, self.ctx.setting(TIME_ZONE))
            self.threshold.setValue(self.ctx.setting(LOW_STOCK_THRESHOLD))
        self.reload_backups()
        self.online.reload()

    def reload_backups(self) -> None:
        zone = self.ctx.setting(TIME_ZONE)
        self.backups.clear()
        for info in backup.list_backups(self.ctx.data_dir):
            when = show_time(info.time, zone)
            label = tr("{time} · {size}", time=when, size=_size(info.size))
            if info.path.name.startswith(backup.SAFETY_PREFIX):
                label = tr("{label} (before a restore)", label=label)
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, str(info.path))
            item.setData(Qt.ItemDataRole.UserRole + 1, when)
            item.setToolTip(str(info.path))
            self.backups.addItem(item)
        if self.backups.count():
            self.backups.setCurrentRow(0)
        else:
            self.backups.addItem(tr("No backups yet."))
        self.restore_button.setEnabled(self._selected() is not None)

    def on_change(self, change: Change) -> None:
        if change.settings:
            self.reload()

    def show_hub(self) -> None:
        """Scrolled to "Beberapa laptop" (the sync strip's hub line was clicked)."""
        scroll = self.findChild(QScrollArea)
        if scroll is not None:
            scroll.verticalScrollBar().setValue(self.hub.y())

    # --- actions ---------------------------------------------------------------------------------------

    def save(self) -> None:
        if not ask_owner(self, self.ctx, tr("Changing the shop's settings.")):
            return
        lang = str(self.language.currentData())
        values = {SHOP_NAME.key: self.shop_name.text(), LANGUAGE.key: lang, TIME_ZONE.key: str(self.zone.currentData()),
                  LOW_STOCK_THRESHOLD.key: str(self.threshold.value())}
        try:
            change = save_settings(self.ctx.db, values)
        except UserError as exc:  # every setting's problem at once, what was typed kept
            self.errors.show(exc, SHOP_NAME.key)
            return
        self.errors.clear()
        was = i18n.language()
        self.ctx.announce(change)
        self.saved_note.setProperty("role", "hint")
        self.saved_note.setText(tr("Settings saved."))
        self.saved_note.show()
        _restyle(self.saved_note)
        if lang != was:
            i18n.set_language(lang)
            self.ctx.language_changed.emit(lang)  # the window rebuilds every page in the new language

    def show_guides(self) -> None:
        show_all_guides(self.ctx)
        self.errors.clear()
        self.saved_note.show()
        self.saved_note.setProperty("role", "hint")
        self.saved_note.setText(tr("The page guides show again on every page."))
        _restyle(self.saved_note)

    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.ctx.data_dir)))

    def back_up_now(self) -> None:
        self.backup_button.setEnabled(False)
        self.backup_note.setProperty("role", "hint")
        self.backup_note.setText(tr("Making a backup…"))
        _restyle(self.backup_note)
        data_dir = self.ctx.data_dir
        self.ctx.work.run(lambda _db, _progress: backup.make_backup(data_dir), self._backup_done, self._backup_failed)

    def _backup_done(self, path: Path) -> None:
        self.backup_button.setEnabled(True)
        info = next((i for i in backup.list_backups(self.ctx.data_dir) if i.path == Path(path)), None)
        when = show_time(info.time if info else None, self.ctx.setting(TIME_ZONE))
        self.backup_note.setText(tr("Backup made: {time}.", time=when))
        self.reload_backups()

    def _backup_failed(self, exc: BaseException) -> None:
        self.backup_button.setEnabled(True)
        self.backup_note.setProperty("role", "error")
        self.backup_note.setText(error_text(exc))
        _restyle(self.backup_note)

    def _selected(self) -> Path | None:
        item = self.backups.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return Path(value) if value else None

    def restore_selected(self) -> None:
        file = self._selected()
        item = self.backups.currentItem()
        if file is not None and item is not None:
            self.restore(file, str(item.data(Qt.ItemDataRole.UserRole + 1)))

    def restore_from_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, tr("Choose a backup"), str(backup_dir(self.ctx.data_dir)),
            tr("Seller Companion backups (*.sqlite3);;All files (*)"))
        if name:
            self.restore(Path(name), Path(name).name)

    def restore(self, file: Path, label: str) -> None:
        """Replace the shop's data with `file` after one plain question; the current data is kept first."""
        text = tr("Replace all the shop's data with the backup from {label} (the data from now is kept as a copy "
                  "first)?", label=label)
        if not confirm(self, tr("Restore from backup"), text, tr("Restore")):
            return
        if not ask_owner(self, self.ctx, tr("Replacing all the shop's data with a backup.")):
            return
        window = self.window()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        # The sync threads (marketplaces and the hub) hold their own connections to the file being replaced: a hub
        # round still reading the old file would push its changes as the old device. They stop first, then restart.
        bridge = self.ctx.sync
        syncing = bridge is not None and bridge.running
        if bridge is not None:
            bridge.stop()
        try:
            self.ctx.work.wait()
            self.ctx.db.close()
            close_thread_databases()
            kept = backup.restore(self.ctx.data_dir, file)
        except (UserError, OSError) as exc:
            QApplication.restoreOverrideCursor()
            self.ctx.reopen_database()
            if bridge is not None and syncing:
                bridge.start()
            show_error(window, exc)
            return
        QApplication.restoreOverrideCursor()
        self.ctx.reopen_database()  # every page is rebuilt from the restored data
        if bridge is not None and syncing:
            bridge.start()
        _inform(window, tr("Restored. The data from before was kept in {file}.", file=kept or "-"))


def _card() -> QFrame:
    card = QFrame()
    card.setProperty("role", "card")
    return card


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-size: 13pt; font-weight: bold;")
    return label


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "hint")
    label.setWordWrap(True)
    return label


def _select(combo: QComboBox, code: str) -> None:
    index = combo.findData(code)
    combo.setCurrentIndex(max(index, 0))


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return tr("{n} KB", n=format_decimal(max(size // 1024, 1), locale=babel_locale()))
    return tr("{n} MB", n=format_decimal(round(size / (1024 * 1024), 1), locale=babel_locale()))


def _restyle(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def _inform(parent: QWidget | None, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, tr("Seller Companion"), text, parent=parent)
    box.addButton(tr("OK"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()
