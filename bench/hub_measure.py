"""The hub's rows: laptops of one shop, each its own process (tests/hub_laptop.py), syncing through a private
PostgreSQL (tests/pg_cluster.py) behind the byte-counting proxy (tests/tcp_proxy.py). Median of 5 each.

- converge: 3 laptops each sell 10 000 counter sales offline (1–3 lines, spread over a week; `--quick`: 1 000 and
  3 runs), then meet: all three sync at once, each until a round moves nothing, and then once more the same way
  (for what the others pushed meanwhile); timed from the first round to the last laptop quiet, then checked
  converged by store/hub_digest. Seconds.
- bytes per sale: everything that crossed the proxy during that converge (both ways: TLS, the protocol, every
  change pushed once and pulled by the two other laptops) ÷ the sales; the changes of one sale are its row, its
  lines, its payment, its movements (and the stock-push command it queues).
- visible online: the app's hub thread running on two laptops (sync/hub_runner.py as the GUI starts it: a round
  half a second after a write — the nudge the GUI gives — and the other laptop's listener woken by the hub's
  NOTIFY at the push's commit); one sale on laptop A, timed from its commit until laptop B's file holds it (B
  looks every 10 ms). Seconds.
- a week offline caught up: two laptops sell and sync all week (200 sales a day each), a third sells its own
  200 a day offline; its catch-up timed from its first round to quiet (push its week, pull theirs). Seconds.

No target is given in the issue: each row is reported only (baseline and target empty).
"""

from __future__ import annotations

import shutil
import statistics
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.report import Result

if TYPE_CHECKING:  # bench.measures imports this module at its end
    from bench.measures import Setup
    from tests.hub_fleet import Fleet
    from tests.pg_cluster import PgCluster

RUNS, QUICK_RUNS = 5, 3
SALES, QUICK_SALES = 10_000, 1_000
PER_DAY, QUICK_PER_DAY = 200, 30
VISIBLE_SAMPLES = 5


def hub_sync(setup: Setup) -> list[Result]:
    from tests.pg_cluster import PgCluster

    cluster = PgCluster().start()  # its own temporary folder: the server's OS user must reach it
    try:
        runs = QUICK_RUNS if setup.quick else RUNS
        sales = QUICK_SALES if setup.quick else SALES
        converge = [_converge(cluster, setup.work / f"hub-converge-{i}", sales, seed=i) for i in range(runs)]
        seconds = statistics.median(c[0] for c in converge)
        per_sale = statistics.median(c[1] for c in converge)
        visible = _visible(cluster, setup.work / "hub-visible")
        per_day = QUICK_PER_DAY if setup.quick else PER_DAY
        week = statistics.median(_week(cluster, setup.work / f"hub-week-{i}", per_day, i) for i in range(runs))
    finally:
        cluster.stop()
    return [
        Result(f"hub: 3 laptops × {sales:,} offline sales to converge (median of {runs})", seconds, "s"),
        Result("hub: bytes on the wire per sale (pushed once, pulled by 2 laptops)", per_sale, "B"),
        Result(f"hub: a sale on one laptop visible on another, online (median of {VISIBLE_SAMPLES})", visible, "s"),
        Result(f"hub: a week offline caught up ({per_day} sales a day on each of 3 laptops)", week, "s"),
    ]


def _fleet(cluster: PgCluster, folder: Path) -> Fleet:
    from tests.hub_fleet import Fleet

    shutil.rmtree(folder, ignore_errors=True)  # new laptops every run: a file from an earlier run is enrolled elsewhere
    dbname = f"hub_{uuid.uuid4().hex[:12]}"
    cluster.fresh_database(dbname)
    return Fleet(folder, cluster.port,
                 lambda port: cluster.url(cluster.admin_user, cluster.admin_password, dbname, port=port)).start()


def _on_all(fleet: Fleet, cmd: str, fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    with ThreadPoolExecutor(len(fleet.laptops)) as pool:
        return list(pool.map(lambda pair: pair[0].call(cmd, **pair[1]), zip(fleet.laptops, fields, strict=True)))


def _check(fleet: Fleet) -> None:
    from tests.hub_checks import divergence

    problems = divergence(fleet.digests())
    if problems:
        raise AssertionError("the laptops did not converge: " + "; ".join(problems[:5]))


def _converge(cluster: PgCluster, folder: Path, sales: int, seed: int) -> tuple[float, float]:
    from tests.hub_fleet import SKUS

    fleet = _fleet(cluster, folder)
    try:
        start = (datetime.now(UTC) - timedelta(days=8)).isoformat()
        _on_all(fleet, "sell", [{"count": sales, "skus": SKUS, "start": start, "seed": seed * 10 + i}
                                for i in range(3)])
        fleet.proxy.reset_counts()
        began = time.perf_counter()
        for _ in range(2):  # they meet at once: each syncs until quiet beside the others, then once more
            _on_all(fleet, "sync_until_quiet", [{} for _ in fleet.laptops])
        took = time.perf_counter() - began
        wire = fleet.proxy.counts().total
        _check(fleet)
        return took, wire / (3 * sales)
    finally:
        fleet.stop()


def _visible(cluster: PgCluster, folder: Path) -> float:
    from tests.hub_fleet import SKUS

    fleet = _fleet(cluster, folder)
    try:
        a, b = fleet.laptops[:2]
        fleet.sync_all()
        for laptop in (a, b):
            laptop.call("runner_start")
        took: list[float] = []
        for _ in range(VISIBLE_SAMPLES):
            sold = a.call("sell", count=1, skus=SKUS)
            seen = b.call("wait_for_sale", sale_id=sold["sales"][0], timeout=120)["seen"]
            if seen is None:
                raise AssertionError("a sale made online never reached the other laptop")
            took.append(seen - sold["committed"])
            time.sleep(1.3)  # the next sale somewhere else in the runners' cycle
        print(f"hub: sale visible after {', '.join(f'{t:.2f}' for t in took)} s", flush=True)
        for laptop in (a, b):
            laptop.call("runner_stop")
        return statistics.median(took)
    finally:
        fleet.stop()


def _week(cluster: PgCluster, folder: Path, per_day: int, seed: int) -> float:
    from tests.hub_fleet import SKUS

    fleet = _fleet(cluster, folder)
    try:
        a, b, away = fleet.laptops
        began = datetime.now(UTC) - timedelta(days=8)
        for day in range(7):
            start = (began + timedelta(days=day)).isoformat()
            for i, laptop in enumerate((a, b, away)):
                laptop.call("sell", count=per_day, skus=SKUS, start=start, days=1, seed=seed * 100 + day * 3 + i)
            for laptop in (a, b):
                laptop.call("sync_until_quiet")
        caught_up = time.perf_counter()
        away.call("sync_until_quiet")
        took = time.perf_counter() - caught_up
        fleet.sync_all()
        _check(fleet)
        return took
    finally:
        fleet.stop()
