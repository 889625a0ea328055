"""Outlets on screen, driven like a person would on a real database: the products page's chooser and column (only
with two outlets or more), "Pindah stok", Pengaturan → Outlet, the counter's outlet line, and merging duplicates."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from layout_check import check_layout
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from companion import i18n
from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.domain.errors import UserError
from companion.domain.hub_tables import MAIN_OUTLET, renamed
from companion.domain.marketplace import Listing
from companion.domain.pins import new_recovery_key
from companion.domain.product import ProductInput
from companion.domain.settings_keys import MARKETPLACE_OUTLETS
from companion.gui.context import AppContext
from companion.gui.duplicate_products import DuplicateBanner, MergeDialog
from companion.gui.main_window import MINIMUM_SIZE, MainWindow
from companion.gui.outlet_stock_model import OUTLET_COLUMN
from companion.gui.outlets_settings import OutletNameDialog, OutletsSetup
from companion.gui.owner_pin import PinDialog
from companion.gui.pages.counter import CounterPage
from companion.gui.pages.products import ProductsPage
from companion.gui.pages.settings import SettingsPage
from companion.gui.product_table_model import COLUMNS
from companion.gui.showcase import settle, show_page, showcase_window
from companion.gui.transfer_dialog import TransferDialog
from companion.services import cashiers as cashier_service
from companion.services import outlets as outlet_service
from companion.services.accounts import link_practice_accounts
from companion.services.change import Change
from companion.services.mapping import store_listings
from companion.services.marketplace_outlets import choose_marketplace_outlets
from companion.services.products import add_product
from companion.store import outlet_stock
from companion.store import outlets as outlet_store
from companion.store import products as product_store
from companion.store import settings as settings_store
from companion.store import stock as stock_store

OWNER_PIN = "2580"
Step = tuple[type, Callable[[QWidget], None]]


@pytest.fixture
def ctx(data_dir: Path, qtbot: QtBot) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


class Modals:
    """Answers the modal dialogs that open, in order: each step waits for a modal of its type."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
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


def pin(text: str) -> Callable[[QWidget], None]:
    def act(dialog: QWidget) -> None:
        assert isinstance(dialog, PinDialog)
        dialog.pin.setText(text)
        dialog.ok.click()
    return act


def name(text: str) -> Callable[[QWidget], None]:
    def act(dialog: QWidget) -> None:
        assert isinstance(dialog, OutletNameDialog)
        dialog.name.setText(text)
        dialog.save()
    return act


def cancel(dialog: QWidget) -> None:
    assert isinstance(dialog, PinDialog)
    dialog.reject()


def owner(ctx: AppContext) -> None:
    cashier_service.set_owner_pin(ctx.db, "Budi", OWNER_PIN, new_recovery_key())


def second_outlet(ctx: AppContext, called: str = "Cabang Pasar") -> str:
    outlet_id, change = outlet_service.add_outlet(ctx.db, called)
    ctx.announce(change)
    return outlet_id


def coffee(ctx: AppContext, stock: int = 10) -> str:
    pid, change = add_product(ctx.db, ProductInput(sku="KOPI", name="Kopi Bubuk", sell_price=35_000), stock)
    ctx.announce(change)
    return pid


def movement_count(ctx: AppContext) -> int:
    return int(ctx.db.scalar("SELECT COUNT(*) FROM stock_movements") or 0)


def products_page(ctx: AppContext, qtbot: QtBot) -> ProductsPage:
    page = ProductsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.on_shown()
    return page


def cell(page: ProductsPage, product_id: str, column: int) -> str:
    return str(page.model.data(page.model.index(page.model.row_of(product_id), column)))


# --- the products page ------------------------------------------------------------------------------------------

def test_with_one_outlet_the_products_page_is_unchanged(ctx: AppContext, qtbot: QtBot) -> None:
    coffee(ctx)
    page = products_page(ctx, qtbot)
    assert not page.outlets.isVisible() and not page.transfer_button.isVisible()
    assert not page.duplicates.isVisible()
    assert page.model.columnCount() == len(COLUMNS)


