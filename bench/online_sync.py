"""Marketplace sync against the practice marketplace: pulling many orders, pushing many stock numbers.

Both sides of each measure talk to the same in-process practice marketplace over real HTTP, so its own
handling time is in the value and the baseline alike; it is counted separately (`server`) and printed, so a
reader can see how much of each number is the server's. Nothing here touches the cached large shop: every
run builds a fresh shop file and a fresh practice record under `setup.work`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from bench.report import Result

PLATFORM = "shopee"
MODELS_PER_ITEM = 50      # Shopee update_stock takes ≤ 50 models of ONE item per call
ORDER_PAGE = 100          # the connector's get_order_list page size
DETAIL_BATCH = 50         # get_order_detail: ≤ 50 order_sn per call
DETAIL_FIELDS = "buyer_username,item_list,pay_time"
LOCAL_STOCK = 100_000     # the most a stocktake accepts; practice listings show the same, so nothing differs
PULL_LISTINGS = 200       # 4 items × 50 models carry the orders
TIMEOUT = (5.0, 60.0)


# --- a practice marketplace with a stopwatch on its own handling --------------------------------------------

@dataclass
class ServerClock:
    """Wall time the practice marketplace spent answering (summed over requests), and how many it answered."""

    seconds: float = 0.0
    calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> tuple[float, int]:
        with self.lock:
            taken = (self.seconds, self.calls)
            self.seconds, self.calls = 0.0, 0
        return taken


@contextmanager
def practice_market(folder: Path, network: Any = None) -> Iterator[tuple[Any, ServerClock]]:
    """A started PracticeMarketplace in a new folder, its `handle` timed (instance attribute, no code change);
    `network`: its practice/network.NetworkConfig (latency, the platforms' call limits: on by default)."""
    from companion.practice.server import PracticeMarketplace

    shutil.rmtree(folder, ignore_errors=True)
    market = PracticeMarketplace(folder, port=0, network=network)
    clock = ServerClock()
    inner = market.handle

    def timed(method: str, raw_path: str, body: bytes, headers: dict[str, str]) -> Any:
        start = time.perf_counter()
        try:
            return inner(method, raw_path, body, headers)
        finally:
            with clock.lock:
                clock.seconds += time.perf_counter() - start
                clock.calls += 1

    market.handle = timed  # type: ignore[method-assign]
    market.start()
    try:
        yield market, clock
    finally:
        market.stop()


def add_listings(market: Any, count: int, stock: int, prefix: str) -> list[dict[str, Any]]:
    """`count` Shopee listings as items of MODELS_PER_ITEM variants, written into the practice record in one
    transaction (the admin API would take one request and one commit each)."""
    state = market.state
    now = int(state.now())
    rows = []
    with state.tx() as c:
        item_id = ""
        for n in range(count):
            if n % MODELS_PER_ITEM == 0:
                item_id = str(state.next_number(c, PLATFORM, "item"))
            model_id = str(state.next_number(c, PLATFORM, "model"))
            sku = f"{prefix}-{n:05d}"
            rows.append((PLATFORM, item_id, model_id, f"Barang Bench {item_id}", f"Varian {n % MODELS_PER_ITEM:02d}",
                         f"{prefix}-ITEM-{item_id}", sku, 10_000 + n % 7 * 500, stock, now))
        c.executemany("INSERT INTO listings (platform, item_id, model_id, name, model_name, item_sku, seller_sku,"
                      " price, stock, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return [x for x in state.listings(PLATFORM) if x["seller_sku"].startswith(prefix + "-")]


def add_paid_orders(market: Any, listings: list[dict[str, Any]], count: int, rng: random.Random) -> None:
    """`count` paid (READY_TO_SHIP) orders of 1–3 lines, updated over the last two days, written straight into
    the practice record (admin API: one HTTP call and one commit per order). Listing stock is left as is."""
    from companion.connectors.shopee.practice import order_sn
    from companion.practice.buyers import buyer_id
    from companion.practice.catalogue import BUYER_NAMES

    state = market.state
    now = int(state.now())
    with state.tx() as c:
        # The practice record has no index on order_lines(order_id) and reads every order's lines for every
        # get_order_list page: without it one page of 10 000 orders takes seconds, on both sides alike.
        c.execute("CREATE INDEX IF NOT EXISTS bench_order_lines_order ON order_lines(order_id)")
        for n in range(count):
            updated = now - 120 - (count - n) * (2 * 86_400 // count)
            number = state.next_number(c, PLATFORM, "order")
            ref = order_sn(number, updated)
            buyer = n % len(BUYER_NAMES)
            cur = c.execute(
                "INSERT INTO orders (platform, ref, status, buyer_id, buyer_name, create_time, update_time, ship_by)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (PLATFORM, ref, state.channel(PLATFORM).statuses.open,
                                                     buyer_id(state, PLATFORM, buyer),
                                                     BUYER_NAMES[buyer], updated, updated, updated + 2 * 86_400))
            c.executemany(
                "INSERT INTO order_lines (order_id, listing_id, item_id, model_id, name, model_name, item_sku,"
                " seller_sku, quantity, price) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(cur.lastrowid, x["id"], x["item_id"], x["model_id"], x["name"], x["model_name"], x["item_sku"],
                  x["seller_sku"], rng.choice((1, 1, 2)), x["price"])
                 for x in rng.sample(listings, rng.choice((1, 1, 2, 3)))])


