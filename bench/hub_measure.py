"""The hub's rows: laptops of one shop, each its own process (tests/hub_laptop.py), syncing through a private
PostgreSQL (tests/pg_cluster.py) behind the byte-counting proxy (tests/tcp_proxy.py). Median of 5 each.

Selling through the real services takes minutes (each sale its own transaction, synchronous=FULL), so each
scenario is set up once and kept (the stopped laptops' folders copied, the hub database copied with
`CREATE DATABASE … TEMPLATE`); every run starts from that copy.

- converge: 3 laptops each sell 10 000 counter sales offline (1–3 lines, spread over a week, in commands of 1 000;
  `--quick`: 1 000 and 3 runs), then meet: all three sync at once, each until a round moves nothing, and then once
  more the same way (for what the others pushed meanwhile); timed from the first round to the last laptop quiet,
  then checked converged by store/hub_digest. Seconds.
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
from dataclasses import dataclass
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
SELL_PART = 1_000  # sales a laptop makes per command while setting up


def hub_sync(setup: Setup) -> list[Result]:
    """Laptops syncing through a private PostgreSQL hub: converge, bytes a sale, seen elsewhere, a week caught up."""
    from tests.pg_cluster import PgCluster

    cluster = PgCluster().start()  # its own temporary folder: the server's OS user must reach it
    try:
        runs = QUICK_RUNS if setup.quick else RUNS
        sales = QUICK_SALES if setup.quick else SALES
        met = _offline_sales(cluster, setup.work / "hub-converge", sales)
        converge = [_converge(met, sales) for _ in range(runs)]
        met.fleet.stop()
        seconds = statistics.median(c[0] for c in converge)
        per_sale = statistics.median(c[1] for c in converge)
        visible = _visible(cluster, setup.work / "hub-visible")
        per_day = QUICK_PER_DAY if setup.quick else PER_DAY
        week = _offline_week(cluster, setup.work / "hub-week", per_day)
        caught_up = statistics.median(_catch_up(week) for _ in range(runs))
        week.fleet.stop()
    finally:
        cluster.stop()
        for scratch in ("hub-converge", "hub-visible", "hub-week"):  # ~0.7 GB of laptops with 10 000 sales each
            shutil.rmtree(setup.work / scratch, ignore_errors=True)
    print(f"hub: converge {', '.join(f'{c[0]:.1f}' for c in converge)} s; "
          f"{', '.join(f'{c[1]:.0f}' for c in converge)} B a sale", flush=True)
    return [
        Result(f"hub: 3 laptops × {sales:,} offline sales to converge (median of {runs})", seconds, "s"),
        Result("hub: bytes on the wire per sale (pushed once, pulled by 2 laptops)", per_sale, "B"),
        Result(f"hub: a sale on one laptop visible on another, online (median of {VISIBLE_SAMPLES})", visible, "s"),
        Result(f"hub: a week offline caught up ({per_day} sales a day on each of 3 laptops; median of {runs})",
               caught_up, "s"),
    ]


@dataclass
class Kept:
    """A fleet whose stopped laptops' folders and hub database were kept as they stood, so every run starts from
    the same place (selling 30 000 sales through the real services takes minutes; the copy takes seconds)."""

    cluster: PgCluster
    fleet: Fleet
    dbname: str
    folder: Path

    @classmethod
    def keep(cls, cluster: PgCluster, fleet: Fleet, dbname: str, folder: Path) -> Kept:
        for laptop in fleet.laptops:
            laptop.stop()
        shutil.rmtree(folder, ignore_errors=True)
        for laptop in fleet.laptops:
            shutil.copytree(laptop.folder, folder / laptop.folder.name)
        with cluster.admin_connect() as conn:  # a database copied by TEMPLATE: no session may be on it meanwhile
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (dbname,))
            conn.execute(f'CREATE DATABASE "{dbname}_kept" TEMPLATE "{dbname}"')
        return cls(cluster, fleet, dbname, folder)

    def again(self) -> Fleet:
        """The laptops and the hub back as kept, the laptops started (the same proxy: their address names it)."""
        for laptop in self.fleet.laptops:
            laptop.stop()
        with self.cluster.admin_connect() as conn:
            conn.execute(f'DROP DATABASE "{self.dbname}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.dbname}" TEMPLATE "{self.dbname}_kept"')
        for laptop in self.fleet.laptops:
            shutil.rmtree(laptop.folder)
            shutil.copytree(self.folder / laptop.folder.name, laptop.folder)
            laptop.start(wait=False)
        for laptop in self.fleet.laptops:
            laptop.ready()
        self.fleet.proxy.reset_counts()
        return self.fleet


def _fleet(cluster: PgCluster, folder: Path) -> tuple[Fleet, str]:
    from tests.hub_fleet import Fleet

    shutil.rmtree(folder, ignore_errors=True)  # new laptops every run: a file from an earlier run is enrolled elsewhere
    dbname = f"hub_{uuid.uuid4().hex[:12]}"
    cluster.fresh_database(dbname)
    fleet = Fleet(folder, cluster.port,
                  lambda port: cluster.url(cluster.admin_user, cluster.admin_password, dbname, port=port))
    return fleet.start(), dbname


def _on_all(fleet: Fleet, cmd: str, fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One command on the first len(fields) laptops at once, each with its own fields."""
    laptops = fleet.laptops[:len(fields)]
    with ThreadPoolExecutor(len(laptops)) as pool:
        return list(pool.map(lambda pair: pair[0].call(cmd, **pair[1]), zip(laptops, fields, strict=True)))


