"""A large shop for measuring: 20 000 products and 300 000 sale lines, built once and cached.

Rows go straight into the app's own tables in one `db.write()` transaction (the services would
take far too long for 300 000 lines); the stock cache is then rebuilt from the ledger, so the file
is as consistent as one the app wrote itself.
"""

from __future__ import annotations

import hashlib
import random
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from companion.domain.clock import stamp
from companion.domain.ids import new_id
from companion.domain.settings_keys import SHOP_NAME
from companion.store import settings as settings_store
from companion.store import stock as stock_store
from companion.store.database import Database, open_database
from companion.store.migrations import latest_version

PRODUCTS = 20_000
SALE_LINES = 300_000
LINES_PER_SALE = 3
DAYS = 180
OPENING = 500


def schema_digest() -> str:
    """A digest of the schema a fresh shop gets: a migration edited under the same version number (as v13 was
    while issue 21 grew it) still means a new shop, not a cached one that lacks the change."""
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "schema.sqlite3")
        try:
            text = "\n".join(str(row[0]) for row in db.conn.execute(
                "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY type, name"))
        finally:
            db.close()
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def mark() -> str:
    """What the cached shop must carry to be used again (the recipe and the schema it was built with)."""
    return f"v2:{PRODUCTS}:{SALE_LINES}:schema{latest_version()}:{schema_digest()}"

BASES = ["Kopi", "Keripik", "Kue", "Kacang", "Kecap", "Kerupuk", "Teh", "Sambal", "Saus", "Sabun", "Sampo",
         "Susu", "Gula", "Garam", "Beras", "Minyak", "Mie", "Madu", "Roti", "Permen", "Kaos", "Kemeja", "Celana",
         "Jilbab", "Sandal", "Tas", "Dompet", "Batik"]
KINDS = ["Arabika", "Robusta", "Balado", "Pedas", "Manis", "Original", "Keju", "Coklat", "Pandan", "Durian",
         "Melati", "Hijau", "Polos", "Motif"]
BRANDS = ["Sari", "Jaya", "Makmur", "Berkah", "Sentosa", "Mulia", "Abadi", "Rasa", "Nusantara", "Indah"]
SIZES = ["100 g", "250 g", "500 g", "1 kg", "150 ml", "350 ml", "1 L", "isi 10", "isi 25", "S", "M", "L", "XL"]


def shop_path(folder: Path) -> Path:
    return folder / "large-shop.sqlite3"


def large_shop(folder: Path, log: bool = True) -> Path:
    """The cached large shop in `folder`, built first when missing or from an older recipe."""
    folder.mkdir(parents=True, exist_ok=True)
    path = shop_path(folder)
    if path.exists():
        db = open_database(path)
        try:
            if db.scalar("SELECT value FROM settings WHERE key = 'bench_shop'") == mark():  # the bench's own mark
                return path
        finally:
            db.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    if log:
        print(f"building the large shop in {path} (once; cached for later runs)…", flush=True)
    db = open_database(path)
    try:
        build(db)
    finally:
        db.close()
    return path


def build(db: Database) -> None:
    rng = random.Random(2026)
    products = list(_products(rng))
    now = stamp()
    start = datetime.now(UTC) - timedelta(days=DAYS)
    with db.write():
        db.conn.executemany(
            "INSERT INTO products (id, sku, name, barcode, unit, sell_price, cost_price, active, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, 'pcs', ?, ?, 1, ?, ?)",
            [(pid, sku, name, barcode, price, price * 7 // 10, now, now)
             for pid, sku, name, barcode, price in products])
        db.conn.executemany(
            "INSERT INTO stock_movements (id, product_id, kind, quantity, reason, created_at)"
            " VALUES (?, ?, 'opening', ?, 'Opening count', ?)",
            [(new_id(), p[0], OPENING, stamp(start)) for p in products])
        sales, lines, moves = _sales(rng, products, start)
        db.conn.executemany(
            "INSERT INTO sales (id, number, created_at, subtotal, sale_discount, total, payment_method, amount_paid,"
            " change_given, line_count) VALUES (?, ?, ?, ?, 0, ?, ?, ?, 0, ?)", sales)
        db.conn.executemany(
            "INSERT INTO sale_lines (id, sale_id, line_no, product_id, sku, name, quantity, unit_price, line_discount,"
            " line_total) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)", lines)
        db.conn.executemany(
            "INSERT INTO stock_movements (id, product_id, kind, quantity, reference, created_at)"
            " VALUES (?, ?, 'counter_sale', ?, ?, ?)", moves)
    stock_store.rebuild_levels(db)
    with db.write():
        settings_store.put(db, SHOP_NAME, "Toko Grosir Besar")
        db.execute("INSERT INTO settings (key, value) VALUES ('bench_shop', ?)", (mark(),))  # not an app setting
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.execute("ANALYZE")


def _products(rng: random.Random) -> Iterator[tuple[str, str, str, str | None, int]]:
    names = {f"{b} {k} {br} {s}" for b in BASES for k in KINDS for br in BRANDS for s in SIZES}
    for n, name in enumerate(rng.sample(sorted(names), PRODUCTS), start=1):
        barcode = f"899{rng.randrange(10**9, 10**10)}" if rng.random() < 0.6 else None
        yield new_id(), f"{name[:3].upper()}-{n:05d}", name, barcode, rng.randrange(20, 2000) * 500


def _sales(rng: random.Random, products: list[tuple[str, str, str, str | None, int]],
           start: datetime) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[object, ...]]]:
    sales: list[tuple[object, ...]] = []
    lines: list[tuple[object, ...]] = []
    moves: list[tuple[object, ...]] = []
    count = SALE_LINES // LINES_PER_SALE
    per_day: dict[str, int] = {}
    for n in range(count):
        moment = start + timedelta(seconds=DAYS * 86_400 * n / count)
        created = stamp(moment)
        day = moment.strftime("%Y%m%d")
        per_day[day] = per_day.get(day, 0) + 1
        sale_id = new_id()
        total = 0
        for line_no in range(1, LINES_PER_SALE + 1):
            pid, sku, name, _barcode, price = products[rng.randrange(PRODUCTS)]
            qty = rng.choice((1, 1, 1, 2, 3))
            total += qty * price
            lines.append((new_id(), sale_id, line_no, pid, sku, name, qty, price, qty * price))
            moves.append((new_id(), pid, -qty, f"sale:{sale_id}", created))
        method = rng.choice(("tunai", "qris", "transfer"))
        sales.append((sale_id, f"{day}-{per_day[day]:04d}", created, total, total, method, total, LINES_PER_SALE))
    return sales, lines, moves
