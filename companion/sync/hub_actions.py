"""What Pengaturan → "Beberapa laptop" asks of the hub, for the GUI (which may not import companion.hub).

Every function here talks to the hub over the network and is meant for a pool thread (gui/background.py): the
caller hands in the worker's own database connection. What the hub answers that this laptop must remember (an
enrolment, the leases) is stored through services/ and store/, so the window reads it back like any other state.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from companion.domain.clock import now_utc, stamp
from companion.domain.errors import UserError
from companion.domain.hub_records import DeviceRow, Lease
from companion.hub import connection as hub_connection
from companion.hub import join_code
from companion.hub import leases as hub_leases
from companion.hub import setup as hub_setup
from companion.i18n import N_
from companion.services import hub as hub_service
from companion.services.change import Change
from companion.store import hub_state
from companion.store.database import Database
from companion.sync.hub_outcome import LEFT

INVITE_HOURS = 24
NOT_JOINED = N_("This laptop is not in a hub: join one with an invitation code first.")
NO_PASSWORD = N_("This laptop's hub password is missing from the computer's password store: leave the hub and "
                 "join again with a new invitation code.")


@dataclass(frozen=True)
class Invite:
    """A one-time join code and until when (UTC stamp) it can be used."""

    code: str
    valid_until: str


@dataclass(frozen=True)
class HubFacts:
    """What the hub says about the shop's laptops and who sends for each marketplace shop."""

    devices: list[DeviceRow]
    leases: list[Lease]


def check_code(code: str) -> None:
    """A HubError (code_wrong) when `code` is not a whole join code (a letter missing, another text pasted);
    read here, without the network."""
    join_code.decode(code.strip())


def create_hub(db: Database, admin_url: str, shop_name: str, device_name: str, outlet_id: str) -> Change:
    """Make (or update) the hub at `admin_url` and enrol this laptop as its first device. The laptop's own device
    id goes along, so pressing "Buat hub" twice (a cut, a second try) enrols one device, not two."""
    hub_service.refuse_if_joined(db)
    me = hub_state.identity(db)
    enrolment = hub_setup.init_hub(admin_url, shop_name, device_name, outlet_id, device_id=me.device_id)
    return hub_service.enrol_device(db, enrolment)


def join_hub(db: Database, code: str, device_name: str, outlet_id: str) -> Change:
    """Join the hub a one-time code points at; this laptop's history is uploaded by the next round."""
    hub_service.refuse_if_joined(db)
    enrolment = hub_setup.join_with_code(code.strip(), device_name, outlet_id)
    return hub_service.enrol_device(db, enrolment)


def make_invite(db: Database, hours: int = INVITE_HOURS) -> Invite:
    """A one-time code another laptop types to join; valid for `hours`."""
    me = hub_state.identity(db)
    with _hub(db) as conn:
        code = hub_setup.create_invite(conn, me.device_id, hours)
    return Invite(code, stamp(now_utc() + timedelta(hours=hours)))


def hub_facts(db: Database) -> HubFacts:
    """The laptops and the marketplace leases as the hub holds them now; the leases are kept locally too."""
    with _hub(db) as conn:
        devices = hub_setup.list_devices(conn)
        leases = hub_leases.list_leases(conn)
    with db.write():
        hub_state.replace_leases(db, leases)
    return HubFacts(devices, leases)


def revoke(db: Database, device_id: str) -> HubFacts:
    """Lock one laptop out of the hub (its role is disabled there; it keeps its own data); the list again."""
    with _hub(db) as conn:
        hub_setup.revoke_device(conn, device_id)
    return hub_facts(db)


def take_over(db: Database, account_key: str) -> HubFacts:
    """This laptop sends for the marketplace shop `account_key` from now on, even if another laptop held it."""
    me = hub_state.identity(db)
    with _hub(db) as conn:
        hub_leases.take_lease(conn, me.device_id, account_key, force=True)
    return hub_facts(db)


def leave(db: Database) -> Change:
    """Stop syncing with the hub; every row stays on this laptop. The reason is LEFT: the owner chose this, so the
    strip shows no hub rather than a problem (Pengaturan still names the old hub as a hint)."""
    return hub_service.leave_hub(db, LEFT)


@contextmanager
def _hub(db: Database) -> Iterator[Any]:
    """A connection to this laptop's hub with its own login, committed and closed after the block."""
    me = hub_state.identity(db)
    if not me.enrolled or me.address is None:
        raise UserError(NOT_JOINED)
    password = hub_service.hub_password(db)
    if not password:
        raise UserError(NO_PASSWORD)
    conn = hub_connection.connect(me.address, me.role_name or "", password)
    try:
        yield conn
        conn.commit()
    finally:
        conn.close()
