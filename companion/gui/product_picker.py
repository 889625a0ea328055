"""Pick one of the shop's own products while answering a buyer, to tell them today's price and stock.

The numbers come from the local ledger at the moment of picking; the reply remembers them (`quoted`) so the app can
ask again if they change before an offline reply goes out.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.domain.money import format_quantity, format_rupiah
from companion.gui.context import AppContext
from companion.i18n import catalog, tr
from companion.store import products as product_store
from companion.store.products import ProductRow

SEARCH_DELAY_MS = 150


def product_line(product: ProductRow, for_buyer: bool = False) -> str:
    """"Kopi Arabika 250 g: Rp35.000, stok 12"; text for the buyer is always Indonesian, like the marketplaces."""
    lang = "id" if for_buyer else None
    words = (lambda msgid, **p: str(catalog("id").get(msgid, msgid)).format(**p)) if for_buyer else tr
    price = format_rupiah(product.sell_price, lang)
    if product.on_hand <= 0:
        return words("{name}: {price}, out of stock right now", name=product.display_name, price=price)
    return words("{name}: {price}, {stock} in stock", name=product.display_name, price=price,
                 stock=format_quantity(product.on_hand, lang))


class ProductPicker(QDialog):
    """Search by name, SKU or barcode; Enter or "Masukkan" picks the highlighted product."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, text: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.chosen: ProductRow | None = None
        self.setWindowTitle(tr("Insert a product"))
        self.resize(560, 460)
        self.search = QLineEdit(text)
        self.search.setPlaceholderText(tr("Search name, SKU or barcode"))
        self.search.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._timer.start(SEARCH_DELAY_MS))
        self.search.returnPressed.connect(self.pick)
        self.list = QListWidget()
        self.list.itemActivated.connect(lambda _item: self.pick())
        self.empty = QLabel(tr("No product matches. Try part of the name."))
        self.empty.setProperty("role", "hint")
        insert = QPushButton(tr("Insert"))
        insert.setProperty("primary", True)
        insert.clicked.connect(self.pick)
        cancel = QPushButton(tr("Cancel"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(insert)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        self._timer.stop()  # typed and then Enter: no second search after this one
        text = self.search.text().strip()
        found = product_store.search(self.ctx.db, text) if text else product_store.all_products(self.ctx.db, True)[:50]
        self.list.clear()
        for product in found:
            item = QListWidgetItem(product_line(product))
            item.setData(Qt.ItemDataRole.UserRole, product.id)
            self.list.addItem(item)
        self.empty.setVisible(not found)
        if found:
            self.list.setCurrentRow(0)

    def pick(self) -> None:
        if self._timer.isActive():  # typed and pressed Enter before the search ran: pick from what was typed
            self.reload()
        item = self.list.currentItem()
        if item is None:
            return
        self.chosen = product_store.get(self.ctx.db, item.data(Qt.ItemDataRole.UserRole))
        if self.chosen is not None:
            self.accept()
