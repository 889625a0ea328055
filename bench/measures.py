"""The measures: each a function taking the run's Setup and returning Results. Add new ones to MEASURES."""

from __future__ import annotations

import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.report import Result


@dataclass(frozen=True)
class Setup:
    shop: Path  # the cached large shop (never written by measures)
    work: Path  # scratch folder beside it, for copies and baseline files
    quick: bool


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: the value below which `pct` percent of the samples fall."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def scratch_copy(setup: Setup, name: str) -> Path:
    """A private copy of the large shop, so a measure that writes leaves the cache as built."""
    target = setup.work / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(setup.shop, target)
    return target


# --- (1) main window ready -----------------------------------------------------------------------

def _child_seconds(mode: str, data_dir: Path) -> float:
    """Wall time from spawning a fresh Python until the child says its window is painted. The app's child goes on
    with the rest of its start (practice mode, the start-up backup of a 270 MB file): nobody waits for that, so it is
    stopped at "ready" like the bare one, which ends itself there."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bench.window_child", mode, str(data_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            cwd=Path(__file__).resolve().parent.parent)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - start
    proc.kill()
    proc.wait(timeout=60)
    if line.strip() != "ready":
        raise RuntimeError(f"window child ({mode}) did not start: {line!r}")
    return elapsed


def window_ready(setup: Setup) -> list[Result]:
    """The app's real start (`companion --exit-when-ready` on a copy of the large shop) until its window has painted,
    against a bare PySide6 window painted once; runs alternate to share the noise (bench/window_child.py)."""
    data_dir = setup.work / "window-shop"
    shutil.rmtree(data_dir, ignore_errors=True)  # no backups, practice book or logs left by an earlier run
    data_dir.mkdir()
    scratch_copy(setup, "window-shop.sqlite3").replace(data_dir / "companion.sqlite3")
    runs = 2 if setup.quick else 5
    _compile_package()
    _child_seconds("bare", data_dir)  # warm the disk cache for both sides
    _child_seconds("app", data_dir)
    app: list[float] = []
    bare: list[float] = []
    for _ in range(runs):
        app.append(_child_seconds("app", data_dir) * 1000)
        bare.append(_child_seconds("bare", data_dir) * 1000)
    return [Result(f"main window ready, the app's own start (median of {runs})", statistics.median(app), "ms",
                   statistics.median(bare), target_ratio=1.5)]


def _compile_package() -> None:
    """Byte-compile the app as an installed (or frozen) copy is: with PYTHONDONTWRITEBYTECODE set, as on
    these machines, every start would otherwise compile every module from source, which PySide's own
    (pre-compiled) modules never pay."""
    import compileall

    compileall.compile_dir(str(Path(__file__).resolve().parent.parent / "companion"), quiet=1)


# --- (2) record a sale ---------------------------------------------------------------------------

class _RawCommits:
    """The baseline: one single-row INSERT committed on a bare WAL + synchronous=FULL file."""

    def __init__(self, path: Path) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        self.conn = sqlite3.connect(str(path), isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")

    def commit_ms(self) -> float:
        start = time.perf_counter()
        self.conn.execute("BEGIN")
        self.conn.execute("INSERT INTO t (v) VALUES (?)", ("one row",))
        self.conn.execute("COMMIT")
        return (time.perf_counter() - start) * 1000


def record_sale_latency(setup: Setup) -> list[Result]:
    """Sales and baseline commits alternate, so both meet the same disk weather (other programs, flushes).

    The sales connection is set up as the app's counter connection is (no checkpoint on commit), and a
    second thread checkpoints every second, as the app's background timer does, so its cost is counted
    as contention rather than hidden.
    """
    from companion.domain.sale import LineInput, PaymentMethod
    from companion.services.sales import record_sale
    from companion.store.database import open_database

    n = 60 if setup.quick else 300
    warm = 10
    path = scratch_copy(setup, "sale-shop.sqlite3")
    db = open_database(path)
    db.defer_checkpoints()
    stop = threading.Event()
    checkpointer = threading.Thread(target=_checkpoint_every_second, args=(path, stop), daemon=True)
    checkpointer.start()
    raw = _RawCommits(setup.work / "raw-commit.sqlite3")
    rng = random.Random(7)
    products = [(r["id"], r["sell_price"]) for r in db.query("SELECT id, sell_price FROM products")]
    ours: list[float] = []
    base: list[float] = []
    for _ in range(n + warm):
        cart = [LineInput(pid, rng.choice((1, 2)), price) for pid, price in rng.sample(products, rng.randint(1, 3))]
        start = time.perf_counter()
        record_sale(db, cart, PaymentMethod.QRIS)
        ours.append((time.perf_counter() - start) * 1000)
        base.append(raw.commit_ms())
    stop.set()
    checkpointer.join()
    db.close()
    raw.conn.close()
    ours, base = ours[warm:], base[warm:]
    return [
        Result(f"record sale p50 ({n} sales)", percentile(ours, 50), "ms", percentile(base, 50)),
        Result(f"record sale p95 ({n} sales)", percentile(ours, 95), "ms", percentile(base, 95), target_ratio=2.5),
        # issue 21 asks for the p99 to be reported, with no target: at 300 sales it is the third-slowest sale
        Result(f"record sale p99 ({n} sales)", percentile(ours, 99), "ms", percentile(base, 99)),
    ]


def _checkpoint_every_second(path: Path, stop: threading.Event) -> None:
    from companion.store.database import open_database

    db = open_database(path)
    while not stop.wait(1.0):
        db.checkpoint()
    db.close()


# --- (3) product search as you type --------------------------------------------------------------

TYPED = ["kopi", "keripik", "sambal", "teh", "kaos", "madu", "arabika", "899"]


def _prefixes() -> list[str]:
    return [word[:n] for word in TYPED for n in range(1, len(word) + 1)]


def search_as_you_type(setup: Setup) -> list[Result]:
    """Typing a product name into the counter's search, one key at a time, against the same SQL run raw."""
    from companion.store import products as product_store
    from companion.store.database import open_database

    rounds = 2 if setup.quick else 5
    db = open_database(setup.shop)
    count = int(db.scalar("SELECT COUNT(*) FROM products") or 0)
    ours: list[float] = []
    raw: list[float] = []
    for _ in range(rounds):
        for text in _prefixes():
            start = time.perf_counter()
            product_store.search(db, text)
            ours.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            db.query("SELECT id, sku, name, sell_price FROM products WHERE name LIKE ? LIMIT 50", (f"%{text}%",))
            raw.append((time.perf_counter() - start) * 1000)
    db.close()
    return [Result(f"product search p95 ({count:,} products, {len(ours)} keystrokes)", percentile(ours, 95), "ms",
                   percentile(raw, 95), target=30.0)]