def test_two_outlets_bring_the_chooser_and_a_column_beside_the_total(ctx: AppContext, qtbot: QtBot) -> None:
    pid = coffee(ctx, 10)
    page = products_page(ctx, qtbot)
    pasar = second_outlet(ctx)  # the page hears of it (a settings change)
    assert page.outlets.isVisible() and page.transfer_button.isVisible()
    combo = page.outlets.combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["Semua outlet", "Toko utama", "Cabang Pasar"]
    assert page.outlets.chosen() == MAIN_OUTLET  # this laptop's outlet first
    assert page.model.columnCount() == len(COLUMNS) + 1
    assert page.model.headerData(OUTLET_COLUMN, Qt.Orientation.Horizontal) == "Toko utama"
    header = page.table.horizontalHeader()
    assert header.visualIndex(OUTLET_COLUMN) == header.visualIndex(6) + 1  # right after "Stok"
    assert cell(page, pid, OUTLET_COLUMN) == "10"
    ctx.announce(outlet_service.transfer_stock(ctx.db, MAIN_OUTLET, pasar, [(pid, 5)]))
    assert cell(page, pid, OUTLET_COLUMN) == "5" and cell(page, pid, 6) == "10"
    combo.setCurrentIndex(combo.findData(pasar))
    combo.activated.emit(combo.currentIndex())
    assert page.model.headerData(OUTLET_COLUMN, Qt.Orientation.Horizontal) == "Cabang Pasar"
    assert cell(page, pid, OUTLET_COLUMN) == "5"
    combo.setCurrentIndex(0)
    combo.activated.emit(0)
    assert page.model.columnCount() == len(COLUMNS)


# --- "Pindah stok" ----------------------------------------------------------------------------------------------

def test_the_transfer_dialog_says_every_problem_and_writes_nothing(ctx: AppContext, qtbot: QtBot) -> None:
    pid = coffee(ctx, 3)
    second_outlet(ctx)
    before = movement_count(ctx)
    dialog = TransferDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.target.setCurrentIndex(dialog.source.currentIndex())
    dialog.quantity.setText("dua")
    dialog.save()
    assert dialog.errors.shown() == ["product", "outlet", "quantity"]
    dialog.search.setText("tidak ada")
    dialog.search.returnPressed.emit()
    assert "tidak ada" in dialog.errors.text("product")
    dialog.search.setText("kopi")
    dialog.search.returnPressed.emit()  # Enter takes the first match and moves on to the quantity
    assert dialog.product is not None and dialog.product.id == pid
    dialog.search.textEdited.emit("teh")  # typing again lets the chosen product go
    assert dialog.product is None
    dialog.search.setText("kopi")
    dialog.search.returnPressed.emit()
    dialog.target.setCurrentIndex(1)
    dialog.quantity.setText("5")  # only 3 at Toko utama
    dialog.save()
    assert "3" in dialog.error.text() and "Toko utama" in dialog.error.text()  # only 3 there: refused
    assert dialog.result() != TransferDialog.DialogCode.Accepted
    assert movement_count(ctx) == before


def test_a_transfer_asks_the_owner_and_moves_the_units(ctx: AppContext, qtbot: QtBot) -> None:
    owner(ctx)
    pid = coffee(ctx, 10)
    pasar = second_outlet(ctx)
    product = product_store.get(ctx.db, pid)
    dialog = TransferDialog(ctx, product)
    qtbot.addWidget(dialog)
    assert dialog.source.currentData() == MAIN_OUTLET and dialog.target.currentData() == pasar
    dialog.quantity.setText("4")
    assert "Toko utama: 10 → 6" in dialog.after.text() and "Cabang Pasar: 0 → 4" in dialog.after.text()
    modals = Modals((PinDialog, pin(OWNER_PIN)))
    dialog.save()
    assert modals.done() and dialog.moved
    assert stock_store.outlet_levels(ctx.db, pid) == {MAIN_OUTLET: 6, pasar: 4}
    assert stock_store.on_hand(ctx.db, pid) == 10
    dialog._swap()
    assert dialog.source.currentData() == pasar


# --- Pengaturan → Outlet ----------------------------------------------------------------------------------------

