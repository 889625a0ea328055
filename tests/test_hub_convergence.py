"""Several laptops of one shop, each its own process with its own data folder, syncing through a real PostgreSQL
hub (tests/pg_cluster.py) behind a byte-counting proxy that cuts the link (tests/tcp_proxy.py): after a week
offline, a flapping link, a stocktake beside sales, price edits on two laptops and one SKU made twice, every
laptop holds the same record (store/hub_digest.py), none reports a problem, and the hub holds no duplicate.
Kills, restores and leases are in tests/test_hub_faults.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.hub_checks import divergence, hub_duplicates
from tests.hub_fleet import SKUS, Fleet, LaptopProcess
from tests.pg_cluster import PgCluster

pytestmark = pytest.mark.slow


class Shop:
    """A fleet on a fresh hub database, with the admin's own connection for looking at the hub."""

    def __init__(self, cluster: PgCluster, work: Path, laptops: int = 3) -> None:
        self.cluster = cluster
        self.dbname = f"hub_{uuid.uuid4().hex[:12]}"
        cluster.fresh_database(self.dbname)
        self.fleet = Fleet(work, cluster.port, self.url_through, laptops)

    def url_through(self, port: int) -> str:
        return self.cluster.url(self.cluster.admin_user, self.cluster.admin_password, self.dbname, port=port)

    @property
    def laptops(self) -> list[LaptopProcess]:
        return self.fleet.laptops

    def hub_problems(self, *, across_devices: bool = True) -> list[str]:
        with psycopg.connect(self.cluster.admin_url(self.dbname), autocommit=True) as conn:
            return hub_duplicates(conn, across_devices=across_devices)

    def converged(self, *, across_devices: bool = True) -> list[dict[str, Any]]:
        """Sync everyone until quiet, then assert the promise; returns the digests. `across_devices=False`: a
        laptop that joined again uploads its history again under its new identity (hub_state.enrol), so a row
        may then be inserted once per identity, never twice by one."""
        self.fleet.sync_all()
        answers = self.fleet.digests()
        assert divergence(answers, [lp.name for lp in self.laptops]) == []
        assert self.hub_problems(across_devices=across_devices) == []
        return answers


@pytest.fixture()
def shop(pg_cluster: PgCluster, tmp_path: Path) -> Iterator[Shop]:
    made = Shop(pg_cluster, tmp_path)
    made.fleet.start()
    try:
        yield made
    finally:
        made.fleet.stop()


def week_ago() -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(days=8)


def on_all(laptops: list[LaptopProcess], cmd: str, **fields: Any) -> list[dict[str, Any]]:
    """The same command on every laptop at once (one thread each: the processes really run side by side)."""
    return each(laptops, cmd, [fields] * len(laptops))


