"""Backups: the last 14 backups of a changing shop each restore into a fresh data folder, pass the integrity
check and `companion doctor`, and hold exactly the sales (and stock) the shop had when each was made.

Backups are made with the app's own `make_backup` (the function the start-up and daily backups call), so their
names, checks and the rotation to the newest 14 are the real ones; between two backups the shop sells, voids,
counts stock and takes online orders. Restores use the app's `restore`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.reliability.trials import Trial
from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.domain.marketplace import Order, OrderLine, OrderStatus
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.services.accounts import link_practice_accounts
from companion.services.online_orders import apply_orders
from companion.services.products import add_product
from companion.services.sales import record_sale, void_sale
from companion.services.stock import count_stock
from companion.store import backup
from companion.store.database import Database, open_database
from companion.store.location import db_path

AREA = "backups"
ROOT = Path(__file__).resolve().parents[2]
SKUS = ("BK-KOPI", "BK-TEH", "BK-GULA", "BK-MIE")


@dataclass
class Snapshot:
    """What the shop held when a backup was made."""

    path: Path
    sales: frozenset[str]
    voided: frozenset[str]
    on_hand: dict[str, int]
    orders: int


def _shape(db: Database) -> tuple[frozenset[str], frozenset[str], dict[str, int], int]:
    sales = frozenset(r[0] for r in db.query("SELECT id FROM sales"))
    voided = frozenset(r[0] for r in db.query("SELECT sale_id FROM sale_voids"))
    levels = {r[0]: r[1] for r in db.query(
        "SELECT p.sku, COALESCE(l.on_hand, 0) FROM products p LEFT JOIN stock_levels l ON l.product_id = p.id")}
    return sales, voided, levels, int(db.scalar("SELECT COUNT(*) FROM online_orders"))


def _busy_day(db: Database, products: list[str], account: str, day: int) -> None:
    """A day of trade between two backups: sales, a void, a stock count, online orders."""
    sold = [record_sale(db, [LineInput(products[(day + i) % 4], 1 + i % 2, 5_000)], PaymentMethod.QRIS).sale_id
            for i in range(3)]
    if day % 3 == 0:
        void_sale(db, sold[0], "salah input")
    if day % 4 == 1:
        count_stock(db, {products[day % 4]: 200 + day}, "opname")
    moment = datetime(2026, 11, 1, 3, tzinfo=UTC) + timedelta(days=day)
    order = Order("shopee", f"BK{day:04d}", "PAID", OrderStatus.PAID, moment, moment, moment + timedelta(days=2),
                  "budi", (OrderLine("1:0", "100", "0", SKUS[day % 4], "Barang", 1, 5_000),))
    apply_orders(db, account, [order])


def _make_history(folder: Path, count: int) -> list[Snapshot]:
    db = open_database(db_path(folder))
    try:
        products = [add_product(db, ProductInput(sku=s, name=f"Barang {s}", sell_price=5_000), 500)[0] for s in SKUS]
        ids, _ = link_practice_accounts(db, {"shopee": ShopeeCredentials(1, "k", 2, base_url="http://127.0.0.1:1")})
        snaps: list[Snapshot] = []
        for day in range(count):
            _busy_day(db, products, ids[0], day)
            path = backup.make_backup(folder)
            snaps.append(Snapshot(path, *_shape(db)))
    finally:
        db.close()
    return snaps


def _doctor(folder: Path) -> tuple[int, str]:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "bench.reliability.null_keyring.NullKeyring",
           "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "companion", "--lang", "en", "doctor", "--data-dir", str(folder)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False)
    return done.returncode, done.stdout + done.stderr


def _restore_and_check(snap: Snapshot, fresh: Path) -> list[str]:
    """Every way this restore fell short (empty when it held)."""
    fresh.mkdir(parents=True)
    backup.restore(fresh, snap.path)
    problems: list[str] = []
    db = Database(db_path(fresh))
    try:
        if db.scalar("PRAGMA integrity_check") != "ok":
            problems.append("integrity_check failed")
        sales, voided, levels, orders = _shape(db)
    finally:
        db.close()
    if sales != snap.sales:
        problems.append(f"{len(sales - snap.sales)} sales too many, {len(snap.sales - sales)} missing")
    if voided != snap.voided or levels != snap.on_hand or orders != snap.orders:
        problems.append(f"voids/stock/orders differ: {len(voided)}/{levels}/{orders}")
    code, out = _doctor(fresh)
    if code != 0 or "[X ]" in out or "checks failed" in out:
        problems.append(f"doctor exit {code}: {out.strip().splitlines()[-1:]}")
    return problems


def run(quick: bool, work: Path) -> list[Trial]:
    made = 16 if quick else 30
    folder = work / "backups-shop"
    folder.mkdir(parents=True)
    snaps = _make_history(folder, made)
    kept = backup.list_backups(folder)
    names = [i.path.name for i in kept]
    newest = [s.path.name for s in reversed(snaps[-backup.KEEP:])]
    rotation = Trial(AREA, "rotation keeps the newest 14 backups", 1, int(names == newest and len(names) >= 14),
                     f"{made} made, {len(names)} kept (KEEP = {backup.KEEP})",
                     [] if names == newest else [f"kept {names}"])
    restored = Trial(AREA, "restore each of the last 14: integrity, doctor, exact sales and stock", 0, 0,
                     f"backups with {len(snaps[-14].sales)}..{len(snaps[-1].sales)} sales")
    for n, snap in enumerate(snaps[-backup.KEEP:]):
        restored.tried += 1
        problems = _restore_and_check(snap, work / f"restored-{n}")
        restored.held += not problems
        restored.failures += [f"{snap.path.name}: {p}" for p in problems]
    return [rotation, _days_covered(work / "daily-shop"), restored, _restore_over_live(folder, snaps)]


def _days_covered(folder: Path) -> Trial:
    """14 daily backups under the names the daily backup gives them, then 3 starts of the app today.

    Start-up backups must not push out the oldest days: the newest backup of each of the last 14 days stays.
    """
    folder.mkdir(parents=True)
    db = open_database(db_path(folder))
    try:
        add_product(db, ProductInput(sku="BK-DAY", name="Barang harian", sell_price=5_000), 10)
    finally:
        db.close()
    today = datetime.now(UTC)
    for days_ago in range(14, 0, -1):
        moment = today - timedelta(days=days_ago)
        name = f"{backup.PREFIX}{moment.strftime('%Y%m%d-%H%M%S-%f')}{backup.SUFFIX}"
        backup.make_backup(folder, to=backup.backup_dir(folder) / name)
    for _ in range(3):
        backup.make_backup(folder)  # what each start of the app does
    kept = backup.list_backups(folder)
    days = len({i.time.date() for i in kept})
    return Trial(AREA, "14 daily backups, then 3 app starts today: all 14 days still covered", 1,
                 int(len(kept) >= 14 and days >= 14), f"{len(kept)} kept, covering {days} different days")


def _restore_over_live(folder: Path, snaps: list[Snapshot]) -> Trial:
    """The way a shop uses it: restore an older backup over the live data; the data from before is kept aside."""
    trial = Trial(AREA, "restore over the live data keeps the data from before", 0, 0)
    live_sales = _shape_of(db_path(folder))[0]
    for snap in (snaps[-backup.KEEP], snaps[-2]):
        trial.tried += 1
        kept = backup.restore(folder, snap.path)
        now_sales = _shape_of(db_path(folder))[0]
        before_sales = _shape_of(kept)[0] if kept is not None else frozenset()
        ok = now_sales == snap.sales and before_sales == live_sales
        trial.held += ok
        if not ok:
            trial.failures.append(f"{snap.path.name}: restored {len(now_sales)} sales, kept {len(before_sales)}")
        live_sales = now_sales
    trial.detail = f"{len(backup.list_backups(folder))} files in backups/ after 2 restores"
    return trial


def _shape_of(path: Path) -> tuple[frozenset[str], frozenset[str], dict[str, int], int]:
    db = Database(path)
    try:
        return _shape(db)
    finally:
        db.close()
