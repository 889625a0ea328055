"""Pushing this laptop's journal to the hub and pulling the other laptops' changes, as the device's own role.

Pull order and the slow-transaction rule: every change row records the id of the transaction that wrote it
(`txid xid8 DEFAULT pg_current_xact_id()`); a pull returns rows after its cursor ordered by (txid, seq) and only those
whose txid is below `pg_snapshot_xmin(pg_current_snapshot())`, the oldest transaction still running
(https://www.postgresql.org/docs/15/functions-info.html#FUNCTIONS-PG-SNAPSHOT). Every transaction below it has ended,
so no row can still appear behind the cursor: a push that holds its transaction open holds back the pulls of newer
rows instead of being skipped. (Any long transaction on the same server holds pulls back the same way: they wait,
nothing is lost.) Each pull runs in its own short read transaction, so the caller's own transaction id never enters
the horizon.

Push: one transaction, one INSERT of all the rows (unnest of arrays: one round trip) with ON CONFLICT (change_id)
DO NOTHING, so a push repeated after a lost answer adds nothing. A different change under an already used
(device_id, device_seq) means this laptop's journal is older than what the hub holds from it: HubError old_copy.
After the rows, `pg_notify` on the shop's channel (channel_name) tells listening laptops to pull now; it is
delivered at commit (https://www.postgresql.org/docs/15/sql-notify.html). LISTEN needs a session connection (not
Supabase's transaction pooler); laptops that do not listen simply pull on their timer.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from psycopg import sql

from companion.domain.hub_records import HubChange, JournalChange
from companion.hub.connection import transaction
from companion.hub.errors import HubError
from companion.hub.schema import SCHEMA_VERSION

PULL_SQL = """
SELECT c.change_id, c.device_id, c.device_seq, c.tbl, c.row_id, c.op, c.hlc, c.fields, c.payload,
       c.txid::text, c.seq
FROM companion_hub.changes c
WHERE c.shop_id = %(shop)s
  AND (c.txid, c.seq) > (%(txid)s::xid8, %(seq)s::bigint)
  AND c.txid < pg_snapshot_xmin(pg_current_snapshot())
  AND c.device_id <> %(device)s::uuid
ORDER BY c.txid, c.seq
LIMIT %(limit)s
"""

PUSH_SQL = """
INSERT INTO companion_hub.changes (change_id, shop_id, device_id, device_seq, tbl, row_id, op, hlc, fields, payload)
SELECT u.change_id, %(shop)s, %(device)s::uuid, u.device_seq, u.tbl, u.row_id, u.op, u.hlc, u.fields, u.payload
FROM unnest(%(change_id)s::uuid[], %(device_seq)s::bigint[], %(tbl)s::text[], %(row_id)s::text[], %(op)s::text[],
            %(hlc)s::bigint[], %(fields)s::text[], %(payload)s::text[])
     AS u(change_id, device_seq, tbl, row_id, op, hlc, fields, payload)
ON CONFLICT (change_id) DO NOTHING
"""

HELLO_SQL = """
SELECT m.hub_id, d.shop_id, d.revoked_at IS NOT NULL, d.device_id,
       (extract(epoch FROM clock_timestamp()) * 1000)::bigint,
       (SELECT coalesce(max(version), 0) FROM companion_hub.schema_version)
