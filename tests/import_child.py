"""The counter beside a long import: the child process (`python tests/import_child.py DATA_DIR FILE`) and the
parent's side, shared by tests/test_import_beside_counter.py and bench/import_under_load.py.

The child imports an order export into the shop in DATA_DIR as `companion import` does (sharing the data folder,
`read_order_file` then `import_parsed`), saying "read N" once the file is parsed, "saved DONE TOTAL" after each
page and "done NEW" at the end. Meanwhile the parent (`counter_beside_import`) is the running app: it records a
counter sale every 100 ms on its own connection and opens a fresh one now and then (the app starting), and keeps
every sale's wait and every refusal.
"""

from __future__ import annotations

import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from companion.domain.sale import LineInput, PaymentMethod
from companion.services.order_import import import_parsed, read_order_file
from companion.services.sales import record_sale
from companion.store import folder_lock
from companion.store.database import Database, open_database
from companion.store.location import db_path

REPO = Path(__file__).resolve().parent.parent
TICK = 0.1  # seconds between counter sales, as the issue asks
OPEN_EVERY = 20  # ticks between fresh connections (the app starting), besides the first tick of the writing


@dataclass
class Sale:
    sale_id: str
    wait_ms: float  # the whole of record_sale: its turn, the lock, the commit
    while_writing: bool  # started after the import's first page and before its end
    quantities: dict[str, int]  # product id -> quantity sold


@dataclass
class CounterRun:
    sales: list[Sale] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # what record_sale or opening raised, one line each
    opens: int = 0
    opens_while_writing: int = 0
    child_lines: list[str] = field(default_factory=list)
    child_code: int | None = None

    @property
    def saved_orders(self) -> int | None:
        """The new orders the child said it saved, None when it never finished."""
        done = [line.split()[1] for line in self.child_lines if line.startswith("done ")]
        return int(done[0]) if done else None

    @property
    def pages(self) -> int:
        return sum(line.startswith("saved ") for line in self.child_lines)

    def waits(self, while_writing: bool | None = None) -> list[float]:
        return [s.wait_ms for s in self.sales if while_writing is None or s.while_writing == while_writing]


class _ChildWatch:
    """The child's output read continuously on a thread; `writing` once its first page is saved, `finished` once
    its output ends (it exited)."""

    def __init__(self, child: subprocess.Popen[str], lines: list[str]) -> None:
        self.writing = threading.Event()
        self.finished = threading.Event()
        self._child = child
        self._lines = lines
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self._child.stdout is not None
        for line in self._child.stdout:
            self._lines.append(line.rstrip("\n"))
            if line.startswith("saved "):
                self.writing.set()
        self.finished.set()

    def join(self) -> None:
        self._thread.join(timeout=60)


def start_import(data_dir: Path, export: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(Path(__file__).resolve()), str(data_dir), str(export)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO)


def counter_sale(db: Database, run: CounterRun, products: list[tuple[str, int]], rng: random.Random,
                  while_writing: bool) -> None:
    """One counter sale of one or two products, timed; a refusal is kept, never raised."""
    picked = rng.sample(products, rng.randint(1, min(2, len(products))))
    cart = [LineInput(pid, rng.randint(1, 2), price) for pid, price in picked]
    start = time.perf_counter()
    try:
        result = record_sale(db, cart, PaymentMethod.QRIS)
    except Exception as exc:  # a refused sale is what is being looked for: kept, never raised
        run.refused.append(f"sale: {type(exc).__name__}: {exc}")
        return
    run.sales.append(Sale(result.sale_id, (time.perf_counter() - start) * 1000, while_writing,
                          {line.product_id: line.quantity for line in cart}))


def _open_fresh(path: Path, run: CounterRun, while_writing: bool) -> None:
    """The app starting on the file: open (migrations checked) and close again."""
    try:
        open_database(path).close()
    except Exception as exc:  # a refused start: kept, never raised
        run.refused.append(f"open: {type(exc).__name__}: {exc}")
        return
    run.opens += 1
    run.opens_while_writing += while_writing


def counter_beside_import(data_dir: Path, export: Path, products: list[tuple[str, int]], seed: int = 13,
                          timeout: float = 600.0) -> CounterRun:
    """Sales every TICK for as long as an import of `export` runs in another process (the folder shared as the
    app shares it); the child is killed if it outlives `timeout`."""
    run = CounterRun()
    rng = random.Random(seed)
    path = db_path(data_dir)
    with folder_lock.shared(data_dir, folder_lock.APP):
        db = open_database(path)
        db.defer_checkpoints()  # as the app's own connection (gui/context.py)
        child = start_import(data_dir, export)
        watch = _ChildWatch(child, run.child_lines)
        try:
            _sell_until_done(db, path, run, products, rng, watch, time.monotonic() + timeout)
        finally:
            if not watch.finished.is_set():  # the deadline passed, or the counter itself broke
                child.kill()
            run.child_code = child.wait(timeout=60)
            watch.join()
            db.close()
    return run


def _sell_until_done(db: Database, path: Path, run: CounterRun, products: list[tuple[str, int]],
                     rng: random.Random, watch: _ChildWatch, deadline: float) -> None:
    tick = 0
    opened_while_writing = False
    next_at = time.monotonic()
    while not watch.finished.is_set() and time.monotonic() < deadline:
        writing = watch.writing.is_set()
        counter_sale(db, run, products, rng, writing)
        if (writing and not opened_while_writing) or tick % OPEN_EVERY == 0:
            _open_fresh(path, run, writing)
            opened_while_writing = opened_while_writing or writing
        tick += 1
        next_at += TICK
        time.sleep(max(0.0, next_at - time.monotonic()))


def quiet_sales(data_dir: Path, products: list[tuple[str, int]], count: int, seed: int = 31) -> list[float]:
    """The same sales on the same file with nothing else running: each one's wait in ms."""
    run = CounterRun()
    rng = random.Random(seed)
    db = open_database(db_path(data_dir))
    db.defer_checkpoints()
    try:
        for _ in range(count):
            counter_sale(db, run, products, rng, False)
            time.sleep(TICK)
    finally:
        db.close()
    if run.refused:
        raise RuntimeError(run.refused[0])
    return run.waits()


def main(data_dir: Path, export: Path) -> int:
    """The import, as `companion import FILE` runs it, telling the parent how far it is."""
    with folder_lock.shared(data_dir, "companion import"):
        db = open_database(db_path(data_dir))
        try:
            parsed = read_order_file(export)
            print(f"read {len(parsed.orders)}", flush=True)

            def page_saved(done: int, total: int) -> bool:
                print(f"saved {done} {total}", flush=True)
                return True

            preview, _ = import_parsed(db, parsed, page_saved)
        finally:
            db.close()
    print(f"done {preview.orders_new}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
