"""The shift strip and dialogs as a cashier uses them: open with the starting cash, close with the count (by notes,
with QRIS and transfer when the owner wants), the difference as it is typed, the reason asked, the report after."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from layout_check import check_layout
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from companion import i18n
from companion.domain.payments import Payment
from companion.domain.pins import new_recovery_key
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.domain.settings_keys import PRINTER_KIND, PRINTER_PAPER_MM, PRINTER_TARGET, SHIFT_COUNT_NON_CASH
from companion.gui.context import AppContext
from companion.gui.owner_pin import PinDialog
from companion.gui.receipt import DocPreview
from companion.gui.shift_bar import ShiftBar
from companion.gui.shift_close_dialog import CloseShiftDialog
from companion.gui.shift_dialogs import OpenShiftDialog
from companion.gui.shift_history import ShiftHistoryDialog
from companion.gui.shift_report_view import ShiftReportDialog, show_report
from companion.gui.style import STYLE
from companion.services import sales as sale_service
from companion.services import shifts as shift_service
from companion.services.cashiers import add_cashier, set_owner_pin
from companion.services.printer_setup import save_printer
from companion.services.products import add_product
from companion.store import shifts as shift_store

FIT = (1280, 650)  # a 1280×720 screen less the window title bar and the taskbar
TITLE_BAR = 32  # the dialog's own title bar


@pytest.fixture
def ctx(data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


@pytest.fixture
def kopi(ctx: AppContext) -> str:
    pid, _ = add_product(ctx.db, ProductInput(sku="KOPI", name="Kopi Bubuk", sell_price=35_000), 100)
    return pid


def sell(ctx: AppContext, pid: str, qty: int, payment: Payment) -> None:
    ctx.announce(sale_service.record_sale(ctx.db, [LineInput(pid, qty, 35_000)], payment=payment).change)


def opened(ctx: AppContext, cash: int = 200_000) -> str:
    shift_id, change = shift_service.open_shift(ctx.db, cash)
    ctx.announce(change)
    return shift_id


def test_the_bar_says_whether_a_shift_is_open_and_follows_changes(qtbot: QtBot, ctx: AppContext) -> None:
    bar = ShiftBar(ctx)
    qtbot.addWidget(bar)
    assert bar.state.text() == "Shift belum dibuka" and bar.action.text() == "Buka shift"
    opened(ctx, 200_000)
    assert bar.state.text().startswith("Shift dibuka ") and "Kas awal Rp200.000" in bar.state.text()
    assert bar.action.text() == "Tutup shift"


def test_opening_reads_rupiah_as_people_type_it(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = OpenShiftDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.cash.setText("200rb")
    dialog.save()
    assert shift_store.current(ctx.db) is None and "200rb" in dialog.errors.text("opening_cash")
    dialog.cash.setText("Rp 200.000")
    assert dialog.shown.text() == "Rp200.000"
    dialog.save()
    shift = shift_store.current(ctx.db)
    assert shift is not None and shift.opening_cash == 200_000 and dialog.result() == dialog.DialogCode.Accepted


def test_a_second_open_is_refused_in_one_sentence(qtbot: QtBot, ctx: AppContext) -> None:
    opened(ctx)
    dialog = OpenShiftDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.cash.setText("0")
    dialog.save()
    assert "Shift sudah dibuka" in dialog.error.text() or "Shift sudah dibuka" in dialog.errors.text("opening_cash")


def test_the_close_shows_the_difference_as_typed_and_asks_why(qtbot: QtBot, ctx: AppContext, kopi: str) -> None:
    shift = opened(ctx, 200_000)
    sell(ctx, kopi, 2, Payment({}, cash_given=100_000))
    dialog = CloseShiftDialog(ctx, shift)
    qtbot.addWidget(dialog)
    assert dialog.expected.cash == 270_000
    dialog.counted["tunai"].setText("265.000")
    assert dialog.diff_labels["tunai"].text() == "kurang Rp5.000"
    assert dialog.total_diff.text() == "Selisih: kurang Rp5.000"
    dialog.save()
    assert shift_store.current(ctx.db) is not None and "alasan" in dialog.errors.text("reason")
    dialog.counted["tunai"].setText("270.000")
    assert dialog.total_diff.text() == "Selisih: pas"
    dialog.counted["tunai"].setText("265.000")
    dialog.reason.setText("salah kembalian")
    dialog.save()
    row = shift_store.get(ctx.db, shift)
    assert row is not None and row.close is not None
    assert (row.close.difference, row.close.reason, row.close.counted_qris) == (-5_000, "salah kembalian", None)


def test_counting_by_notes_fills_the_counted_cash(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = CloseShiftDialog(ctx, opened(ctx, 0))
    qtbot.addWidget(dialog)
    dialog.notes_button.setChecked(True)
    assert dialog.notes_box.isVisibleTo(dialog)
    dialog.cash_count.counts[100_000].setValue(2)
    dialog.cash_count.counts[5_000].setValue(1)
    dialog.cash_count.coins.setText("1.500")
    assert dialog.counted["tunai"].text() == "206.500"
    assert dialog.total_diff.text() == "Selisih: lebih Rp206.500"


def test_qris_and_transfer_are_counted_when_the_owner_wants(qtbot: QtBot, ctx: AppContext, kopi: str) -> None:
    shift = opened(ctx, 0)
    sell(ctx, kopi, 3, Payment({PaymentMethod.QRIS: 50_000, PaymentMethod.TRANSFER: 20_000}))
    dialog = CloseShiftDialog(ctx, shift)
    qtbot.addWidget(dialog)
    assert dialog.counted["qris"].isHidden()
    dialog.count_non_cash.setChecked(True)
    assert ctx.setting(SHIFT_COUNT_NON_CASH) and not dialog.counted["qris"].isHidden()
    dialog.counted["tunai"].setText("35.000")
    dialog.counted["qris"].setText("50.000")
    dialog.counted["transfer"].setText("")
    dialog.save()
    assert dialog.errors.text("transfer") and shift_store.current(ctx.db) is not None
    dialog.counted["transfer"].setText("20.000")
    dialog.save()
    row = shift_store.get(ctx.db, shift)
    assert row is not None and row.close is not None
    assert (row.close.counted_qris, row.close.counted_transfer, row.close.difference) == (50_000, 20_000, 0)


def _finish_close_when_it_opens(cash: str, reason: str = "") -> None:
    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, CloseShiftDialog):
            QTimer.singleShot(20, fill)
            return
        dialog.counted["tunai"].setText(cash)
        dialog.reason.setText(reason)
        dialog.save()
    QTimer.singleShot(0, fill)


def test_closing_from_the_bar_shows_the_report(qtbot: QtBot, ctx: AppContext, kopi: str) -> None:
    bar = ShiftBar(ctx)
    qtbot.addWidget(bar)
    shift = opened(ctx, 100_000)
    sell(ctx, kopi, 1, Payment({}))
    _finish_close_when_it_opens("135.000")
    with qtbot.waitSignal(bar.shift_changed, timeout=10_000):
        bar.action.click()
    assert bar.state.text() == "Shift belum dibuka"
    row = shift_store.get(ctx.db, shift)
    assert row is not None and row.close is not None and row.close.difference == 0
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, DocPreview) and w.isVisible()]
    assert shown and shown[-1].windowTitle() == "Laporan shift"
    for window in shown:
        window.close()


def test_the_history_lists_shifts_newest_first(qtbot: QtBot, ctx: AppContext, kopi: str) -> None:
    first = opened(ctx, 50_000)
    shift_service.close_shift(ctx.db, first, 45_000, reason="uang receh hilang")
    opened(ctx, 10_000)
    dialog = ShiftHistoryDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2
    newest, oldest = ([cell.text() if (cell := dialog.table.item(r, c)) else "" for c in range(6)] for r in range(2))
    assert newest[2] == "masih dibuka" and newest[3] == "Rp10.000"
    assert oldest[4] == "kurang Rp5.000" and oldest[5] == "uang receh hilang"


@pytest.fixture
def styled() -> Iterator[None]:
    """The app's own look (large type, tall boxes), as the shop sees it."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.styleSheet()
    app.setStyleSheet(STYLE)
    yield
    app.setStyleSheet(before)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_dialogs_fit_a_small_laptop(qtbot: QtBot, ctx: AppContext, kopi: str, lang: str,
                                       styled: None) -> None:
    """With everything open at once: notes, QRIS and transfer counts, and error lines under the boxes."""
    i18n.set_language(lang)
    shift = opened(ctx, 200_000)
    sell(ctx, kopi, 2, Payment({PaymentMethod.QRIS: 20_000}, cash_given=100_000))
    close = CloseShiftDialog(ctx, shift)
    close.count_non_cash.setChecked(True)
    close.notes_button.setChecked(True)
    close.counted["tunai"].setText("1.250.000")
    close.save()  # the reason's error line shows too
    history = ShiftHistoryDialog(ctx)
    for dialog in (OpenShiftDialog(ctx), close, history):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        hint = dialog.sizeHint()
        assert hint.width() <= FIT[0] and hint.height() + TITLE_BAR <= FIT[1], (type(dialog).__name__, hint)
        dialog.resize(dialog.sizeHint().expandedTo(dialog.minimumSizeHint()))
        QApplication.processEvents()
        assert check_layout(dialog) == [], type(dialog).__name__
        _grab(dialog, lang)


