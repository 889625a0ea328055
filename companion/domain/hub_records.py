"""What travels between a laptop and the hub: journal changes, the hub's numbered changes, an enrolment."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class JournalChange:
    """One row change written on this laptop (store/hub_triggers.py), in the same transaction as the write.

    `device_seq` is the journal's own sequence: with the device id it is unique on the hub. `fields`: the
    columns an update changed (a JSON array), None for an insert or delete. `payload`: the whole row as JSON
    text (an insert or update), or the key columns (a delete)."""

    device_seq: int
    change_id: str
    table: str
    row_id: str
    op: str  # insert | update | delete
    hlc: int
    fields: str | None
    payload: str


@dataclass(frozen=True)
class HubChange:
    """A change as the hub hands it out: a journal change plus who made it and the hub's place for it."""

    change_id: str
    device_id: str
    device_seq: int
    table: str
    row_id: str
    op: str
    hlc: int
    fields: str | None
    payload: str
    cursor: str  # "txid:seq" — the pull cursor after this change


@dataclass(frozen=True)
class HubAddress:
    """Where the hub is. Never holds a password: that lives in the keyring under the device id."""

    host: str
    port: int
    dbname: str
    sslmode: str = "verify-full"
    sslrootcert: str = ""  # PEM text of the CA to trust ("" = the system's store)


@dataclass(frozen=True)
class Enrolment:
    """What a laptop gets when it joins (or creates) a hub."""

    address: HubAddress
    hub_id: str
    shop_id: str
    device_id: str
    role: str
    password: str = field(repr=False)  # never in a repr, a log line or a traceback
    prefix: str  # receipt prefix: A, B, …
    device_name: str
    outlet_id: str


@dataclass(frozen=True)
class DeviceRow:
    """A laptop as the hub lists it."""

    device_id: str
    name: str
    prefix: str
    outlet_id: str
    joined_at: str
    last_seen_at: str | None
    revoked_at: str | None
    last_seq: int


@dataclass(frozen=True)
class Lease:
    """Which device sends for one marketplace shop (`account_key` = "channel:platform shop id")."""

    account_key: str
    device_id: str
    device_name: str
    renewed_at: str
    expires_at: str
