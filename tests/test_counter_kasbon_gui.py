"""The counter's payment driven with the keys a cashier uses: several ways at once (Ctrl+5), kasbon for a customer
found or added on the spot (Ctrl+6), the QRIS code for the exact amount, a wrong amount that keeps the cart, the
owner's PIN for a big discount or a typed price, the category filter and the receipt by WhatsApp."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from companion.domain.payments import SPLIT
from companion.domain.pins import new_recovery_key
from companion.domain.product import ProductInput
from companion.domain.qris import with_amount
from companion.domain.sale import PaymentMethod
from companion.gui import cart_model as cm
from companion.gui.after_sale import receipt_text
from companion.gui.context import AppContext
from companion.gui.owner_pin import PinDialog
from companion.gui.pages.counter import CounterPage
from companion.gui.sale_history import SaleHistoryDialog
from companion.gui.split_payment_dialog import SplitPaymentDialog
from companion.services.cashiers import add_cashier, set_owner_pin
from companion.services.categories import add_category, set_category
from companion.services.customers import add_customer
from companion.services.products import add_product
from companion.services.qris import save_static_payload
from companion.store import credit as credit_store
from companion.store import sales as sale_store
from companion.store import stock as stock_store
from companion.store.sales import SaleRow
from tests.qris_samples import PUBLISHED_STATIC, decode

STATIC = PUBLISHED_STATIC["GREEN PAW"]
OWNER_PIN = "2468"


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


def all_sales(ctx: AppContext) -> list[SaleRow]:
    return sale_store.recent(ctx.db, "0000", "9999")


def payment_rows(ctx: AppContext) -> list[tuple[str, int, int]]:
    return [(r["method"], r["amount"], r["tendered"]) for r in ctx.db.query(
        "SELECT method, amount, tendered FROM sale_payments ORDER BY rowid")]


def cell(history: SaleHistoryDialog, row: int, col: int) -> str:
    item = history.table.item(row, col)
    return item.text() if item is not None else ""


def split(qtbot: QtBot, page: CounterPage, keys: str) -> SplitPaymentDialog:
    qtbot.keyClick(page.code, getattr(Qt.Key, f"Key_{keys[-1]}"), Qt.KeyboardModifier.ControlModifier)
    dialog = page.split_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.first_field)
    return dialog


def back_to(qtbot: QtBot, page: CounterPage) -> None:
    """The counter's window active again after a box closed (offscreen, nothing hands the activation back)."""
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)


def on_pin_dialog(act: Callable[[PinDialog], None]) -> None:
    """Do `act` on the owner's PIN box once the next action opens it (it blocks until answered)."""
    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, PinDialog):
            act(box)
        else:
            QTimer.singleShot(10, answer)
    QTimer.singleShot(0, answer)


def type_pin(pin: str) -> Callable[[PinDialog], None]:
    def act(box: PinDialog) -> None:
        box.pin.setText(pin)
        box.ok.click()
    return act


def test_cash_and_qris_by_keys(qtbot: QtBot, page: CounterPage, ctx: AppContext) -> None:
    scan(qtbot, page, "8991001")
    scan(qtbot, page, "8991001")  # Rp70.000
    dialog = split(qtbot, page, "Ctrl+5")
    assert dialog.first_field is dialog.others[PaymentMethod.QRIS]
    qtbot.keyClicks(dialog.others[PaymentMethod.QRIS], "30.000")
    assert dialog.cash_due.text() == "Rp40.000"
    dialog.cash.setFocus()
    qtbot.keyClicks(dialog.cash, "50000")
    assert dialog.change_label.text() == "Rp10.000"
    qtbot.keyClick(dialog.cash, Qt.Key.Key_Return)  # no shop QRIS set: recorded at once
    assert not dialog.isVisible()
    sales = all_sales(ctx)
    assert len(sales) == 1 and sales[0].payment_method == SPLIT and sales[0].change_given == 10_000
    assert payment_rows(ctx) == [("tunai", 40_000, 50_000), ("qris", 30_000, 30_000)]
    assert "Rp10.000" in page.message.text() and page.model.rowCount() == 0
    qtbot.keyClick(page.code, Qt.Key.Key_Return)  # Enter twice never sells twice
    qtbot.keyClick(page.code, Qt.Key.Key_F12)
    assert len(all_sales(ctx)) == 1