# --- (4) and (5) marketplace sync against the practice marketplace ----------------------------------------

def pull_orders(setup: Setup) -> list[Result]:
    """A first sync round bringing in 10 000 Shopee orders (2 000 with --quick) against the plain concurrent
    downloader (the same slices, pages and detail batches, paced by the same call-limit rule), on loopback and
    with 150 ± 50 ms a call; see bench/online_sync.py."""
    from bench import online_sync

    return online_sync.pull_orders(setup.work, setup.quick)


def stock_push(setup: Setup) -> list[Result]:
    """One sync round pushing 5 000 Shopee stock numbers (1 000 with --quick) against the same update_stock
    bodies sent with plain requests; reported without a target."""
    from bench import online_sync

    return online_sync.push_stock(setup.work, setup.quick)


MEASURES: list[Callable[[Setup], list[Result]]] = [window_ready, record_sale_latency, search_as_you_type,
                                                   pull_orders, stock_push]
from bench.inbox_measures import inbox_reads  # noqa: E402  (the inbox measure lives in its own file)

MEASURES.append(inbox_reads)

from bench.order_import_measure import order_import  # noqa: E402  (the order-file import measure lives in its own file)

MEASURES.append(order_import)

from bench.packaging_measures import packaging  # noqa: E402  (the packaged app's size and start, in its own file)

MEASURES.append(packaging)

from bench.app_measures import idle_cpu, inbox_latency, peak_memory  # noqa: E402  (the whole app in a child process)

MEASURES.append(idle_cpu)
MEASURES.append(peak_memory)
MEASURES.append(inbox_latency)

from bench.refresh_measure import gui_refresh  # noqa: E402  (the GUI's refresh after a busy round, in its own file)

MEASURES.append(gui_refresh)

from bench.import_under_load import import_under_load  # noqa: E402  (the counter beside a long import, in its own file)

MEASURES.append(import_under_load)

from bench.ship_measure import ship_orders  # noqa: E402  (shipping a batch and its labels, in its own file)

MEASURES.append(ship_orders)

from bench.reviews_measure import review_reads  # noqa: E402  (the Ulasan view's reads, in its own file)

MEASURES.append(review_reads)

from bench.hub_measure import hub_sync  # noqa: E402  (laptops syncing through a PostgreSQL hub, in its own file)

MEASURES.append(hub_sync)
