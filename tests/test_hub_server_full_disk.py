"""A hub whose disk really fills up: the changes table moved to a tablespace on a 4 MB tmpfs, pushes until
PostgreSQL cannot extend the file and answers disk_full (53100). Needs root allowed to mount (CAP_SYS_ADMIN);
where mounting is refused the test says so and skips (the trigger-made 53100 in test_hub_server_exchange.py runs
everywhere)."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from companion.domain.hub_records import JournalChange
from companion.hub.errors import HubError
from companion.hub.exchange import hello, push
from tests.hub_server_helpers import Hub, device, journal, make_hub
from tests.pg_cluster import PgCluster


@pytest.fixture
def small_disk(pg_cluster: PgCluster) -> Iterator[Path]:
    mount = pg_cluster.folder / f"small-{uuid.uuid4().hex[:8]}"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(mount)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        mount.rmdir()
        pytest.skip(f"mounting a 4 MB tmpfs is not permitted here ({done.stderr.strip()}): the real full disk "
                    "is not tried; the class 53 mapping is tested by a trigger instead")
    if os.geteuid() == 0:
        shutil.chown(mount, "postgres", "postgres")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)
        mount.rmdir()


def test_a_hub_whose_disk_is_full_says_so_and_keeps_what_it_had(pg_cluster: PgCluster, small_disk: Path) -> None:
    hub = make_hub(pg_cluster)
    space = f"small_{uuid.uuid4().hex[:8]}"
    with pg_cluster.admin_connect() as admin:
        admin.execute(f"CREATE TABLESPACE {space} LOCATION '{small_disk}'")
    try:
        with hub.admin() as admin:
            admin.execute(f"ALTER TABLE companion_hub.changes SET TABLESPACE {space}")
        kept = _fill(hub)
        with device(hub.first) as conn:
            assert hello(conn, hub.first.device_id).last_seq == kept  # the refused batch left nothing behind
    finally:
        with pg_cluster.admin_connect() as admin:
            admin.execute(f'DROP DATABASE "{hub.dbname}" WITH (FORCE)')
            admin.execute(f"DROP TABLESPACE {space}")


def _fill(hub: Hub) -> int:
    """Push batches of 200 kB rows (random, so TOAST cannot compress them) until the hub refuses; the last number
    the hub kept."""
    seq = 1
    with device(hub.first) as conn:
        for _ in range(200):
            batch = [_big(change) for change in journal(seq, 5)]
            try:
                push(conn, hub.first.device_id, batch)
            except HubError as exc:
                assert exc.kind == "full", exc.detail
                assert "53100" in exc.detail or "space" in exc.detail.lower()
                return seq - 1
            seq += 5
    raise AssertionError("4 MB held 1,000 rows of 200 kB: the tablespace was not used")


def _big(change: JournalChange) -> JournalChange:
    return dataclasses.replace(change, payload=os.urandom(100_000).hex())
