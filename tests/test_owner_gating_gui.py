"""Owner gating on screen: a void asks for the owner's PIN once one is set, a wrong PIN refuses, the right one
proceeds; the owner at the counter is not asked; stock adjustments and the reports ask too; cashiers log in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from companion.domain.errors import UserError
from companion.domain.payments import Payment
from companion.domain.pins import FREE_TRIES, new_recovery_key
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput
from companion.gui.adjust_dialog import AdjustDialog
from companion.gui.cashier_login import CashierBadge, CashierLogin
from companion.gui.context import AppContext
from companion.gui.main_window import MainWindow
from companion.gui.owner_pin import PinDialog
from companion.gui.sale_history import SaleHistoryDialog
from companion.services import cashiers as cashier_service
from companion.services.products import add_product
from companion.services.sales import record_sale
from companion.store import cashiers as cashier_store
from companion.store import products as product_store
from companion.store import sales as sale_store

OWNER_PIN, ANI_PIN = "2580", "1357"
Step = tuple[type, Callable[[QWidget], None]]


@pytest.fixture
def ctx(qtbot: QtBot, data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


class Modals:
    """Answers the modal dialogs that open, in order: each step waits for a modal of its type."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.seen: list[str] = []
        self.timer = QTimer()
        self.timer.timeout.connect(self._poll)
        self.timer.start(20)

    def _poll(self) -> None:
        widget = QApplication.activeModalWidget()
        if widget is None or not self.steps or not isinstance(widget, self.steps[0][0]):
            return
        _kind, act = self.steps.pop(0)
        act(widget)

    def done(self) -> bool:
        self.timer.stop()
        return not self.steps


def yes(box: QWidget) -> None:
    assert isinstance(box, QMessageBox)
    box.buttons()[0].click()  # the accept button is added first


def pin(text: str, seen: list[str] | None = None) -> Callable[[QWidget], None]:
    def act(dialog: QWidget) -> None:
        assert isinstance(dialog, PinDialog)
        dialog.pin.setText(text)
        dialog.ok.click()
        if seen is not None:
            seen.append(dialog.error.text())
    return act


def cancel(dialog: QWidget) -> None:
    assert isinstance(dialog, QDialog)
    dialog.reject()


def sell(ctx: AppContext) -> str:
    pid, _ = add_product(ctx.db, ProductInput(sku="KOPI", name="Kopi Bubuk", sell_price=35_000), 10)
    return record_sale(ctx.db, [LineInput(pid, 1, 35_000)], payment=Payment(others={}, cash_given=35_000)).sale_id


def owner_and_ani(ctx: AppContext) -> tuple[str, str]:
    cashier_service.set_owner_pin(ctx.db, "Budi", OWNER_PIN, new_recovery_key())
    ani, change = cashier_service.add_cashier(ctx.db, "Ani", ANI_PIN)
    ctx.announce(change)
    owner = cashier_store.owner(ctx.db)
    assert owner is not None
    return owner.id, ani


def void(history: SaleHistoryDialog, sale_id: str) -> None:
    history.select_sale(sale_id)
    history.reason.setText("Salah scan")
    history.void_chosen()


def test_without_an_owner_pin_a_void_asks_nothing_new(ctx: AppContext, qtbot: QtBot) -> None:
    sale_id = sell(ctx)
    history = SaleHistoryDialog(ctx)
    qtbot.addWidget(history)
    modals = Modals((QMessageBox, yes))
    void(history, sale_id)
    assert modals.done()
    assert sale_store.get(ctx.db, sale_id).voided  # type: ignore[union-attr]


def test_a_void_asks_the_owner_a_wrong_pin_refuses_the_right_one_proceeds(ctx: AppContext, qtbot: QtBot) -> None:
    sale_id = sell(ctx)
    owner_and_ani(ctx)
    history = SaleHistoryDialog(ctx)
    qtbot.addWidget(history)
    said: list[str] = []
    modals = Modals((QMessageBox, yes), (PinDialog, pin("9999", said)), (PinDialog, cancel))
    void(history, sale_id)
    assert modals.done()
    assert "PIN salah" in said[0]
    assert not sale_store.get(ctx.db, sale_id).voided  # type: ignore[union-attr]
    modals = Modals((QMessageBox, yes), (PinDialog, pin(ANI_PIN, said)), (PinDialog, pin(OWNER_PIN)))
    void(history, sale_id)  # a cashier's own PIN is not the owner's
    assert modals.done()
    assert sale_store.get(ctx.db, sale_id).voided  # type: ignore[union-attr]


