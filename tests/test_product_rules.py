"""The product and stock rules the Products & Stock page relies on, through the services (real database)."""

from __future__ import annotations

import pytest

from companion.domain.errors import UserError
from companion.domain.ledger import MovementKind
from companion.domain.product import ProductInput
from companion.services.products import add_product, edit_product, set_active
from companion.services.stock import adjust_stock, count_stock
from companion.store import products as product_store
from companion.store import stock as stock_store
from companion.store.database import Database


def kopi(**changes: object) -> ProductInput:
    values: dict[str, object] = {"sku": "KOPI-1", "name": "Kopi Susu Gula Aren", "sell_price": 15_000}
    values.update(changes)
    return ProductInput(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(("product", "stock"), [
    (kopi(sku="  "), None),
    (kopi(sku="kopi 1"), None),
    (kopi(name=" "), None),
    (kopi(sell_price=-1), None),
    (kopi(sell_price=1_000_000_001), None),
    (kopi(cost_price=-5), None),
    (kopi(), 100_001),
    (kopi(), -1),
])
def test_bad_products_are_refused_and_nothing_is_written(db: Database, product: ProductInput,
                                                         stock: int | None) -> None:
    with pytest.raises(UserError) as err:
        add_product(db, product, stock)
    assert err.value.message().endswith(".")
    assert product_store.count(db) == 0
    assert db.scalar("SELECT COUNT(*) FROM stock_movements") == 0


def test_sku_is_unique_ignoring_letter_case(db: Database) -> None:
    first, _ = add_product(db, kopi())
    with pytest.raises(UserError) as err:
        add_product(db, kopi(sku="kopi-1", name="Lain"))
    assert "KOPI" in err.value.message().upper()
    other, _ = add_product(db, kopi(sku="TEH-1", name="Teh"))
    with pytest.raises(UserError):
        edit_product(db, other, kopi(sku="Kopi-1", name="Teh"))
    assert product_store.count(db) == 2
    edit_product(db, first, kopi(sku="kopi-1"))  # its own SKU in another case is fine
    row = product_store.get(db, first)
    assert row is not None and row.sku == "kopi-1"


def test_stocktake_and_adjustments_go_to_the_ledger(db: Database) -> None:
    pid, _ = add_product(db, kopi(), 10)
    with pytest.raises(UserError):
        adjust_stock(db, pid, -2, "   ")
    with pytest.raises(UserError):
        adjust_stock(db, pid, 0, "rusak")
    adjust_stock(db, pid, -2, "rusak")
    count_stock(db, {pid: 5}, "opname")
    assert stock_store.on_hand(db, pid) == 5
    kinds = [m.kind for m in stock_store.history(db, pid)]
    assert kinds == [MovementKind.STOCKTAKE, MovementKind.ADJUSTMENT, MovementKind.OPENING]
    assert stock_store.verify_levels(db) == []


def test_deactivated_products_leave_the_counter_but_keep_history(db: Database) -> None:
    pid, _ = add_product(db, kopi(barcode="899123"), 3)
    set_active(db, pid, False)
    assert product_store.by_code(db, "899123") is None
    assert product_store.search(db, "kopi") == []
    assert len(stock_store.history(db, pid)) == 1
