"""The Products & Stock page and its dialogs, driven like a person would, on a real database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot

from companion.domain.ledger import MovementKind
from companion.domain.product import ProductInput
from companion.gui.adjust_dialog import AdjustDialog
from companion.gui.context import AppContext
from companion.gui.import_dialog import ImportDialog
from companion.gui.movement_history import MovementHistoryDialog
from companion.gui.pages.products import ProductsPage
from companion.gui.product_dialog import ProductDialog
from companion.gui.stocktake_dialog import DIFF_COL, StocktakeDialog
from companion.services.product_import import RowStatus
from companion.services.products import add_product
from companion.services.stock import adjust_stock
from companion.store import products as product_store
from companion.store import stock as stock_store


@pytest.fixture
def ctx(data_dir: Path, qtbot: QtBot) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


def counts(ctx: AppContext) -> tuple[int, int]:
    return (int(ctx.db.scalar("SELECT COUNT(*) FROM products") or 0),
            int(ctx.db.scalar("SELECT COUNT(*) FROM stock_movements") or 0))


def cell(table: QTableWidget, row: int, col: int) -> str:
    item = table.item(row, col)
    return item.text() if item is not None else ""


def fill(dialog: ProductDialog, sku: str = "KOPI-1", name: str = "Kopi Susu Gula Aren", price: str = "15.000",
         stock: str = "") -> None:
    dialog.sku.setText(sku)
    dialog.name.setText(name)
    dialog.price.setText(price)
    dialog.stock.setText(stock)


def test_add_product_with_opening_stock(ctx: AppContext, qtbot: QtBot) -> None:
    dialog = ProductDialog(ctx)
    qtbot.addWidget(dialog)
    fill(dialog, price="Rp 15.000", stock="24")
    dialog.cost.setText("9.000")
    dialog.save()
    assert dialog.result() == ProductDialog.DialogCode.Accepted
    product = product_store.by_sku(ctx.db, "KOPI-1")
    assert product is not None
    assert (product.sell_price, product.cost_price, product.on_hand) == (15_000, 9_000, 24)


@pytest.mark.parametrize(("sku", "price", "stock", "widget"), [
    ("", "15.000", "", "sku"),
    ("KOPI-1", "15.000", "", "sku"),  # already used
    ("kopi-1", "15.000", "", "sku"),  # already used, other letter case
    ("TEH-1", "-500", "", "price"),
    ("TEH-1", "2.000.000.000", "", "price"),
    ("TEH-1", "abc", "", "price"),
    ("TEH-1", "5.000", "1000000", "stock"),
    ("TEH-1", "5.000", "dua", "stock"),
])
def test_bad_input_shows_a_message_and_writes_nothing(ctx: AppContext, qtbot: QtBot, sku: str, price: str,
                                                      stock: str, widget: str) -> None:
    add_product(ctx.db, ProductInput(sku="KOPI-1", name="Kopi", sell_price=15_000), 5)
    before = counts(ctx)
    dialog = ProductDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    fill(dialog, sku=sku, name="Es Teh Manis", price=price, stock=stock)
    dialog.save()
    assert dialog.isVisible()
    assert not dialog.error.isHidden()
    message = dialog.error.text()
    assert message.endswith(".") and len(message) > 20
    assert getattr(dialog, widget).styleSheet()  # the field is outlined
    assert counts(ctx) == before


def test_edit_keeps_id_and_changes_price(ctx: AppContext, qtbot: QtBot) -> None:
    pid, _ = add_product(ctx.db, ProductInput(sku="KOPI-1", name="Kopi", sell_price=15_000), 5)
    dialog = ProductDialog(ctx, product_store.get(ctx.db, pid))
    qtbot.addWidget(dialog)
    assert dialog.price.text() == "15.000"
    dialog.price.setText("17.500")
    dialog.save()
    row = product_store.get(ctx.db, pid)
    assert row is not None and row.sell_price == 17_500 and row.on_hand == 5


def test_page_lists_filters_and_refreshes_changed_rows(ctx: AppContext, qtbot: QtBot) -> None:
    ids = [add_product(ctx.db, ProductInput(sku=f"P-{n}", name=name, sell_price=1000 * (n + 1)), n)[0]
           for n, name in enumerate(["Kopi Susu", "Es Teh Manis", "Roti Bakar", "Kopi Hitam"])]
    page = ProductsPage(ctx)
    qtbot.addWidget(page)
    page.on_shown()
    assert page.model.rowCount() == 4
    page.search.setText("kopi")
    page.apply_filter()
    assert page.model.rowCount() == 2
    page.search.setText("teh manis")
    page.apply_filter()
    assert [p.sku for p in page.model.visible_products()] == ["P-1"]
    page.search.setText("roti")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)  # Enter jumps to the first match
    assert page.selected() is not None and page.selected().sku == "P-2"  # type: ignore[union-attr]
    page.search.clear()
    page.apply_filter()
    ctx.announce(adjust_stock(ctx.db, ids[2], 7, "ketemu"))
    row = page.model.row_of(ids[2])
    assert page.model.index(row, 6).data() == "9"
    page.select_product(ids[0])
    assert page.selected() is not None and page.selected().id == ids[0]  # type: ignore[union-attr]
    page.toggle_active()
    refreshed = product_store.get(ctx.db, ids[0])
    assert refreshed is not None and not refreshed.active
    assert page.active_button.text() == "Aktifkan"
    low = page.model.index(page.model.row_of(ids[1]), 0)  # 1 on hand: below the default threshold of 5
    assert low.data(8) is not None  # BackgroundRole highlights low stock


def test_stocktake_shows_differences_and_writes_counts(ctx: AppContext, qtbot: QtBot) -> None:
    a, _ = add_product(ctx.db, ProductInput(sku="A-1", name="Satu", sell_price=1000), 10)
    b, _ = add_product(ctx.db, ProductInput(sku="B-1", name="Dua", sell_price=1000), 4)
    add_product(ctx.db, ProductInput(sku="C-1", name="Tiga", sell_price=1000), 7)
    products = product_store.all_products(ctx.db)
    dialog = StocktakeDialog(ctx, products)
    qtbot.addWidget(dialog)
    assert not dialog.save_button.isEnabled()
    row = {p.id: n for n, p in enumerate(products)}
    dialog.type_count(row[a], "8")
    dialog.type_count(row[b], "6")
    assert dialog.model.index(row[a], DIFF_COL).data() == "−2"
    assert dialog.model.index(row[b], DIFF_COL).data() == "+2"
    dialog.type_count(row[b], "enam")
    dialog.save()
    assert not dialog.error.isHidden() and "enam" not in dialog.error.text()
    assert stock_store.on_hand(ctx.db, b) == 4
    dialog.type_count(row[b], "6")
    dialog.save()
    assert (stock_store.on_hand(ctx.db, a), stock_store.on_hand(ctx.db, b)) == (8, 6)
    assert stock_store.history(ctx.db, a)[0].kind is MovementKind.STOCKTAKE
    assert int(ctx.db.scalar("SELECT COUNT(*) FROM stock_movements WHERE kind = 'stocktake'") or 0) == 2


def test_adjust_requires_a_reason(ctx: AppContext, qtbot: QtBot) -> None:
    pid, _ = add_product(ctx.db, ProductInput(sku="A-1", name="Satu", sell_price=1000), 10)
    product = product_store.get(ctx.db, pid)
    assert product is not None
    dialog = AdjustDialog(ctx, product)
    qtbot.addWidget(dialog)
    dialog.quantity.setText("3")
    assert dialog.after.text() == "7"
    dialog.save()
    assert not dialog.error.isHidden() and "alasan" in dialog.error.text().lower()
    assert stock_store.on_hand(ctx.db, pid) == 10
    dialog.reason.setCurrentText("Pecah")
    dialog.save()
    assert stock_store.on_hand(ctx.db, pid) == 7
    assert stock_store.history(ctx.db, pid)[0].reason == "Pecah"


def test_history_shows_rows(ctx: AppContext, qtbot: QtBot) -> None:
    pid, _ = add_product(ctx.db, ProductInput(sku="A-1", name="Satu", sell_price=1000), 10)
    adjust_stock(ctx.db, pid, -3, "rusak")
    product = product_store.get(ctx.db, pid)
    assert product is not None
    dialog = MovementHistoryDialog(ctx, product)
    qtbot.addWidget(dialog)
    table = dialog.table
    assert table.rowCount() == 2
    texts = [cell(table, 0, c) for c in range(table.columnCount())]
    assert texts[1] == MovementKind.ADJUSTMENT.label()
    assert texts[2] == "−3" and texts[3] == "7" and texts[4] == "rusak"
    assert cell(table, 1, 2) == "+10"


def wait_idle(qtbot: QtBot, dialog: ImportDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=20_000)


def test_import_dialog_preview_then_only_valid_rows(ctx: AppContext, qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "produk.csv"
    path.write_bytes("SKU;Nama;Harga jual;Stok\r\nKOPI-1;Kopi Susu Gula Aren;Rp 15.000;10\r\n"
                     ";Tanpa kode;1000;1\r\nTEH-1;Es Teh;Rp 5.000;4\r\n".encode("cp1252"))
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.load_file(path)
    wait_idle(qtbot, dialog)
    assert dialog.errors.rowCount() == 1 and cell(dialog.errors, 0, 0) == "3"
    assert not dialog.import_all_button.isEnabled() and dialog.import_valid_button.isEnabled()
    assert counts(ctx) == (0, 0)
    with qtbot.waitSignal(ctx.changed, timeout=20_000):
        dialog.import_valid_button.click()
    wait_idle(qtbot, dialog)
    assert sorted(p.sku for p in product_store.all_products(ctx.db)) == ["KOPI-1", "TEH-1"]
    dialog.load_file(path)
    wait_idle(qtbot, dialog)
    assert dialog.counts[RowStatus.UNCHANGED].text() == "2" and dialog.counts[RowStatus.ERROR].text() == "1"
    assert not dialog.import_all_button.isEnabled() and not dialog.import_valid_button.isEnabled()


def test_import_dialog_wrong_file_shows_message(ctx: AppContext, qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "foto.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.load_file(path)
    wait_idle(qtbot, dialog)
    assert "foto.xlsx" in dialog.message.text()
    assert not dialog.import_all_button.isEnabled() and not dialog.import_valid_button.isEnabled()
    assert counts(ctx) == (0, 0)