def test_the_owner_at_the_counter_is_not_asked_again(ctx: AppContext, qtbot: QtBot) -> None:
    sale_id = sell(ctx)
    owner_id, _ani = owner_and_ani(ctx)
    ctx.set_cashier(owner_id)
    history = SaleHistoryDialog(ctx)
    qtbot.addWidget(history)
    modals = Modals((QMessageBox, yes))
    void(history, sale_id)
    assert modals.done()
    assert sale_store.get(ctx.db, sale_id).voided  # type: ignore[union-attr]


def test_five_wrong_owner_pins_make_the_prompt_wait(ctx: AppContext, qtbot: QtBot) -> None:
    owner_and_ani(ctx)
    owner = cashier_store.owner(ctx.db)
    assert owner is not None
    dialog = PinDialog(ctx, owner.id, "PIN pemilik", "Membatalkan penjualan.")
    qtbot.addWidget(dialog)
    for _ in range(FREE_TRIES):
        dialog.pin.setText("9999")
        dialog.check()
    assert not dialog.ok.isEnabled() and not dialog.pin.isEnabled()
    assert "tunggu" in dialog.error.text()
    again = PinDialog(ctx, owner.id, "PIN pemilik", "Membatalkan penjualan.")  # closing and opening does not help
    qtbot.addWidget(again)
    assert not again.ok.isEnabled()


def test_a_stock_adjustment_asks_the_owner_and_records_the_cashier(ctx: AppContext, qtbot: QtBot) -> None:
    _owner_id, ani = owner_and_ani(ctx)
    ctx.set_cashier(ani)
    pid, _ = add_product(ctx.db, ProductInput(sku="GULA", name="Gula", sell_price=15_000), 10)
    product = product_store.get(ctx.db, pid)
    assert product is not None
    dialog = AdjustDialog(ctx, product)
    qtbot.addWidget(dialog)
    dialog.quantity.setText("2")
    dialog.reason.setCurrentText("Rusak")
    modals = Modals((PinDialog, cancel))
    dialog.save()
    assert modals.done() and product_store.get(ctx.db, pid).on_hand == 10  # type: ignore[union-attr]
    modals = Modals((PinDialog, pin(OWNER_PIN)))
    dialog.save()
    assert modals.done() and product_store.get(ctx.db, pid).on_hand == 8  # type: ignore[union-attr]
    actor = ctx.db.scalar("SELECT actor_id FROM stock_movements WHERE product_id = ? ORDER BY seq DESC LIMIT 1",
                          (pid,))
    assert actor == ani


def test_the_reports_page_asks_the_owner(ctx: AppContext, qtbot: QtBot) -> None:
    owner_and_ani(ctx)
    window = MainWindow(ctx, start_page="counter")
    qtbot.addWidget(window)
    modals = Modals((PinDialog, cancel))
    window.open_page("reports")
    assert modals.done() and window.current_key() == "counter"
    modals = Modals((PinDialog, pin(OWNER_PIN)))
    window.open_page("reports")
    assert modals.done() and window.current_key() == "reports"


def test_a_cashier_logs_in_and_the_badge_shows_who(ctx: AppContext, qtbot: QtBot) -> None:
    badge = CashierBadge(ctx)
    qtbot.addWidget(badge)
    assert badge.isHidden()  # no cashiers: nothing is asked, nothing shown
    _owner_id, ani = owner_and_ani(ctx)
    assert not badge.isHidden() and "Belum ada" in badge.who.text()
    login = CashierLogin(ctx)
    qtbot.addWidget(login)
    login.choose("Ani")
    login.pin.setText("9999")
    login.check()
    assert ctx.cashier_id is None and "PIN salah" in login.error.text()
    login.pin.setText(ANI_PIN)
    login.check()
    assert ctx.cashier_id == ani and login.result() == QDialog.DialogCode.Accepted
    assert badge.who.text() == "Kasir: Ani"


def test_a_price_change_asks_the_owner_other_edits_do_not(ctx: AppContext, qtbot: QtBot) -> None:
    from companion.gui.product_dialog import ProductDialog

    owner_and_ani(ctx)
    pid, _ = add_product(ctx.db, ProductInput(sku="TEH", name="Teh", sell_price=5_000), 10)
    dialog = ProductDialog(ctx, product_store.get(ctx.db, pid))
    qtbot.addWidget(dialog)
    dialog.name.setText("Teh Melati")
    modals = Modals()
    dialog.save()  # no price change: nothing asked
    assert modals.done() and product_store.get(ctx.db, pid).name == "Teh Melati"  # type: ignore[union-attr]
    dialog = ProductDialog(ctx, product_store.get(ctx.db, pid))
    qtbot.addWidget(dialog)
    dialog.price.setText("6.000")
    modals = Modals((PinDialog, cancel))
    dialog.save()
    assert modals.done() and product_store.get(ctx.db, pid).sell_price == 5_000  # type: ignore[union-attr]
    modals = Modals((PinDialog, pin(OWNER_PIN)))
    dialog.save()
    assert modals.done() and product_store.get(ctx.db, pid).sell_price == 6_000  # type: ignore[union-attr]


