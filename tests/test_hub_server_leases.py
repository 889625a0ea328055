"""Marketplace leases on the hub: one sending laptop per marketplace shop, taken over only when it is gone."""

from __future__ import annotations

import threading
import time

import pytest

from companion.hub.errors import HubError
from companion.hub.leases import TAKE_SQL, list_leases, release_lease, renew_leases, take_lease
from companion.hub.setup import revoke_device
from tests.hub_server_helpers import device, make_hub
from tests.pg_cluster import PgCluster

KEY = "shopee:884422"


def test_a_live_lease_is_refused_to_another_laptop_by_name_then_forced(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    second = hub.join("Gudang")
    with device(hub.first) as a, device(second) as b:
        held = take_lease(a, hub.first.device_id, KEY)
        assert (held.account_key, held.device_id, held.device_name) == (KEY, hub.first.device_id, "Kasir")
        assert take_lease(a, hub.first.device_id, KEY).device_id == hub.first.device_id  # the holder renews
        with pytest.raises(HubError) as taken:
            take_lease(b, second.device_id, KEY)
        assert taken.value.kind == "lease_taken"
        assert '"Kasir"' in taken.value.message()
        forced = take_lease(b, second.device_id, KEY, force=True)
        assert (forced.device_id, forced.device_name) == (second.device_id, "Gudang")
        with pytest.raises(HubError) as back:
            take_lease(a, hub.first.device_id, KEY)
        assert '"Gudang"' in back.value.message()
        assert [(x.account_key, x.device_name) for x in list_leases(a)] == [(KEY, "Gudang")]


def test_an_expired_lease_is_taken_over_without_force(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    second = hub.join("Gudang")
    with device(hub.first) as a, device(second) as b:
        take_lease(a, hub.first.device_id, KEY)
        take_lease(a, hub.first.device_id, "tiktok:1")
        with hub.admin() as admin:  # the owning laptop is gone: its lease ran out on the hub's clock
            admin.execute("UPDATE companion_hub.leases SET expires_at = now() - interval '1 second' "
                          "WHERE account_key = %s", (KEY,))
        assert take_lease(b, second.device_id, KEY).device_id == second.device_id
        with pytest.raises(HubError):
            take_lease(b, second.device_id, "tiktok:1")


def test_renew_moves_every_own_lease_on_and_release_frees_only_ones_own(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    second = hub.join("Gudang")
    with device(hub.first) as a, device(second) as b:
        take_lease(a, hub.first.device_id, KEY)
        take_lease(b, second.device_id, "lazada:5")
        with hub.admin() as admin:
            admin.execute("UPDATE companion_hub.leases SET expires_at = now() + interval '1 minute'")
        renew_leases(a, hub.first.device_id, minutes=30)
        with hub.admin() as admin:
            rows: dict[str, bool] = dict(admin.execute("SELECT account_key, expires_at > now() + interval '20 minutes' "
                                      "FROM companion_hub.leases").fetchall())
        assert rows == {KEY: True, "lazada:5": False}
        release_lease(b, second.device_id, KEY)  # not b's: nothing happens
        assert {x.account_key for x in list_leases(b)} == {KEY, "lazada:5"}
        release_lease(a, hub.first.device_id, KEY)
        assert take_lease(b, second.device_id, KEY).device_name == "Gudang"


def test_a_removed_laptops_lease_is_free(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    second = hub.join("Gudang")
    with device(second) as b:
        take_lease(b, second.device_id, KEY)
    with hub.admin() as admin:  # removed by hand, its lease row left behind
        admin.execute("UPDATE companion_hub.devices SET revoked_at = now() WHERE device_id = %s",
                      (second.device_id,))
    with device(hub.first) as a:
        assert take_lease(a, hub.first.device_id, KEY).device_name == "Kasir"
        revoke_device(a, second.device_id)


def test_two_laptops_taking_at_once_cannot_both_win(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    second = hub.join("Gudang")
    outcome: list[object] = []
    with device(hub.first) as a, device(second) as b:
        a.execute(TAKE_SQL, {"key": KEY, "device": hub.first.device_id, "minutes": 15, "force": False})
        b_pid = b.info.backend_pid

        def take_b() -> None:
            try:
                outcome.append(take_lease(b, second.device_id, KEY))
            except HubError as exc:
                outcome.append(exc)

        racer = threading.Thread(target=take_b)
        racer.start()
        with hub.admin() as admin:  # wait until b waits on a's uncommitted row
            for _ in range(600):
                row = admin.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                                    (b_pid,)).fetchone()
                if row and row[0] == "Lock":
                    break
                time.sleep(0.05)
        a.commit()
        racer.join(timeout=60)
    assert len(outcome) == 1 and isinstance(outcome[0], HubError) and outcome[0].kind == "lease_taken"
