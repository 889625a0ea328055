"""Which laptop sends for each marketplace shop: one lease row per (shop, account_key) on the hub.

Times are the server's (`now()`), so a laptop whose clock is days off neither keeps a lease forever nor loses it
early. A lease held by another live device is refused unless it has expired, its device was removed, or `force`
(a person confirmed that laptop is gone); the take is one INSERT … ON CONFLICT DO UPDATE … WHERE, so two laptops
taking at once cannot both win.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import psycopg

from companion.domain.clock import stamp
from companion.domain.hub_records import Lease
from companion.hub.connection import transaction
from companion.hub.errors import HubError

# How long a lease lasts without renewal: twelve hours. The holder renews it every round; while the hub cannot be
# reached (internet down, a managed hub asleep or paused) it keeps sending for its shops until then, so a day of
# blips never stops the marketplaces; another laptop takes over by itself only after that silence, or at once when
# a person says the holder is gone (force, behind the owner's PIN). Shorter would stop a cut-off shop laptop's
# marketplace sync within minutes; longer leaves a dead laptop's shops unsent for longer.
LEASE_MINUTES = 12 * 60

LEASE_COLUMNS = """l.account_key, l.device_id, d.name, l.renewed_at, l.expires_at"""

TAKE_SQL = """
INSERT INTO companion_hub.leases AS l (shop_id, account_key, device_id, renewed_at, expires_at)
VALUES ((SELECT companion_hub.shop_of(current_user)), %(key)s, %(device)s::uuid, now(),
        now() + make_interval(mins => %(minutes)s))
ON CONFLICT (shop_id, account_key) DO UPDATE
SET device_id = EXCLUDED.device_id, renewed_at = EXCLUDED.renewed_at, expires_at = EXCLUDED.expires_at
WHERE l.device_id = EXCLUDED.device_id OR l.expires_at <= now() OR %(force)s
   OR EXISTS (SELECT 1 FROM companion_hub.devices r WHERE r.device_id = l.device_id AND r.revoked_at IS NOT NULL)
RETURNING l.account_key
"""


def take_lease(conn: psycopg.Connection, device_id: str, account_key: str, *, force: bool = False,
               minutes: int = LEASE_MINUTES) -> Lease:
    """Hold (or renew) the lease on one marketplace shop; HubError lease_taken naming the live holder otherwise."""
    with transaction(conn):
        taken = conn.execute(TAKE_SQL, {"key": account_key, "device": device_id, "minutes": minutes,
                                        "force": force}).fetchone()
        lease = _read(conn, account_key)
    if taken is None or lease is None or lease.device_id != uuid.UUID(device_id).hex:
        raise HubError("lease_taken", device=lease.device_name if lease else "?")
    return lease


def renew_leases(conn: psycopg.Connection, device_id: str, *, minutes: int = LEASE_MINUTES) -> None:
    """Push back the end of every lease this device holds (a round does this while it keeps sending)."""
    with transaction(conn):
        conn.execute("UPDATE companion_hub.leases SET renewed_at = now(), expires_at = now() + "
                     "make_interval(mins => %s) WHERE device_id = %s::uuid", (minutes, device_id))


def list_leases(conn: psycopg.Connection) -> list[Lease]:
    """Every lease of the shop (expired ones too: the caller compares expires_at with the hub's time)."""
    with transaction(conn):
        rows = conn.execute(f"SELECT {LEASE_COLUMNS} FROM companion_hub.leases l "
                            "JOIN companion_hub.devices d ON d.device_id = l.device_id "
                            "ORDER BY l.account_key").fetchall()
    return [_lease(r) for r in rows]


def release_lease(conn: psycopg.Connection, device_id: str, key: str) -> None:
    """Give up a lease this device holds (another laptop may take it at once); someone else's is left alone."""
    with transaction(conn):
        conn.execute("DELETE FROM companion_hub.leases WHERE account_key = %s AND device_id = %s::uuid",
                     (key, device_id))


def _read(conn: psycopg.Connection, key: str) -> Lease | None:
    row = conn.execute(f"SELECT {LEASE_COLUMNS} FROM companion_hub.leases l "
                       "JOIN companion_hub.devices d ON d.device_id = l.device_id "
                       "WHERE l.account_key = %s", (key,)).fetchone()
    return _lease(row) if row else None


def _lease(row: Sequence[object]) -> Lease:
    device = row[1]
    assert isinstance(device, uuid.UUID)
    return Lease(account_key=str(row[0]), device_id=device.hex, device_name=str(row[2]),
                 renewed_at=stamp(row[3]), expires_at=stamp(row[4]))  # type: ignore[arg-type]