def test_the_outlet_settings_add_rename_choose_and_online_source(ctx: AppContext, qtbot: QtBot) -> None:
    setup = OutletsSetup(ctx)
    qtbot.addWidget(setup)
    setup.show()
    assert setup.list.count() == 1 and setup.list.item(0).text() == "Toko utama (laptop ini)"
    assert not setup.several.isVisible()  # one outlet: nothing to choose between
    modals = Modals((OutletNameDialog, name("  ")), (OutletNameDialog, name("Cabang  Pasar")))
    setup.add()  # a blank name is refused under the field, then a good one saved
    assert modals.done()
    assert [o.name for o in outlet_store.listed(ctx.db)] == ["Toko utama", "Cabang Pasar"]
    assert setup.several.isVisible()
    setup.list.setCurrentRow(1)
    modals = Modals((OutletNameDialog, name("Toko utama")), (OutletNameDialog, name("Gudang")))
    setup.rename()  # another outlet's name is refused
    assert modals.done()
    gudang = next(o for o in outlet_store.listed(ctx.db) if o.name == "Gudang")
    setup.here.setCurrentIndex(setup.here.findData(gudang.id))
    setup.save_here()
    assert outlet_store.this_outlet(ctx.db) == gudang.id and "Gudang" in setup.note.text()
    setup.some_outlets.setChecked(True)
    for box in setup.choices.values():
        box.setChecked(False)
    setup.save_online()  # nothing ticked: refused
    assert setup.note.property("role") == "error" and settings_store.get(ctx.db, MARKETPLACE_OUTLETS) == ""
    setup.choices[MAIN_OUTLET].setChecked(True)
    setup.save_online()
    assert settings_store.get(ctx.db, MARKETPLACE_OUTLETS) == MAIN_OUTLET
    assert setup.some_outlets.isChecked() and setup.choices[MAIN_OUTLET].isChecked()
    setup.all_outlets.setChecked(True)
    setup.save_online()
    assert settings_store.get(ctx.db, MARKETPLACE_OUTLETS) == ""


def test_the_online_source_refuses_an_archived_outlet_and_tells_every_listing_once(ctx: AppContext) -> None:
    pid = coffee(ctx, 5)
    ids, _ = link_practice_accounts(ctx.db, {"shopee": ShopeeCredentials(1, "k", 2, base_url="http://127.0.0.1:1")})
    store_listings(ctx.db, ids[0], [Listing("100", "0", "KOPI", "Kopi", "", 5)])  # mapped by its SKU
    gudang = second_outlet(ctx, "Gudang")
    ctx.announce(outlet_service.archive_outlet(ctx.db, gudang))
    with pytest.raises(UserError):
        choose_marketplace_outlets(ctx.db, [gudang])
    pushes = "SELECT COUNT(*) FROM outbox WHERE kind = 'stock_changed' AND payload LIKE ?"
    before = ctx.db.scalar(pushes, (f"%{pid}%",))
    assert choose_marketplace_outlets(ctx.db, [MAIN_OUTLET]) == Change()  # every open outlet ticked: the total
    assert settings_store.get(ctx.db, MARKETPLACE_OUTLETS) == ""
    second_outlet(ctx, "Cabang Pasar")
    assert choose_marketplace_outlets(ctx.db, [MAIN_OUTLET]).settings
    assert ctx.db.scalar(pushes, (f"%{pid}%",)) == before + 1
    assert choose_marketplace_outlets(ctx.db, [MAIN_OUTLET, MAIN_OUTLET]) == Change()  # the same again: nothing


def test_an_outlet_holding_stock_is_not_archived(ctx: AppContext, qtbot: QtBot) -> None:
    pid = coffee(ctx, 5)
    pasar = second_outlet(ctx)
    outlet_service.transfer_stock(ctx.db, MAIN_OUTLET, pasar, [(pid, 2)])
    setup = OutletsSetup(ctx)
    qtbot.addWidget(setup)
    setup.list.setCurrentRow(1)
    setup.archive()
    assert setup.note.property("role") == "error" and "Cabang Pasar" in setup.note.text()
    outlet = outlet_store.get(ctx.db, pasar)
    assert outlet is not None and not outlet.archived


def test_the_counter_says_its_outlet_only_with_several(ctx: AppContext, qtbot: QtBot) -> None:
    page = CounterPage(ctx)
    qtbot.addWidget(page)
    page.show()
    assert page.shift_bar.state.text() == "Shift belum dibuka"
    pasar = second_outlet(ctx)
    ctx.announce(outlet_service.choose_outlet(ctx.db, pasar))
    assert page.shift_bar.state.text() == "Shift belum dibuka · Outlet: Cabang Pasar"


# --- duplicates -------------------------------------------------------------------------------------------------

def make_twin(ctx: AppContext) -> tuple[str, str]:
    keep = coffee(ctx, 10)
    copy, _ = add_product(ctx.db, ProductInput(sku="KOPI-B", name="Kopi bubuk", sell_price=34_000), 4)
    with ctx.db.write():  # as the hub leaves the later of two laptops' "KOPI"
        ctx.db.execute("UPDATE products SET sku = ? WHERE id = ?", (renamed("KOPI", copy), copy))
    return keep, copy