# --- the shop side -------------------------------------------------------------------------------------------

@dataclass
class Shop:
    db: Any  # companion.store.database.Database
    path: Path
    account_id: str
    practice: dict[str, Any]  # channel → Credentials
    product_ids: dict[str, str]  # seller SKU → product id


def fresh_shop(folder: Path, market: Any, listings: list[dict[str, Any]]) -> Shop:
    """A new shop file with one product per listing (same SKU), the practice Shopee shop linked, every listing
    stored and mapped (by SKU), counted at LOCAL_STOCK; nothing is left waiting to be pushed."""
    from companion.connectors.factory import practice_credentials
    from companion.domain.clock import stamp
    from companion.domain.ids import new_id
    from companion.domain.marketplace import Listing
    from companion.services import mapping, online_stock
    from companion.services.accounts import link_practice_accounts
    from companion.services.stock import count_stock
    from companion.store.database import open_database

    path = folder / "shop.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = open_database(path)
    now = stamp()
    ids = {x["seller_sku"]: new_id() for x in listings}
    with db.write():  # products as an import would leave them; stock goes through the stocktake service below
        db.conn.executemany(
            "INSERT INTO products (id, sku, name, variant_name, unit, sell_price, active, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, 'pcs', ?, 1, ?, ?)",
            [(ids[x["seller_sku"]], x["seller_sku"], x["name"], x["model_name"], x["price"], now, now)
             for x in listings])
    count_stock(db, dict.fromkeys(ids.values(), LOCAL_STOCK), "bench")
    practice = practice_credentials(market.credentials(), market.base_urls)
    (account_id,), _ = link_practice_accounts(db, {PLATFORM: practice[PLATFORM]})
    mapping.store_listings(db, account_id, [
        Listing(x["item_id"], x["model_id"], x["seller_sku"], x["name"], x["model_name"], int(x["stock"]))
        for x in listings])
    online_stock.mark_delivered(db, online_stock.pending_entry_ids(db))
    return Shop(db, path, account_id, practice, ids)


def engine_for(shop: Shop) -> Any:
    from companion.services.accounts import credentials_for
    from companion.sync.engine import SyncEngine

    return SyncEngine(shop.path, lambda row: credentials_for(row, shop.practice))


# --- the baseline: plain requests, signed here ------------------------------------------------------------------

class PlainShopee:
    """A few lines of Shopee v2 signing over a requests.Session: no records, no database."""

    def __init__(self, credentials: Any) -> None:
        self.c = credentials
        self.session = requests.Session()

    def _query(self, path: str) -> list[tuple[str, str]]:
        ts = str(int(time.time()))
        base = f"{self.c.partner_id}{path}{ts}{self.c.access_token}{self.c.shop_id}"
        sign = hmac.new(self.c.partner_key.encode(), base.encode(), hashlib.sha256).hexdigest()
        return [("partner_id", str(self.c.partner_id)), ("timestamp", ts), ("access_token", self.c.access_token),
                ("shop_id", str(self.c.shop_id)), ("sign", sign)]

    def get(self, path: str, params: list[tuple[str, str]]) -> Any:
        """One GET, paced as every connector call is (the same client-side rule under Shopee's call limit)."""
        from companion.connectors.call_pacing import pace

        pace(PLATFORM, str(self.c.partner_id), str(self.c.shop_id), path)
        r = self.session.get(self.c.base_url + path, params=self._query(path) + params, timeout=TIMEOUT)
        return r.json()

    def post(self, path: str, body: dict[str, Any]) -> bytes:
        """One POST, paced as `get` (a plain client must keep the shop's call limit too)."""
        from companion.connectors.call_pacing import pace

        pace(PLATFORM, str(self.c.partner_id), str(self.c.shop_id), path)
        data = json.dumps(body, separators=(",", ":")).encode()
        r = self.session.post(self.c.base_url + path, params=self._query(path), data=data, timeout=TIMEOUT,
                              headers={"Content-Type": "application/json"})
        return r.content