FROM companion_hub.meta m
LEFT JOIN companion_hub.devices d ON d.role_name = current_user
"""


@dataclass(frozen=True)
class HubHello:
    """What the hub says at the start of a round: whose it is, its clock, and what it holds from this laptop."""

    hub_id: str
    shop_id: str
    server_ms: int
    last_seq: int  # the highest device_seq the hub holds from this device (0: none)
    revoked: bool
    devices: int  # live devices of the shop


def channel_name(shop_id: str) -> str:
    """The NOTIFY channel of one shop (an identifier of 42 characters; PostgreSQL's limit is 63)."""
    return f"companion_{uuid.UUID(shop_id).hex}"


def hello(conn: psycopg.Connection, device_id: str) -> HubHello:
    """Who the hub is for this device; marks the device as seen (unless the hub is read-only: pulls still work).
    HubError reset when the hub does not know this device (a hub made again under the same roles), schema_newer
    when a newer app changed the hub."""
    with transaction(conn):
        row = conn.execute(HELLO_SQL).fetchone()
        if row is None:
            raise HubError("not_hub")
        hub_id, shop_id, revoked, known_device, server_ms, version = row
        if version > SCHEMA_VERSION:
            raise HubError("schema_newer")
        if known_device is None or known_device != uuid.UUID(device_id):
            raise HubError("reset")
        counts = conn.execute(
            "SELECT (SELECT coalesce(max(device_seq), 0) FROM companion_hub.changes WHERE device_id = %(d)s::uuid), "
            "(SELECT count(*) FROM companion_hub.devices WHERE shop_id = %(s)s AND revoked_at IS NULL)",
            {"d": device_id, "s": shop_id}).fetchone()
        read_only = conn.execute("SHOW transaction_read_only").fetchone()
        if read_only and read_only[0] == "off":  # an UPDATE is refused in a read-only transaction, even of no row
            conn.execute("UPDATE companion_hub.devices SET last_seen_at = now() WHERE role_name = current_user "
                         "AND revoked_at IS NULL")
    assert counts is not None
    return HubHello(hub_id=str(hub_id), shop_id=str(shop_id), server_ms=int(server_ms), last_seq=int(counts[0]),
                    revoked=bool(revoked), devices=int(counts[1]))


def push(conn: psycopg.Connection, device_id: str, changes: Sequence[JournalChange]) -> None:
    """Send journal changes in one transaction; returns once the hub has committed them (then mark them pushed)."""
    if not changes:
        return
    with transaction(conn):
        shop = _my_shop(conn, device_id)
        conn.execute(PUSH_SQL, {
            "shop": shop, "device": device_id,
            "change_id": [c.change_id for c in changes], "device_seq": [c.device_seq for c in changes],
            "tbl": [c.table for c in changes], "row_id": [c.row_id for c in changes], "op": [c.op for c in changes],
            "hlc": [c.hlc for c in changes], "fields": [c.fields for c in changes],
            "payload": [c.payload for c in changes],
        })
        conn.execute("SELECT pg_notify(%s, %s)", (channel_name(str(shop)), uuid.UUID(device_id).hex))


def pull(conn: psycopg.Connection, device_id: str, cursor: str, limit: int = 500) -> list[HubChange]:
    """Other devices' changes after `cursor` ("txid:seq"), oldest first; each carries the cursor after it. Ids come
    back as 32 hex digits, as the laptops write them."""
    txid, seq = parse_cursor(cursor)
    with transaction(conn):
        shop = _my_shop(conn, device_id)
        rows = conn.execute(PULL_SQL, {"shop": shop, "txid": str(txid), "seq": seq, "device": device_id,
                                       "limit": limit}).fetchall()
    return [HubChange(change_id=r[0].hex, device_id=r[1].hex, device_seq=int(r[2]), table=r[3], row_id=r[4], op=r[5],
                      hlc=int(r[6]), fields=r[7], payload=r[8], cursor=f"{r[9]}:{r[10]}") for r in rows]


def listen(conn: psycopg.Connection, shop_id: str) -> None:
    """Turn a connection of its own (a session, not a transaction pooler) into the shop's listener: autocommit on,
    LISTEN on the shop's channel. Then `wait_for_push` waits on it."""
    conn.autocommit = True  # notifications arrive between transactions; a listener holds none open
    with transaction(conn):
        conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel_name(shop_id))))


def wait_for_push(conn: psycopg.Connection, device_id: str, timeout: float) -> bool:
    """True as soon as another device of the shop pushes; False after `timeout` seconds without one (own pushes
    are not counted). A cut line is a HubError (unreachable), like every hub call."""
    me = uuid.UUID(device_id).hex
    with transaction(conn):
        return any(note.payload != me for note in conn.notifies(timeout=timeout))


def parse_cursor(cursor: str) -> tuple[int, int]:
    """("txid:seq") -> (txid, seq); '0:0' is the start."""
    try:
        txid, seq = cursor.split(":")
        return int(txid), int(seq)
    except ValueError:
        raise ValueError(f"a pull cursor is 'txid:seq', not {cursor!r}") from None


def _my_shop(conn: psycopg.Connection, device_id: str) -> uuid.UUID:
    """This role's shop, checked against the device id the laptop holds (HubError revoked / reset otherwise)."""
    row = conn.execute("SELECT companion_hub.shop_of(current_user), companion_hub.device_of(current_user)").fetchone()
    if row is None or row[0] is None:
        raise HubError("revoked")
    if row[1] != uuid.UUID(device_id):
        raise HubError("reset")
    shop: uuid.UUID = row[0]
    return shop
