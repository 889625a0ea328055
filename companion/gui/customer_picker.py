"""Finding the buyer among the shop's customers by name or phone, or adding them in a few keys (name and phone),
for a kasbon sale or a receipt sent by WhatsApp."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.domain.money import format_rupiah
from companion.gui.context import AppContext
from companion.gui.messages import error_text
from companion.i18n import tr
from companion.services.customers import add_customer
from companion.store import customers as customer_store
from companion.store.customers import CustomerRow

SEARCH_DELAY_MS = 150


def customer_words(row: CustomerRow) -> str:
    """ "Bu Sari · 0812 3456 7890 · owes Rp50.000" (what the cashier needs to recognise them)."""
    parts = [row.name]
    if row.phone:
        parts.append(row.phone)
    if row.owed > 0:
        parts.append(tr("owes {amount}", amount=format_rupiah(row.owed)))
    return " · ".join(parts)


class SearchEdit(QLineEdit):
    """The search box: Down goes into the list below; every other key types (a phone may start with "+")."""

    down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
        else:
            super().keyPressEvent(event)


class CustomerPicker(QWidget):
    """A search box over a short list; Enter or a click chooses. `chosen` carries the CustomerRow (or None)."""

    chosen = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.customer: CustomerRow | None = None
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.search)
        self.search_box = SearchEdit()
        self.search_box.down.connect(self._into_results)
        self.search_box.setPlaceholderText(tr("Search a customer by name or phone"))
        self.search_box.textEdited.connect(lambda _t: self._timer.start())
        self.search_box.returnPressed.connect(self._enter)
        self.results = QListWidget()
        self.results.setStyleSheet("QListWidget::item { min-height: 30px; }")
        self.results.itemActivated.connect(self._picked)
        self.results.itemClicked.connect(self._picked)
        self.picked = QLabel()
        self.picked.setWordWrap(True)
        self.add_button = QPushButton(tr("Add customer"))
        self.add_button.clicked.connect(self.show_add)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_box)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.picked)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self._build_add())
        self.search()

    def _build_add(self) -> QWidget:
        self.add_box = QWidget()
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText(tr("Name"))
        self.new_phone = QLineEdit()
        self.new_phone.setPlaceholderText(tr("Phone (WhatsApp)"))
        self.save_button = QPushButton(tr("Save customer"))
        self.save_button.clicked.connect(self.save_new)
        for field in (self.new_name, self.new_phone):
            field.returnPressed.connect(self.save_new)
        self.add_error = QLabel()
        self.add_error.setProperty("role", "error")
        self.add_error.setWordWrap(True)
        self.add_error.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.new_name, 3)
        row.addWidget(self.new_phone, 2)
        row.addWidget(self.save_button)
        box = QVBoxLayout(self.add_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(row)
        box.addWidget(self.add_error)
        self.add_box.hide()
        return self.add_box

    def search(self) -> None:
        self._timer.stop()
        self.results.clear()
        for row in customer_store.search(self.ctx.db, self.search_box.text(), limit=30):
            item = QListWidgetItem(customer_words(row))
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def _into_results(self) -> None:
        if self.results.count():
            self.results.setFocus()

    def _enter(self) -> None:
        self.search()
        if self.results.count() == 1 or (self.results.count() and self.search_box.text().strip()):
            self._picked(self.results.currentItem())
        elif not self.results.count() and self.search_box.text().strip():
            self.show_add()

    def _picked(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.choose(str(item.data(Qt.ItemDataRole.UserRole)))

    def choose(self, customer_id: str | None) -> None:
        """Pick a customer by id (None: nobody); `chosen` tells the form."""
        row = customer_store.get(self.ctx.db, customer_id) if customer_id else None
        self.customer = row if row is not None and not row.deleted else None
        self.picked.setText(tr("Customer: {who}", who=customer_words(self.customer)) if self.customer else "")
        self.chosen.emit(self.customer)

    def show_add(self) -> None:
        """The two fields for a new customer, the name filled with what was searched when it is not a number."""
        typed = self.search_box.text().strip()
        self.add_box.show()
        if typed and not self.new_name.text():
            digits = typed.replace(" ", "").replace("-", "").replace("+", "")
            (self.new_phone if digits.isdigit() else self.new_name).setText(typed)
        self.new_name.setFocus()

    def save_new(self) -> None:
        try:
            customer_id, change = add_customer(self.ctx.db, self.new_name.text(), self.new_phone.text())
        except UserError as exc:
            self.add_error.setText(error_text(exc))
            self.add_error.show()
            return
        self.ctx.announce(change)
        self.add_error.hide()
        self.new_name.clear()
        self.new_phone.clear()
        self.add_box.hide()
        self.search_box.setText("")
        self.search()
        self.choose(customer_id)
