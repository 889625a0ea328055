"""The counter during a 100,000-row order import (20,000 with --quick) in another process (issue 13): a counter
sale every 100 ms on the app's own kind of connection for as long as the import runs, against the median of the
same sales on the same file with no import running. Reported without a target: the import commits pages of 200
orders (services/order_import.py), so a sale waits for at most the page being written, plus whatever SQLite's
busy handler sleeps (it polls, it does not queue across processes). The p95 counts the sales made while the pages
were being written (the parse before it holds no lock)."""

from __future__ import annotations

import shutil
import statistics
from pathlib import Path
from typing import TYPE_CHECKING

from bench.order_import_measure import QUICK_ROWS, ROWS, _fresh_shop, build_export
from bench.report import Result

if TYPE_CHECKING:  # bench.measures imports this module at its end
    from bench.measures import Setup

QUIET_SALES = 50
COUNTER_PRODUCTS = 20  # the counter sells the first products of the shop the orders map to


def _data_dir(setup: Setup) -> Path:
    """A data folder holding a fresh copy of the order measure's shop (500 products, no orders yet)."""
    from companion.store.location import db_path

    template = _fresh_shop(setup.work / "import-load-template.sqlite3")
    folder = setup.work / "import-under-load"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    shutil.copyfile(template, db_path(folder))
    return folder


def _counter_products(folder: Path) -> list[tuple[str, int]]:
    from companion.store import products as product_store
    from companion.store.database import open_database
    from companion.store.location import db_path

    db = open_database(db_path(folder))
    try:
        rows = sorted(product_store.all_products(db), key=lambda p: p.sku)[:COUNTER_PRODUCTS]
        return [(p.id, p.sell_price) for p in rows]
    finally:
        db.close()


def import_under_load(setup: Setup) -> list[Result]:
    """Counter sales every 100 ms while a 100,000-row import runs in another process: the sales' latency."""
    from bench.measures import percentile  # here: bench.measures imports this module at its end
    from tests.import_child import counter_beside_import, quiet_sales

    rows = QUICK_ROWS if setup.quick else ROWS
    export = build_export(setup.work / f"shopee-orders-{rows}.xlsx", rows)  # the order measure's file (cached)
    folder = _data_dir(setup)
    products = _counter_products(folder)
    quiet = quiet_sales(folder, products, 20 if setup.quick else QUIET_SALES)
    run = counter_beside_import(folder, export, products)
    if run.child_code != 0 or run.saved_orders is None:
        raise RuntimeError(f"the import did not finish ({run.child_code}): {run.child_lines[-3:]}")
    if run.refused:
        raise RuntimeError(f"{len(run.refused)} of {len(run.sales) + len(run.refused)} counter actions refused "
                           f"during the import, the first: {run.refused[0]}")
    writing = run.waits(while_writing=True)
    if not writing:
        raise RuntimeError("no sale met the import's pages")
    label = f"{rows:,}-row order import"
    return [Result(f"worst counter-sale wait during a {label}, a sale every 100 ms (vs median sale, no import)",
                   max(run.waits()), "ms", statistics.median(quiet)),
            Result(f"counter-sale p95 while a {label} writes its pages (vs p95 with no import)",
                   percentile(writing, 95), "ms", percentile(quiet, 95))]
