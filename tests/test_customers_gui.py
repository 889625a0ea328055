"""Pelanggan driven as the shop would: the list with what each owes and who is late, adding and editing, a refused
delete, the debt page with a payment (too much, then all of it), and a WhatsApp reminder opened as a wa.me link."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QTableWidget, QTableWidgetItem
from pytestqt.qtbot import QtBot

from companion.domain.clock import local_day, now_utc, shop_zone
from companion.domain.payments import Payment
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput
from companion.gui.context import AppContext
from companion.gui.credit_payment_dialog import CreditPaymentDialog
from companion.gui.customer_dialog import CustomerDialog
from companion.gui.customer_list_model import LATE
from companion.gui.pages.customers import CustomersPage
from companion.gui.whatsapp_message_dialog import WhatsAppMessageDialog
from companion.i18n import set_language
from companion.services.customers import add_customer
from companion.services.products import add_product
from companion.services.sales import record_sale
from companion.store import credit as credit_store
from companion.store import customers as customer_store


@pytest.fixture
def ctx(data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


def _kasbon(ctx: AppContext, pid: str, customer: str, qty: int, days_ago: int, due_after: int) -> None:
    today = local_day(now_utc())
    day = today - timedelta(days=days_ago)
    when = datetime.combine(day, time(10), tzinfo=shop_zone())
    record_sale(ctx.db, [LineInput(pid, qty, 10_000)], payment=Payment(
        {}, credit=qty * 10_000, customer_id=customer, due_date=day + timedelta(days=due_after)), now=when)


@pytest.fixture
def people(ctx: AppContext) -> dict[str, str]:
    pid, _ = add_product(ctx.db, ProductInput(sku="GULA-1", name="Gula 1 kg", sell_price=10_000), 100)
    ani, _ = add_customer(ctx.db, "Bu Ani", "0812-3456-7890", "bayar tiap Jumat")
    budi, _ = add_customer(ctx.db, "Pak Budi")
    add_customer(ctx.db, "Mbak Sari", "0857 7000 1234")
    _kasbon(ctx, pid, ani, 3, days_ago=10, due_after=7)  # 30.000, late by 3 days
    _kasbon(ctx, pid, budi, 2, days_ago=1, due_after=14)  # 20.000, not due yet
    return {"ani": ani, "budi": budi}


@pytest.fixture
def page(qtbot: QtBot, ctx: AppContext, people: dict[str, str]) -> CustomersPage:
    shown = CustomersPage(ctx)
    qtbot.addWidget(shown)
    shown.resize(1100, 620)
    shown.show()
    qtbot.waitExposed(shown)
    shown.activateWindow()
    shown.on_shown()
    return shown


def in_dialog(kind: type, act: Callable[[QDialog], None]) -> None:
    """Act on the modal dialog of `kind` that the next action opens."""
    def run() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind) or not isinstance(dialog, QDialog):
            QTimer.singleShot(10, run)
            return
        act(dialog)
    QTimer.singleShot(0, run)


def cell(table: QTableWidget, row: int, col: int) -> QTableWidgetItem:
    item = table.item(row, col)
    assert item is not None
    return item


def texts(page: CustomersPage, row: int) -> list[str]:
    return [page.model.index(row, col).data() for col in range(page.model.columnCount())]


def test_the_list_shows_what_each_owes_since_when_and_who_is_late(page: CustomersPage) -> None:
    rows = [texts(page, r) for r in range(page.model.rowCount())]
    assert [r[0] for r in rows] == ["Bu Ani", "Pak Budi", "Mbak Sari"]  # those who owe first, the most first
    assert rows[0][2] == "Rp30.000" and rows[0][4] == "Lewat 3 hari"
    assert rows[1][2] == "Rp20.000" and rows[1][4].startswith("Jatuh tempo ")
    assert rows[2][1:] == ["0857 7000 1234", "–", "–", "Lunas"]
    assert page.model.index(0, 2).data(Qt.ItemDataRole.ForegroundRole).color() == LATE
    assert page.model.index(1, 2).data(Qt.ItemDataRole.ForegroundRole) is None
    assert page.owed_label.text() == "2 berutang, total Rp50.000 · 1 lewat jatuh tempo"
    page.search.setText("budi")
    page.reload()
    assert [texts(page, r)[0] for r in range(page.model.rowCount())] == ["Pak Budi"]
    assert page.count_label.text() == "1 dari 3 pelanggan"


def test_add_and_edit_through_the_form(qtbot: QtBot, page: CustomersPage, ctx: AppContext) -> None:
    def refused_then_saved(dialog: QDialog) -> None:
        assert isinstance(dialog, CustomerDialog)
        dialog.name.setText("Pak Joko")
        dialog.phone.setText("12")
        dialog.save()
        assert dialog.isVisible() and dialog.errors.shown() == ["phone"]
        assert "0812-3456-7890" in dialog.errors.text("phone")
        dialog.phone.setText("0813 2222 3333")
        qtbot.keyClick(dialog.phone, Qt.Key.Key_Return)
    in_dialog(CustomerDialog, refused_then_saved)
    page.add_customer()
    joko = page.selected()
    assert joko is not None and joko.customer.name == "Pak Joko" and joko.customer.phone == "0813 2222 3333"

    def rename(dialog: QDialog) -> None:
        assert isinstance(dialog, CustomerDialog)
        dialog.name.setText("Pak Joko Bengkel")
        dialog.save()
    in_dialog(CustomerDialog, rename)
    page.edit_customer(joko.customer.id)
    qtbot.waitUntil(lambda: any(texts(page, r)[0] == "Pak Joko Bengkel" for r in range(page.model.rowCount())))


def test_deleting_a_customer_who_owes_is_refused_in_one_sentence(page: CustomersPage, ctx: AppContext,
                                                                 people: dict[str, str]) -> None:
    seen: list[str] = []

    def read_and_close(box: QDialog) -> None:
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        box.accept()
    in_dialog(QMessageBox, read_and_close)
    page.delete_customer(people["ani"])
    assert seen == ["Bu Ani masih punya kasbon Rp30.000: terima pembayarannya dulu, baru hapus."]
    row = customer_store.get(ctx.db, people["ani"])
    assert row is not None and not row.deleted


def test_the_debt_page_takes_a_payment(qtbot: QtBot, page: CustomersPage, ctx: AppContext,
                                       people: dict[str, str]) -> None:
    page.open_customer(people["ani"])
    debt = page.debt
    assert page.stack.currentWidget() is debt
    assert (debt.name.text(), debt.owed.text()) == ("Bu Ani", "Rp30.000")
    assert "lewat 3 hari" in debt.since.text() and debt.notes.text() == "Catatan: bayar tiap Jumat"
    assert debt.sales.rowCount() == 1 and cell(debt.sales, 0, 4).text() == "Rp30.000"
    assert cell(debt.sales, 0, 4).foreground().color() == LATE
    assert debt.payments.rowCount() == 0 and not debt.note_button.isVisible()

    def too_much_then_all(dialog: QDialog) -> None:
        assert isinstance(dialog, CreditPaymentDialog)
        dialog.amount.setText("35.000")
        dialog.save()
        assert dialog.isVisible()
        assert dialog.errors.text("amount") == ("Pembayaran lebih besar dari utang Rp30.000: terima paling banyak "
                                                "Rp30.000.")
        dialog.amount.setText("10.000")
        assert dialog.after.text() == "Sisa kasbon setelah ini: Rp20.000"
        next(b for b in dialog.methods.buttons() if b.property("method") == "qris").click()
        dialog.note.setText("lewat anaknya")
        dialog.save()
    in_dialog(CreditPaymentDialog, too_much_then_all)
    debt.receive_payment()
    assert credit_store.owed(ctx.db, people["ani"]) == 20_000
    assert debt.owed.text() == "Rp20.000" and debt.paid_note.text() == "Pembayaran Rp10.000 sudah dicatat."
    assert [cell(debt.payments, 0, c).text() for c in (1, 2, 3)] == ["Rp10.000", "QRIS", "lewat anaknya"]
    assert debt.note_button.isVisible()

    def all_of_it(dialog: QDialog) -> None:
        assert isinstance(dialog, CreditPaymentDialog)
        dialog.all_button.click()
        assert dialog.after.text() == "Kasbon jadi lunas."
        dialog.save()
    in_dialog(CreditPaymentDialog, all_of_it)
    debt.receive_payment()
    assert credit_store.owed(ctx.db, people["ani"]) == 0
    assert debt.since.text() == "Tidak ada kasbon." and not debt.pay_button.isEnabled()
    assert cell(debt.sales, 0, 4).text() == "Lunas"
    debt.pay_button.setFocus()
    qtbot.keyClick(debt.sales, Qt.Key.Key_Escape)  # Esc: back to the list
    assert page.stack.currentIndex() == 0
    assert texts(page, 0)[0] == "Pak Budi"  # Bu Ani owes nothing now


class LinkCatcher(QObject):
    """Stands where the browser would: Qt hands every https link to it (QDesktopServices.setUrlHandler)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def links() -> Iterator[LinkCatcher]:
    catcher = LinkCatcher()
    QDesktopServices.setUrlHandler("https", catcher, "open")  # type: ignore[arg-type]
    yield catcher
    QDesktopServices.unsetUrlHandler("https")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_reminder_opens_whatsapp_with_the_edited_words(lang: str, page: CustomersPage, ctx: AppContext,
                                                           people: dict[str, str], links: LinkCatcher) -> None:
    set_language(lang)
    page.open_customer(people["ani"])
    words = page.debt.reminder()
    assert "Bu Ani" in words and "Rp30.000" in words
    assert ("Jatuh temponya sudah lewat" if lang == "id" else "It was due on") in words
    edited: list[str] = []

    def edit_and_open(dialog: QDialog) -> None:
        assert isinstance(dialog, WhatsAppMessageDialog)
        assert dialog.phone.text() == "0812-3456-7890" and dialog.message.toPlainText() == words
        dialog.message.setPlainText(words + "\nSalam & terima kasih #1")
        edited.append(dialog.message.toPlainText())
        dialog.send()
    in_dialog(WhatsAppMessageDialog, edit_and_open)
    page.debt.remind()
    assert len(links.urls) == 1
    link = urlsplit(links.urls[0].toString(QUrl.ComponentFormattingOption.FullyEncoded))
    assert (link.netloc, link.path) == ("wa.me", "/6281234567890")
    assert parse_qs(link.query)["text"] == [edited[0]]


