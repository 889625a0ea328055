"""Importing a 100 000-row Shopee order export (20 000 with --quick) into a fresh shop through
`services.order_import.import_file`, against a plain openpyxl read-only pass over the same file (every cell
read, nothing else). Target: ≤ 2× the plain read. Peak Python memory (tracemalloc) is reported for both, from
separate runs so tracing does not slow the timed ones."""

from __future__ import annotations

import gc
import random
import shutil
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bench.report import Result

if TYPE_CHECKING:  # bench.measures imports this module at its end
    from bench.measures import Setup

ROWS = 100_000
QUICK_ROWS = 20_000
PRODUCTS = 500
TARGET_RATIO = 2.0
STATUSES = ("Selesai", "Selesai", "Selesai", "Perlu Dikirim", "Sedang Dikirim", "Batal")


def build_export(path: Path, rows: int, seed: int = 6) -> Path:
    """A Shopee export with the full real header list, orders of 1–3 lines, rupiah strings and numbers mixed."""
    from openpyxl import Workbook

    from tests.order_files import SHOPEE_HEADERS

    if path.exists():
        return path
    rng = random.Random(seed)
    col = {h: i for i, h in enumerate(SHOPEE_HEADERS)}
    book = Workbook(write_only=True)
    sheet = book.create_sheet("orders")
    sheet.append(SHOPEE_HEADERS)
    written = order = 0
    while written < rows:
        order += 1
        status = rng.choice(STATUSES)
        day = 1 + order % 28
        for _ in range(min(rng.randint(1, 3), rows - written)):
            row: list[object] = [""] * len(SHOPEE_HEADERS)
            sku = rng.randrange(PRODUCTS)
            price = 5_000 + 500 * (sku % 60)
            row[col["No. Pesanan"]] = f"2611{order:08d}"
            row[col["Status Pesanan"]] = status
            row[col["Nomor Referensi SKU"]] = f"SKU-{sku:04d}"
            row[col["Nama Produk"]] = f"Produk {sku}"
            row[col["Harga Awal"]] = row[col["Harga Setelah Diskon"]] = (
                f"Rp {price:,}".replace(",", ".") if written % 2 else price)
            row[col["Jumlah"]] = rng.randint(1, 3)
            row[col["Waktu Pesanan Dibuat"]] = f"2026-10-{day:02d} {order % 24:02d}:{order % 60:02d}"
            row[col["Username (Pembeli)"]] = f"pembeli_{order % 5000}"
            row[col["Alamat Pengiriman"]] = "Jl. Merdeka No. 1, Bandung"
            row[col["Provinsi"]] = "Jawa Barat"
            sheet.append(row)
            written += 1
    tmp = path.with_suffix(".tmp.xlsx")
    book.save(tmp)
    tmp.replace(path)
    return path


def _fresh_shop(path: Path) -> Path:
    from companion.domain.product import ProductInput
    from companion.services.products import add_product
    from companion.store.database import open_database

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = open_database(path)
    for n in range(PRODUCTS):
        add_product(db, ProductInput(sku=f"SKU-{n:04d}", name=f"Produk {n}", sell_price=10_000), 1_000)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file, so a copy is complete
    db.close()
    return path


def plain_read(path: Path) -> int:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    cells = 0
    for row in book["orders"].iter_rows(values_only=True):
        cells += len(row)
    book.close()
    return cells


def ours(export: Path, template: Path, shop: Path) -> int:
    from companion.services.order_import import import_file
    from companion.store.database import open_database

    for suffix in ("-wal", "-shm"):
        Path(f"{shop}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, shop)
    db = open_database(shop)
    try:
        preview, _ = import_file(db, export)
    finally:
        db.close()
    return preview.orders_new


def _seconds(fn: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _peak_mb(fn: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def order_import(setup: Setup) -> list[Result]:
    """A seller-centre order export imported through the app against reading the same file plainly."""
    rows = QUICK_ROWS if setup.quick else ROWS
    export = build_export(setup.work / f"shopee-orders-{rows}.xlsx", rows)
    template = _fresh_shop(setup.work / "order-import-template.sqlite3")  # the products the orders map to
    shop = setup.work / "order-import-shop.sqlite3"
    plain_s = _seconds(lambda: plain_read(export))
    ours_s = _seconds(lambda: ours(export, template, shop))
    plain_mb = _peak_mb(lambda: plain_read(export))
    ours_mb = _peak_mb(lambda: ours(export, template, shop))
    label = f"{rows:,}-row Shopee export"
    return [Result(f"order file import, {label} (vs openpyxl read-only pass)", ours_s, "s", plain_s,
                   target_ratio=TARGET_RATIO),
            Result(f"order file import peak memory, {label} (vs openpyxl read-only pass)", ours_mb, "MB",
                   plain_mb)]
