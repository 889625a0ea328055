"""One form behaviour everywhere (issue 17): every error at once under its field in reading order, the first field
focused, typed values kept, Enter saves; the same rule for the same field on every page (the shop name), Rp0 and a
stock below zero asked first, and "dua" refused for the right reason. Real widgets on a real database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from companion.connectors.lazada.credentials import LazadaCredentials
from companion.domain.errors import UserError
from companion.domain.field_problems import FieldProblems
from companion.domain.product import ProductInput
from companion.domain.settings_keys import LANGUAGE, SHOP_NAME
from companion.domain.typed_numbers import Reason, read_count
from companion.gui.adjust_dialog import AdjustDialog
from companion.gui.context import AppContext
from companion.gui.link_shop_dialog import LinkShopDialog
from companion.gui.online_shops_card import OnlineShopsCard
from companion.gui.pages.settings import SettingsPage
from companion.gui.product_dialog import ProductDialog
from companion.gui.welcome_wizard import WelcomeWizard
from companion.services.accounts import link_account
from companion.services.change import Change
from companion.services.first_use import clean_shop_name
from companion.services.products import add_product
from companion.services.settings import save_settings
from companion.services.stock import adjust_stock
from companion.store import accounts as account_store
from companion.store import products as product_store
from companion.store import settings as settings_store
from companion.store import stock as stock_store

BLANK_NAME = "Tulis dulu nama toko Anda: nama ini tampil di bagian atas aplikasi dan di rekap harian."


@pytest.fixture
def ctx(qtbot: QtBot, data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


class Answers:
    """Presses the button labelled with the next answer in each message box that opens; keeps the questions."""

    def __init__(self, labels: list[str]) -> None:
        self.labels = list(labels)
        self.texts: list[str] = []
        self.timer = QTimer()
        self.timer.timeout.connect(self._answer)
        self.timer.start(20)

    def _answer(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not self.labels:
            return
        self.texts.append(box.text())
        wanted = self.labels.pop(0)
        next(b for b in box.buttons() if b.text() == wanted).click()


def shown_under(widget: QWidget, label_text: str) -> bool:
    """The error label sits right under its field (same column, lower) and is visible."""
    labels = [w for w in widget.window().findChildren(QWidget) if w.property("field_error") and w.isVisible()
              and getattr(w, "text", lambda: "")() == label_text]
    if not labels:
        return False
    top = widget.mapTo(widget.window(), widget.rect().bottomLeft())
    spot = labels[0].mapTo(widget.window(), labels[0].rect().topLeft())
    return spot.y() >= top.y() and abs(spot.x() - top.x()) < 40


# --- the product form -----------------------------------------------------------------------------------

def test_product_form_shows_every_error_at_once_in_reading_order_and_keeps_what_was_typed(
        ctx: AppContext, qtbot: QtBot) -> None:
    dialog = ProductDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.sku.setText("")
    dialog.name.setText("   ")
    dialog.price.setText("lima ribu")
    dialog.stock.setText("dua")
    dialog.barcode.setText("ABC 123!")
    dialog.save_button.click()
    assert dialog.errors.shown() == ["sku", "name", "barcode", "sell_price", "stock"]  # top to bottom
    assert dialog.error.text() == "Belum tersimpan: perbaiki 5 isian yang bertanda merah."
    stock_error = dialog.errors.text("stock")
    assert stock_error == "Stok awal harus ditulis dengan angka bulat, misalnya 2."  # "dua": not about commas
    assert "SKU" in dialog.errors.text("sku") and "nama produk" in dialog.errors.text("name").lower()
    for key, field in (("sku", dialog.sku), ("name", dialog.name), ("sell_price", dialog.price),
                       ("stock", dialog.stock), ("barcode", dialog.barcode)):
        assert shown_under(field, dialog.errors.text(key)), key
        assert "#b00020" in field.styleSheet()
    assert dialog.focusWidget() is dialog.sku  # the first one to fix
    assert (dialog.name.text(), dialog.price.text(), dialog.stock.text()) == ("   ", "lima ribu", "dua")  # kept
    assert product_store.count(ctx.db) == 0
    dialog.sku.setText("KOPI-1")
    dialog.name.setText("Kopi Susu")
    dialog.price.setText("15.000")
    dialog.stock.setText("2")
    dialog.barcode.setText("899123")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)  # Enter saves
    assert dialog.result() == ProductDialog.DialogCode.Accepted
    saved = product_store.by_sku(ctx.db, "KOPI-1")
    assert saved is not None and (saved.sell_price, saved.on_hand) == (15_000, 2)


def test_a_scanned_barcode_ending_in_enter_moves_on_instead_of_saving(ctx: AppContext, qtbot: QtBot) -> None:
    dialog = ProductDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.sku.setText("KOPI-1")
    dialog.name.setText("Kopi")
    dialog.barcode.setFocus()
    qtbot.keyClicks(dialog.barcode, "899123")
    qtbot.keyClick(dialog.barcode, Qt.Key.Key_Return)
    assert dialog.isVisible() and product_store.count(ctx.db) == 0


def test_a_sku_already_used_is_named_with_the_other_problems(ctx: AppContext, qtbot: QtBot) -> None:
    add_product(ctx.db, ProductInput(sku="KOPI-1", name="Kopi", sell_price=15_000), 5)
    dialog = ProductDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.sku.setText("kopi-1")
    dialog.name.setText("Kopi Lain")
    dialog.price.setText("-5")
    dialog.save()
    assert dialog.errors.shown() == ["sku", "sell_price"]
    assert "sudah dipakai" in dialog.errors.text("sku")


def test_price_zero_asks_whether_the_product_is_free(ctx: AppContext, qtbot: QtBot) -> None:
    dialog = ProductDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.sku.setText("SAMPEL-1")
    dialog.name.setText("Sampel Kopi")
    dialog.price.setText("0")
    answers = Answers(["Ubah dulu"])
    dialog.save_button.click()
    assert answers.texts == ['Harga jual Rp0: apakah "Sampel Kopi" memang gratis?']
    assert product_store.count(ctx.db) == 0 and dialog.isVisible()
    assert dialog.focusWidget() is dialog.price and dialog.price.text() == "0"
    answers = Answers(["Ya, gratis"])
    dialog.save_button.click()
    assert answers.texts and dialog.result() == ProductDialog.DialogCode.Accepted
    saved = product_store.by_sku(ctx.db, "SAMPEL-1")
    assert saved is not None and saved.sell_price == 0


def test_the_services_ask_about_rp0_only_when_a_person_is_there(ctx: AppContext) -> None:
    from companion.domain.field_problems import Unconfirmed

    with pytest.raises(Unconfirmed):
        add_product(ctx.db, ProductInput(sku="A-1", name="Gratis", sell_price=0), answered=frozenset())
    add_product(ctx.db, ProductInput(sku="A-1", name="Gratis", sell_price=0))  # an import: nobody to ask
    with pytest.raises(FieldProblems) as refused:
        add_product(ctx.db, ProductInput(sku="", name="", sell_price=-1))
    assert refused.value.fields() == ["sku", "name", "sell_price"]


# --- the stock adjustment ---------------------------------------------------------------------------------

def test_an_adjustment_below_zero_asks_first(ctx: AppContext, qtbot: QtBot) -> None:
    pid, _ = add_product(ctx.db, ProductInput(sku="GULA-1", name="Gula", sell_price=18_000), 22)
    product = product_store.get(ctx.db, pid)
    assert product is not None
    dialog = AdjustDialog(ctx, product)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.quantity.setText("dua")
    dialog.save()
    assert dialog.errors.shown() == ["quantity", "reason"]  # both at once
    assert dialog.errors.text("quantity") == "Jumlah harus ditulis dengan angka bulat, misalnya 2."
    assert dialog.quantity.text() == "dua"
    dialog.quantity.setText("50")
    dialog.reason.setCurrentText("Rusak")
    assert dialog.after.text() == "-28"
    answers = Answers(["Ubah dulu"])
    dialog.save()
    assert answers.texts == ["Dikurangi 50, stok jadi -28 (sekarang 22): stok di bawah nol berarti ada barang keluar "
                             "tanpa catatan. Tetap simpan?"]
    assert stock_store.on_hand(ctx.db, pid) == 22 and dialog.isVisible()
    answers = Answers(["Tetap simpan"])
    qtbot.keyClick(dialog.quantity, Qt.Key.Key_Return)  # Enter saves
    assert answers.texts and stock_store.on_hand(ctx.db, pid) == -28
    assert dialog.result() == AdjustDialog.DialogCode.Accepted


def test_an_adjustment_that_stays_at_zero_or_more_is_not_asked(ctx: AppContext) -> None:
    pid, _ = add_product(ctx.db, ProductInput(sku="GULA-1", name="Gula", sell_price=18_000), 22)
    adjust_stock(ctx.db, pid, -22, "habis", answered=frozenset())
    assert stock_store.on_hand(ctx.db, pid) == 0


# --- the shop name: one rule in the wizard and in Settings -------------------------------------------------

def test_the_shop_name_has_the_same_rule_in_the_wizard_and_in_settings(ctx: AppContext, qtbot: QtBot) -> None:
    wizard = WelcomeWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next_button.click()
    wizard.name_step.name.setText("   ")
    qtbot.keyClick(wizard.name_step.name, Qt.Key.Key_Return)
    assert wizard.steps.currentWidget() is wizard.name_step
    assert wizard.name_step.errors.text(SHOP_NAME.key) == BLANK_NAME and wizard.error.isVisible()

    save_settings(ctx.db, {SHOP_NAME.key: "Toko Lama"})
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.shop_name.setText("   ")
    page.threshold.setValue(9)
    page.save_button.click()
    assert page.errors.shown() == [SHOP_NAME.key] and page.errors.text(SHOP_NAME.key) == BLANK_NAME
    assert shown_under(page.shop_name, BLANK_NAME)
    assert settings_store.get(ctx.db, SHOP_NAME) == "Toko Lama"  # an empty name is not saved any more
    assert page.shop_name.text() == "   " and page.threshold.value() == 9  # what was typed stays
    ctx.announce(Change(settings=True))  # something else saved a setting meanwhile: the page reloads
    assert page.shop_name.text() == "   " and page.threshold.value() == 9
    with pytest.raises(UserError, match="nama toko"):
        clean_shop_name("")
    page.shop_name.setText("Toko Baru")
    qtbot.keyClick(page.shop_name, Qt.Key.Key_Return)  # Enter saves on the page too
    assert settings_store.get(ctx.db, SHOP_NAME) == "Toko Baru"
    assert page.errors.shown() == [] and page.saved_note.text() == "Pengaturan sudah disimpan."


def test_settings_name_every_wrong_setting_at_once(ctx: AppContext) -> None:
    with pytest.raises(FieldProblems) as refused:
        save_settings(ctx.db, {SHOP_NAME.key: "", LANGUAGE.key: "fr", "low_stock_threshold": "lima"})
    assert refused.value.fields() == [SHOP_NAME.key, LANGUAGE.key, "low_stock_threshold"]
    assert settings_store.get(ctx.db, LANGUAGE) == "id"


# --- the online shops' settings --------------------------------------------------------------------------

def test_an_online_shop_error_names_the_shop_marks_each_box_and_survives_a_sync_round(
        ctx: AppContext, qtbot: QtBot) -> None:
    account_id, change = link_account(ctx.db, "Toko Berkah – Lazada", LazadaCredentials("1", "s", "acc", "ref"))
    ctx.announce(change)
    card = OnlineShopsCard(ctx)
    qtbot.addWidget(card)
    card.show()
    editor = card.editors[account_id]
    editor.units.setText("dua")
    editor.percent.setText("150")
    editor.ship_window.setText("40")
    qtbot.keyClick(editor.percent, Qt.Key.Key_Return)  # Enter saves the row
    assert editor.errors.shown() == ["buffer_units", "buffer_percent", "ship_window_days"]
    assert card.note.text() == "Belum tersimpan untuk Toko Berkah – Lazada: perbaiki 3 isian yang bertanda merah."
    assert editor.errors.text("buffer_units") == "Stok ditahan harus ditulis dengan angka bulat, misalnya 2."
    assert shown_under(editor.percent, editor.errors.text("buffer_percent"))
    ctx.announce(Change(sync=True))  # a sync round reloads the card while the owner is fixing it
    again = card.editors[account_id]
    assert again is not editor
    assert (again.units.text(), again.percent.text(), again.ship_window.text()) == ("dua", "150", "40")
    assert again.errors.shown() == ["buffer_units", "buffer_percent", "ship_window_days"]
    account = account_store.get(ctx.db, account_id)
    assert account is not None and (account.buffer_units, account.ship_window_days) == (0, 2)  # nothing half-saved
    again.units.setText("2")
    again.percent.setText("10")
    again.ship_window.setText("5")
    again.save.click()
    account = account_store.get(ctx.db, account_id)
    assert account is not None and (account.buffer_units, account.buffer_percent, account.ship_window_days) == (
        2, 10, 5)
    assert card.note.text() == "Tersimpan untuk Toko Berkah – Lazada."


def test_the_link_dialog_marks_the_key_and_the_code_together(ctx: AppContext, qtbot: QtBot) -> None:
    dialog = LinkShopDialog(ctx, hosts={}, port=0)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.inputs["key"].setText("")
    dialog.code.setText("")
    dialog.link_button.click()
    shown = dialog.errors.shown()
    # issue 17 (FORMS-2): the channel's check names every empty key box at once, not the first one only
    assert shown == [*list(dialog.inputs)[:2], "code"]
    assert dialog.status.text() == "Belum tersimpan: perbaiki 3 isian yang bertanda merah."
    assert isinstance(dialog.errors.fields["code"], QLineEdit)


# --- "dua" -----------------------------------------------------------------------------------------------

def test_a_number_written_in_words_gets_its_own_reason() -> None:
    for text in ("dua", "2 pcs", "sepuluh"):
        with pytest.raises(UserError) as refused:
            read_count(text, "Jumlah")
        assert getattr(refused.value, "reason", None) is Reason.NOT_A_NUMBER
        assert refused.value.message() == "Jumlah harus ditulis dengan angka bulat, misalnya 2."
    with pytest.raises(UserError) as fraction:
        read_count("1,5", "Jumlah")
    assert fraction.value.message() == "Jumlah harus angka bulat, tanpa koma."  # a comma is the reason here
