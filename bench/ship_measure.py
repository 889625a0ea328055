"""Ship 100 selected orders (20 with --quick) and print their labels, per platform, against the practice marketplace
with a realistic delay on every platform call; timed against the sum of the platform calls the shipment needs.

Value: from "Kirim semua yang dipilih" (`services.shipping.queue_shipments` with pickup, the shop's usual choice) to
one label PDF in hand (`services.label_sheets.label_sheet`, thermal 100×150 mm): the sync rounds that arrange every
order (shipping options, the arrange call, the read-back of the orders), ask for the labels, and fetch them the round
after (the practice platforms make a label `LABEL_DELAY` practice seconds after it is asked for: the clock is moved
on rather than waited for, as a platform's making time is not the app's), then the sheet composed. The rounds also do
their usual work (the order pull, chats, stock), every call of it paying the delay too.

Baseline: the time the practice marketplace spent answering the fulfilment calls of those rounds — the shipping
options, the arrange calls and the label document calls (the first "not ready" asks included) — each with the same
delay, and the download of each label PDF: what any client must spend on the wire to ship these orders one by
one. No target is given: the ratio shows
what the app adds (the read-back, the pull and the rest of a round, its own recording and the PDF).
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.report import Result

if TYPE_CHECKING:  # bench.measures imports this module at its end
    from bench.measures import Setup

PLATFORMS = ("shopee", "tiktok", "lazada")
ORDERS, QUICK_ORDERS = 100, 20
LATENCY = 0.15            # seconds a platform call takes from an Indonesian shop (100–300 ms is usual)
SKU = "BENCH-KARDUS"
STOCK = 10_000
MAX_ROUNDS = 6
# Paths of the calls that ship an order and fetch its label, by platform (the baseline's calls).
FULFILMENT = {"shopee": ("/logistics/",), "tiktok": ("/fulfillment/", "/logistics/"),
              "lazada": ("/order/fulfill/", "/order/package/", "/shipment/providers", "/order/pack", "/order/rts")}


@dataclass
class Calls:
    """(path, seconds) of every platform call the practice marketplace answered."""

    seen: list[tuple[str, float]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self) -> list[tuple[str, float]]:
        with self.lock:
            taken, self.seen = self.seen, []
        return taken


@contextmanager
def timed_market(folder: Path) -> Iterator[tuple[Any, Calls]]:
    """A started PracticeMarketplace in a new folder whose `handle` notes each call's path and time."""
    from companion.practice.server import PracticeMarketplace

    shutil.rmtree(folder, ignore_errors=True)
    market = PracticeMarketplace(folder, port=0)
    calls = Calls()
    inner = market.handle

    def timed(method: str, raw_path: str, body: bytes, headers: dict[str, str]) -> Any:
        start = time.perf_counter()
        try:
            return inner(method, raw_path, body, headers)
        finally:
            with calls.lock:
                calls.seen.append((raw_path.split("?", 1)[0], time.perf_counter() - start))

    market.handle = timed  # type: ignore[method-assign]
    market.start()
    try:
        yield market, calls
    finally:
        market.stop()


def _fulfilment(platform: str, path: str) -> bool:
    """A call the shipment needs: options, arrange, label documents, and the label PDF's own download."""
    return path.endswith(".pdf") or any(p in path for p in FULFILMENT[platform])


def ship_orders(setup: Setup) -> list[Result]:
    """Ship 100 selected orders a platform and print their labels, every call delayed, against the calls' own time."""
    count = QUICK_ORDERS if setup.quick else ORDERS
    return [_measure(setup.work / f"ship-{platform}", platform, count) for platform in PLATFORMS]


def _shop(folder: Path, market: Any, platform: str, count: int) -> tuple[Any, Any, str, list[str]]:
    """A fresh shop file with one product, the platform's practice shop linked, `count` paid orders pulled."""
    import requests

    from companion.connectors.factory import practice_credentials
    from companion.domain.product import ProductInput
    from companion.services.accounts import credentials_for, link_practice_accounts
    from companion.services.products import add_product
    from companion.store import online_orders as order_store
    from companion.store.database import open_database
    from companion.sync.engine import SyncEngine

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "shop.sqlite3"
    db = open_database(path)
    add_product(db, ProductInput(sku=SKU, name="Kardus Kopi 1 dus", sell_price=30_000), STOCK)
    admin = market.base_urls["admin"]
    requests.post(admin + "/listings", json={"platform": platform, "name": "Kardus Kopi 1 dus", "seller_sku": SKU,
                                            "price": 30_000, "stock": STOCK}, timeout=10).raise_for_status()
    refs = [str(requests.post(admin + "/orders", json={"platform": platform, "buyer": n % 7, "lines": [
        {"seller_sku": SKU, "quantity": 1}]}, timeout=10).json()["ref"]) for n in range(count)]
    practice = practice_credentials(market.credentials(), market.base_urls)
    (account_id,), _ = link_practice_accounts(db, {platform: practice[platform]})
    sync = SyncEngine(path, lambda row: credentials_for(row, practice))
    sync.sync_once()   # the orders pulled, the listings read: the shop as the packer finds it
    found = order_store.by_platform_ids(db, account_id, refs)
    return db, sync, account_id, [found[r].id for r in refs if r in found]


def _measure(folder: Path, platform: str, count: int) -> Result:
    from companion.domain.fulfilment import ShipChoice, ShipMethod
    from companion.practice.faults import FaultPlan
    from companion.practice.fulfilment import LABEL_DELAY
    from companion.services.label_sheets import SheetLayout, label_sheet
    from companion.services.shipping import queue_shipments
    from companion.services.shipping_labels import label_file

    shutil.rmtree(folder, ignore_errors=True)   # every run starts from a fresh shop and a fresh marketplace
    with timed_market(folder / "practice") as (market, calls):
        db, sync, account_id, ids = _shop(folder, market, platform, count)
        if len(ids) != count:
            raise RuntimeError(f"{platform}: {len(ids)} of {count} orders pulled")
        market.faults.configure(FaultPlan({platform: {"slow": 1.0}}, slow_seconds=LATENCY))
        calls.take()
        start = time.perf_counter()
        queue_shipments(db, ids, {account_id: ShipChoice(ShipMethod.PICKUP)})
        for _ in range(MAX_ROUNDS):
            sync.sync_once()
            if all(label_file(db, order_id) is not None for order_id in ids):
                break
            market.advance_clock(LABEL_DELAY)   # the platform's making time, not waited for
        sheet = label_sheet(db, ids, SheetLayout.THERMAL)
        elapsed = time.perf_counter() - start
        needed = sum(seconds for path, seconds in calls.take() if _fulfilment(platform, path))
        db.close()
    if sheet.unprinted or sheet.pages != count:
        raise RuntimeError(f"{platform}: {sheet.pages} label pages of {count}")
    return Result(f"ship {count} orders and print their labels ({platform}, {LATENCY * 1000:.0f} ms a call)",
                  elapsed, "s", needed)
