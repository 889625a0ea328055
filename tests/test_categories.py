"""Product categories: adding, renaming and removing them (products stay, without a category), the search the
counter narrows by category, and sales by category summing to what the sale lines say."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from companion.domain.clock import day_range
from companion.domain.errors import UserError
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.services import categories as category_service
from companion.services import reports
from companion.services.practice_book import fill_from_shop, make_book
from companion.services.product_import import RowStatus, apply_import, read_import
from companion.services.products import add_product
from companion.services.sales import record_sale, return_items, void_sale
from companion.store import categories as category_store
from companion.store import products as product_store
from companion.store import sales as sale_store
from companion.store.database import Database, open_database
from companion.store.spreadsheet_export import write_xlsx


def _shop(db: Database) -> dict[str, str]:
    drinks, _ = category_service.add_category(db, "Minuman")
    snacks, _ = category_service.add_category(db, "Makanan ringan")
    kopi, _ = category_service.add_product(db, ProductInput(sku="KOPI", name="Kopi Susu", sell_price=15_000),
                                           "minuman", 20)
    teh, _ = category_service.add_product(db, ProductInput(sku="TEH", name="Teh Manis", sell_price=5_000),
                                          "Minuman", 30)
    keripik, _ = category_service.add_product(db, ProductInput(sku="KRP", name="Keripik Kopi", sell_price=8_000),
                                              "Makanan ringan", 10)
    gula, _ = add_product(db, ProductInput(sku="GULA", name="Gula", sell_price=14_000), 5)
    return {"drinks": drinks, "snacks": snacks, "kopi": kopi, "teh": teh, "keripik": keripik, "gula": gula}


def test_categories_are_listed_by_name_with_their_product_counts(db: Database) -> None:
    ids = _shop(db)
    rows = category_store.list_all(db)
    assert [(c.name, c.products) for c in rows] == [("Makanan ringan", 1), ("Minuman", 2)]
    got = category_store.get(db, ids["drinks"])
    assert got is not None and got.name == "Minuman"
    kopi = product_store.get(db, ids["kopi"])
    assert kopi is not None and (kopi.category_id, kopi.category_name) == (ids["drinks"], "Minuman")
    gula = product_store.get(db, ids["gula"])
    assert gula is not None and (gula.category_id, gula.category_name) == (None, "")


def test_a_name_used_already_or_blank_is_refused(db: Database) -> None:
    _shop(db)
    with pytest.raises(UserError, match="Sudah ada kategori"):
        category_service.add_category(db, "  MINUMAN ")
    with pytest.raises(UserError, match="perlu nama"):
        category_service.add_category(db, "   ")
    with pytest.raises(UserError, match="paling banyak 40"):
        category_service.add_category(db, "x" * 41)
    assert len(category_store.list_all(db)) == 2


def test_a_typed_new_category_is_made_with_the_product(db: Database) -> None:
    pid, change = category_service.add_product(db, ProductInput(sku="SBN", name="Sabun", sell_price=4_000),
                                               "Kebutuhan  rumah")
    assert change.people and pid in change.products
    product = product_store.get(db, pid)
    assert product is not None and product.category_name == "Kebutuhan rumah"


def test_search_narrows_by_category_and_old_callers_see_everything(db: Database) -> None:
    ids = _shop(db)
    assert {p.sku for p in product_store.search(db, "kopi")} == {"KOPI", "KRP"}
    assert [p.sku for p in product_store.search(db, "kopi", category_id=ids["drinks"])] == ["KOPI"]
    assert [p.sku for p in product_store.search(db, "", category_id=ids["snacks"])] == ["KRP"]
    assert {p.sku for p in product_store.search(db, "", category_id=ids["drinks"])} == {"KOPI", "TEH"}
    assert len(product_store.search(db, "")) == 4


def test_rename_keeps_products_in_it(db: Database) -> None:
    ids = _shop(db)
    change = category_service.rename_category(db, ids["drinks"], "Minuman dingin")
    assert change.products == {ids["kopi"], ids["teh"]}
    teh = product_store.get(db, ids["teh"])
    assert teh is not None and teh.category_name == "Minuman dingin"
    with pytest.raises(UserError, match="Sudah ada kategori"):
        category_service.rename_category(db, ids["drinks"], "makanan RINGAN")


def test_delete_leaves_its_products_without_a_category(db: Database) -> None:
    ids = _shop(db)
    change = category_service.delete_category(db, ids["drinks"])
    assert change.products == {ids["kopi"], ids["teh"]} and change.people
    assert category_store.get(db, ids["drinks"]) is None
    for key in ("kopi", "teh"):
        product = product_store.get(db, ids[key])
        assert product is not None and product.category_id is None and product.category_name == ""
        assert product.on_hand > 0
    assert {p.sku for p in product_store.search(db, "")} == {"KOPI", "TEH", "KRP", "GULA"}
    with pytest.raises(UserError, match="sudah tidak ada"):
        category_service.delete_category(db, ids["drinks"])


# ---- reports by category ---------------------------------------------------------------------------------------

def _recomputed(db: Database, lo: str, hi: str) -> dict[str | None, tuple[int, int]]:
    """Units and takings per product category worked out from each saved sale's lines in Python."""
    out: dict[str | None, tuple[int, int]] = {}
    for sale in sale_store.recent(db, lo, hi, limit=10_000):
        if sale.voided:
            continue
        for line in sale.lines:
            share = sale.sale_discount * line.line_total // sale.subtotal if sale.sale_discount else 0
            paid = line.line_total - share
            paid -= paid * line.returned // line.quantity
            product = product_store.get(db, line.product_id)
            key = product.category_id if product else None
            units, takings = out.get(key, (0, 0))
            out[key] = (units + line.quantity - line.returned, takings + paid)
    return out


