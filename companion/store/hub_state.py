"""This laptop's place in a hub: its identity, enrolment, clock, journal switch and leases (table `hub_state`).

The device id is made on the laptop and renewed whenever the file may be a copy (a restored backup): two
laptops pushing as one device would break the hub's `(device_id, device_seq)` order and reuse receipt numbers.
The hub password is never here; it lives in the keyring under the device id (services/hub.py).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from companion.domain.clock import stamp
from companion.domain.hub_records import Enrolment, HubAddress, Lease
from companion.domain.hub_tables import SYNCED_TABLES, Merge, account_key
from companion.store.database import Database
from companion.store.hub_triggers import snapshot_sql, tick_sql

JOINER_STAMP = 1  # clock of a joining laptop's own LATEST rows: any write the shop already made wins over them


@dataclass(frozen=True)
class DeviceIdentity:
    """The one `hub_state` row, read whole."""

    device_id: str
    device_made_at: str
    journal: int
    hlc: int
    clock_offset_ms: int
    outlet_id: str
    prefix: str | None
    device_name: str | None
    hub_id: str | None
    shop_id: str | None
    role_name: str | None
    address: HubAddress | None
    enrolled_at: str | None
    pull_cursor: str
    stopped_reason: str | None
    last_push_at: str | None
    last_pull_at: str | None
    last_error: str | None
    last_error_at: str | None
    devices_seen: int

    @property
    def enrolled(self) -> bool:
        """Joined to a hub and recording changes for it."""
        return self.hub_id is not None and self.journal != 0


def identity(db: Database) -> DeviceIdentity:
    r = db.one("SELECT * FROM hub_state WHERE id = 1")
    assert r is not None, "schema v12 always holds the hub_state row"
    address = None
    if r["host"]:
        address = HubAddress(r["host"], int(r["port"] or 5432), r["dbname"] or "", r["sslmode"] or "verify-full",
                             r["sslrootcert"] or "")
    return DeviceIdentity(
        r["device_id"], r["device_made_at"], int(r["journal"]), int(r["hlc"]), int(r["clock_offset_ms"]),
        r["outlet_id"], r["prefix"], r["device_name"], r["hub_id"], r["shop_id"], r["role_name"], address,
        r["enrolled_at"], r["pull_cursor"], r["stopped_reason"], r["last_push_at"], r["last_pull_at"],
        r["last_error"], r["last_error_at"], int(r["devices_seen"]))


def enrol(db: Database, enrolment: Enrolment, *, first: bool | None = None) -> None:
    """Join a hub: store the enrolment, switch the journal on and journal the laptop's whole history.

    The first laptop (`first`; by default the one given prefix "A") uploads its rows stamped with its clock. A
    joining laptop's own rows are uploaded too (nothing it recorded alone is lost), but its LATEST rows are
    stamped `JOINER_STAMP`, so the shop's products and settings win over a fresh laptop's defaults (or an old
    backup's prices), while rows only this laptop has still reach everyone.
    """
    first = enrolment.prefix == "A" if first is None else first
    a = enrolment.address
    with db.write():
        db.execute("UPDATE shifts SET device_id = ? WHERE device_id = (SELECT device_id FROM hub_state WHERE id = 1)",
                   (enrolment.device_id,))  # the journal is still off: the snapshot below carries the shifts
        db.execute(
            "UPDATE hub_state SET device_id = ?, journal = 1, outlet_id = ?, prefix = ?, device_name = ?, hub_id = ?,"
            " shop_id = ?, role_name = ?, host = ?, port = ?, dbname = ?, sslmode = ?, sslrootcert = ?,"
            " enrolled_at = ?, pull_cursor = '0:0', stopped_reason = NULL, last_error = NULL, last_error_at = NULL"
            " WHERE id = 1",
            (enrolment.device_id, enrolment.outlet_id, enrolment.prefix, enrolment.device_name, enrolment.hub_id,
             enrolment.shop_id, enrolment.role, a.host, a.port, a.dbname, a.sslmode, a.sslrootcert, stamp()))
        db.execute(tick_sql())
        start = int(db.scalar("SELECT COALESCE(MAX(seq), 0) FROM hub_journal"))
        for table in SYNCED_TABLES:
            for stmt in snapshot_sql(db.conn, table):
                db.execute(stmt)
        if not first:
            latest = tuple(t.name for t in SYNCED_TABLES if t.merge is Merge.LATEST)
            marks = ",".join("?" * len(latest))
            db.execute(f"UPDATE hub_journal SET hlc = ? WHERE seq > ? AND tbl IN ({marks})",
                       (JOINER_STAMP, start, *latest))
            db.execute("UPDATE hub_field_clock SET hlc = ? WHERE device_id = ?", (JOINER_STAMP, enrolment.device_id))


def renew_identity(db: Database) -> None:
    """After a restore: a new device id, the journal off and the enrolment cleared (the address stays, as a hint
    for joining again). Unpushed journal rows are kept; the next enrolment journals everything again anyway."""
    with db.write():
        db.execute(
            "UPDATE hub_state SET device_id = ?, device_made_at = ?, journal = 0, prefix = NULL, hub_id = NULL,"
            " shop_id = NULL, role_name = NULL, enrolled_at = NULL, pull_cursor = '0:0', devices_seen = 0,"
            " stopped_reason = NULL WHERE id = 1", (secrets.token_hex(16), stamp()))
        db.execute("DELETE FROM hub_leases")


def leave(db: Database, reason: str) -> None:
    """Stop taking part in the hub: the journal off, the enrolment cleared; every row and the prefix stay (so this
    laptop's receipt numbers keep their series)."""
    with db.write():
        db.execute("UPDATE hub_state SET journal = 0, hub_id = NULL, shop_id = NULL, role_name = NULL,"
                   " enrolled_at = NULL, pull_cursor = '0:0', stopped_reason = ? WHERE id = 1", (reason,))
        db.execute("DELETE FROM hub_leases")


def set_clock_offset(db: Database, ms: int) -> None:
    """How far this laptop's clock is behind the hub's (added to the wall clock in every stamp)."""
    with db.write():
        db.execute("UPDATE hub_state SET clock_offset_ms = ? WHERE id = 1", (int(ms),))


def record_round(db: Database, *, pushed: bool, pulled: bool, error: str | None, devices: int | None) -> None:
    """What one sync round achieved, for the sync strip."""
    now = stamp()
    with db.write():
        if pushed:
            db.execute("UPDATE hub_state SET last_push_at = ? WHERE id = 1", (now,))
        if pulled:
            db.execute("UPDATE hub_state SET last_pull_at = ? WHERE id = 1", (now,))
        if error is None:
            db.execute("UPDATE hub_state SET last_error = NULL, last_error_at = NULL WHERE id = 1")
        else:
            db.execute("UPDATE hub_state SET last_error = ?, last_error_at = ? WHERE id = 1", (error, now))
        if devices is not None:
            db.execute("UPDATE hub_state SET devices_seen = ? WHERE id = 1", (devices,))


def stop(db: Database, reason: str) -> None:
    """Syncing stopped for a reason a person must act on (revoked, hub reset); the journal keeps recording."""
    with db.write():
        db.execute("UPDATE hub_state SET stopped_reason = ? WHERE id = 1", (reason,))


def owns_account(db: Database, account_id: str, now: datetime | None = None) -> bool:
    """Whether this laptop sends for a marketplace account: always when not enrolled; when enrolled only while
    its lease (taken on the hub by the sync, copied into hub_leases) is this device's and not expired."""
    me = identity(db)
    if not me.enrolled:
        return True
    acc = db.one("SELECT channel, shop_ref FROM accounts WHERE id = ?", (account_id,))
    if acc is None:
        return False
    # a shop without a platform shop id (Lazada's accounts have none) is named by its account id, which every laptop
    # shares through the synced accounts table (sync/hub_round.lease_key uses the same rule)
    lease = db.one("SELECT device_id, expires_at FROM hub_leases WHERE account_key = ?",
                   (account_key(acc["channel"], acc["shop_ref"] or account_id),))
    if lease is None or lease["device_id"] != me.device_id:
        return False
    return bool(_parse(lease["expires_at"]) > (now or datetime.now(UTC)))


def _parse(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def replace_leases(db: Database, leases: Sequence[Lease]) -> None:
    """The hub's leases as just read: the local copy becomes exactly that."""
    now = stamp()
    with db.write():
        db.execute("DELETE FROM hub_leases")
        db.executemany(
            "INSERT INTO hub_leases (account_key, device_id, device_name, expires_at, refreshed_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [(x.account_key, x.device_id, x.device_name, x.expires_at, now) for x in leases])