def _grab(widget: QWidget, lang: str) -> None:
    """Keep a picture for the reviewer when the shots folder exists (never required)."""
    folder = Path("/tmp/w/shots18/shifts")
    if folder.is_dir():
        widget.grab().save(str(folder / f"test_{type(widget).__name__}_{lang}.png"))


def test_after_a_close_the_report_goes_to_the_thermal_printer_and_shows(qtbot: QtBot, ctx: AppContext, kopi: str,
                                                                        tmp_path: Path) -> None:
    """A printer set up as a device file (what /dev/usb/lp0 is): the report's ESC/POS bytes land in it, at 58 mm."""
    paper = tmp_path / "lp0"
    paper.write_bytes(b"")
    ctx.announce(save_printer(ctx.db, {PRINTER_KIND.key: "file", PRINTER_TARGET.key: str(paper),
                                       PRINTER_PAPER_MM.key: "58"}))
    shift = opened(ctx, 100_000)
    sell(ctx, kopi, 1, Payment({}, cash_given=50_000))
    shift_service.close_shift(ctx.db, shift, 130_000, reason="uang sobek")
    seen: list[str] = []

    def read_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ShiftReportDialog):
            QTimer.singleShot(20, read_and_close)
            return
        seen.append(dialog.text.toPlainText())
        dialog.accept()

    QTimer.singleShot(0, read_and_close)
    parent = QWidget()
    qtbot.addWidget(parent)
    show_report(parent, ctx, shift, print_it=True)
    ctx.work.wait()
    assert seen and "LAPORAN SHIFT" in seen[0] and "kurang Rp5.000" in seen[0]
    assert all(len(line) <= 32 for line in seen[0].splitlines())
    printed = paper.read_bytes()
    assert b"LAPORAN SHIFT" in printed and b"uang sobek" in printed


