"""Property: whatever three laptops do offline (through the real services) and in whatever order their changes
travel, once everyone has pushed and pulled everything they hold the same shared record (store/hub_digest.py) and
none has a broken invariant (duplicate receipt number or SKU, stock cache ≠ ledger)."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.domain.errors import UserError
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput
from companion.services import hub as hub_service
from companion.services.cashiers import add_cashier, set_owner_pin
from companion.services.categories import add_category, delete_category, rename_category, set_category
from companion.services.products import add_product, edit_product
from companion.services.sales import record_sale, void_sale
from companion.services.settings import save_settings
from companion.services.stock import adjust_stock, count_stock
from companion.store import products as product_store
from companion.store.database import close_thread_databases
from tests.hub_local_fleet import ChangeLog, Laptop, fleet, same_everywhere

SKUS = ("KOPI", "kopi", "TEH", "GULA")
laptop_no = st.integers(0, 2)
pick = st.integers(0, 7)
operation = st.one_of(
    st.tuples(st.just("add"), laptop_no, st.sampled_from(SKUS), st.integers(1, 50)),
    st.tuples(st.just("price"), laptop_no, pick, st.integers(1, 99)),
    st.tuples(st.just("name"), laptop_no, pick, st.sampled_from(("Kopi susu", "Teh manis", "Gula pasir"))),
    st.tuples(st.just("sell"), laptop_no, pick, st.integers(1, 3)),
    st.tuples(st.just("count"), laptop_no, pick, st.integers(0, 40)),
    st.tuples(st.just("adjust"), laptop_no, pick, st.integers(-3, 5)),
    st.tuples(st.just("void"), laptop_no, pick, st.just(0)),
    st.tuples(st.just("setting"), laptop_no, st.sampled_from(("Toko A", "Toko B", "Warung C")), st.just(0)),
    st.tuples(st.just("category"), laptop_no, st.sampled_from(("Minuman", "minuman", "Makanan")), st.just(0)),
    st.tuples(st.just("rename_category"), laptop_no, pick, st.integers(0, 2)),
    st.tuples(st.just("delete_category"), laptop_no, pick, st.just(0)),
    st.tuples(st.just("put_in_category"), laptop_no, pick, st.integers(0, 7)),
    st.tuples(st.just("cashier"), laptop_no, st.sampled_from(("Sari", "sari", "Dewi")), st.integers(0, 2)),
    st.tuples(st.just("owner"), laptop_no, st.sampled_from(("Bu Ani", "Pak Budi")), st.just(0)),
    st.tuples(st.just("push"), laptop_no, st.just(0), st.just(0)),
    st.tuples(st.just("pull"), laptop_no, st.integers(1, 30), st.just(0)),
)


def _nth(laptop: Laptop, table: str, n: int) -> str | None:
    rows = laptop.db.query(f"SELECT id FROM {table} ORDER BY created_at, id")
    return str(rows[n % len(rows)][0]) if rows else None


def _act(log: ChangeLog, laptops: list[Laptop], op: tuple[str, int, object, int]) -> None:
    kind, no, arg, value = op
    laptop = laptops[no]
    if kind == "push":
        log.push(laptop, 7)
        return
    if kind == "pull":
        if batch := log.batch(laptop, int(str(arg))):
            hub_service.apply_pulled(laptop.db, batch)
        return
    if kind == "add":
        add_product(laptop.db, ProductInput(str(arg), f"Barang {arg}", 1_000 * value), value)
        return
    if kind == "setting":
        save_settings(laptop.db, {"shop_name": str(arg)})
        return
    if kind == "category":
        add_category(laptop.db, str(arg))
        return
    if kind == "cashier":
        add_cashier(laptop.db, str(arg), ("4826", "9713", "5802")[value])
        return
    if kind == "owner":
        set_owner_pin(laptop.db, str(arg), "2580", "kunci")
        return
    if kind.endswith("category") and kind != "category":
        _category_work(laptop, kind, int(str(arg)), value)
        return
    if kind == "void":
        sale = _nth(laptop, "sales", int(str(arg)))
        if sale:
            void_sale(laptop.db, sale, "batal")
        return
    product_id = _nth(laptop, "products", int(str(arg)))
    if product_id is None:
        return
    row = product_store.get(laptop.db, product_id)
    assert row is not None
    if kind == "price":
        edit_product(laptop.db, product_id, ProductInput(row.sku, row.name, value * 500))
    elif kind == "name":
        edit_product(laptop.db, product_id, ProductInput(row.sku, str(arg), row.sell_price))
    elif kind == "sell":
        record_sale(laptop.db, [LineInput(product_id, value, row.sell_price)], amount_paid=row.sell_price * value)
    elif kind == "count":
        count_stock(laptop.db, {product_id: value})
    elif kind == "adjust" and value:
        adjust_stock(laptop.db, product_id, value, "selisih", answered={"negative_stock"})


def _category_work(laptop: Laptop, kind: str, n: int, value: int) -> None:
    category = _nth(laptop, "categories", n)
    if category is None:
        return
    if kind == "rename_category":
        rename_category(laptop.db, category, ("Snack", "Sembako", "snack")[value])
    elif kind == "delete_category":
        delete_category(laptop.db, category)
    elif (product_id := _nth(laptop, "products", value)) is not None:
        set_category(laptop.db, [product_id], category)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operation, min_size=1, max_size=40), st.permutations([0, 1, 2]))
def test_any_work_in_any_exchange_order_converges(ops: list[tuple[str, int, object, int]], order: list[int]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        laptops = fleet(Path(folder))
        log = ChangeLog()
        try:
            for op in ops:
                with contextlib.suppress(UserError):  # refused as the app refuses it (a SKU here, a sale voided)
                    _act(log, laptops, op)
            log.meet([laptops[n] for n in order])
            same_everywhere(laptops)
        finally:
            for laptop in laptops:
                laptop.db.close()
            close_thread_databases()
