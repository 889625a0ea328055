"""The counter driven as a cashier would: scanning, keys, payment, receipt, and today's sales."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from companion.domain.ledger import MovementKind
from companion.domain.product import ProductInput
from companion.gui import cart_model as cm
from companion.gui.context import AppContext
from companion.gui.pages.counter import CounterPage
from companion.services.change import Change
from companion.services.products import add_product
from companion.services.stock import adjust_stock
from companion.store import sales as sale_store
from companion.store import stock as stock_store
from companion.store.sales import SaleRow


@pytest.fixture
def ctx(data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


@pytest.fixture
def items(ctx: AppContext) -> dict[str, str]:
    kopi, _ = add_product(ctx.db, ProductInput(sku="KOPI-250", name="Kopi Bubuk 250 g", sell_price=35_000,
                                               barcode="8991001"), 10)
    gula, _ = add_product(ctx.db, ProductInput(sku="GULA-1", name="Gula Pasir 1 kg", sell_price=18_000,
                                               barcode="8991002"), 5)
    return {"kopi": kopi, "gula": gula}


@pytest.fixture
def page(qtbot: QtBot, ctx: AppContext, items: dict[str, str]) -> CounterPage:
    counter = CounterPage(ctx)
    qtbot.addWidget(counter)
    counter.resize(1200, 760)
    counter.show()
    qtbot.waitExposed(counter)
    counter.activateWindow()
    counter.on_shown()
    return counter


def scan(qtbot: QtBot, page: CounterPage, code: str) -> None:
    qtbot.keyClicks(page.code, code)
    qtbot.keyClick(page.code, Qt.Key.Key_Return)


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def all_sales(ctx: AppContext) -> list[SaleRow]:
    return sale_store.recent(ctx.db, "0000", "9999")


def answer_next_question(yes: bool) -> None:
    """Click a button of the confirmation box that the next action opens."""
    def click() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        wanted = QMessageBox.ButtonRole.AcceptRole if yes else QMessageBox.ButtonRole.RejectRole
        next(b for b in box.buttons() if box.buttonRole(b) == wanted).click()
    QTimer.singleShot(0, click)


def test_a_whole_cash_sale_by_keyboard(qtbot: QtBot, page: CounterPage, ctx: AppContext,
                                       items: dict[str, str]) -> None:
    announced: list[Change] = []
    ctx.changed.connect(announced.append)
    scan(qtbot, page, "8991001")
    scan(qtbot, page, "8991002")
    assert [line.quantity for line in page.model.cart.lines] == [1, 1]
    assert focused() is page.code and page.code.text() == ""
    qtbot.keyClick(page.code, Qt.Key.Key_Up)  # into the cart, on the last line added
    assert focused() is page.table and page.table.currentIndex().row() == 1
    qtbot.keyClick(page.table, Qt.Key.Key_Up)
    qtbot.keyClick(page.table, Qt.Key.Key_4)  # typing on the line starts editing its quantity
    editor = focused()
    assert editor is not None and editor is not page.table
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused() is page.code)
    assert page.model.cart.lines[0].quantity == 4
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Minus)
    assert page.model.cart.lines[0].quantity == 3
    qtbot.keyClick(page.table, Qt.Key.Key_Escape)
    assert focused() is page.code
    assert page.total_label.text() == "Rp123.000"
    qtbot.keyClick(page.code, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # cash
    assert focused() is page.cash
    qtbot.keyClicks(page.cash, "Rp 150.000")
    assert page.change_label.text() == "Rp27.000"
    qtbot.keyClick(page.cash, Qt.Key.Key_Return)

    sales = all_sales(ctx)
    assert len(sales) == 1
    sale = sales[0]
    assert (sale.subtotal, sale.total, sale.payment_method, sale.amount_paid, sale.change_given) == (
        123_000, 123_000, "tunai", 150_000, 27_000)
    assert [(li.sku, li.quantity, li.unit_price, li.line_total) for li in sale.lines] == [
        ("KOPI-250", 3, 35_000, 105_000), ("GULA-1", 1, 18_000, 18_000)]
    for key, sold, left in (("kopi", 3, 7), ("gula", 1, 4)):
        last = stock_store.history(ctx.db, items[key])[0]
        assert (last.kind, last.quantity, last.reference) == (MovementKind.COUNTER_SALE, -sold, f"sale:{sale.id}")
        assert stock_store.on_hand(ctx.db, items[key]) == left
    assert stock_store.verify_levels(ctx.db) == []
    assert announced and sale.id in announced[-1].sales and set(items.values()) <= announced[-1].products

    receipt = page.receipt_dialog
    assert receipt is not None and receipt.isVisible()
    text = receipt.text()
    for part in ("Rp35.000", "Rp105.000", "Rp123.000", "Rp150.000", "Rp27.000", "Kembalian", "Tunai", sale.number):
        assert part in text
    assert page.model.rowCount() == 0 and page.total_label.text() == "Rp0" and page.cash.text() == ""
    qtbot.keyClick(receipt.close_button, Qt.Key.Key_Return)
    assert not receipt.isVisible()
    qtbot.waitUntil(lambda: focused() is page.code)


def test_scanning_the_same_code_twice_joins_the_line(qtbot: QtBot, page: CounterPage) -> None:
    scan(qtbot, page, "8991001")
    scan(qtbot, page, "kopi-250")  # the SKU, typed in lower case, is the same product
    assert len(page.model.cart.lines) == 1 and page.model.cart.lines[0].quantity == 2
    qtbot.keyClick(page.code, Qt.Key.Key_Plus)  # + in the empty code box: one more of the current line
    assert page.model.cart.lines[0].quantity == 3
    assert page.total_label.text() == "Rp105.000"


def test_unknown_code_says_so_in_the_page_and_writes_nothing(qtbot: QtBot, page: CounterPage,
                                                              ctx: AppContext) -> None:
    movements = ctx.db.scalar("SELECT COUNT(*) FROM stock_movements")
    scan(qtbot, page, "123")
    assert page.message.text() == "Kode 123 tidak ditemukan: periksa kodenya atau cari dengan nama."
    assert page.model.rowCount() == 0 and QApplication.activeModalWidget() is None
    qtbot.keyClick(page.code, Qt.Key.Key_Escape)
    assert page.code.text() == ""
    qtbot.keyClick(page.code, Qt.Key.Key_F12)
    assert "belum ada barang" in page.message.text().lower()
    assert all_sales(ctx) == [] and ctx.db.scalar("SELECT COUNT(*) FROM stock_movements") == movements


def test_search_by_name_and_choose_with_arrows(qtbot: QtBot, page: CounterPage, ctx: AppContext) -> None:
    add_product(ctx.db, ProductInput(sku="KOPSU", name="Kopi Susu Sachet", sell_price=2_500), 40)
    qtbot.keyClicks(page.code, "kopi")
    qtbot.waitUntil(lambda: page.results.isVisible() and page.results.count() == 2)
    qtbot.keyClick(page.code, Qt.Key.Key_Down)
    assert focused() is page.results
    qtbot.keyClick(page.results, Qt.Key.Key_Down)
    qtbot.keyClick(page.results, Qt.Key.Key_Return)
    assert [line.sku for line in page.model.cart.lines] == ["KOPSU"]
    assert not page.results.isVisible() and focused() is page.code
    scan(qtbot, page, "gula")  # a single match is added straight away
    assert [line.sku for line in page.model.cart.lines] == ["KOPSU", "GULA-1"]


def test_double_finish_saves_one_sale(qtbot: QtBot, page: CounterPage, ctx: AppContext) -> None:
    scan(qtbot, page, "8991001")
    page.choose_method(page.method)
    qtbot.keyClicks(page.cash, "50000")
    qtbot.keyClick(page.cash, Qt.Key.Key_Return)
    qtbot.keyClick(page.cash, Qt.Key.Key_Return)
    qtbot.keyClick(page.code, Qt.Key.Key_F12)
    assert len(all_sales(ctx)) == 1
    assert "tersimpan" in page.message.text()  # the saved message stays; no error about an empty cart
    assert page.last_sale is not None and page.last_sale.change_given == 15_000


def test_cash_less_than_total_is_refused_and_the_cart_kept(qtbot: QtBot, page: CounterPage, ctx: AppContext,
                                                           items: dict[str, str]) -> None:
    scan(qtbot, page, "8991001")
    qtbot.keyClick(page.code, Qt.Key.Key_Return)  # Enter on the empty code box goes to the cash field
    assert focused() is page.cash
    qtbot.keyClicks(page.cash, "20.000")
    assert page.change_label.text() == "kurang Rp15.000"
    qtbot.keyClick(page.cash, Qt.Key.Key_Return)
    assert page.message.text().startswith("Uang yang diterima kurang")
    assert all_sales(ctx) == [] and stock_store.on_hand(ctx.db, items["kopi"]) == 10
    assert page.model.rowCount() == 1
    sale_id = page.sale_id
    page.quick_cash(100_000)
    qtbot.keyClick(page.cash, Qt.Key.Key_Return)
    sales = all_sales(ctx)
    assert [s.id for s in sales] == [sale_id] and sales[0].change_given == 65_000


def test_typed_price_discount_and_bad_input(qtbot: QtBot, page: CounterPage) -> None:
    scan(qtbot, page, "8991002")
    model = page.model
    assert not model.setData(model.index(0, cm.QUANTITY), "dua")
    assert "angka bulat" in page.message.text() and model.cart.lines[0].quantity == 1
    assert model.setData(model.index(0, cm.PRICE), "Rp 20.000")
    assert model.setData(model.index(0, cm.DISCOUNT), "2.500")
    assert not model.setData(model.index(0, cm.DISCOUNT), "30.000")
    assert model.index(0, cm.TOTAL).data() == "Rp17.500"
    qtbot.keyClicks(page.discount, "500")
    assert page.total_label.text() == "Rp17.000"
    qtbot.keyClicks(page.discount, "00")  # 50.000 is more than the sale
    qtbot.keyClick(page.code, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # QRIS
    assert not page.cash_box.isVisible()
    qtbot.keyClick(page.code, Qt.Key.Key_F12)
    assert "diskon" in page.message.text().lower() and page.model.rowCount() == 1


def test_short_stock_warns_but_sells(qtbot: QtBot, page: CounterPage, ctx: AppContext,
                                     items: dict[str, str]) -> None:
    scan(qtbot, page, "8991002")
    assert page.stock_warning.isHidden()
    ctx.announce(adjust_stock(ctx.db, items["gula"], -5, "rusak"))  # stock changed elsewhere: page refreshes
    assert page.model.cart.lines[0].on_hand == 0
    assert page.stock_warning.isVisible() and "Gula Pasir 1 kg" in page.stock_warning.text()
    qtbot.keyClick(page.code, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)  # transfer
    qtbot.keyClick(page.code, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(all_sales(ctx)) == 1 and stock_store.on_hand(ctx.db, items["gula"]) == -1


def test_empty_cart_asks_first(qtbot: QtBot, page: CounterPage) -> None:
    scan(qtbot, page, "8991001")
    answer_next_question(yes=False)
    page.clear_button.click()
    assert page.model.rowCount() == 1
    answer_next_question(yes=True)
    page.clear_button.click()
    assert page.model.rowCount() == 0


def _sell(qtbot: QtBot, page: CounterPage, *codes: str) -> str:
    for code in codes:
        scan(qtbot, page, code)
    qtbot.keyClick(page.code, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(page.code, Qt.Key.Key_F12)
    assert page.last_sale is not None and page.receipt_dialog is not None
    page.receipt_dialog.accept()
    return page.last_sale.sale_id


def test_return_and_void_from_todays_sales(qtbot: QtBot, page: CounterPage, ctx: AppContext,
                                           items: dict[str, str]) -> None:
    first = _sell(qtbot, page, "8991001", "8991001", "8991002")
    second = _sell(qtbot, page, "8991002")
    assert stock_store.on_hand(ctx.db, items["kopi"]) == 8 and stock_store.on_hand(ctx.db, items["gula"]) == 3
    qtbot.keyClick(page.code, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    dialog = page.history_dialog
    assert dialog is not None and dialog.isVisible() and dialog.table.rowCount() == 2

    dialog.select_sale(first)
    dialog.set_return_quantity(0, 1)
    dialog.return_button.click()
    assert "alasan" in dialog.message.text().lower()  # a return needs a reason
    qtbot.keyClicks(dialog.reason, "kemasan rusak")
    dialog.return_button.click()
    assert "Rp35.000" in dialog.message.text()
    assert stock_store.on_hand(ctx.db, items["kopi"]) == 9
    assert sale_store.get(ctx.db, first).lines[0].returned == 1  # type: ignore[union-attr]

    dialog.select_sale(second)
    dialog.void_button.click()
    assert "alasan" in dialog.message.text().lower() and not sale_store.get(ctx.db, second).voided  # type: ignore[union-attr]
    qtbot.keyClicks(dialog.reason, "salah scan")
    answer_next_question(yes=True)
    dialog.void_button.click()
    voided = sale_store.get(ctx.db, second)
    assert voided is not None and voided.voided and voided.void_reason == "salah scan"
    assert stock_store.on_hand(ctx.db, items["gula"]) == 4
    assert stock_store.history(ctx.db, items["gula"])[0].reference == f"void:{second}"
    assert not dialog.void_button.isEnabled()
    dialog.reprint()
    assert dialog.receipt_dialog is not None and "DIBATALKAN" in dialog.receipt_dialog.text()
    assert stock_store.verify_levels(ctx.db) == []


def test_receipt_saved_as_pdf(qtbot: QtBot, page: CounterPage, tmp_path: Path) -> None:
    scan(qtbot, page, "8991001")
    qtbot.keyClick(page.code, Qt.Key.Key_F12)
    receipt = page.receipt_dialog
    assert receipt is not None
    target = tmp_path / "struk"
    receipt.save_pdf(target)
    pdf = target.with_suffix(".pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1000
    assert str(pdf) in receipt.status.text()


def test_finish_while_typing_a_quantity_keeps_what_was_typed(qtbot: QtBot, page: CounterPage,
                                                              ctx: AppContext) -> None:
    scan(qtbot, page, "8991002")
    qtbot.keyClick(page.code, Qt.Key.Key_Up)
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    editor = focused()
    assert editor is not None and page.table.isAncestorOf(editor)
    editor.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClicks(editor, "3")
    qtbot.keyClick(editor, Qt.Key.Key_F12)
    sales = all_sales(ctx)
    assert len(sales) == 1 and sales[0].lines[0].quantity == 3 and sales[0].total == 54_000


def test_the_chosen_line_stays_in_sight_when_the_window_is_made_smaller(qtbot: QtBot, page: CounterPage,
                                                                        ctx: AppContext) -> None:
    for n in range(14):
        add_product(ctx.db, ProductInput(sku=f"MI-{n}", name=f"Mi Instan rasa {n}", sell_price=3_500,
                                         barcode=f"89930{n:02d}"), 20)
        scan(qtbot, page, f"89930{n:02d}")
    qtbot.keyClick(page.code, Qt.Key.Key_Up)  # the last line added, at the bottom of a long cart
    table = page.table
    last = table.model().index(13, cm.PRODUCT)
    assert table.currentIndex().row() == 13
    page.resize(1200, 520)
    qtbot.waitUntil(lambda: table.viewport().height() < 400)
    shown = table.visualRect(last)
    assert shown.top() >= 0 and shown.bottom() <= table.viewport().height(), (shown, table.viewport().height())