def download_slice(credentials: Any, time_from: int, time_to: int) -> set[str]:
    """One slice's pages as the connector asks for them (list of 100, then its details by 50), on this thread's
    own session; JSON-decoded only to find the next ones. The order numbers seen."""
    plain = PlainShopee(credentials)
    cursor, seen = "", set()
    while True:
        params = [("time_range_field", "update_time"), ("time_from", str(time_from)), ("time_to", str(time_to)),
                  ("page_size", str(ORDER_PAGE)), ("response_optional_fields", "order_status")]
        if cursor:
            params.append(("cursor", cursor))
        page = plain.get("/api/v2/order/get_order_list", params)["response"]
        sns = [o["order_sn"] for o in page["order_list"]]
        for start in range(0, len(sns), DETAIL_BATCH):
            plain.get("/api/v2/order/get_order_detail", [("order_sn_list", ",".join(sns[start:start + DETAIL_BATCH])),
                                                         ("response_optional_fields", DETAIL_FIELDS)])
        seen.update(sns)
        if not (page["more"] and page["next_cursor"]):
            return seen
        cursor = page["next_cursor"]


def download_orders(credentials: Any, updated_from: datetime, updated_to: datetime) -> tuple[int, int]:
    """The plain concurrent downloader: the engine's time slices of the window (sync/order_walk.new_plan), as many
    walked at once as the engine walks (order_walk.WORKERS: more only wait for the call limit's pace), each call
    paced by the same rule. (distinct orders seen, concurrency used)."""
    from concurrent.futures import ThreadPoolExecutor

    from companion.sync.order_walk import WORKERS, new_plan

    slices = [(int(x.start.timestamp()), int(x.end.timestamp())) for x in new_plan(updated_from, updated_to).slices]
    workers = min(WORKERS, len(slices))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        seen: set[str] = set().union(*pool.map(lambda x: download_slice(credentials, *x), slices))
    return len(seen), workers


# --- (4) pull 10 000 orders ------------------------------------------------------------------------------------

LATENCY_MS, JITTER_MS = 150.0, 50.0   # the "real network" row: every practice call answered after 150 ± 50 ms


def pull_orders(work: Path, quick: bool) -> list[Result]:
    """A first sync round (fresh shop file, empty order record) against the plain concurrent downloader, twice:
    on loopback and with every practice call answered after 150 ± 50 ms. The practice marketplace enforces
    Shopee's call limit (our 10 a second guess: connectors/shopee/call_limit.py) in both; both sides pace by it.
    A third time on loopback with no limit at all (neither side paces), reported without a target: what is left
    is the app's own work (recording, mapping) against a download that records nothing.

    The round also reads the listings, chats, returns and reviews and pushes the stock of the listings the orders
    took (~20 calls): they are part of a real first round and stay in the value.
    """
    from companion.connectors import call_pacing
    from companion.practice.network import NetworkConfig

    count = 2_000 if quick else 10_000
    rows: list[Result] = []
    for n, (label, network, target) in enumerate((
            ("loopback", NetworkConfig(), 1.5),
            (f"{LATENCY_MS:.0f} ± {JITTER_MS:.0f} ms a call",
             NetworkConfig(latency_ms=LATENCY_MS, jitter_ms=JITTER_MS, seed=21), 1.2),
            ("loopback, no call limit: the app's own work", NetworkConfig(limits=False, limits_off_for="app-work"),
             None))):
        # a folder each: the engine's thread keeps its connection to a shop file path (store.thread_database)
        call_pacing.set_enabled(network.limits)  # without a limit to keep, neither side paces
        try:
            value, base, value_srv, base_srv = _pull_once(work / f"pull-orders-{n}", count, network, label)
        finally:
            call_pacing.set_enabled(True)
        rows.append(Result(f"pull {count:,} orders (Shopee, first round, {label})", value, "s", base,
                           target_ratio=target))
        if not network.latency_ms and network.limits:  # unpaced, the server's summed time overlaps itself
            rows.append(Result("  the same, practice server's handling time taken out", value - value_srv, "s",
                               base - base_srv))
    return rows


