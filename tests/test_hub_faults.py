"""Faults between laptops and the hub, each laptop its own process (tests/hub_laptop.py): SIGKILLs at random
points while a laptop pushes and while it applies what it pulled, a laptop restored from an older backup that
joins again, and a marketplace lease taken over when the laptop holding it is gone. After each: nothing lost,
nothing doubled, every laptop the same (tests/hub_checks.py).
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from companion.store.location import db_path
from tests.hub_fleet import SKUS, LaptopProcess, Shop, running_shop, week_ago
from tests.tcp_proxy import DOWN, UP

pytestmark = pytest.mark.slow
KILLS = 3  # per side (push, apply): each a fresh process killed at a random byte count on the wire


shop = pytest.fixture()(running_shop)


def test_kills_during_push_and_apply_lose_and_double_nothing(shop: Shop) -> None:
    a, b, c = shop.laptops
    rng = random.Random(20)
    a.call("sell", count=400, skus=SKUS, start=week_ago().isoformat(), seed=3)  # ~2 800 changes, ~1.3 MB up
    waiting = [a.call("state")["waiting"]]
    pushes = 0
    for _ in range(KILLS):
        pushes += shop.fleet.kill_while_looping(a, UP, rng.randint(20_000, 500_000))
        a.start()
        waiting.append(a.call("state")["waiting"])
    assert pushes >= 1, waiting  # at least one kill came while the changes were going up
    a.call("sync_until_quiet")
    applies = 0
    for _ in range(KILLS):
        applies += shop.fleet.kill_while_looping(b, DOWN, rng.randint(30_000, 1_000_000), rng.uniform(0, 0.2))
        b.start()
    assert applies >= 1
    answers = shop.converged()
    assert answers[0]["counts"]["sales"] == 400
    assert c.call("digest")["counts"]["sales"] == 400


def test_a_laptop_restored_from_an_old_backup_joins_again_without_doubling(shop: Shop) -> None:
    a, b, c = shop.laptops
    c.call("sell", count=40, skus=SKUS)
    c.call("sync_until_quiet")
    c.call("sell", count=10, skus=SKUS)  # in the backup, not yet on the hub when it was made
    backup = c.call("backup")["file"]
    old = c.call("state")
    c.call("sync_until_quiet")
    c.call("sell", count=15, skus=SKUS)
    c.call("sync_until_quiet")
    c.call("sell", count=5, skus=SKUS)  # made after the backup and never synced: the restore takes it back
    c.call("restore", file=backup)
    restored = c.call("state")  # the app's restore gave the file a new identity, out of the hub
    assert (restored["enrolled"], restored["device_id"] != old["device_id"]) == (False, True), restored
    first = c.call("sync")["rounds"][0]
    assert first["pushed"] == first["pulled"] == 0, first  # an older copy never syncs as the old laptop
    c.call("join", code=a.call("invite")["code"], name="laptop-c again")
    new = c.call("state")
    assert new["device_id"] != old["device_id"] and new["prefix"] != old["prefix"]
    answers = shop.converged(across_devices=False)
    assert answers[0]["counts"]["sales"] == 40 + 10 + 15
    c.call("sell", count=5, skus=SKUS)
    answers = shop.converged(across_devices=False)
    assert answers[0]["counts"]["sales"] == 40 + 10 + 15 + 5
    assert b.call("digest")["counts"]["sales"] == 70


def test_a_lease_is_taken_over_when_the_laptop_holding_it_is_gone(shop: Shop) -> None:
    """One marketplace shop, linked on A and (its keys typed there too) on B: A sends for it; B's rounds leave it to
    A while A's lease lives, take it once A has been gone longer than a lease lasts; and the owner can take it back
    by hand on A while B is gone with a live lease. C, without the shop's keys, never takes it."""
    a, b, c = shop.laptops
    on_a = a.call("link", shop_id=77)["account_id"]
    a.call("sync_until_quiet")  # the first laptop to sync a linked shop takes its lease
    on_b = b.call("link", shop_id=77, name="Toko Uji Shopee (laptop B)")["account_id"]
    shop.fleet.sync_all()
    ids = {lp.name: lp.call("state")["device_id"] for lp in shop.laptops}

    def holders(laptop: LaptopProcess) -> list[tuple[str, str]]:
        return [(x["account_key"], x["device_id"]) for x in laptop.call("leases")["leases"]]

    assert holders(b) == [("shopee:77", ids["laptop-a"])]  # B's rounds left it to A
    refused = b.call("take_lease", key="shopee:77", check=False)  # two laptops claiming one link
    assert refused["kind"] == "lease_taken" and "laptop-a" in refused["error"], refused  # names the holder
    # A goes away for longer than a lease lasts: its lease runs out, and B's next round takes the shop
    a.call("take_lease", key="shopee:77", force=True, minutes=0)
    a.kill()
    c.call("sync_until_quiet")
    assert holders(c) == [("shopee:77", ids["laptop-a"])]  # C holds no keys for the shop: it never takes it
    b.call("sync_until_quiet")
    assert holders(c) == [("shopee:77", ids["laptop-b"])]
    # now B is gone (stolen, broken) with a live lease: the owner takes the shop over on A by hand
    b.kill()
    a.start()
    a.call("take_over", key="shopee:77")
    b.start()
    shop.fleet.sync_all()
    assert {lp.name: holders(lp) for lp in shop.laptops} == {lp.name: [("shopee:77", ids["laptop-a"])]
                                                             for lp in shop.laptops}
    owns = [a.call("owns", account_id=on_a)["owns"], b.call("owns", account_id=on_b)["owns"],
            c.call("owns", account_id=on_a)["owns"]]
    assert owns == [True, False, False]
    shop.converged()


def test_a_shop_file_copied_back_by_hand_stops_syncing_then_joins_again(shop: Shop) -> None:
    """Not through the app's restore: an older copy of the file put back while the app was closed. The hub holds
    later changes of this laptop than its journal, so the round refuses to go on as the old laptop (one sentence)."""
    a, _, c = shop.laptops
    c.call("sell", count=10, skus=SKUS)
    c.call("sync_until_quiet")
    older = Path(c.call("backup")["file"])
    c.call("sell", count=10, skus=SKUS)
    c.call("sync_until_quiet")
    c.stop()
    live = db_path(c.folder)
    for leftover in (Path(f"{live}-wal"), Path(f"{live}-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(older, live)
    c.start()
    refused = c.call("sync")["rounds"][0]
    assert (refused["ok"], refused["kind"], refused["pushed"]) == (False, "old_copy", 0), refused
    assert c.call("sync")["rounds"][0]["kind"] == "stopped"  # and stays so until it joins again
    c.call("join", code=a.call("invite")["code"], name="laptop-c again")
    answers = shop.converged(across_devices=False)
    assert answers[0]["counts"]["sales"] == 20