def test_setting_the_owner_pin_saves_the_recovery_file_first(ctx: AppContext, qtbot: QtBot, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    from companion.gui.owner_pin_dialogs import SetOwnerPin

    place = tmp_path / "usb" / "pemulihan.txt"
    place.parent.mkdir()
    answer = {"save": ""}
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (answer["save"], ""))
    dialog = SetOwnerPin(ctx)
    qtbot.addWidget(dialog)
    dialog.pin.setText("1234")
    dialog.again.setText("1234")
    assert not dialog.attempt_shown() and "mudah ditebak" in dialog.error.text()
    dialog.pin.setText(OWNER_PIN)
    dialog.again.setText(OWNER_PIN)
    assert not dialog.attempt_shown() and "belum diatur" in dialog.error.text()  # no file chosen: no PIN
    assert not cashier_service.owner_pin_set(ctx.db)
    answer["save"] = str(place)
    assert dialog.attempt_shown()
    assert cashier_service.owner_pin_set(ctx.db) and "KEY:" in place.read_text(encoding="utf-8")
    cashier_service.check_recovery_file(ctx.db, place.read_text(encoding="utf-8"))


def test_a_forgotten_owner_pin_is_set_again_with_the_file(ctx: AppContext, qtbot: QtBot, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    from companion.domain.pins import recovery_file_text
    from companion.gui.owner_pin_dialogs import ForgotOwnerPin

    key = new_recovery_key()
    cashier_service.set_owner_pin(ctx.db, "Budi", OWNER_PIN, key)
    old = tmp_path / "lama.txt"
    old.write_text(recovery_file_text(key, "Toko", "2026-12-07", ("Simpan.",)), encoding="utf-8")
    stranger = tmp_path / "lain.txt"
    stranger.write_text(recovery_file_text(new_recovery_key(), "Toko", "2026-12-07", ()), encoding="utf-8")
    dialog = ForgotOwnerPin(ctx)
    qtbot.addWidget(dialog)
    assert not dialog.use_file(stranger) and "bukan untuk PIN pemilik" in dialog.error.text()
    assert dialog.use_file(old)
    dialog.pin.setText("8642")
    dialog.again.setText("8642")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(old), ""))
    assert not dialog.attempt_shown() and "nama lain" in dialog.error.text()  # the old file stays whole
    newer = tmp_path / "baru.txt"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(newer), ""))
    assert dialog.attempt_shown()
    cashier_service.check_owner_pin(ctx.db, "8642")
    cashier_service.check_recovery_file(ctx.db, newer.read_text(encoding="utf-8"))
    with pytest.raises(UserError):
        cashier_service.check_recovery_file(ctx.db, old.read_text(encoding="utf-8"))


def test_a_refund_asks_the_owner_and_nothing_is_taken_back_without(ctx: AppContext, qtbot: QtBot) -> None:
    sale_id = sell(ctx)
    owner_and_ani(ctx)
    history = SaleHistoryDialog(ctx)
    qtbot.addWidget(history)
    history.select_sale(sale_id)
    history.set_return_quantity(0, 1)
    history.reason.setText("Rusak")
    modals = Modals((PinDialog, cancel))
    history.return_chosen()
    assert modals.done() and not sale_store.get(ctx.db, sale_id).lines[0].returned  # type: ignore[union-attr]
    modals = Modals((PinDialog, pin(OWNER_PIN)))
    history.return_chosen()
    assert modals.done() and sale_store.get(ctx.db, sale_id).lines[0].returned == 1  # type: ignore[union-attr]


def test_the_settings_and_the_cashiers_section_ask_the_owner(ctx: AppContext, qtbot: QtBot) -> None:
    from companion.domain.settings_keys import OWNER_DISCOUNT_LIMIT, SHOP_NAME
    from companion.gui.pages.settings import SettingsPage

    owner_and_ani(ctx)
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.shop_name.setText("Toko Baru")
    modals = Modals((PinDialog, cancel))
    page.save()
    assert modals.done() and ctx.setting(SHOP_NAME) != "Toko Baru"
    page.cashiers.limit.setValue(25)
    modals = Modals((PinDialog, pin(OWNER_PIN)))
    page.cashiers.save_discount_limit()
    assert modals.done() and ctx.setting(OWNER_DISCOUNT_LIMIT) == 25
    assert [page.cashiers.people.item(i).text() for i in range(page.cashiers.people.count())] == ["Ani"]