def each(laptops: list[LaptopProcess], cmd: str, fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One command on every laptop at once, each with its own fields."""
    with ThreadPoolExecutor(len(laptops)) as pool:
        return list(pool.map(lambda pair: pair[0].call(cmd, **pair[1]), zip(laptops, fields, strict=True)))


def test_three_laptops_sell_offline_for_a_week_then_meet(shop: Shop) -> None:
    a, b, c = shop.laptops
    shop.fleet.proxy.cut()
    start = week_ago().isoformat()
    sold = each(shop.laptops, "sell", [{"count": 200, "skus": SKUS, "start": start, "days": 7, "seed": i}
                                       for i in range(3)])
    account = a.call("link", shop_id=77)
    a.call("orders", account_id=account["account_id"], count=40, skus=SKUS, start=start)
    b.call("stocktake", counts={"GULA-01": 4_000})
    c.call("setting", key="shop_name", value="Toko Uji Cabang")
    away = a.call("sync")["rounds"][0]
    assert (away["ok"], away["kind"]) == (False, "unreachable"), away  # one sentence; the laptop keeps selling
    assert a.call("sell", count=1, skus=SKUS)["sales"]
    shop.fleet.proxy.restore()
    answers = shop.converged()
    assert answers[0]["counts"]["sales"] == 3 * 200 + 1
    assert answers[0]["counts"]["online_orders"] == 40
    numbers = [n for s in sold for n in s["numbers"]]
    assert len(set(numbers)) == len(numbers)  # per-laptop prefixes: no two laptops made one number
    assert {lp.call("product", sku="GULA-01")["product"]["name"] for lp in shop.laptops} == {"Gula Pasir 1 kg"}


def test_a_flapping_link_converges_with_nothing_doubled(shop: Shop) -> None:
    start = week_ago().isoformat()
    each(shop.laptops, "sell", [{"count": 200, "skus": SKUS, "start": start, "seed": 10 + i} for i in range(3)])
    proxy = shop.fleet.proxy
    cuts_before = proxy.counts().cuts
    proxy.flap(up_s=0.3, down_s=0.1)
    try:
        outcomes = on_all(shop.laptops, "sync_until_quiet", round_timeout=3.0, tries=200)
    finally:
        proxy.stop_flapping()
    assert proxy.counts().cuts - cuts_before >= 2
    assert sum(o["failed"] for o in outcomes) >= 1, outcomes  # the link really broke under the rounds
    answers = shop.converged()
    assert answers[0]["counts"]["sales"] == 3 * 200


def test_a_stocktake_while_others_sell_gives_one_level_everywhere(shop: Shop) -> None:
    a, b, c = shop.laptops
    shop.converged()
    on_all([a, b], "sell", count=40, skus=["KOPI-01", "TEH-01"])
    c.call("stocktake", counts={"KOPI-01": 1_000})
    on_all([a, b], "sell", count=40, skus=["KOPI-01", "TEH-01"])
    shop.converged()
    for lp in shop.laptops:
        ledger = lp.call("ledger", sku="KOPI-01")
        moves = ledger["moves"]  # sorted by (created_at, id)
        last = max(i for i, m in enumerate(moves) if m[2] in ("opening", "stocktake"))
        expected = moves[last][3] + sum(m[3] for m in moves[last + 1:])
        assert ledger["on_hand"] == ledger["ledger_on_hand"] == expected, lp.name
        assert any(m[2] == "stocktake" and m[3] == 1_000 for m in moves)


def test_concurrent_price_edits_last_writer_wins_per_field(shop: Shop) -> None:
    a, b, c = shop.laptops
    shop.fleet.proxy.cut()
    a.call("price", sku="KOPI-01", price=3_000)
    c.call("rename", sku="KOPI-01", name="Kopi Sachet Baru")  # another field of the same product
    b.call("price", sku="KOPI-01", price=3_100)  # the last price written
    a.call("setting", key="shop_name", value="Toko A")
    b.call("setting", key="shop_name", value="Toko B")  # the last setting written
    shop.fleet.proxy.restore()
    shop.converged()
    seen = {(p["name"], p["price"]) for p in (lp.call("product", sku="KOPI-01")["product"] for lp in shop.laptops)}
    assert seen == {("Kopi Sachet Baru", 3_100)}
    assert {lp.call("get_setting", key="shop_name")["value"] for lp in shop.laptops} == {"Toko B"}


def test_one_sku_made_on_two_laptops_offline_is_renamed_the_same_everywhere(shop: Shop) -> None:
    a, b, _ = shop.laptops
    shop.fleet.proxy.cut()
    first = a.call("add_product", sku="BARU-01", name="Keripik", price=7_000)["id"]
    second = b.call("add_product", sku="BARU-01", name="Keripik Pedas", price=8_000)["id"]
    shop.fleet.proxy.restore()
    shop.converged()
    for lp in shop.laptops:
        skus = [s for s in lp.call("skus")["skus"] if s.startswith("BARU-01")]
        assert len(skus) == 2 and "BARU-01" in skus, (lp.name, skus)
    renamed = next(s for s in shop.laptops[2].call("skus")["skus"] if s.startswith("BARU-01~"))
    assert renamed.endswith(second.replace("-", "")[-6:])  # the later row (by created_at, id) gives way
    assert first != second
