"""The import dialogs show what the import rules found, with real widgets: a file with orders (or products) on
several sheets asks which one in one click, identical repeated rows are listed in reading order, and a Stop after
some saved pages says how many were saved and lets the same file finish the rest. Screenshots at 1366×768 in both
languages go to /tmp/import_dialogs/ for looking at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from order_files import SHOPEE_HEADERS, rows_for, shopee_file, shopee_line, write_xlsx
from PySide6.QtWidgets import QTableWidget

from companion import i18n
from companion.domain.product import ProductInput
from companion.gui.context import AppContext
from companion.gui.import_dialog import ImportDialog
from companion.gui.order_import_dialog import OrderImportDialog
from companion.gui.style import STYLE
from companion.services.order_import import PAGE
from companion.services.product_import import PIECE, RowStatus
from companion.services.products import add_product

SHOTS = Path("/tmp/import_dialogs")
WAIT = 60_000


@pytest.fixture
def ctx(data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    add_product(context.db, ProductInput(sku="KOPI-250", name="Kopi", sell_price=35_000), 50)
    try:
        yield context
    finally:
        context.work.wait()
        context.close()


def _shot(dialog: Any, name: str) -> None:
    """The dialog as big as a 1366×768 laptop screen allows (less the task bar and title)."""
    SHOTS.mkdir(exist_ok=True)
    dialog.setStyleSheet(STYLE)  # as the app sets it on the whole application
    dialog.resize(1366, 700)
    dialog.grab().save(str(SHOTS / f"{name}-{i18n.language()}.png"))


def _idle(qtbot: Any, dialog: Any) -> None:
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=WAIT)


def _text(table: QTableWidget, row: int, col: int) -> str:
    item = table.item(row, col)
    return item.text() if item is not None else ""


def _orders(ctx: AppContext) -> int:
    return int(ctx.db.scalar("SELECT COUNT(*) FROM online_orders"))


def _two_sheet_orders(folder: Path) -> Path:
    first = [shopee_line(f"26112800{n:02d}", "KOPI-250", 1, "35.000") for n in range(1, 4)]
    second = [shopee_line(f"26112900{n:02d}", "KOPI-250", 2, "35.000") for n in range(1, 6)]
    return write_xlsx(folder / "Pesanan dua sheet.xlsx", [SHOPEE_HEADERS, *rows_for(SHOPEE_HEADERS, first)],
                      "Pesanan November", {"Pesanan Desember": [SHOPEE_HEADERS, *rows_for(SHOPEE_HEADERS, second)],
                                           "Catatan": [["Catatan toko"], ["bukan pesanan"]]})


@pytest.mark.parametrize("lang", ["id", "en"])
def test_orders_on_two_sheets_ask_which_then_import_that_sheet(ctx: AppContext, qtbot: Any, tmp_path: Path,
                                                              lang: str) -> None:
    i18n.set_language(lang)
    dialog = OrderImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.load_file(_two_sheet_orders(tmp_path))
    _idle(qtbot, dialog)
    assert dialog.sheet_choice.isVisible()
    assert [b.text() for b in dialog.sheet_choice.buttons] == ["Pesanan Desember", "Pesanan November"]
    assert "Pesanan dua sheet.xlsx" in dialog.sheet_choice.question.text()
    assert dialog.message.text() == "" and not dialog.import_button.isEnabled()
    _shot(dialog, "orders-which-sheet")
    dialog.sheet_choice.buttons[0].click()
    _idle(qtbot, dialog)
    assert not dialog.sheet_choice.isVisible() and "Pesanan Desember" in dialog.file_label.text()
    assert [label.text() for label in dialog.counts] == ["5", "0", "0", "0"]
    with qtbot.waitSignal(ctx.changed, timeout=WAIT):
        dialog.import_button.click()
    _idle(qtbot, dialog)
    assert _orders(ctx) == 5
    saved = {"id": "Tersimpan: 5 pesanan baru dan 0 pesanan berubah.", "en": "Saved: 5 new and 0 changed orders."}
    assert dialog.message.text() == saved[lang]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_identical_rows_are_listed_in_reading_order(ctx: AppContext, qtbot: Any, tmp_path: Path,
                                                   lang: str) -> None:
    i18n.set_language(lang)
    lines = [shopee_line(f"26112800{n:02d}", "KOPI-250", 1, "35.000") for n in range(1, 11)]
    lines.insert(5, lines[1])  # row 7 repeats row 3
    lines.insert(9, lines[0])  # row 11 repeats row 2
    lines.append(shopee_line("2611280099", "KOPI-250", "dua", "35.000"))  # row 14: a problem, listed in its place
    lines.append(lines[3])  # row 15 repeats row 5
    dialog = OrderImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.load_file(shopee_file(tmp_path / "Order.all.xlsx", lines))
    _idle(qtbot, dialog)
    table = dialog.errors
    rows = [_text(table, n, 0) for n in range(table.rowCount())]
    assert rows == ["7", "11", "14", "15"]
    same = {"id": "Baris 7 sama persis dengan baris 3: dihitung sekali.",
            "en": "Row 7 is the same as row 3: counted once."}
    assert _text(table, 0, 1) == same[lang]
    repeated = i18n.tr("{count} rows repeat an earlier row exactly: each is counted once (listed below).", count=3)
    assert repeated in dialog.summary.text() and [label.text() for label in dialog.counts] == ["10", "0", "0", "1"]
    _shot(dialog, "orders-duplicates")
    with qtbot.waitSignal(ctx.changed, timeout=WAIT):
        dialog.import_valid_button.click()
    _idle(qtbot, dialog)
    assert _orders(ctx) == 10
    assert int(ctx.db.scalar("SELECT COUNT(*) FROM online_order_lines")) == 10  # repeated rows: one line each


@pytest.mark.parametrize("lang", ["id", "en"])
def test_stop_after_saved_pages_says_how_many_and_the_same_file_finishes(ctx: AppContext, qtbot: Any,
                                                                        tmp_path: Path, lang: str) -> None:
    i18n.set_language(lang)
    total = PAGE * 15
    path = shopee_file(tmp_path / "big.csv", [shopee_line(f"27{n:08d}", "KOPI-250", 1, "35.000")
                                              for n in range(total)])
    dialog = OrderImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.load_file(path)
    _idle(qtbot, dialog)

    def stop_once_a_page_is_saved(value: int) -> None:
        """Pressed while the second page is written: the first is saved whatever the threads' timing."""
        if dialog.is_busy() and dialog.progress.maximum() == total and value >= 2 * PAGE:
            dialog.stop_button.click()
    dialog.progress.valueChanged.connect(stop_once_a_page_is_saved)
    with qtbot.waitSignal(ctx.changed, timeout=WAIT):
        dialog.import_button.click()
    _idle(qtbot, dialog)
    saved = _orders(ctx)
    assert PAGE <= saved < total and saved % PAGE == 0
    sentence = {"id": f"Impor dihentikan setelah {saved} pesanan tersimpan: impor file yang sama lagi untuk "
                      "menambahkan sisanya.",
                "en": f"The import was stopped after {saved} orders were saved: import the same file again to add "
                      "the rest."}
    press = {"id": "Tekan \"Impor\" sekarang: hanya yang belum ada yang ditambahkan.",
             "en": "Press \"Import\" now: it adds only what is still missing."}
    assert dialog.message.text() == f"{sentence[lang]}\n{press[lang]}"
    assert [label.text() for label in dialog.counts][:3] == [str(total - saved), "0", str(saved)]
    _shot(dialog, "orders-stopped")
    dialog.progress.valueChanged.disconnect(stop_once_a_page_is_saved)
    dialog.import_button.click()
    _idle(qtbot, dialog)
    assert _orders(ctx) == total
    assert str(total - saved) in dialog.message.text()