def test_the_banner_and_dialog_merge_a_duplicate_with_the_owner_pin(ctx: AppContext, qtbot: QtBot) -> None:
    owner(ctx)
    keep, copy = make_twin(ctx)
    second_outlet(ctx)
    page = products_page(ctx, qtbot)
    assert page.duplicates.isVisible()
    assert page.duplicates.text.text().startswith("1 produk ganda dari laptop lain")
    dialog = MergeDialog(ctx, page.duplicates.pairs)
    qtbot.addWidget(dialog)
    texts = [w.text() for w in dialog.findChildren(type(dialog.step)) if w.text()]
    assert "Rp35.000" in texts and "Rp34.000" in texts and "Di Cabang Pasar" in texts
    modals = Modals((PinDialog, cancel))
    dialog.merge()  # the owner said no: nothing merged
    assert modals.done() and product_store.get(ctx.db, copy).active  # type: ignore[union-attr]
    modals = Modals((PinDialog, pin(OWNER_PIN)))
    dialog.merge()
    assert modals.done() and dialog.merged == [copy]
    assert dialog.result() == MergeDialog.DialogCode.Accepted
    assert stock_store.on_hand(ctx.db, keep) == 14 and not product_store.get(ctx.db, copy).active  # type: ignore[union-attr]
    assert not page.duplicates.isVisible()  # the page heard the change
    assert outlet_stock.level_at(ctx.db, keep, MAIN_OUTLET) == 14


def test_keeping_the_right_hand_product(ctx: AppContext, qtbot: QtBot) -> None:
    _keep, copy = make_twin(ctx)
    banner = DuplicateBanner(ctx)
    qtbot.addWidget(banner)
    banner.reload()
    dialog = MergeDialog(ctx, banner.pairs)
    qtbot.addWidget(dialog)
    dialog.keep_right.setChecked(True)
    dialog.merge()
    kept = product_store.get(ctx.db, copy)
    assert kept is not None and kept.sku == "KOPI" and kept.on_hand == 14
    banner.reload()
    assert banner.pairs == [] and banner.isHidden()


# --- fits a laptop screen ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def outlet_shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One sample shop (filled by the first window) for every size and language."""
    from companion.store.database import close_thread_databases

    folder = tmp_path_factory.mktemp("outlet-shop") / "data"
    folder.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COMPANION_DATA_DIR", str(folder))
        yield folder
    close_thread_databases()
    i18n.set_language("id")


def two_outlets_and_a_twin(ctx: AppContext) -> None:
    """Cabang Pasar holding a third of the first products, and one product copied by "another laptop"."""
    if len(outlet_store.listed(ctx.db)) > 1:
        return
    pasar = second_outlet(ctx)
    products = product_store.all_products(ctx.db, active_only=True)
    for product in products[:8]:
        if product.on_hand > 3:
            outlet_service.transfer_stock(ctx.db, MAIN_OUTLET, pasar, [(product.id, product.on_hand // 3)])
    base = products[0]
    copy, _ = add_product(ctx.db, ProductInput(sku=f"{base.sku}-B", name=base.name.lower(),
                                               sell_price=base.sell_price), 6)
    with ctx.db.write():
        ctx.db.execute("UPDATE products SET sku = ? WHERE id = ?", (renamed(base.sku, copy), copy))
    ctx.announce(Change(products=frozenset({copy}), settings=True))


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("size", [(1280, 650), (1366, 698), MINIMUM_SIZE], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_outlet_screens_fit_a_laptop(lang: str, size: tuple[int, int], outlet_shop: Path, qtbot: QtBot) -> None:
    """Products (chooser, column, banner), the counter's outlet line, Pengaturan → Outlet, and the two dialogs:
    nothing cut, overlapping or pushed out, at 1280×720 and 1366×768 less the taskbar, and the window's minimum."""
    i18n.set_language(lang)
    with showcase_window(outlet_shop, size) as window:
        assert isinstance(window, MainWindow)
        two_outlets_and_a_twin(window.ctx)
        findings: dict[str, list[str]] = {}
        page = show_page(window, "products")
        assert isinstance(page, ProductsPage)
        assert page.outlets.isVisible() and page.duplicates.isVisible() and page.transfer_button.isVisible()
        findings["products"] = check_layout(window)
        show_page(window, "counter")
        findings["counter"] = check_layout(window)
        settings = show_page(window, "settings")
        assert isinstance(settings, SettingsPage)
        findings["settings"] = check_layout(settings.outlets)
        page = show_page(window, "products")
        assert isinstance(page, ProductsPage)
        for name, dialog in (("transfer", TransferDialog(window.ctx, page.model.product(0), window)),
                             ("merge", MergeDialog(window.ctx, page.duplicates.pairs, window))):
            dialog.show()
            settle(window)
            assert dialog.width() <= size[0] and dialog.height() <= size[1], f"{name} is larger than the window"
            findings[name] = check_layout(dialog)
            dialog.close()
        assert {k: v for k, v in findings.items() if v} == {}