def test_a_reminder_without_a_readable_number_stays_in_the_dialog(page: CustomersPage, people: dict[str, str],
                                                                   links: LinkCatcher) -> None:
    page.open_customer(people["budi"])  # no phone
    seen: list[str] = []

    def no_number(dialog: QDialog) -> None:
        assert isinstance(dialog, WhatsAppMessageDialog)
        dialog.send()
        seen.append(dialog.errors.text("phone"))
        dialog.phone.setText("0812 9999 0000")
        dialog.send()
    in_dialog(WhatsAppMessageDialog, no_number)
    page.debt.remind()
    assert seen == ["Pelanggan ini belum punya nomor HP: tambahkan dulu nomor WhatsApp-nya."]
    assert [u.path() for u in links.urls] == ["/6281299990000"]


def test_a_kasbon_sale_receipt_goes_by_whatsapp(page: CustomersPage, people: dict[str, str],
                                                links: LinkCatcher) -> None:
    page.open_customer(people["ani"])
    debt = page.debt
    assert not debt.receipt_button.isEnabled()
    debt.sales.selectRow(0)
    assert debt.receipt_button.isEnabled()
    number = cell(debt.sales, 0, 0).text()
    in_dialog(WhatsAppMessageDialog, lambda dialog: dialog.send())  # type: ignore[attr-defined]
    debt.send_receipt()
    assert len(links.urls) == 1
    text = parse_qs(urlsplit(links.urls[0].toString(QUrl.ComponentFormattingOption.FullyEncoded)).query)["text"][0]
    assert number in text and "Bu Ani" in text and "Rp30.000" in text
