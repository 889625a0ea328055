"""Shared steps of the hub server tests: a hub in a fresh database of the private cluster, devices, journal rows."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from psycopg.conninfo import conninfo_to_dict

from companion.domain.hub_records import Enrolment, JournalChange
from companion.hub.connection import connect
from companion.hub.setup import create_invite, init_hub, join_with_code
from tests.pg_cluster import PgCluster


@dataclass
class Hub:
    cluster: PgCluster
    admin_url: str
    dbname: str
    first: Enrolment  # the laptop that ran init (prefix A)

    def admin(self) -> psycopg.Connection:
        return self.cluster.admin_connect(self.dbname)

    def join(self, name: str, outlet: str = "outlet-main") -> Enrolment:
        with device(self.first) as conn:
            code = create_invite(conn, self.first.device_id)
        return join_with_code(code, name, outlet)


def make_hub(cluster: PgCluster, shop: str = "Toko Maju", device_name: str = "Kasir",
             dbname: str | None = None) -> Hub:
    """init_hub on a new database (or a second shop in `dbname`'s)."""
    if dbname is None:
        url = cluster.fresh_database()
        dbname = dbname_of(url)
    else:
        url = cluster.admin_url(dbname)
    return Hub(cluster, url, dbname, init_hub(url, shop, device_name, "outlet-main"))


def dbname_of(url: str) -> str:
    return str(conninfo_to_dict(url)["dbname"])


@contextmanager
def device(enrolment: Enrolment) -> Iterator[psycopg.Connection]:
    """A connection as the device's own role."""
    conn = connect(enrolment.address, enrolment.role, enrolment.password)
    try:
        yield conn
    finally:
        conn.close()


def journal(start: int, count: int, table: str = "sales") -> list[JournalChange]:
    """`count` insert changes numbered from `start` (device_seq), each a new row."""
    rows = []
    for seq in range(start, start + count):
        row_id = uuid.uuid4().hex
        rows.append(JournalChange(device_seq=seq, change_id=uuid.uuid4().hex, table=table, row_id=row_id,
                                  op="insert", hlc=1_000_000 + seq, fields=None,
                                  payload=json.dumps({"id": row_id, "total": seq * 1000})))
    return rows