def _pull_once(folder: Path, count: int, network: Any, label: str) -> tuple[float, float, float, float]:
    """One baseline download and one engine round against a fresh practice record: (engine s, plain s, and the
    practice server's handling time of each, its network delays taken out)."""
    from companion.connectors import call_pacing

    with practice_market(folder / "practice", network) as (market, server):
        listings = add_listings(market, PULL_LISTINGS, LOCAL_STOCK, "PULL")
        add_paid_orders(market, listings, count, random.Random(11))
        shop = fresh_shop(folder, market, listings)
        now = datetime.now(UTC)

        def fresh_wire() -> None:  # both sides start with empty call windows (server and client)
            market.network.configure(network)
            call_pacing.forget()
            server.reset()

        fresh_wire()
        start = time.perf_counter()
        got, workers = download_orders(shop.practice[PLATFORM], now - timedelta(days=3), now)
        base = time.perf_counter() - start
        base_srv, base_calls = server.reset()
        base_srv -= sum(market.network.delays)
        base_throttled = sum(market.network.throttled.values())
        if got != count:
            raise RuntimeError(f"the plain download saw {got} orders, expected {count}")
        engine = engine_for(shop)
        fresh_wire()
        start = time.perf_counter()
        summary = engine.sync_once()
        value = time.perf_counter() - start
        value_srv, value_calls = server.reset()
        value_srv -= sum(market.network.delays)
        throttled = sum(market.network.throttled.values())
        stored = int(shop.db.scalar("SELECT COUNT(*) FROM online_orders"))
        shop.db.close()
    if not summary.ok or stored != count:
        raise RuntimeError(f"the round did not bring every order in: {stored} of {count}, {summary}")
    print(f"  pull {count:,} orders, {label}: engine {value:.2f} s ({value_calls} calls, server {value_srv:.2f} s, "
          f"{throttled} throttled), plain {base:.2f} s ({base_calls} calls, server {base_srv:.2f} s, "
          f"{base_throttled} throttled); {workers} slices at once on both sides", file=sys.stderr)
    return value, base, value_srv, base_srv


# --- (5) push 5 000 stock numbers -------------------------------------------------------------------------------

def push_stock(work: Path, quick: bool) -> list[Result]:
    """After a stocktake of every product, one sync round (warm engine: listings already read) pushes all of
    them; the baseline sends the same update_stock bodies with plain requests, paced by the same rule. No target:
    reported only."""
    from companion.services import online_stock
    from companion.services.stock import count_stock

    count = 1_000 if quick else 5_000
    folder = work / "push-stock"
    with practice_market(folder / "practice") as (market, server):
        listings = add_listings(market, count, LOCAL_STOCK, "PUSH")
        shop = fresh_shop(folder, market, listings)
        engine = engine_for(shop)
        first = engine.sync_once()  # reads the listings, checks every mapped one (nothing differs): untimed
        if not first.ok:
            raise RuntimeError(f"the warm-up round failed: {first}")
        plain = PlainShopee(shop.practice[PLATFORM])
        rounds = 1 if quick else 2
        values: list[float] = []
        bases: list[float] = []
        servers: tuple[list[float], list[float]] = ([], [])
        for n in range(rounds):
            level = LOCAL_STOCK - 10 * (n + 1)
            count_stock(shop.db, dict.fromkeys(shop.product_ids.values(), level), "bench")
            bodies = _update_bodies(online_stock.plan_pushes(shop.db, shop.account_id, None, only_different=False))
            server.reset()
            start = time.perf_counter()
            for body in bodies:
                plain.post("/api/v2/product/update_stock", body)
            bases.append(time.perf_counter() - start)
            servers[1].append(server.reset()[0])
            start = time.perf_counter()
            summary = engine.sync_once()
            values.append(time.perf_counter() - start)
            taken, engine_calls = server.reset()
            servers[0].append(taken)
            if not summary.ok or summary.accounts[0].pushed != count or summary.pending_changes:
                raise RuntimeError(f"the push round did not deliver all {count}: {summary}")
        shown = {x["seller_sku"]: x["stock"] for x in market.state.listings(PLATFORM)}
        shop.db.close()
    if any(shown[x["seller_sku"]] != level for x in listings):
        raise RuntimeError("the practice marketplace does not show the counted stock")
    value, base = min(values), min(bases)
    print(f"  push {count:,} SKUs in {len(bodies)} calls: engine {value:.2f} s ({engine_calls} calls in its round, "
          f"server {min(servers[0]):.2f} s), "
          f"plain {base:.2f} s (server {min(servers[1]):.2f} s)", file=sys.stderr)
    return [Result(f"stock push {count:,} SKUs (Shopee, {len(bodies)} calls of ≤ {MODELS_PER_ITEM})", value, "s",
                   base),
            Result("  the same, practice server's handling time taken out", value - min(servers[0]), "s",
                   base - min(servers[1]))]


def _update_bodies(plans: list[Any]) -> list[dict[str, Any]]:
    """The update_stock bodies the connector builds: per item, ≤ 50 models, absolute numbers, in the practice
    shop's one warehouse (its stock has a location_id, so every update must name it)."""
    from companion.connectors.shopee.practice_shop import LOCATION_ID

    by_item: dict[str, list[Any]] = {}
    for p in plans:
        by_item.setdefault(p.ref.item_id, []).append(p)
    bodies = []
    for item_id, models in by_item.items():
        for start in range(0, len(models), MODELS_PER_ITEM):
            bodies.append({"item_id": int(item_id), "stock_list": [
                {"model_id": int(p.ref.sku_id), "seller_stock": [{"location_id": LOCATION_ID, "stock": p.quantity}]}
                for p in models[start:start + MODELS_PER_ITEM]]})
    return bodies