def test_a_wrong_amount_is_said_in_the_form_and_the_cart_stays(qtbot: QtBot, page: CounterPage,
                                                                 ctx: AppContext, items: dict[str, str]) -> None:
    scan(qtbot, page, "8991002")  # Rp18.000
    dialog = split(qtbot, page, "Ctrl+5")
    qtbot.keyClicks(dialog.others[PaymentMethod.QRIS], "20.000")
    assert "lebih" in dialog.cash_due.text()
    qtbot.keyClick(dialog.others[PaymentMethod.QRIS], Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.error.text().startswith("Jumlah pembayaran melebihi total")
    qtbot.keyClick(dialog.others[PaymentMethod.QRIS], Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert all_sales(ctx) == [] and page.model.rowCount() == 1
    assert stock_store.on_hand(ctx.db, items["gula"]) == 5


def test_kasbon_for_a_customer_added_on_the_spot(qtbot: QtBot, page: CounterPage, ctx: AppContext) -> None:
    scan(qtbot, page, "8991001")
    scan(qtbot, page, "8991002")  # Rp53.000
    dialog = split(qtbot, page, "Ctrl+6")
    picker = dialog.picker
    assert dialog.credit.text() == "Rp53.000" and dialog.first_field is picker.search_box
    qtbot.keyClick(dialog.credit, Qt.Key.Key_Return)  # no customer yet
    assert dialog.isVisible() and "pelanggan" in dialog.error.text().lower()
    qtbot.keyClicks(picker.search_box, "Pak Budi")
    qtbot.keyClick(picker.search_box, Qt.Key.Key_Return)  # nobody found: the quick add opens with the name
    assert picker.add_box.isVisible() and picker.new_name.text() == "Pak Budi"
    qtbot.keyClicks(picker.new_phone, "0812-1111-2222")
    qtbot.keyClick(picker.new_phone, Qt.Key.Key_Return)
    assert picker.customer is not None and picker.customer.name == "Pak Budi"
    assert QApplication.focusWidget() is dialog.credit
    dialog.credit.selectAll()
    qtbot.keyClicks(dialog.credit, "33.000")  # Rp20.000 paid now in cash
    assert dialog.cash_due.text() == "Rp20.000"
    qtbot.keyClick(dialog.credit, Qt.Key.Key_Return)
    sale = all_sales(ctx)[0]
    today = dialog.today
    assert (sale.credit_amount, sale.customer_id, sale.due_date) == (
        33_000, picker.customer.id, (today + timedelta(days=7)).isoformat())
    assert payment_rows(ctx) == [("tunai", 20_000, 20_000)]
    assert credit_store.owed(ctx.db, picker.customer.id) == 33_000
    bar = page.after_sale
    assert bar.isVisible() and bar.whatsapp_button.isVisible()
    text = receipt_text(ctx, sale.id)
    assert text.startswith("```") and "Rp53.000" in text and "Pak Budi" in text and "Rp33.000" in text


def test_kasbon_for_a_known_customer_whole_total(qtbot: QtBot, page: CounterPage, ctx: AppContext) -> None:
    sari, _ = add_customer(ctx.db, "Bu Sari", "")
    scan(qtbot, page, "8991001")
    dialog = split(qtbot, page, "Ctrl+6")
    qtbot.keyClicks(dialog.picker.search_box, "sar")
    qtbot.keyClick(dialog.picker.search_box, Qt.Key.Key_Return)
    assert dialog.picker.customer is not None and dialog.picker.customer.id == sari
    qtbot.keyClick(dialog.credit, Qt.Key.Key_Return)
    sale = all_sales(ctx)[0]
    assert (sale.payment_method, sale.credit_amount, payment_rows(ctx)) == ("kasbon", 35_000, [])
    assert credit_store.owed(ctx.db, sari) == 35_000
    assert not page.after_sale.whatsapp_button.isVisible()  # no phone: nothing to send to
    history = page.open_history()
    cells = [cell(history, 0, col) for col in range(history.table.columnCount())]
    assert cells[4].startswith("Kasbon Rp35.000 · jatuh tempo ") and cells[6] == "Bu Sari"


def test_todays_sales_show_each_payment(qtbot: QtBot, page: CounterPage, ctx: AppContext) -> None:
    set_owner_pin(ctx.db, "Bu Rina", OWNER_PIN, new_recovery_key())
    ani, _ = add_cashier(ctx.db, "Ani", "1357")
    ctx.set_cashier(ani)
    scan(qtbot, page, "8991001")
    dialog = split(qtbot, page, "Ctrl+5")
    qtbot.keyClicks(dialog.others[PaymentMethod.TRANSFER], "15000")
    qtbot.keyClick(dialog.others[PaymentMethod.TRANSFER], Qt.Key.Key_Return)
    history = page.open_history()
    assert cell(history, 0, 4) == "Tunai Rp20.000 + Transfer Rp15.000"
    assert cell(history, 0, 7) == "Ani" and all_sales(ctx)[0].cashier_id == ani


def read_from_screen(widget: QWidget) -> str:
    """The QR code in a widget's pixels, read by zxing-cpp (independent of the code that drew it)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    widget.grab().save(buffer, "PNG")
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(bytes(data.data()))))
    assert len(found) == 1
    return str(found[0].text)


def test_qris_shows_the_code_for_the_exact_total(qtbot: QtBot, page: CounterPage, ctx: AppContext) -> None:
    ctx.announce(save_static_payload(ctx.db, STATIC))
    scan(qtbot, page, "8991001")
    scan(qtbot, page, "8991002")
    qtbot.keyClick(page.code, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert page.pay.qris_note.isHidden()
    assert QApplication.focusWidget() is page.finish_button
    qtbot.keyClick(page.finish_button, Qt.Key.Key_Return)
    shown = page.checkout.qris_dialog
    assert shown is not None and shown.isVisible() and all_sales(ctx) == []
    assert shown.code.module_pixels() >= 6
    read = read_from_screen(shown.code)  # what a phone would read off the screen
    assert read == with_amount(STATIC, 53_000) and dict(decode(read))["54"] == "53000"
    qtbot.keyClick(shown.paid_button, Qt.Key.Key_Return)
    assert not shown.isVisible()
    assert [(s.payment_method, s.total) for s in all_sales(ctx)] == [("qris", 53_000)]
    qtbot.keyClick(page.code, Qt.Key.Key_Return)
    assert len(all_sales(ctx)) == 1


def test_qris_not_yet_paid_keeps_the_cart(qtbot: QtBot, page: CounterPage, ctx: AppContext) -> None:
    save_static_payload(ctx.db, STATIC)
    scan(qtbot, page, "8991001")
    qtbot.keyClick(page.code, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(page.code, Qt.Key.Key_F12)
    shown = page.checkout.qris_dialog
    assert shown is not None
    qtbot.keyClick(shown.paid_button, Qt.Key.Key_Escape)
    assert not shown.isVisible() and all_sales(ctx) == [] and page.model.rowCount() == 1


def test_qris_without_the_shops_code_says_where_to_set_it(qtbot: QtBot, page: CounterPage, ctx: AppContext) -> None:
    scan(qtbot, page, "8991001")
    qtbot.keyClick(page.code, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert page.pay.qris_note.isVisible() and "Pengaturan → QRIS toko" in page.pay.qris_note.text()
    qtbot.keyClick(page.code, Qt.Key.Key_F12)
    assert [(s.payment_method, s.total) for s in all_sales(ctx)] == [("qris", 35_000)]


def test_big_discount_asks_the_owner(qtbot: QtBot, page: CounterPage, ctx: AppContext) -> None:
    set_owner_pin(ctx.db, "Bu Rina", OWNER_PIN, new_recovery_key())
    scan(qtbot, page, "8991001")
    qtbot.keyClicks(page.discount, "3.000")  # under 10 %: nobody is asked
    qtbot.keyClick(page.code, Qt.Key.Key_F12)
    assert len(all_sales(ctx)) == 1 and page.receipt_dialog is not None
    page.receipt_dialog.accept()
    scan(qtbot, page, "8991001")
    qtbot.keyClicks(page.discount, "10.000")  # 28 %
    on_pin_dialog(lambda box: box.reject())
    qtbot.keyClick(page.code, Qt.Key.Key_F12)
    assert "PIN pemilik" in page.message.text() and page.model.rowCount() == 1 and len(all_sales(ctx)) == 1
    back_to(qtbot, page)
    on_pin_dialog(type_pin(OWNER_PIN))
    qtbot.keyClick(page.code, Qt.Key.Key_F12)
    assert len(all_sales(ctx)) == 2 and all_sales(ctx)[0].sale_discount == 10_000


def test_typed_price_waits_for_the_owner(qtbot: QtBot, page: CounterPage, ctx: AppContext) -> None:
    set_owner_pin(ctx.db, "Bu Rina", OWNER_PIN, new_recovery_key())
    scan(qtbot, page, "8991002")
    model = page.model
    on_pin_dialog(lambda box: box.reject())
    assert not model.setData(model.index(0, cm.PRICE), "Rp 15.000")
    qtbot.waitUntil(lambda: "harga" in page.message.text().lower())
    assert model.cart.lines[0].unit_price == 18_000
    on_pin_dialog(type_pin(OWNER_PIN))
    assert not model.setData(model.index(0, cm.PRICE), "Rp 15.000")
    qtbot.waitUntil(lambda: model.cart.lines[0].unit_price == 15_000)
    assert page.total_label.text() == "Rp15.000"


def test_category_narrows_the_search(qtbot: QtBot, page: CounterPage, ctx: AppContext,
                                     items: dict[str, str]) -> None:
    drinks, change = add_category(ctx.db, "Minuman")
    ctx.announce(change)
    ctx.announce(set_category(ctx.db, [items["kopi"]], drinks))
    page.category.choose(drinks)
    qtbot.waitUntil(lambda: page.results.isVisible())
    assert [page.results.item(i).text().split(" · ")[0] for i in range(page.results.count())] == [
        "Kopi Bubuk 250 g"]
    scan(qtbot, page, "gula")
    assert page.model.rowCount() == 0  # not in this category


def test_mixed_payment_shows_the_code_for_the_qris_part_only(qtbot: QtBot, page: CounterPage,
                                                              ctx: AppContext) -> None:
    save_static_payload(ctx.db, STATIC)
    scan(qtbot, page, "8991001")
    scan(qtbot, page, "8991001")  # Rp70.000
    dialog = split(qtbot, page, "Ctrl+5")
    qtbot.keyClicks(dialog.others[PaymentMethod.QRIS], "30000")
    qtbot.keyClick(dialog.others[PaymentMethod.QRIS], Qt.Key.Key_Return)  # the rest, Rp40.000, in exact cash
    shown = page.checkout.qris_dialog
    assert shown is not None and shown.isVisible() and all_sales(ctx) == []
    assert dict(decode(read_from_screen(shown.code)))["54"] == "30000"
    qtbot.keyClick(shown.paid_button, Qt.Key.Key_Return)
    assert payment_rows(ctx) == [("tunai", 40_000, 40_000), ("qris", 30_000, 30_000)]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_payment_forms_fit_a_small_laptop(qtbot: QtBot, page: CounterPage, ctx: AppContext, lang: str) -> None:
    """The mixed/kasbon form and the QRIS code, in either language, within 1366×698 and nothing cut or overlapping."""
    from layout_check import check_layout

    from companion import i18n

    i18n.set_language(lang)
    try:
        save_static_payload(ctx.db, STATIC)
        scan(qtbot, page, "8991001")
        page.choose_method(PaymentMethod.QRIS)
        def qris_code() -> QDialog | None:
            page.finish()
            return page.checkout.qris_dialog

        for form_of in (lambda: page.open_split(credit=True), lambda: page.open_split(credit=False), qris_code):
            form = form_of()
            assert form is not None
            qtbot.waitExposed(form)
            assert form.width() <= 1366 and form.height() <= 698
            assert check_layout(form) == []
            form.reject()
    finally:
        i18n.set_language("id")


def test_with_cashiers_nobody_sells_without_a_name(qtbot: QtBot, page: CounterPage, ctx: AppContext) -> None:
    """Cashiers are set up and nobody has said who is at the counter: finishing asks; closing the box records
    nothing and keeps the cart; logging in as Ani records the sale as hers."""
    from companion.gui.cashier_login import CashierLogin

    set_owner_pin(ctx.db, "Budi", OWNER_PIN, new_recovery_key())
    ani, change = add_cashier(ctx.db, "Ani", "7391")
    ctx.announce(change)
    assert ctx.cashier_id is None
    scan(qtbot, page, "8991001")

    def answer(log_in: bool) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, CashierLogin):
            QTimer.singleShot(10, lambda: answer(log_in))
            return
        if log_in:
            box.choose("Ani")
            box.pin.setText("7391")
            box.check()
        else:
            box.reject()

    QTimer.singleShot(0, lambda: answer(False))
    qtbot.keyClick(page.code, Qt.Key.Key_F12)
    assert all_sales(ctx) == [] and page.model.rowCount() == 1
    assert "who is at the counter" in page.message.text() or "siapa yang menjaga kasir" in page.message.text()
    back_to(qtbot, page)
    QTimer.singleShot(0, lambda: answer(True))
    qtbot.keyClick(page.code, Qt.Key.Key_F12)
    sales = all_sales(ctx)
    assert len(sales) == 1 and sales[0].cashier_id == ani and ctx.cashier_id == ani
    moved = ctx.db.scalar("SELECT actor_id FROM stock_movements WHERE reference = ?", (f"sale:{sales[0].id}",))
    assert moved == ani
