"""The hub server against a real PostgreSQL (tests/pg_cluster.py): setup, join codes, addresses and connections."""

from __future__ import annotations

import dataclasses

import psycopg
import pytest

from companion.domain.hub_records import HubAddress
from companion.hub import join_code
from companion.hub.address import parse_url
from companion.hub.connection import connect
from companion.hub.errors import HubError
from companion.hub.exchange import hello
from companion.hub.schema import SCHEMA_VERSION
from companion.hub.setup import create_invite, init_hub, join_with_code, list_devices
from tests.hub_server_helpers import dbname_of, device, make_hub
from tests.pg_cluster import PgCluster


def test_init_twice_keeps_the_hub_and_runs_no_migration_again(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    again = init_hub(hub.admin_url, "Toko Maju", "Kasir", "outlet-main", device_id=hub.first.device_id)
    assert (again.hub_id, again.shop_id, again.prefix) == (hub.first.hub_id, hub.first.shop_id, "A")
    assert again.password != hub.first.password  # the laptop's password was renewed; the old one no longer works
    with hub.admin() as admin:
        versions = admin.execute("SELECT version, applied_at FROM companion_hub.schema_version").fetchall()
    assert [v for v, _ in versions] == list(range(1, SCHEMA_VERSION + 1))
    init_hub(hub.admin_url, "Toko Maju", "Kasir", "outlet-main", device_id=hub.first.device_id)
    with hub.admin() as admin:
        assert admin.execute("SELECT version, applied_at FROM companion_hub.schema_version").fetchall() == versions
    with pytest.raises(HubError) as old:
        connect(hub.first.address, hub.first.role, hub.first.password)
    assert old.value.kind == "login"


def test_a_second_laptop_running_init_joins_the_same_shop_with_the_next_prefix(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    second = init_hub(hub.admin_url, "Toko Maju", "Gudang", "outlet-main")
    assert (second.hub_id, second.shop_id, second.prefix) == (hub.first.hub_id, hub.first.shop_id, "B")


def test_invite_and_join_give_the_next_prefix_and_the_same_shop(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    joined = hub.join("Gudang", "outlet-2")
    assert (joined.hub_id, joined.shop_id, joined.prefix, joined.outlet_id) == (
        hub.first.hub_id, hub.first.shop_id, "B", "outlet-2")
    assert joined.address == hub.first.address  # host, port, database and the CA came inside the code
    third = hub.join("Rumah")
    assert third.prefix == "C"
    with device(joined) as conn:
        seen = hello(conn, joined.device_id)
        assert (seen.hub_id, seen.shop_id, seen.devices, seen.revoked) == (joined.hub_id, joined.shop_id, 3, False)
        assert [(d.name, d.prefix) for d in list_devices(conn)] == [("Kasir", "A"), ("Gudang", "B"), ("Rumah", "C")]


def test_a_join_code_works_once(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    with device(hub.first) as conn:
        code = create_invite(conn, hub.first.device_id)
    join_with_code(code, "Gudang", "outlet-main")
    with pytest.raises(HubError) as again:
        join_with_code(code, "Gudang lagi", "outlet-main")
    assert again.value.kind == "code_used"
    assert "sudah dipakai" in again.value.message()
    with hub.admin() as admin:
        assert admin.execute("SELECT count(*) FROM companion_hub.devices").fetchone() == (2,)


def test_an_expired_join_code_is_refused_at_login(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    with device(hub.first) as conn:
        code = create_invite(conn, hub.first.device_id, hours=1)
    role = join_code.decode(code).role
    with hub.admin() as admin:  # the hour has passed: the role's VALID UNTIL and the row's expiry
        admin.execute(f"ALTER ROLE {role} VALID UNTIL '2000-01-01'")
        admin.execute("UPDATE companion_hub.join_codes SET expires_at = now() - interval '1 minute'")
    with pytest.raises(HubError) as late:
        join_with_code(code, "Gudang", "outlet-main")
    assert late.value.kind == "code_expired"


def test_join_itself_refuses_an_expired_code_even_while_the_role_may_log_in(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    with device(hub.first) as conn:
        code = create_invite(conn, hub.first.device_id)
    with hub.admin() as admin:
        admin.execute("UPDATE companion_hub.join_codes SET expires_at = now() - interval '1 minute'")
    with pytest.raises(HubError) as late:
        join_with_code(code, "Gudang", "outlet-main")
    assert late.value.kind == "code_expired"


def test_join_codes_survive_case_dashes_and_look_alike_letters(pg_cluster: PgCluster) -> None:
    address = HubAddress("hub.example.com", 6543, "postgres", "verify-full", pg_cluster.ca_pem)
    code = join_code.encode(address, "chj_0123456789abcdef", "s3cret-value")
    assert code.startswith("SC1-")
    messy = "  " + code.lower().replace("-", " ").replace("0", "o").replace("1", "l") + "\n"
    back = join_code.decode(messy)
    assert (back.address, back.role, back.secret) == (address, "chj_0123456789abcdef", "s3cret-value")
    plain = join_code.encode(dataclasses.replace(address, sslrootcert=""), "chj_0123456789abcdef", "x")
    assert join_code.decode(plain).address.sslrootcert == ""
    assert len(plain) < 240  # without a CA of its own the code stays short enough to read out


@pytest.mark.parametrize("damage", ["swap", "drop", "extra", "cut"])
def test_a_mistyped_join_code_says_so(damage: str) -> None:
    code = join_code.encode(HubAddress("hub.example.com", 5432, "postgres"), "chj_0123456789abcdef", "secret")
    at = len(code) // 2
    other = "X" if code[at] != "X" else "Y"
    damaged = {"swap": code[:at] + other + code[at + 1:], "drop": code[:at] + code[at + 1:],
               "extra": code[:at] + "7" + code[at:], "cut": code[: len(code) - 6]}[damage]
    with pytest.raises(HubError) as wrong:
        join_code.decode(damaged)
    assert wrong.value.kind == "code_wrong"


def test_a_wrong_password_is_a_login_sentence_without_the_password(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    with pytest.raises(HubError) as wrong:
        connect(hub.first.address, hub.first.role, "Rahasia-Salah-123")
    assert wrong.value.kind == "login"
    assert wrong.value.message().startswith("Nama pengguna atau kata sandi hub salah")
    assert "Rahasia-Salah-123" not in wrong.value.message() + wrong.value.detail + repr(wrong.value)


def test_verify_full_refuses_a_host_the_certificate_does_not_name(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    by_ip = dataclasses.replace(hub.first.address, host="127.0.0.1")
    with pytest.raises(HubError) as refused:
        connect(by_ip, hub.first.role, hub.first.password)
    assert refused.value.kind == "certificate"
    assert "127.0.0.1" in refused.value.message()
    with device(hub.first) as conn:  # the same server by the name its certificate holds
        assert conn.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone() == (True,)


def test_an_unknown_ca_is_a_certificate_problem(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    public_cas = dataclasses.replace(hub.first.address, sslrootcert="")  # the test CA is in no public bundle
    with pytest.raises(HubError) as refused:
        connect(public_cas, hub.first.role, hub.first.password)
    assert refused.value.kind == "certificate"


def test_nothing_listening_is_unreachable(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    closed = dataclasses.replace(hub.first.address, port=pg_cluster.port + 1 if pg_cluster.port < 65535 else 1)
    with pytest.raises(HubError) as away:
        connect(closed, hub.first.role, hub.first.password, timeout=2)
    assert away.value.kind == "unreachable"
    assert "tetap bekerja" in away.value.message()


def test_a_database_that_is_no_hub_says_so(pg_cluster: PgCluster) -> None:
    empty_url = pg_cluster.fresh_database()
    address, user, password = parse_url(empty_url)
    with connect(address, user, password) as conn, pytest.raises(HubError) as not_hub:
        hello(conn, "0" * 32)
    assert not_hub.value.kind == "not_hub"
    missing = dataclasses.replace(address, dbname="no_such_database")
    with pytest.raises(HubError) as gone:
        connect(missing, user, password)
    assert gone.value.kind == "not_hub"


def test_the_admin_url_is_read_with_verify_full_and_the_ca_file(pg_cluster: PgCluster) -> None:
    address, user, password = parse_url(pg_cluster.admin_url("shopdb"))
    assert (address.host, address.port, address.dbname, address.sslmode) == (
        "localhost", pg_cluster.port, "shopdb", "verify-full")
    assert address.sslrootcert == pg_cluster.ca_pem
    assert (user, password) == (pg_cluster.admin_user, pg_cluster.admin_password)
    plain, _, _ = parse_url("postgresql://postgres.abc:pw@aws-0-ap-southeast-1.pooler.supabase.com:5432/postgres")
    assert (plain.sslmode, plain.sslrootcert, plain.port) == ("verify-full", "", 5432)
    for weak in ("disable", "allow", "prefer"):
        with pytest.raises(HubError) as refused:
            parse_url(f"postgresql://u:p@h/db?sslmode={weak}")
        assert refused.value.kind == "certificate"
    for nonsense in ("hub.example.com", "", "postgresql://"):
        with pytest.raises(HubError) as unreadable:
            parse_url(nonsense)
        assert unreadable.value.kind == "address"


def test_setting_up_needs_a_user_that_may_create_roles(pg_cluster: PgCluster) -> None:
    url = pg_cluster.fresh_database()
    with pg_cluster.admin_connect() as admin:
        admin.execute("DROP ROLE IF EXISTS plain_user")
        admin.execute("CREATE ROLE plain_user LOGIN PASSWORD 'plain-pw-1'")
    dbname = dbname_of(url)
    with pytest.raises(HubError) as refused:
        init_hub(pg_cluster.url("plain_user", "plain-pw-1", dbname), "Toko", "Kasir", "outlet-main")
    assert "CREATEROLE" in refused.value.message()


def test_the_server_never_receives_a_device_password(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    with hub.admin() as admin:
        stored = admin.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (hub.first.role,)).fetchone()
    assert stored is not None and stored[0].startswith("SCRAM-SHA-256$")
    with pytest.raises(psycopg.errors.InvalidParameterValue), hub.admin() as admin:
        admin.execute("SELECT companion_hub.add_device(%s::uuid, %s::uuid, %s, 'plain password', 'x', 'y')",
                      (hub.first.shop_id, "1" * 32, "chd_" + "1" * 32))


def test_invite_roles_spent_a_week_ago_are_dropped_at_the_next_invite(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    with device(hub.first) as conn:
        spent = join_code.decode(create_invite(conn, hub.first.device_id)).role
        fresh = join_code.decode(create_invite(conn, hub.first.device_id)).role
        with hub.admin() as admin:
            admin.execute("UPDATE companion_hub.join_codes SET used_at = now() - interval '8 days' "
                          "WHERE role_name = %s", (spent,))
        create_invite(conn, hub.first.device_id)
    with hub.admin() as admin:
        roles = {r for (r,) in admin.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE 'chj_%'").fetchall()}
        dropped = admin.execute("SELECT role_name FROM companion_hub.join_codes "
                                "WHERE dropped_at IS NOT NULL").fetchall()
    assert spent not in roles and fresh in roles
    assert dropped == [(spent,)]