def test_sales_by_category_add_up_to_the_sale_lines(db: Database) -> None:
    ids = _shop(db)
    at = datetime(2026, 8, 31, 3, 0, tzinfo=UTC)  # 10.00 WIB
    record_sale(db, [LineInput(ids["kopi"], 2, 15_000), LineInput(ids["keripik"], 3, 8_000)], PaymentMethod.CASH,
                100_000, sale_discount=1_000, now=at)
    mixed = record_sale(db, [LineInput(ids["teh"], 4, 5_000), LineInput(ids["gula"], 1, 14_000),
                             LineInput(ids["keripik"], 1, 8_000)], PaymentMethod.QRIS, sale_discount=777, now=at)
    wrong = record_sale(db, [LineInput(ids["kopi"], 9, 15_000)], PaymentMethod.QRIS, now=at)
    void_sale(db, wrong.sale_id, "salah scan")
    sale = sale_store.get(db, mixed.sale_id)
    assert sale is not None
    return_items(db, mixed.sale_id, {sale.lines[0].id: 1}, "basi")
    rows = reports.sales_by_category(db, date(2026, 8, 31), date(2026, 8, 31), "WIB")
    assert [r.name for r in rows] == ["Minuman", "Makanan ringan", ""]  # best takings first, none last
    lo, hi = day_range(date(2026, 8, 31), "WIB")
    assert {r.category_id: (r.units, r.takings) for r in rows} == _recomputed(db, lo, hi)
    products = reports.sales_by_product(db, date(2026, 8, 31), date(2026, 8, 31), "WIB", "counter")
    assert sum(r.takings for r in rows) == sum(p.takings for p in products)
    assert sum(r.units for r in rows) == sum(p.units for p in products)
    # today's category: moving the coffee moves its past sales, removing a category puts them under "none"
    category_service.delete_category(db, ids["snacks"])
    after = reports.sales_by_category(db, date(2026, 8, 31), date(2026, 8, 31), "WIB")
    assert {r.category_id: (r.units, r.takings) for r in after} == _recomputed(db, lo, hi)
    assert [r.name for r in after] == ["Minuman", ""]


# ---- import and export ------------------------------------------------------------------------------------------

def test_catalogue_carries_categories_and_imports_them_back(db: Database, tmp_path: Path) -> None:
    ids = _shop(db)
    path = reports.export_catalogue(db, tmp_path / "katalog.xlsx")
    rows = [list(r) for r in load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True)]
    assert rows[0][9] == "Kategori"
    by_sku = {r[0]: (r + [None] * 10)[9] for r in rows[1:]}  # a row's empty cells at its end are not stored
    assert by_sku == {"KOPI": "Minuman", "TEH": "Minuman", "KRP": "Makanan ringan", "GULA": None}
    assert {r.status for r in read_import(db, path).rows} == {RowStatus.UNCHANGED}
    write_xlsx(tmp_path / "baru.xlsx", {"Produk": [
        ["SKU", "Nama", "Harga jual", "Kategori"],
        ["GULA", "Gula", 14_000, "Bahan dapur"],  # an existing product into a new category
        ["KOPI", "Kopi Susu", 15_000, "MINUMAN"],  # the same category in other letters: unchanged
        ["TEH", "Teh Manis", 5_000, None],  # empty: left as it is
        ["MIE", "Mie Instan", 3_500, "Bahan dapur"],  # a new product into the category made above
        ["XX", "Terlalu", 1_000, "k" * 41],
    ]})
    preview = read_import(db, tmp_path / "baru.xlsx")
    assert [r.status for r in preview.rows] == [RowStatus.UPDATED, RowStatus.UNCHANGED, RowStatus.UNCHANGED,
                                                RowStatus.NEW, RowStatus.ERROR]
    result = apply_import(db, preview, only_valid=True)
    assert result.change.people
    pantry = category_store.by_name(db, "bahan dapur")
    assert pantry is not None and pantry.products == 2
    gula = product_store.get(db, ids["gula"])
    teh = product_store.get(db, ids["teh"])
    assert gula is not None and gula.category_id == pantry.id
    assert teh is not None and teh.category_name == "Minuman"


def test_practice_with_the_shops_own_products_takes_their_categories(db: Database, tmp_path: Path) -> None:
    """A practice book filled from the shop copies each product's category too (a product row pointing at a
    category the book lacks would break the copy)."""
    ids = _shop(db)
    book_path = tmp_path / "practice" / "book.sqlite3"
    make_book(db, book_path, fill_from_shop)
    book = open_database(book_path)
    try:
        kopi = product_store.get(book, ids["kopi"])
        gula = product_store.get(book, ids["gula"])
        assert kopi is not None and kopi.category_name == "Minuman" and kopi.category_id == ids["drinks"]
        assert gula is not None and gula.category_id is None
        assert [c.name for c in category_store.list_all(book)] == ["Makanan ringan", "Minuman"]
    finally:
        book.close()
