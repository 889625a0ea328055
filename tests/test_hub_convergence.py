"""Several laptops of one shop, each its own process with its own data folder, syncing through a real PostgreSQL
hub (tests/pg_cluster.py) behind a byte-counting proxy that cuts the link (tests/tcp_proxy.py): after a week
offline, a flapping link, a stocktake beside sales, price edits on two laptops and one SKU made twice, every
laptop holds the same record (store/hub_digest.py), none reports a problem, and the hub holds no duplicate.
Kills, restores and leases are in tests/test_hub_faults.py.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.hub_fleet import SKUS, Shop, each, on_all, running_shop, week_ago

pytestmark = pytest.mark.slow
GAP = 0.3  # seconds between two people's edits of one thing on two laptops


shop = pytest.fixture()(running_shop)


def test_three_laptops_sell_offline_for_a_week_then_meet(shop: Shop) -> None:
    """A and B sell in the main outlet, C in a second one stocked by a transfer; a week offline, then they meet."""
    a, b, c = shop.laptops
    branch = a.call("add_outlet", name="Cabang Pasar")["id"]
    shop.fleet.sync_all()
    c.call("choose_outlet", outlet_id=branch)
    shop.fleet.proxy.cut()
    b.call("transfer", from_outlet="outlet-main", to_outlet=branch, units={"KOPI-01": 800, "TEH-01": 600})
    start = week_ago().isoformat()
    sold = each(shop.laptops, "sell", [{"count": 300, "skus": SKUS, "start": start, "days": 7, "seed": i}
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
    assert answers[0]["counts"]["sales"] == 3 * 300 + 1
    assert answers[0]["counts"]["online_orders"] == 40
    numbers = [n for s in sold for n in s["numbers"]]
    assert len(set(numbers)) == len(numbers)  # per-laptop prefixes: no two laptops made one number
    assert {lp.call("product", sku="GULA-01")["product"]["name"] for lp in shop.laptops} == {"Gula Pasir 1 kg"}
    levels = [lp.call("levels", sku="KOPI-01") for lp in shop.laptops]
    assert all(x == levels[0] for x in levels), levels
    assert set(levels[0]["outlets"]) == {"outlet-main", branch}
    assert sum(levels[0]["outlets"].values()) == levels[0]["total"]


def test_a_flapping_link_converges_with_nothing_doubled(shop: Shop) -> None:
    start = week_ago().isoformat()
    each(shop.laptops, "sell", [{"count": 200, "skus": SKUS, "start": start, "seed": 10 + i} for i in range(3)])
    proxy = shop.fleet.proxy
    cuts_before = proxy.counts().cuts
    proxy.flap(up_s=0.15, down_s=0.1)
    try:
        outcomes = on_all(shop.laptops, "sync_until_quiet", round_timeout=3.0, tries=200)
    finally:
        proxy.stop_flapping()
    assert proxy.counts().cuts - cuts_before >= 2
    assert sum(o["failed"] for o in outcomes) >= 1, outcomes  # the link really broke under the rounds
    answers = shop.converged()
    assert answers[0]["counts"]["sales"] == 3 * 200


def test_a_stocktake_while_others_sell_gives_one_level_everywhere(shop: Shop) -> None:
    """C counts KOPI while A and B are selling it (three processes at once, each writing its own file), then all
    meet: every laptop's level = the count + the movements after it by (created_at, id), whatever order the rows
    arrived in."""
    a, b, c = shop.laptops
    with ThreadPoolExecutor(3) as pool:
        selling = [pool.submit(lp.call, "sell", count=120, skus=["KOPI-01", "TEH-01"]) for lp in (a, b)]
        c.call("sell", count=20, skus=["TEH-01"])  # a moment into their selling
        c.call("stocktake", counts={"KOPI-01": 1_000})
        for sold in selling:
            sold.result()
    shop.converged()
    for lp in shop.laptops:
        ledger = lp.call("ledger", sku="KOPI-01")
        moves = ledger["moves"]  # sorted by (created_at, id)
        last = max(i for i, m in enumerate(moves) if m[2] in ("opening", "stocktake"))
        expected = moves[last][3] + sum(m[3] for m in moves[last + 1:])
        assert (moves[last][2], moves[last][3]) == ("stocktake", 1_000)
        assert ledger["on_hand"] == ledger["ledger_on_hand"] == expected, lp.name
    sales_before = sum(m[2] == "counter_sale" for m in moves[:last])
    assert sales_before > 0 and len(moves) - last - 1 > 0, (sales_before, len(moves) - last)  # sold on both sides


def test_concurrent_price_edits_last_writer_wins_per_field(shop: Shop) -> None:
    """Edits on laptops offline, each a moment after the other (GAP: more than the laptops' clocks can disagree
    after each measured its offset from the hub; writes closer than that are concurrent for the hybrid clock, and
    the device id decides, the same on every laptop)."""
    a, b, c = shop.laptops
    shop.fleet.proxy.cut()
    a.call("price", sku="KOPI-01", price=3_000)
    time.sleep(GAP)
    c.call("rename", sku="KOPI-01", name="Kopi Sachet Baru")  # another field of the same product
    time.sleep(GAP)
    b.call("price", sku="KOPI-01", price=3_100)  # the last price written
    a.call("setting", key="shop_name", value="Toko A")
    time.sleep(GAP)
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
