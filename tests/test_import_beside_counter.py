"""A 100,000-row order import in another process never blocks the counter (issue 13): the app records a sale every
100 ms and starts on the file meanwhile; no sale is refused, every sale and every order is in the file afterwards,
and the stock is what the sales and the orders asked for. The worst wait is reported by
bench/import_under_load.py (no timed assertions here).

The export is a CSV of the same 100,000 rows the bench's xlsx holds in kind: reading an xlsx of that size takes
about 55 s on a 2-core machine before the first page is written (the parse holds no lock), a CSV about 13 s, and
the part under test, ~250 pages of 200 orders each committed beside the counter, is the same for both."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from import_child import counter_beside_import
from order_files import shopee_file, shopee_line

from companion.domain.product import ProductInput
from companion.services.products import add_product
from companion.store import online_orders as order_store
from companion.store import sales as sale_store
from companion.store import stock as stock_store
from companion.store.database import Database, open_database
from companion.store.location import db_path

ROWS = 100_000
OPENING = 100_000  # per product (the most an opening count may be): no sale or order meets an empty shelf
SKUS = [f"SKU-{n:02d}" for n in range(8)]
TAKES_STOCK = ("Selesai", "Perlu Dikirim", "Sedang Dikirim")
STATUSES = (*TAKES_STOCK, "Selesai", "Batal")


def _export(path: Path, rows: int, seed: int = 6) -> tuple[Path, set[str], Counter[str]]:
    """Orders of 1–3 lines (distinct SKUs, so no row repeats or contradicts another), some cancelled; returns the
    file, its order ids and the units each SKU's live orders take."""
    rng = random.Random(seed)
    lines: list[dict[str, Any]] = []
    taken: Counter[str] = Counter()
    order = 0
    while len(lines) < rows:
        order += 1
        status = rng.choice(STATUSES)
        for sku in rng.sample(SKUS, min(rng.randint(1, 3), rows - len(lines))):
            qty = rng.randint(1, 3)
            price = 5_000 + 500 * SKUS.index(sku)
            lines.append(shopee_line(f"2611{order:08d}", sku, qty, f"Rp {price:,}".replace(",", "."), status,
                                     f"2026-10-{1 + order % 28:02d} {order % 24:02d}:{order % 60:02d}"))
            taken[sku] += qty if status in TAKES_STOCK else 0
    return shopee_file(path, lines), {f"2611{n:08d}" for n in range(1, order + 1)}, taken


@pytest.mark.slow
def test_counter_sales_every_100_ms_beside_a_100000_row_import(db: Database, data_dir: Path,
                                                                tmp_path: Path) -> None:
    ids = {sku: add_product(db, ProductInput(sku=sku, name=f"Produk {sku}", sell_price=10_000), OPENING)[0]
           for sku in SKUS}
    db.close()
    export, order_ids, taken = _export(tmp_path / "shopee-orders.csv", ROWS)

    run = counter_beside_import(data_dir, export, [(pid, 10_000) for pid in ids.values()])

    assert run.child_code == 0 and run.saved_orders == len(order_ids), run.child_lines[-5:]
    assert run.refused == []
    assert run.pages > 100  # many short transactions, not one long one
    assert any(s.while_writing for s in run.sales) and run.opens_while_writing >= 1  # they met
    waits = sorted(run.waits())
    print(f"\n{len(waits)} sales beside {run.pages} pages: worst {waits[-1]:.0f} ms, median "
          f"{waits[len(waits) // 2]:.1f} ms; {run.opens} fresh opens")
    after = open_database(db_path(data_dir))
    try:
        assert all(sale_store.get(after, s.sale_id) is not None for s in run.sales)
        account = order_store.file_import_account(after, "shopee")
        assert account is not None and len(order_store.by_platform_ids(after, account, order_ids)) == len(order_ids)
        assert stock_store.verify_levels(after) == []
        sold: Counter[str] = Counter()
        for sale in run.sales:
            sold.update(sale.quantities)
        assert {sku: stock_store.on_hand(after, pid) for sku, pid in ids.items()} == {
            sku: OPENING - sold[pid] - taken[sku] for sku, pid in ids.items()}
    finally:
        after.close()