def _check(fleet: Fleet) -> None:
    from tests.hub_checks import divergence

    problems = divergence(fleet.digests())
    if problems:
        raise AssertionError("the laptops did not converge: " + "; ".join(problems[:5]))


def _offline_sales(cluster: PgCluster, folder: Path, sales: int) -> Kept:
    """Three laptops of one hub, each with `sales` counter sales made offline over the last week (side by side)."""
    from tests.hub_fleet import SKUS

    fleet, dbname = _fleet(cluster, folder / "run")
    began = datetime.now(UTC) - timedelta(days=8)
    parts = max(1, sales // SELL_PART)  # 10 000 sales in one answer went past its 300 s on a loaded machine
    for part in range(parts):
        start = (began + timedelta(days=7) * part / parts).isoformat()
        _on_all(fleet, "sell", [{"count": sales // parts, "skus": SKUS, "start": start, "days": 7 / parts,
                                 "seed": part * 3 + i} for i in range(3)])
    return Kept.keep(cluster, fleet, dbname, folder / "kept")


def _converge(kept: Kept, sales: int) -> tuple[float, float]:
    fleet = kept.again()
    began = time.perf_counter()
    for _ in range(2):  # they meet at once: each syncs until quiet beside the others, then once more
        _on_all(fleet, "sync_until_quiet", [{} for _ in fleet.laptops])
    took = time.perf_counter() - began
    wire = fleet.proxy.counts().total
    _check(fleet)
    return took, wire / (3 * sales)


def _visible(cluster: PgCluster, folder: Path) -> float:
    from tests.hub_fleet import SKUS

    fleet, _ = _fleet(cluster, folder)
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


def _offline_week(cluster: PgCluster, folder: Path, per_day: int) -> Kept:
    """A week: laptops A and B sell and sync every day; the third sells its own days offline, never syncing."""
    from tests.hub_fleet import SKUS

    fleet, dbname = _fleet(cluster, folder / "run")
    began = datetime.now(UTC) - timedelta(days=8)
    for day in range(7):
        start = (began + timedelta(days=day)).isoformat()
        _on_all(fleet, "sell", [{"count": per_day, "skus": SKUS, "start": start, "days": 1, "seed": day * 3 + i}
                                for i in range(3)])
        _on_all(fleet, "sync_until_quiet", [{}, {}])  # the third laptop stays away
    return Kept.keep(cluster, fleet, dbname, folder / "kept")


def _catch_up(kept: Kept) -> float:
    fleet = kept.again()
    away = fleet.laptops[2]
    began = time.perf_counter()
    away.call("sync_until_quiet")
    took = time.perf_counter() - began
    fleet.sync_all()
    _check(fleet)
    return took