def _answer_pin(pin: str | None) -> None:
    """Type the owner's PIN into the PIN dialog that opens next (None: cancel it)."""
    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PinDialog):
            QTimer.singleShot(20, answer)
            return
        if pin is None:
            dialog.reject()
            return
        dialog.pin.setText(pin)
        dialog.check()
    QTimer.singleShot(0, answer)


def test_only_the_owner_switches_counting_qris_and_transfer(qtbot: QtBot, ctx: AppContext) -> None:
    """A cashier at the counter: switching the count asks for the owner's PIN; cancelled, nothing changes."""
    ctx.announce(set_owner_pin(ctx.db, "Pak Harto", "1397", new_recovery_key()))
    ani, change = add_cashier(ctx.db, "Ani", "2580")
    ctx.announce(change)
    ctx.set_cashier(ani)
    shift, change = shift_service.open_shift(ctx.db, 200_000, actor=ani)
    ctx.announce(change)
    bar = ShiftBar(ctx)
    qtbot.addWidget(bar)
    assert "oleh Ani" in bar.state.text()
    dialog = CloseShiftDialog(ctx, shift)
    qtbot.addWidget(dialog)
    _answer_pin(None)
    dialog.count_non_cash.setChecked(True)
    assert not dialog.count_non_cash.isChecked() and not ctx.setting(SHIFT_COUNT_NON_CASH)
    assert dialog.counted["qris"].isHidden()
    _answer_pin("1397")
    dialog.count_non_cash.setChecked(True)
    assert ctx.setting(SHIFT_COUNT_NON_CASH) and not dialog.counted["qris"].isHidden()
    dialog.counted["tunai"].setText("200.000")
    dialog.counted["qris"].setText("0")
    dialog.counted["transfer"].setText("0")
    dialog.save()
    row = shift_store.get(ctx.db, shift)
    assert row is not None and row.close is not None and row.close.closed_by_name == "Ani"
