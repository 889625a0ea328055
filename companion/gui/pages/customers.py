"""Pelanggan: the shop's regular buyers and their kasbon. The list shows what each owes and since when (late ones
in red); opening a customer shows their debt page (gui/customer_debt_view.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from companion.domain.errors import UserError
from companion.domain.money import format_quantity, format_rupiah
from companion.gui.context import AppContext
from companion.gui.customer_debt_view import CustomerDebtView
from companion.gui.customer_dialog import CustomerDialog
from companion.gui.customer_list_model import CustomerListModel
from companion.gui.flow_layout import flow_row
from companion.gui.messages import confirm, show_error
from companion.gui.pages.base import Page
from companion.i18n import N_, tr
from companion.services import customers as customer_service
from companion.services.change import Change
from companion.services.credit import CustomerLine, customer_lines
from companion.store import customers as customer_store

FILTER_DELAY_MS = 150
LIST_LIMIT = 500


class CustomersPage(Page):
    title_msgid = N_("Customers")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self._loaded = False
        self.stack = QStackedWidget()
        self.stack.addWidget(self._list_view())
        self.debt = CustomerDebtView(ctx)
        self.debt.back.connect(self.show_list)
        self.debt.edit.connect(self.edit_customer)
        self.debt.delete.connect(self.delete_customer)
        self.stack.addWidget(self.debt)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)

    def _list_view(self) -> QWidget:
        view = QWidget()
        title = QLabel(tr("Customers"))
        title.setProperty("role", "title")
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Search by name or phone…"))
        self.search.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FILTER_DELAY_MS)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self._to_table)
        self.model = CustomerListModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(34)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        enter = QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, context=Qt.ShortcutContext.WidgetShortcut)
        enter.activated.connect(self.open_selected)
        self.add_button = QPushButton(tr("Add customer"))
        self.add_button.setProperty("primary", True)
        self.add_button.clicked.connect(self.add_customer)
        self.open_button = QPushButton(tr("Open kasbon"))
        self.open_button.clicked.connect(self.open_selected)
        self.edit_button = QPushButton(tr("Edit"))
        self.edit_button.clicked.connect(lambda: self._with_selected(self.edit_customer))
        self.delete_button = QPushButton(tr("Delete"))
        self.delete_button.clicked.connect(lambda: self._with_selected(self.delete_customer))
        self.count_label = QLabel()
        self.count_label.setProperty("role", "hint")
        self.owed_label = QLabel()
        self.owed_label.setProperty("role", "hint")
        footer = QHBoxLayout()
        footer.addWidget(self.count_label)
        footer.addStretch(1)
        footer.addWidget(self.owed_label)
        layout = QVBoxLayout(view)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.search)
        layout.addWidget(flow_row([self.add_button, self.open_button, self.edit_button], [self.delete_button]))
        layout.addWidget(self.table, 1)
        layout.addLayout(footer)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()
        return view

    # --- data --------------------------------------------------------------------------------------------
    def reload(self) -> None:
        self._timer.stop()
        chosen = self.selected()
        self.model.set_lines(customer_lines(self.ctx.db, self.search.text(), LIST_LIMIT))
        if chosen is not None:
            self.select_customer(chosen.customer.id)
        self._loaded = True
        self._update_counts()
        if self.stack.currentWidget() is self.debt:
            self.debt.reload()

    def on_shown(self) -> None:
        self.reload()
        if self.stack.currentIndex() == 0:
            self.search.setFocus()

    def on_change(self, change: Change) -> None:
        if self._loaded and (change.customers or change.sales or change.settings):
            self.reload()

    def _update_counts(self) -> None:
        total = customer_store.count(self.ctx.db)
        shown = self.model.rowCount()
        self.count_label.setText(tr("{shown} of {total} customers", shown=format_quantity(shown),
                                    total=format_quantity(total)) if shown != total
                                 else tr("{total} customers", total=format_quantity(total)))
        owing = [line for line in self.model.lines if line.customer.owed > 0]
        late = sum(1 for line in owing if line.state is not None and line.state.overdue)
        self.owed_label.setText(tr("{n} owe {amount} in all · {late} late", n=len(owing), late=late,
                                   amount=format_rupiah(sum(line.customer.owed for line in owing)))
                                if owing else "")

    def selected(self) -> CustomerLine | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.line(rows[0].row()) if rows else None

    def select_customer(self, customer_id: str) -> None:
        row = self.model.row_of(customer_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        for button in (self.open_button, self.edit_button, self.delete_button):
            button.setEnabled(chosen)

    def _to_table(self) -> None:
        self.reload()
        if self.model.rowCount():
            self.table.setFocus()
            self.table.selectRow(0)

    def _with_selected(self, action: object) -> None:
        line = self.selected()
        if line is not None and callable(action):
            action(line.customer.id)

    # --- navigation and actions ----------------------------------------------------------------------------
    def open_selected(self) -> None:
        line = self.selected()
        if line is not None:
            self.open_customer(line.customer.id)

    def open_customer(self, customer_id: str) -> None:
        """The customer's debt page."""
        self.debt.show_customer(customer_id)
        self.stack.setCurrentWidget(self.debt)
        self.debt.pay_button.setFocus()

    def show_list(self) -> None:
        self.stack.setCurrentIndex(0)
        self.reload()
        self.table.setFocus()

    def add_customer(self) -> None:
        dialog = CustomerDialog(self.ctx, None, self, name=self.search.text().strip())
        if dialog.exec() and dialog.saved_id:
            self.search.clear()
            self.reload()
            self.select_customer(dialog.saved_id)

    def edit_customer(self, customer_id: str) -> None:
        customer = customer_store.get(self.ctx.db, customer_id)
        if customer is not None:
            CustomerDialog(self.ctx, customer, self).exec()

    def delete_customer(self, customer_id: str) -> None:
        customer = customer_store.get(self.ctx.db, customer_id)
        if customer is None:
            return
        if customer.owed <= 0 and not confirm(self, tr("Delete customer"),
                                              tr("Delete {name} from the customer list? Their past sales stay in "
                                                 "the records.", name=customer.name), tr("Delete")):
            return
        try:
            change = customer_service.delete_customer(self.ctx.db, customer_id)
        except UserError as exc:
            show_error(self, exc)
            return
        self.ctx.announce(change)
        if self.stack.currentWidget() is self.debt:
            self.show_list()
