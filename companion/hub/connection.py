"""Opening a connection to the hub, and one hub transaction whose every error becomes a HubError sentence.

Settings and why:
- `sslmode` from the address (verify-full unless the pasted URL said otherwise); a failed check is a `certificate`
  HubError, never a retry with a weaker mode. The CA: the address's PEM text written to a file libpq can read, or
  certifi's public CA bundle when the address has none (works the same on Windows, where OpenSSL's "system" store
  path points nowhere inside a bundled libpq).
- `sslcertmode=disable`: devices log in with passwords, never client certificates, so libpq does not go looking
  for ~/.postgresql/postgresql.crt (libpq 16+; psycopg's binary wheels bundle libpq 18).
- `prepare_threshold=None`: no server-side prepared statements, which Supabase's transaction pooler (Supavisor, port
  6543) cannot keep across transactions (https://www.psycopg.org/psycopg3/docs/advanced/prepare.html,
  https://supabase.com/docs/guides/database/connecting-to-postgres#connection-pooler).
- `connect_timeout`, TCP keepalives and `tcp_user_timeout` so a cut line fails in seconds instead of hanging;
  `application_name` "seller-companion" names our sessions in pg_stat_activity.
"""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import certifi
import psycopg

from companion.domain.hub_records import HubAddress
from companion.hub.errors import HubError, from_exception

APPLICATION_NAME = "seller-companion"
_addresses: weakref.WeakKeyDictionary[psycopg.Connection, HubAddress] = weakref.WeakKeyDictionary()


def connect(address: HubAddress, user: str, password: str, *, timeout: float = 10) -> psycopg.Connection:
    """An open connection (autocommit off) or a HubError saying in one sentence why not."""
    seconds = max(2, math.ceil(timeout))
    try:
        conn = psycopg.connect(
            host=address.host, port=address.port, dbname=address.dbname, user=user, password=password,
            sslmode=address.sslmode, sslrootcert=ca_file(address.sslrootcert), sslcertmode="disable",
            connect_timeout=seconds,
            keepalives=1, keepalives_idle=30, keepalives_interval=10, keepalives_count=3,
            tcp_user_timeout=seconds * 3000, application_name=APPLICATION_NAME,
            autocommit=False, prepare_threshold=None,
        )
    except (psycopg.Error, OSError) as exc:
        raise from_exception(exc, host=address.host, secrets=(password,)) from None
    _addresses[conn] = address
    return conn


def address_of(conn: psycopg.Connection) -> HubAddress:
    """The address a connection was opened with (join codes carry it)."""
    known = _addresses.get(conn)
    if known is not None:
        return known
    info = conn.info
    return HubAddress(host=info.host, port=int(info.port), dbname=info.dbname)


def ca_file(pem: str) -> str:
    """A file holding the CA's PEM text (named by its hash, written once), or certifi's bundle for ""."""
    if not pem.strip():
        return certifi.where()
    folder = Path(tempfile.gettempdir()) / "seller-companion-hub"
    folder.mkdir(exist_ok=True)
    path = folder / f"ca-{hashlib.sha256(pem.encode()).hexdigest()[:24]}.pem"
    if not path.exists() or path.read_text(errors="replace") != pem:
        part = path.with_suffix(f".{os.getpid()}.part")
        part.write_text(pem, encoding="ascii")
        os.replace(part, path)
    return str(path)


@contextmanager
def transaction(conn: psycopg.Connection, *, secrets: tuple[str, ...] = ()) -> Iterator[psycopg.Connection]:
    """One hub transaction: committed when the block ends; on any error rolled back and raised as a HubError."""
    try:
        yield conn
        conn.commit()
    except HubError:
        rollback_quietly(conn)
        raise
    except (psycopg.Error, OSError) as exc:
        rollback_quietly(conn)
        raise from_exception(exc, host=address_of(conn).host, secrets=secrets) from None


def rollback_quietly(conn: psycopg.Connection) -> None:
    """Roll back if the connection is still there (a cut line has nothing left to roll back)."""
    with suppress(psycopg.Error, OSError):
        if not conn.closed:
            conn.rollback()
