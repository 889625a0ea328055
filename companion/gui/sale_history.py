"""Today's counter sales: reprint a receipt, cancel a whole sale, or take back some items."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from companion.domain.clock import day_range, local_day, now_utc, parse_stamp, shop_zone
from companion.domain.money import format_quantity, format_rupiah
from companion.domain.settings_keys import TIME_ZONE
from companion.gui.context import AppContext
from companion.gui.counter_shipping_dialog import CounterShippingDialog, shipped_words
from companion.gui.messages import confirm, error_text
from companion.gui.owner_pin import ask_owner
from companion.gui.payment_words import payments_text
from companion.gui.receipt import ReceiptDialog
from companion.i18n import N_, tr
from companion.services.sales import return_items, void_sale
from companion.store import cashiers as cashier_store
from companion.store import customers as customer_store
from companion.store import sales as sale_store
from companion.store.credit import owed
from companion.store.sales import SaleRow

SALE_HEADERS = (N_("Number"), N_("Time"), N_("Items"), N_("Total"), N_("Payment"), N_("Status"), N_("Customer"),
                N_("Cashier"))
PAYMENT_COLUMN = 4
LINE_HEADERS = (N_("Product"), N_("Sold"), N_("Returned"), N_("Return now"))


def todays_sales(ctx: AppContext) -> list[SaleRow]:
    """Sales of the current shop day, in the shop's own time zone, newest first."""
    zone = ctx.setting(TIME_ZONE)
    return sale_store.recent(ctx.db, *day_range(local_day(now_utc(), zone), zone))