def _product_rows(names: range, price: int = 10_000) -> list[list[object]]:
    return [["SKU", "Nama", "Harga jual", "Stok"], *[[f"P-{n:05d}", f"Produk {n}", price, 5] for n in names]]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_products_on_two_sheets_ask_which_then_import_that_sheet(ctx: AppContext, qtbot: Any, tmp_path: Path,
                                                                lang: str) -> None:
    i18n.set_language(lang)
    path = write_xlsx(tmp_path / "Produk.xlsx", _product_rows(range(3)), "Gudang",
                      {"Toko": _product_rows(range(100, 104))})
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.load_file(path)
    _idle(qtbot, dialog)
    assert [b.text() for b in dialog.sheet_choice.buttons] == ["Toko", "Gudang"]
    _shot(dialog, "products-which-sheet")
    dialog.sheet_choice.buttons[1].click()
    _idle(qtbot, dialog)
    assert "Gudang" in dialog.file_label.text() and dialog.counts[RowStatus.NEW].text() == "3"
    with qtbot.waitSignal(ctx.changed, timeout=WAIT):
        dialog.import_all_button.click()
    _idle(qtbot, dialog)
    assert int(ctx.db.scalar("SELECT COUNT(*) FROM products WHERE sku LIKE 'P-%'")) == 3


@pytest.mark.parametrize("lang", ["id", "en"])
def test_product_stop_after_saved_pieces_says_how_many(ctx: AppContext, qtbot: Any, tmp_path: Path,
                                                       lang: str) -> None:
    i18n.set_language(lang)
    total = PIECE * 8
    path = tmp_path / "produk.csv"
    path.write_text("\n".join(",".join(str(c) for c in row) for row in _product_rows(range(total))),
                    encoding="utf-8")
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.load_file(path)
    _idle(qtbot, dialog)

    def stop_once_a_piece_is_saved(value: int) -> None:
        if dialog.is_busy() and dialog.progress.maximum() == total and value >= 2 * PIECE:
            dialog.stop_button.click()
    dialog.progress.valueChanged.connect(stop_once_a_piece_is_saved)
    with qtbot.waitSignal(ctx.changed, timeout=WAIT):
        dialog.import_all_button.click()
    _idle(qtbot, dialog)
    saved = int(ctx.db.scalar("SELECT COUNT(*) FROM products WHERE sku LIKE 'P-%'"))
    assert PIECE <= saved < total and saved % PIECE == 0
    sentence = {"id": f"Impor dihentikan setelah {saved} produk tersimpan: impor file yang sama lagi untuk "
                      "menambahkan sisanya.",
                "en": f"The import was stopped after {saved} products were saved: import the same file again to "
                      "add the rest."}
    assert dialog.message.text().split("\n")[0] == sentence[lang]
    assert dialog.import_all_button.isEnabled() and dialog.import_all_button.text() in dialog.message.text()
    _shot(dialog, "products-stopped")
