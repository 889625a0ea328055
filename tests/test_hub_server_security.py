"""The hub's walls, tried from inside: another shop's device, a device posing as another, a removed device,
an invite role, and what a device role may not do at all (real PostgreSQL, row-level security forced)."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from psycopg import errors as pg

from companion.hub import join_code
from companion.hub.connection import connect
from companion.hub.errors import HubError
from companion.hub.exchange import hello, pull, push
from companion.hub.leases import list_leases, take_lease
from companion.hub.setup import create_invite, init_hub, join_with_code, list_devices, revoke_device
from tests.hub_server_helpers import device, journal, make_hub
from tests.pg_cluster import PgCluster

INSERT_CHANGE = (
    "INSERT INTO companion_hub.changes (change_id, shop_id, device_id, device_seq, tbl, row_id, op, hlc, payload) "
    "VALUES (%s, %s, %s, %s, 'sales', 'r1', 'insert', 1, '{}')"
)


def test_a_device_of_another_shop_sees_and_writes_nothing_of_this_shop(pg_cluster: PgCluster) -> None:
    ours = make_hub(pg_cluster)
    theirs = make_hub(pg_cluster, shop="Toko Sebelah", device_name="Kasir Sebelah", dbname=ours.dbname)
    assert theirs.first.hub_id == ours.first.hub_id and theirs.first.shop_id != ours.first.shop_id
    with device(ours.first) as conn:
        push(conn, ours.first.device_id, journal(1, 5))
        take_lease(conn, ours.first.device_id, "shopee:123")
    with device(theirs.first) as conn:
        for table in ("changes", "leases"):
            assert conn.execute(f"SELECT count(*) FROM companion_hub.{table}").fetchone() == (0,)
        assert conn.execute("SELECT shop_id::text FROM companion_hub.shops").fetchall() == [(theirs.first.shop_id,)]
        assert [d.name for d in list_devices(conn)] == ["Kasir Sebelah"]
        assert pull(conn, theirs.first.device_id, "0:0") == []
        assert list_leases(conn) == []
        conn.commit()
        for shop, dev in ((ours.first.shop_id, theirs.first.device_id), (theirs.first.shop_id, ours.first.device_id),
                          (ours.first.shop_id, ours.first.device_id)):
            with pytest.raises(pg.InsufficientPrivilege, match="row-level security"):
                conn.execute(INSERT_CHANGE, (uuid.uuid4(), shop, dev, 99))
            conn.rollback()
        assert conn.execute("UPDATE companion_hub.devices SET last_seen_at = now() WHERE shop_id = %s",
                            (ours.first.shop_id,)).rowcount == 0
        conn.rollback()
        with pytest.raises(HubError):
            revoke_device(conn, ours.first.device_id)
    with ours.admin() as admin:
        assert admin.execute("SELECT count(*) FROM companion_hub.changes WHERE shop_id = %s",
                             (ours.first.shop_id,)).fetchone() == (5,)
        assert admin.execute("SELECT revoked_at FROM companion_hub.devices WHERE device_id = %s",
                             (ours.first.device_id,)).fetchone() == (None,)


def test_a_device_cannot_write_as_another_device_of_its_shop(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    second = hub.join("Gudang")
    with device(second) as conn:
        with pytest.raises(pg.InsufficientPrivilege, match="row-level security"):
            conn.execute(INSERT_CHANGE, (uuid.uuid4(), hub.first.shop_id, hub.first.device_id, 1))
        conn.rollback()
        with pytest.raises(HubError) as posing:
            push(conn, hub.first.device_id, journal(1, 1))
        assert posing.value.kind == "reset"
        with pytest.raises(pg.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO companion_hub.leases (shop_id, account_key, device_id, expires_at) "
                         "VALUES (%s, 'shopee:1', %s, now() + interval '1 hour')",
                         (hub.first.shop_id, hub.first.device_id))
        conn.rollback()


def test_a_device_role_has_no_ddl_no_other_tables_and_no_seq_of_its_own(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    with device(hub.first) as conn:
        refused = [
            "CREATE TABLE companion_hub.mine (x int)",
            "CREATE TABLE public.mine (x int)",
            "SELECT * FROM companion_hub.join_codes",
            "DELETE FROM companion_hub.changes",
            "UPDATE companion_hub.changes SET payload = '{}'",
            "UPDATE companion_hub.devices SET revoked_at = NULL",
            "INSERT INTO companion_hub.shops (shop_id, name) VALUES (gen_random_uuid(), 'x')",
            "ALTER TABLE companion_hub.changes DISABLE ROW LEVEL SECURITY",
            "SELECT companion_hub.add_device(gen_random_uuid(), gen_random_uuid(), 'a', 'b', 'c', 'd')",
            "CREATE ROLE sneaky LOGIN",
        ]
        for statement in refused:
            with pytest.raises(pg.InsufficientPrivilege):
                conn.execute(statement)
            conn.rollback()
        with pytest.raises(pg.InsufficientPrivilege):  # the hub numbers the rows and stamps the transaction
            conn.execute("INSERT INTO companion_hub.changes (seq, change_id, shop_id, device_id, device_seq, tbl, "
                         "row_id, op, hlc, payload) VALUES (1, gen_random_uuid(), %s, %s, 1, 't', 'r', 'insert', 1, "
                         "'{}')", (hub.first.shop_id, hub.first.device_id))
        conn.rollback()


def test_an_invite_role_may_only_join(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    with device(hub.first) as conn:
        push(conn, hub.first.device_id, journal(1, 2))
        code = join_code.decode(create_invite(conn, hub.first.device_id))
    with connect(code.address, code.role, code.secret) as invite:
        for statement in ("SELECT count(*) FROM companion_hub.changes", "SELECT * FROM companion_hub.devices",
                          "SELECT companion_hub.create_invite('chj_0000000000000000', 'SCRAM-SHA-256$x', 'x', 1)"):
            with pytest.raises(pg.InsufficientPrivilege):
                invite.execute(statement)
            invite.rollback()


def test_a_removed_device_is_cut_off_and_refused(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    lost = hub.join("Laptop hilang")
    open_session = connect(lost.address, lost.role, lost.password)
    try:
        take_lease(open_session, lost.device_id, "tiktok:77")
        hello(open_session, lost.device_id)
        with device(hub.first) as conn:
            revoke_device(conn, lost.device_id)
            assert [d.revoked_at is not None for d in list_devices(conn)] == [False, True]
            assert list_leases(conn) == []  # its marketplace shop can be taken at once
            assert hello(conn, hub.first.device_id).devices == 1
        with pytest.raises(HubError) as cut:
            push(open_session, lost.device_id, journal(1, 1))
        assert cut.value.kind in ("unreachable", "revoked")
        assert open_session.closed or open_session.broken
    finally:
        open_session.close()
    with pytest.raises(HubError) as refused:
        connect(lost.address, lost.role, lost.password)
    assert refused.value.kind == "revoked"
    assert "dikeluarkan" in refused.value.message()
    with hub.admin() as admin:
        assert admin.execute("SELECT count(*) FROM companion_hub.changes").fetchone() == (0,)


def test_a_removed_device_whose_session_stays_open_reads_and_writes_nothing(pg_cluster: PgCluster) -> None:
    """Ending sessions needs pg_signal_backend on a managed server; the policies refuse the session anyway."""
    hub = make_hub(pg_cluster)
    lost = hub.join("Laptop hilang")
    with device(hub.first) as conn:
        push(conn, hub.first.device_id, journal(1, 3))
    with device(lost) as session, hub.admin() as admin:  # removed by hand, without ending its session
        admin.execute("UPDATE companion_hub.devices SET revoked_at = now() WHERE device_id = %s", (lost.device_id,))
        assert session.execute("SELECT count(*) FROM companion_hub.changes").fetchone() == (0,)
        session.rollback()
        assert hello(session, lost.device_id).revoked
        with pytest.raises(HubError) as refused:
            pull(session, lost.device_id, "0:0")
        assert refused.value.kind == "revoked"
        with pytest.raises(pg.InsufficientPrivilege):
            session.execute(INSERT_CHANGE, (uuid.uuid4(), lost.shop_id, lost.device_id, 1))


def test_the_invite_role_is_disabled_once_used(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    with device(hub.first) as conn:
        code = create_invite(conn, hub.first.device_id)
    from_code = join_code.decode(code)
    join_with_code(code, "Gudang", "outlet-main")
    with hub.admin() as admin:
        row = admin.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", (from_code.role,)).fetchone()
        assert row == (False,)
        used = admin.execute("SELECT used_at IS NOT NULL, used_by FROM companion_hub.join_codes").fetchone()
    assert used is not None and used[0]
    assert hub.join("Rumah").prefix == "C"  # a new invite works while the first is spent


def test_admin_connection_without_tls_is_refused_by_the_server(pg_cluster: PgCluster) -> None:
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(pg_cluster.url(pg_cluster.admin_user, pg_cluster.admin_password, sslmode="disable"))


def test_a_hub_set_up_by_an_owner_who_is_no_superuser_works_end_to_end(pg_cluster: PgCluster) -> None:
    """As on Supabase and Neon: the setting-up user has CREATEROLE and owns the database, nothing more. Row-level
    security is forced on its own tables too, so this walks every path once with the owner's policy in force."""
    owner, dbname = f"owner_{uuid.uuid4().hex[:8]}", f"hub_{uuid.uuid4().hex[:12]}"
    with pg_cluster.admin_connect() as admin:
        admin.execute(f"CREATE ROLE {owner} LOGIN CREATEROLE PASSWORD 'owner-pw-1'")
        admin.execute(f'CREATE DATABASE "{dbname}" OWNER {owner}')
    url = pg_cluster.url(owner, "owner-pw-1", dbname)
    first = init_hub(url, "Toko Maju", "Kasir", "outlet-main")
    with device(first) as conn:
        code = create_invite(conn, first.device_id)
    second = join_with_code(code, "Gudang", "outlet-main")
    with device(first) as a, device(second) as b:
        push(a, first.device_id, journal(1, 3))
        assert len(pull(b, second.device_id, "0:0")) == 3
        take_lease(b, second.device_id, "shopee:1")
        revoke_device(a, second.device_id)
        assert list_leases(a) == []
    with pytest.raises(HubError) as refused:
        connect(second.address, second.role, second.password)
    assert refused.value.kind == "revoked"
    assert init_hub(url, "Toko Maju", "Kasir", "outlet-main", device_id=first.device_id).prefix == "A"
