"""Categories on screen: the category box (counter and products page), the product form's category field, the
products page's column and filter, "Cetak label barcode" for the selected products, the Kategori dialog and the
report by category; screenshots of the products page with categories and of a label sheet at 1366×768."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea, QTableWidgetItem
from pytestqt.qtbot import QtBot

from companion import i18n
from companion.domain.barcode_labels import SheetLayout
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.gui.barcode_label_dialog import BarcodeLabelDialog
from companion.gui.categories_dialog import CategoriesDialog
from companion.gui.category_filter import CategoryFilter
from companion.gui.context import AppContext
from companion.gui.main_window import MainWindow
from companion.gui.pages.products import ProductsPage
from companion.gui.pages.reports import ReportsPage
from companion.gui.product_dialog import ProductDialog
from companion.gui.product_table_model import CATEGORY_COLUMN
from companion.gui.showcase import settle, show_page, showcase_window
from companion.services import categories as category_service
from companion.services.products import add_product
from companion.services.sales import record_sale
from companion.store import categories as category_store
from companion.store import products as product_store
from tests.layout_check import check_layout

SHOTS = Path("/tmp/w/shots18/categories")


@pytest.fixture
def ctx(data_dir: Path, qtbot: QtBot) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


def _shop(ctx: AppContext) -> dict[str, str]:
    drinks, _ = category_service.add_category(ctx.db, "Minuman")
    kopi, _ = category_service.add_product(ctx.db, ProductInput(sku="KOPI", name="Kopi Susu", sell_price=15_000,
                                                                barcode="4006381333931"), "Minuman", 9)
    teh, _ = category_service.add_product(ctx.db, ProductInput(sku="TEH", name="Teh Manis", sell_price=5_000),
                                          "Minuman", 9)
    roti, _ = add_product(ctx.db, ProductInput(sku="ROTI", name="Roti Bakar", sell_price=12_000), 9)
    return {"drinks": drinks, "kopi": kopi, "teh": teh, "roti": roti}


def test_the_category_box_follows_the_shop(ctx: AppContext, qtbot: QtBot) -> None:
    ids = _shop(ctx)
    box = CategoryFilter(ctx)
    qtbot.addWidget(box)
    assert [box.itemText(i) for i in range(box.count())] == ["Semua kategori", "Minuman"]
    assert box.category_id() is None
    with qtbot.waitSignal(box.chosen) as picked:
        box.choose(ids["drinks"])
    assert picked.args == [ids["drinks"]]
    snacks, change = category_service.add_category(ctx.db, "Camilan")
    ctx.announce(change)
    assert [box.itemText(i) for i in range(box.count())] == ["Semua kategori", "Camilan", "Minuman"]
    assert box.category_id() == ids["drinks"]  # kept while it exists
    with qtbot.waitSignal(box.chosen) as gone:
        ctx.announce(category_service.delete_category(ctx.db, ids["drinks"]))
    assert gone.args == [None] and box.category_id() is None
    assert snacks in [box.itemData(i) for i in range(box.count())]


def test_the_product_form_chooses_or_makes_a_category(ctx: AppContext, qtbot: QtBot) -> None:
    ids = _shop(ctx)
    dialog = ProductDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.sku.setText("KRP")
    dialog.name.setText("Keripik")
    dialog.price.setText("8.000")
    dialog.category.setEditText("  Camilan  Pedas ")
    dialog.save()
    assert dialog.saved_id is not None
    saved = product_store.get(ctx.db, dialog.saved_id)
    assert saved is not None and saved.category_name == "Camilan Pedas"
    edit = ProductDialog(ctx, product_store.get(ctx.db, ids["kopi"]))
    qtbot.addWidget(edit)
    assert edit.category.text() == "Minuman"
    edit.category.set_text("")
    edit.save()
    kopi = product_store.get(ctx.db, ids["kopi"])
    assert kopi is not None and kopi.category_id is None
    too_long = ProductDialog(ctx, product_store.get(ctx.db, ids["teh"]))
    qtbot.addWidget(too_long)
    too_long.category.setEditText("k" * 41)
    too_long.save()
    assert "paling banyak 40" in too_long.errors.text("category")
    teh = product_store.get(ctx.db, ids["teh"])
    assert teh is not None and teh.category_name == "Minuman"


def test_the_products_page_shows_filters_and_prints_labels_for_the_selection(ctx: AppContext,
                                                                              qtbot: QtBot) -> None:
    ids = _shop(ctx)
    page = ProductsPage(ctx)
    qtbot.addWidget(page)
    page.on_shown()
    assert page.model.headerData(CATEGORY_COLUMN, Qt.Orientation.Horizontal) == "Kategori"
    assert page.table.horizontalHeader().visualIndex(CATEGORY_COLUMN) == 3  # after Variasi
    assert page.model.index(page.model.row_of(ids["kopi"]), CATEGORY_COLUMN).data() == "Minuman"
    page.category_filter.choose(ids["drinks"])
    assert {p.sku for p in page.model.visible_products()} == {"KOPI", "TEH"}
    assert page.count_label.text() == "2 dari 3 produk"
    page.category_filter.choose(None)
    assert page.model.rowCount() == 3
    assert not page.labels_button.isEnabled()
    page.table.selectAll()
    assert page.labels_button.isEnabled()
    assert [p.sku for p in page.selected_products()] == ["KOPI", "ROTI", "TEH"]
    dialog = BarcodeLabelDialog(ctx, page.selected_products(), page)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 3 and dialog.summary.text() == "3 label di 1 halaman."
    renamed = category_service.rename_category(ctx.db, ids["drinks"], "Minuman dingin")
    ctx.announce(renamed)
    assert page.model.index(page.model.row_of(ids["teh"]), CATEGORY_COLUMN).data() == "Minuman dingin"


def test_the_categories_dialog_adds_renames_and_removes(ctx: AppContext, qtbot: QtBot) -> None:
    ids = _shop(ctx)
    dialog = CategoriesDialog(ctx)
    qtbot.addWidget(dialog)
    assert [dialog.list.item(i).text() for i in range(dialog.list.count())] == ["Minuman  (2 produk)"]
    dialog.new_name.setText("Roti & kue")
    dialog.add()
    assert category_store.by_name(ctx.db, "roti & KUE") is not None
    assert dialog.list.currentItem().text() == "Roti & kue  (0 produk)"
    ctx.announce(category_service.delete_category(ctx.db, ids["drinks"]))
    dialog.reload()
    assert dialog.list.count() == 1


def test_the_report_by_category(ctx: AppContext, qtbot: QtBot) -> None:
    ids = _shop(ctx)
    record_sale(ctx.db, [LineInput(ids["kopi"], 2, 15_000), LineInput(ids["roti"], 1, 12_000)], PaymentMethod.CASH,
                50_000)
    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: not page.loading, timeout=15_000)
    table = page.categories.table
    rows = [[(table.item(r, c) or QTableWidgetItem()).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())]
    assert rows == [["Minuman", "2", "Rp30.000", "71%"], ["Tanpa kategori", "1", "Rp12.000", "29%"]]


# ---- screenshots at 1366×768 ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def shop_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from companion.store.database import close_thread_databases

    folder = tmp_path_factory.mktemp("shop") / "data"
    folder.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COMPANION_DATA_DIR", str(folder))
        yield folder
    close_thread_databases()
    i18n.set_language("id")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_screenshots_of_the_products_page_and_a_label_sheet(lang: str, shop_dir: Path, qtbot: QtBot) -> None:
    i18n.set_language(lang)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with showcase_window(shop_dir, (1366, 768)) as window:
        assert isinstance(window, MainWindow)
        page = show_page(window, "products")
        assert isinstance(page, ProductsPage)
        assert check_layout(window) == []
        assert window.grab().save(str(SHOTS / f"products-{lang}.png"))
        drinks = category_store.by_name(window.ctx.db, "Minuman")
        assert drinks is not None and drinks.products > 0  # the sample shop has its categories
        page.category_filter.choose(drinks.id)
        settle(window)
        assert {p.category_name for p in page.model.visible_products()} == {"Minuman"}
        assert window.grab().save(str(SHOTS / f"products-minuman-{lang}.png"))
        window.resize(1280, 720)
        settle(window)
        assert check_layout(window) == []
        assert window.grab().save(str(SHOTS / f"products-minuman-1280x720-{lang}.png"))
        window.resize(1366, 768)
        settle(window)
        page.table.selectRow(0)
        chosen = page.selected_products()
        dialog = BarcodeLabelDialog(window.ctx, chosen + [p for p in page.model.visible_products()[1:4]], window)
        dialog.set_count(0, 12)
        dialog.choose_paper(SheetLayout.A4_3X8.value)
        dialog.show()
        settle(window)
        assert check_layout(dialog) == []
        assert dialog.grab().save(str(SHOTS / f"label-dialog-{lang}.png"))
        pdf = dialog.save_pdf(SHOTS / f"label-sheet-{lang}.pdf")
        assert pdf is not None
        doc = pdfium.PdfDocument(str(pdf))
        doc[0].render(scale=150 / 72).to_pil().save(SHOTS / f"label-sheet-{lang}.png")
        doc.close()
        dialog.close()
        product = ProductDialog(window.ctx, product_store.get(window.ctx.db, chosen[0].id), window)
        product.show()
        settle(window)
        assert check_layout(product) == []
        assert product.grab().save(str(SHOTS / f"product-dialog-{lang}.png"))
        product.close()
        reports = show_page(window, "reports")
        assert isinstance(reports, ReportsPage)
        reports.tabs.setCurrentWidget(reports.categories)
        settle(window)
        for area in reports.findChildren(QScrollArea):  # the tabs are below the chart: scrolled into view
            area.verticalScrollBar().setValue(area.verticalScrollBar().maximum())
        settle(window)
        assert reports.categories.table.rowCount() >= 4
        assert window.grab().save(str(SHOTS / f"reports-by-category-{lang}.png"))
