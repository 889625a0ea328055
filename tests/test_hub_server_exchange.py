"""Pushing, pulling and the hub's answers when it cannot take changes (real PostgreSQL, several connections)."""

from __future__ import annotations

import dataclasses
import time
import uuid

import pytest

from companion.hub.connection import connect
from companion.hub.errors import HubError
from companion.hub.exchange import channel_name, hello, listen, pull, push, wait_for_push
from tests.hub_server_helpers import device, journal, make_hub
from tests.pg_cluster import PgCluster

RAW_PUSH = (
    "INSERT INTO companion_hub.changes (change_id, shop_id, device_id, device_seq, tbl, row_id, op, hlc, payload) "
    "VALUES (%s, %s, %s, %s, 'sales', %s, 'insert', 1, '{}')"
)


def test_a_push_repeated_after_a_lost_answer_adds_nothing(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    changes = journal(1, 20)
    with device(hub.first) as conn:
        push(conn, hub.first.device_id, changes)
        push(conn, hub.first.device_id, changes)
        push(conn, hub.first.device_id, changes[5:12])
        seen = hello(conn, hub.first.device_id)
    assert seen.last_seq == 20
    with hub.admin() as admin:
        counts = admin.execute("SELECT count(*), count(DISTINCT change_id), count(DISTINCT device_seq) "
                               "FROM companion_hub.changes").fetchone()
    assert counts == (20, 20, 20)


def test_another_change_under_a_used_number_is_an_old_copy(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    with device(hub.first) as conn:
        push(conn, hub.first.device_id, journal(1, 5))
        with pytest.raises(HubError) as old:
            push(conn, hub.first.device_id, journal(3, 1))  # a restored laptop numbering again from 3
        assert old.value.kind == "old_copy"
        assert hello(conn, hub.first.device_id).last_seq == 5


def test_pull_hands_out_other_devices_changes_in_order_and_resumes_at_its_cursor(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    second = hub.join("Gudang")
    mine, theirs = journal(1, 7), journal(1, 9)
    with device(hub.first) as a, device(second) as b:
        push(a, hub.first.device_id, mine[:4])
        push(b, second.device_id, theirs[:5])
        push(a, hub.first.device_id, mine[4:])
        push(b, second.device_id, theirs[5:])
        got, cursor = [], "0:0"
        while batch := pull(a, hub.first.device_id, cursor, limit=4):
            got.extend(batch)
            cursor = batch[-1].cursor
        assert [c.change_id for c in got] == [c.change_id for c in theirs]
        assert {c.device_id for c in got} == {second.device_id}
        assert [(c.device_seq, c.table, c.op, c.payload) for c in got] == [
            (c.device_seq, c.table, c.op, c.payload) for c in theirs]
        assert pull(a, hub.first.device_id, cursor) == []
        from_b = pull(b, second.device_id, "0:0")
        assert [c.change_id for c in from_b] == [c.change_id for c in mine]
        cursors = [tuple(int(p) for p in c.cursor.split(":")) for c in from_b]
        assert cursors == sorted(cursors) and len(set(cursors)) == len(cursors)


def test_pull_never_passes_a_slow_transactions_rows(pg_cluster: PgCluster) -> None:
    """One connection inserts and holds its transaction open while another commits later rows: a pull in between
    must stop before both, and after the slow one commits the pulls hand out every row once, in order."""
    hub = make_hub(pg_cluster)
    reader = hub.join("Kasir 2")
    first = journal(1, 3)
    with device(hub.first) as fast, device(hub.first) as slow, device(reader) as b:
        push(fast, hub.first.device_id, first)
        slow_ids = [uuid.uuid4() for _ in range(3)]
        for n, change_id in enumerate(slow_ids, start=4):
            slow.execute(RAW_PUSH, (change_id, hub.first.shop_id, hub.first.device_id, n, f"slow{n}"))
        later = journal(7, 4)
        push(fast, hub.first.device_id, later)  # committed while the slow transaction is still open

        before = pull(b, reader.device_id, "0:0")
        assert [c.change_id for c in before] == [c.change_id for c in first]
        assert pull(b, reader.device_id, before[-1].cursor) == []

        slow.commit()
        after = pull(b, reader.device_id, before[-1].cursor)
        assert [c.change_id for c in after] == [i.hex for i in slow_ids] + [c.change_id for c in later]
    everything = [c.change_id for c in before + after]
    assert len(everything) == len(set(everything)) == 10


def test_hello_names_the_hub_and_notices_a_device_it_does_not_know(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    with device(hub.first) as conn:
        seen = hello(conn, hub.first.device_id)
        assert (seen.hub_id, seen.shop_id, seen.last_seq, seen.revoked, seen.devices) == (
            hub.first.hub_id, hub.first.shop_id, 0, False, 1)
        server_now = conn.execute("SELECT (extract(epoch FROM now()) * 1000)::bigint").fetchone()
        assert server_now is not None and server_now[0] >= seen.server_ms - 1
        with pytest.raises(HubError) as other:
            hello(conn, uuid.uuid4().hex)
        assert other.value.kind == "reset"
    with hub.admin() as admin:
        assert admin.execute("SELECT last_seen_at IS NOT NULL FROM companion_hub.devices").fetchone() == (True,)


def test_a_push_wakes_the_shops_listeners_but_not_for_their_own_push(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    second = hub.join("Gudang")
    with device(second) as listener, device(second) as own, device(hub.first) as other:
        listen(listener, second.shop_id)
        push(own, second.device_id, journal(1, 2))
        assert not wait_for_push(listener, second.device_id, timeout=0.5)  # only its own push so far
        push(other, hub.first.device_id, journal(1, 2))
        assert wait_for_push(listener, second.device_id, timeout=60)
    assert channel_name(second.shop_id) == "companion_" + second.shop_id.replace("-", "")


def test_a_read_only_hub_refuses_pushes_with_a_sentence_and_still_serves_pulls(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    second = hub.join("Gudang")
    with device(second) as conn:
        push(conn, second.device_id, journal(1, 2))
    with hub.admin() as admin:
        admin.execute(f'ALTER DATABASE "{hub.dbname}" SET default_transaction_read_only = on')
    try:
        with device(hub.first) as conn:
            assert hello(conn, hub.first.device_id).devices == 2
            assert len(pull(conn, hub.first.device_id, "0:0")) == 2
            with pytest.raises(HubError) as refused:
                push(conn, hub.first.device_id, journal(1, 1))
        assert refused.value.kind == "read_only"
        assert "hanya-baca" in refused.value.message()
    finally:
        with pg_cluster.admin_connect() as admin:  # from another database: this one refuses ALTER now
            admin.execute(f'ALTER DATABASE "{hub.dbname}" RESET default_transaction_read_only')


def test_a_hub_out_of_space_answers_with_the_full_sentence(pg_cluster: PgCluster) -> None:
    """The server's class 53 answer (disk_full, 53100) as PostgreSQL sends it when a file cannot grow: raised here
    by a trigger on the changes table, so the answer's path through psycopg and our mapping is the real one; the
    real disk filling up is tested below where the machine lets us mount a small tmpfs."""
    hub = make_hub(pg_cluster)
    with hub.admin() as admin:
        admin.execute("CREATE FUNCTION companion_hub.no_room() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                      "RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = '53100'; "
                      "END $$")
        admin.execute("CREATE TRIGGER no_room BEFORE INSERT ON companion_hub.changes "
                      "FOR EACH ROW EXECUTE FUNCTION companion_hub.no_room()")
    with device(hub.first) as conn, pytest.raises(HubError) as full:
        push(conn, hub.first.device_id, journal(1, 3))
    assert full.value.kind == "full"
    assert "penuh" in full.value.message()


def test_a_connection_cut_mid_push_leaves_nothing_half_written(pg_cluster: PgCluster) -> None:
    hub = make_hub(pg_cluster)
    changes = journal(1, 50)
    conn = connect(hub.first.address, hub.first.role, hub.first.password)
    with hub.admin() as admin:
        conn.execute("SELECT 1")
        pid = conn.info.backend_pid
        conn.execute(RAW_PUSH, (uuid.uuid4(), hub.first.shop_id, hub.first.device_id, 1, "half"))
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(HubError) as cut:
        push(conn, hub.first.device_id, changes)
    assert cut.value.kind == "unreachable"
    with device(dataclasses.replace(hub.first)) as again:
        push(again, hub.first.device_id, changes)
        assert hello(again, hub.first.device_id).last_seq == 50
    with hub.admin() as admin:
        assert admin.execute("SELECT count(*) FROM companion_hub.changes WHERE row_id = 'half'").fetchone() == (0,)


def test_a_push_left_open_by_a_dead_line_stops_holding_pulls_back(pg_cluster: PgCluster) -> None:
    """Device roles end a session idle inside a transaction (30 s; 1 s here), so a laptop whose line died mid-push
    cannot hold every other laptop's pulls back until the server's TCP keepalive notices, hours later."""
    hub = make_hub(pg_cluster)
    reader = hub.join("Gudang")
    with hub.admin() as admin:
        setting = admin.execute("SELECT setconfig FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole "
                                "WHERE r.rolname = %s", (hub.first.role,)).fetchone()
        assert setting == (["idle_in_transaction_session_timeout=30s"],)
        admin.execute(f"ALTER ROLE {hub.first.role} SET idle_in_transaction_session_timeout = '1s'")
    with device(hub.first) as stuck, device(hub.first) as fast, device(reader) as b:
        stuck.execute(RAW_PUSH, (uuid.uuid4(), hub.first.shop_id, hub.first.device_id, 1, "stuck"))
        push(fast, hub.first.device_id, journal(2, 3))
        assert pull(b, reader.device_id, "0:0") == []  # held back by the open transaction
        with hub.admin() as admin:  # wait (up to a minute) for the server to end the stuck session
            for _ in range(600):
                if admin.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s",
                                 (stuck.info.backend_pid,)).fetchone() == (0,):
                    break
                time.sleep(0.1)
        assert len(pull(b, reader.device_id, "0:0")) == 3
        with pytest.raises(HubError) as ended:
            push(stuck, hub.first.device_id, journal(1, 1))
        assert ended.value.kind == "unreachable"
