"""Quick replies: saved answers to the questions buyers ask every day, filled with live product facts.

A template may hold {nama_produk} {stok} {harga} {estimasi_kirim} {nama_pembeli}; services.inbox.fill_template puts
today's numbers in, so a reply never quotes yesterday's stock.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.gui.context import AppContext
from companion.gui.messages import confirm, show_error
from companion.i18n import tr
from companion.services import inbox as inbox_service
from companion.store import inbox as inbox_store

PRODUCT_FIELDS = ("{nama_produk}", "{stok}", "{harga}")


def needs_product(body: str) -> bool:
    """Whether a template speaks about one product (so one must be chosen before it is filled)."""
    return any(field in body for field in PRODUCT_FIELDS)


def template_menu(ctx: AppContext, parent: QWidget) -> QMenu:
    """The quick replies as a menu; each action carries its template body; the last one opens the editor."""
    menu = QMenu(parent)
    for template in inbox_store.templates(ctx.db):
        action = menu.addAction(template.title)
        action.setData(template.body)
        action.setToolTip(template.body)
    if menu.actions():
        menu.addSeparator()
    edit = menu.addAction(tr("Edit quick replies…"))
    edit.setData(None)
    return menu


class TemplatesDialog(QDialog):
    """A short list of quick replies; pick one to change it, or start a new one."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.current: str | None = None
        self.setWindowTitle(tr("Quick replies"))
        self.resize(640, 440)
        self.list = QListWidget()
        self.list.currentItemChanged.connect(lambda item, _old: self._show(item))
        self.title = QLineEdit()
        self.title.setPlaceholderText(tr("Name, e.g. Stock available"))
        self.body = QPlainTextEdit()
        self.body.setPlaceholderText(tr("Hello kak, {nama_produk} is in stock ({stok} left) at {harga}."))
        hint = QLabel(tr("You can use {fields}: the app fills in today's name, stock, price and shipping time.",
                         fields="{nama_produk} {stok} {harga} {estimasi_kirim} {nama_pembeli}"))
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        self.new_button = QPushButton(tr("New"))
        self.new_button.clicked.connect(self.start_new)
        self.save_button = QPushButton(tr("Save"))
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(self.save)
        self.delete_button = QPushButton(tr("Delete"))
        self.delete_button.clicked.connect(self.delete)
        close = QPushButton(tr("Close"))
        close.clicked.connect(self.accept)
        editor = QVBoxLayout()
        editor.addWidget(QLabel(tr("Name")))
        editor.addWidget(self.title)
        editor.addWidget(QLabel(tr("Text")))
        editor.addWidget(self.body, 1)
        editor.addWidget(hint)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        body = QHBoxLayout()
        body.addWidget(self.list, 2)
        body.addLayout(editor, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)
        self.reload()

    def reload(self, select: str | None = None) -> None:
        self.list.clear()
        for template in inbox_store.templates(self.ctx.db):
            item = QListWidgetItem(template.title)
            item.setData(Qt.ItemDataRole.UserRole, (template.id, template.title, template.body))
            self.list.addItem(item)
            if template.id == select:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None:
            self.start_new()

    def _show(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        self.current, title, body = item.data(Qt.ItemDataRole.UserRole)
        self.title.setText(title)
        self.body.setPlainText(body)
        self.delete_button.setEnabled(True)

    def start_new(self) -> None:
        self.list.setCurrentRow(-1)
        self.current = None
        self.title.clear()
        self.body.clear()
        self.delete_button.setEnabled(False)
        self.title.setFocus()

    def save(self) -> bool:
        try:
            change = inbox_service.save_template(self.ctx.db, self.current, self.title.text(),
                                                 self.body.toPlainText())
        except UserError as exc:
            show_error(self, exc)
            return False
        self.ctx.announce(change)
        keep = self.current or next(iter(t.id for t in inbox_store.templates(self.ctx.db)
                                         if t.title == self.title.text().strip()), None)
        self.reload(keep)
        return True

    def delete(self) -> None:
        if self.current is None or not confirm(self, tr("Delete quick reply"),
                                               tr("Delete the quick reply \"{title}\"?", title=self.title.text()),
                                               tr("Delete")):
            return
        change = inbox_service.delete_template(self.ctx.db, self.current)
        self.ctx.announce(change)
        self.reload()