def _item(text: str, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _names(ctx: AppContext, sale: SaleRow) -> tuple[str, str]:
    """(customer, cashier) of a sale, "" where none was recorded."""
    customer = customer_store.get(ctx.db, sale.customer_id) if sale.customer_id else None
    cashier = cashier_store.get(ctx.db, sale.cashier_id) if sale.cashier_id else None
    return (customer.name if customer else "", cashier.name if cashier else "")


def _status(sale: SaleRow) -> str:
    if sale.voided:
        return tr("Cancelled")
    if any(line.returned for line in sale.lines):
        return tr("Items returned")
    return tr("Paid")


class SaleHistoryDialog(QDialog):
    """The list of today's sales above the chosen sale's items, with a reason box shared by void and return."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.sales: list[SaleRow] = []
        self.receipt_dialog: ReceiptDialog | None = None
        self.ship_dialog: CounterShippingDialog | None = None
        self.setWindowTitle(tr("Today's sales"))
        self.resize(1080, 640)
        self.table = QTableWidget(0, len(SALE_HEADERS))
        self.table.setHorizontalHeaderLabels([tr(h) for h in SALE_HEADERS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(36)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(PAYMENT_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.currentCellChanged.connect(lambda *_: self._show_lines())
        self.table.cellActivated.connect(lambda *_: self.reprint())
        self.lines = QTableWidget(0, len(LINE_HEADERS))
        self.lines.setHorizontalHeaderLabels([tr(h) for h in LINE_HEADERS])
        self.lines.verticalHeader().hide()
        self.lines.setTabKeyNavigation(False)
        self.table.setTabKeyNavigation(False)
        self.lines.verticalHeader().setDefaultSectionSize(38)
        self.lines.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.lines.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(tr("Reason, e.g. wrong item scanned or damaged"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setProperty("role", "hint")
        self._build_layout()
        self.reload()

    def _build_layout(self) -> None:
        self.reprint_button = QPushButton(tr("Receipt"))
        self.return_button = QPushButton(tr("Return items"))
        self.void_button = QPushButton(tr("Cancel whole sale"))
        self.ship_button = QPushButton(tr("Sent by courier…"))
        self.ship_button.clicked.connect(self.ship_chosen)
        self.close_button = QPushButton(tr("Close"))
        self.reprint_button.clicked.connect(self.reprint)
        self.return_button.clicked.connect(self.return_chosen)
        self.void_button.clicked.connect(self.void_chosen)
        self.close_button.clicked.connect(self.reject)
        reason_row = QHBoxLayout()
        reason_row.addWidget(QLabel(tr("Reason")))
        reason_row.addWidget(self.reason, 1)
        buttons = QHBoxLayout()
        for button in (self.reprint_button, self.return_button, self.void_button, self.ship_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 3)
        layout.addWidget(QLabel(tr("Items of the chosen sale (set how many come back, then Return items):")))
        layout.addWidget(self.lines, 2)
        layout.addLayout(reason_row)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    def reload(self, keep: str | None = None) -> None:
        zone = self.ctx.setting(TIME_ZONE)
        self.sales = todays_sales(self.ctx)
        self.table.setRowCount(len(self.sales))
        for row, sale in enumerate(self.sales):
            local = parse_stamp(sale.created_at).astimezone(shop_zone(zone))
            cells = (sale.number, local.strftime("%H.%M"), format_quantity(sum(li.quantity for li in sale.lines)),
                     format_rupiah(sale.total), payments_text(sale),
                     " · ".join(w for w in (_status(sale), shipped_words(self.ctx, sale.id)) if w),
                     *_names(self.ctx, sale))
            for col, text in enumerate(cells):
                self.table.setItem(row, col, _item(text, right=col in (2, 3)))
        taken = sum(s.total for s in self.sales if not s.voided)
        self.summary.setText(tr("Sales today: {count} · taken {total} (cancelled sales left out).",
                                count=len(self.sales), total=format_rupiah(taken)))
        ids = [s.id for s in self.sales]
        self.table.blockSignals(True)
        self.table.setCurrentCell(ids.index(keep) if keep in ids else (0 if ids else -1), 0)
        self.table.blockSignals(False)
        self._show_lines()

    def chosen(self) -> SaleRow | None:
        row = self.table.currentRow()
        return self.sales[row] if 0 <= row < len(self.sales) else None

    def select_sale(self, sale_id: str) -> None:
        self.table.setCurrentCell([s.id for s in self.sales].index(sale_id), 0)

    def _show_lines(self) -> None:
        sale = self.chosen()
        lines = sale.lines if sale else []
        self.lines.setRowCount(0)
        self.lines.setRowCount(len(lines))
        chain: list[QWidget] = [self.lines]
        for row, line in enumerate(lines):
            self.lines.setItem(row, 0, _item(line.name))
            self.lines.setItem(row, 1, _item(format_quantity(line.quantity), right=True))
            self.lines.setItem(row, 2, _item(format_quantity(line.returned), right=True))
            spin = QSpinBox()
            spin.setRange(0, max(0, line.quantity - line.returned))
            spin.setEnabled(sale is not None and not sale.voided and line.quantity > line.returned)
            self.lines.setCellWidget(row, 3, spin)
            chain.append(spin)
        chain.append(self.reason)
        for first, second in pairwise(chain):  # Tab walks the return amounts, then Reason
            QWidget.setTabOrder(first, second)
        open_sale = sale is not None and not sale.voided
        self.reprint_button.setEnabled(sale is not None)
        self.void_button.setEnabled(open_sale)
        self.return_button.setEnabled(open_sale)
        self.ship_button.setEnabled(open_sale)

    def set_return_quantity(self, row: int, quantity: int) -> None:
        spin = self.lines.cellWidget(row, 3)
        assert isinstance(spin, QSpinBox)
        spin.setValue(quantity)

    def reprint(self) -> None:
        sale = self.chosen()
        if sale is not None:
            self.receipt_dialog = ReceiptDialog(self.ctx, sale.id, self, after_sale=False)
            self.receipt_dialog.open()

    def ship_chosen(self) -> None:
        """A phone or WhatsApp order sent by courier: its courier and tracking number (services/counter_shipping)."""
        sale = self.chosen()
        if sale is not None:
            self.ship_dialog = CounterShippingDialog(self.ctx, sale.id, self)
            self.ship_dialog.accepted.connect(lambda: self.reload(keep=sale.id))
            self.ship_dialog.open()

    def void_chosen(self) -> None:
        sale = self.chosen()
        if sale is None:
            return
        if not self.reason.text().strip():
            self._error(tr("Write why the sale is cancelled in the Reason box first."))
            self.reason.setFocus()
            return
        off_debt = min(sale.credit_amount, max(0, owed(self.ctx.db, sale.customer_id))) if sale.customer_id else 0
        if not confirm(self, tr("Cancel sale {number}?", number=sale.number),
                       tr("All {total} of this sale goes back to the buyer and its items go back into stock.",
                          total=format_rupiah(sale.total)) if not off_debt else
                       tr("{cash} goes back to the buyer, {credit} comes off their kasbon, and the items go back "
                          "into stock.", cash=format_rupiah(sale.total - off_debt), credit=format_rupiah(off_debt)),
                       tr("Cancel the sale"), tr("Keep the sale")):
            return
        if not ask_owner(self, self.ctx, tr("Cancelling sale {number}.", number=sale.number)):
            return
        try:
            change = void_sale(self.ctx.db, sale.id, self.reason.text(), actor=self.ctx.cashier_id)
        except Exception as exc:
            self._error(error_text(exc))
            return
        self._done(tr("Sale {number} was cancelled: give back {total}.", number=sale.number,
                      total=format_rupiah(sale.total - off_debt)), sale.id)
        self.ctx.announce(change)

    def return_chosen(self) -> None:
        sale = self.chosen()
        if sale is None:
            return
        quantities: dict[str, int] = {}
        for row, line in enumerate(sale.lines):
            spin = self.lines.cellWidget(row, 3)
            if isinstance(spin, QSpinBox) and spin.value():
                quantities[line.id] = spin.value()
        if quantities and not ask_owner(self, self.ctx, tr("Taking back items of sale {number}.",
                                                           number=sale.number)):
            return
        try:
            refund, change = return_items(self.ctx.db, sale.id, quantities, self.reason.text(),
                                          actor=self.ctx.cashier_id)
        except Exception as exc:
            self._error(error_text(exc))
            return
        self._done(tr("The items are back in stock: give back {refund}.", refund=format_rupiah(refund)), sale.id)
        self.ctx.announce(change)

    def _done(self, text: str, sale_id: str) -> None:
        self.reason.clear()
        self.reload(keep=sale_id)
        self.message.setProperty("role", "hint")
        self._set(text)

    def _error(self, text: str) -> None:
        self.message.setProperty("role", "error")
        self._set(text)

    def _set(self, text: str) -> None:
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
