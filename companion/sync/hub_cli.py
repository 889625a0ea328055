"""`companion hub …`: create the shop's hub, invite and join laptops, see and run the sync, remove a laptop, leave,
and take over sending for an online shop. Every line in the app's language; every failure one sentence (a
HubError is a UserError: companion/cli.py prints it and exits 1). The hub client is companion/hub/, this laptop's
side services/hub.py; a round is sync/hub_round.py."""

from __future__ import annotations

import argparse
import json
import socket
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import psycopg

from companion import i18n
from companion.domain.errors import UserError
from companion.domain.hub_records import DeviceRow
from companion.domain.hub_tables import MAIN_OUTLET
from companion.domain.settings_keys import LANGUAGE, SHOP_NAME
from companion.hub import connection, setup
from companion.hub import leases as hub_leases
from companion.i18n import N_, tr
from companion.services import hub as hub_service
from companion.services import hub_rounds
from companion.store import accounts as account_store
from companion.store import hub_state, settings
from companion.store.accounts import AccountRow
from companion.store.database import Database, close_thread_databases, thread_database
from companion.store.location import db_path
from companion.sync.hub_outcome import LEFT, HubRoundResult
from companion.sync.hub_round import NO_PASSWORD, hub_round, lease_key
from companion.sync.hub_status import hub_status

NO_SUCH_DEVICE = N_("No laptop in the hub matches {device}: see the list with `companion hub devices`.")
MANY_DEVICES = N_("Several laptops match {device}: write more of its id.")
NO_SUCH_SHOP = N_("No linked online shop matches {account}: write its name as Settings shows it.")
NOT_YOURSELF = N_("This laptop cannot remove itself: use `companion hub leave`.")

NOT_JOINED = N_("This laptop has not joined a hub yet: join with a code from `companion hub invite`, or create the "
                "hub with `companion hub init`.")

def main(args: argparse.Namespace, folder: Path, lang: str | None) -> int:
    """Run one `companion hub` command on the shop file in `folder`; the exit code (0 fine, 1 a problem)."""
    path = db_path(folder)
    try:
        db = thread_database(path)
        if not lang:
            i18n.set_language(settings.get(db, LANGUAGE))
        return COMMANDS[args.hub_command](args, db, path)
    finally:
        close_thread_databases()


def _init(args: argparse.Namespace, db: Database, path: Path) -> int:
    hub_service.refuse_if_joined(db)
    shop = args.shop_name or settings.get(db, SHOP_NAME) or tr("My shop")
    enrolment = setup.init_hub(args.url, shop, _device_name(args), hub_state.identity(db).outlet_id)
    hub_service.enrol_device(db, enrolment)
    print(tr("This laptop created the shop's hub on {host} and joined it as {device} (receipts {prefix}-…).",
             host=enrolment.address.host, device=enrolment.device_name, prefix=enrolment.prefix))
    return _round_lines(hub_round(path))


def _invite(args: argparse.Namespace, db: Database, path: Path) -> int:
    with _connect(db) as conn:
        code = setup.create_invite(conn, hub_state.identity(db).device_id, args.hours)
    print(code)
    print(tr("Type this code on the other laptop (`companion hub join CODE` or Settings → Several laptops); it works "
             "once, for {hours} hours.", hours=args.hours))
    return 0


def _join(args: argparse.Namespace, db: Database, path: Path) -> int:
    hub_service.refuse_if_joined(db)
    enrolment = setup.join_with_code(args.code, _device_name(args), args.outlet or MAIN_OUTLET)
    hub_service.enrol_device(db, enrolment)
    print(tr("This laptop joined the shop's hub on {host} as {device} (receipts {prefix}-…).",
             host=enrolment.address.host, device=enrolment.device_name, prefix=enrolment.prefix))
    return _round_lines(hub_round(path))


def _status(args: argparse.Namespace, db: Database, path: Path) -> int:
    me, status = hub_state.identity(db), hub_status(db)
    facts = {"enrolled": me.enrolled, "host": me.address.host if me.address else None,
             "device_id": me.device_id, "device_name": me.device_name, "prefix": me.prefix, "outlet": me.outlet_id,
             "waiting": status.waiting if status else 0, "devices": me.devices_seen,
             "last_sync": status.last_sync if status else None, "line": status.line if status else None,
             "problem": status.detail or None if status else None,
             "stopped": tr(me.stopped_reason) if me.stopped_reason else None}
    if args.json:
        print(json.dumps(facts, ensure_ascii=False, indent=2))
        return 0
    if not me.enrolled and status is None:
        print(tr(NOT_JOINED))
        return 0
    print(tr("Hub: {host}", host=facts["host"] or "—"))
    print(tr("This laptop: {device} (receipts {prefix}-…), outlet {outlet}", device=me.device_name or "—",
             prefix=me.prefix or "—", outlet=me.outlet_id))
    if status is not None:
        print(status.line)
        if status.detail:
            print(status.detail)
        print(tr("Last sync: {when}", when=status.last_sync or tr("never")))
    return 0


def _sync(args: argparse.Namespace, db: Database, path: Path) -> int:
    result = hub_round(path)
    if not result.enrolled:
        raise UserError(NOT_JOINED)
    return _round_lines(result)


def _devices(args: argparse.Namespace, db: Database, path: Path) -> int:
    with _connect(db) as conn:
        rows = setup.list_devices(conn)
    mine = hub_state.identity(db).device_id
    for row in rows:
        print(_device_line(row, row.device_id == mine))
    return 0


def _revoke(args: argparse.Namespace, db: Database, path: Path) -> int:
    mine = hub_state.identity(db).device_id
    with _connect(db) as conn:
        device = _find_device(setup.list_devices(conn), args.device)
        if device.device_id == mine:
            raise UserError(NOT_YOURSELF)
        setup.revoke_device(conn, device.device_id)
    print(tr("{device} was removed from the hub: it can no longer sync; its receipts stay in the record.",
             device=device.name))
    return 0


def _leave(args: argparse.Namespace, db: Database, path: Path) -> int:
    me = hub_state.identity(db)
    if not me.enrolled and not me.stopped_reason:
        raise UserError(NOT_JOINED)
    try:  # the online shops it sent for are free at once for another laptop (else when the leases run out)
        with _connect(db) as conn:
            for lease in hub_leases.list_leases(conn):
                if lease.device_id == me.device_id:
                    hub_leases.release_lease(conn, me.device_id, lease.account_key)
    except UserError:
        pass  # the hub cannot be reached (or this laptop was removed): leaving is local all the same
    hub_service.leave_hub(db, LEFT)
    print(tr(LEFT))
    return 0


def _take_over(args: argparse.Namespace, db: Database, path: Path) -> int:
    row = _find_account(db, args.account)
    me = hub_state.identity(db)
    with _connect(db) as conn:
        hub_leases.take_lease(conn, me.device_id, lease_key(row), force=True)
        hub_rounds.keep_leases(db, hub_leases.list_leases(conn))
    print(tr("From now on this laptop sends for {shop}.", shop=tr(row.name)))
    return 0


def _round_lines(result: HubRoundResult) -> int:
    """What a round did, in a line or two; 1 when it had a problem."""
    if result.clock_note:
        print(result.clock_note)
    if result.problem is not None:
        print(result.problem or tr("The hub sync failed unexpectedly: it will try again by itself."))
        print(tr("{count} changes are waiting to be sent.", count=result.waiting))
        return 1
    print(tr("Hub sync done: {pushed} changes sent, {pulled} received; {devices} laptops in the hub.",
             pushed=result.pushed, pulled=result.pulled, devices=result.devices))
    return 0


def _connect(db: Database) -> AbstractContextManager[psycopg.Connection]:
    me = hub_state.identity(db)
    if not me.enrolled or me.address is None:
        raise UserError(NOT_JOINED)
    password = hub_service.hub_password(db)
    if not password:
        raise UserError(NO_PASSWORD)
    return connection.connect(me.address, me.role_name or "", password)


def _device_name(args: argparse.Namespace) -> str:
    return str(args.device_name or socket.gethostname() or tr("Laptop"))


def _device_line(row: DeviceRow, mine: bool) -> str:
    line = tr("{name} (receipts {prefix}-…), outlet {outlet}, last seen {seen}", name=row.name, prefix=row.prefix,
              outlet=row.outlet_id, seen=row.last_seen_at or tr("never"))
    if row.revoked_at:
        line += " — " + tr("removed {when}", when=row.revoked_at)
    if mine:
        line += " — " + tr("this laptop")
    return f"{row.device_id}  {line}"


def _find_device(rows: list[DeviceRow], wanted: str) -> DeviceRow:
    """A laptop by its id, the start of its id, or its name."""
    exact = [r for r in rows if wanted in (r.device_id, r.name)]
    found = exact or [r for r in rows if r.device_id.startswith(wanted.lower())]
    if not found:
        raise UserError(NO_SUCH_DEVICE, device=wanted)
    if len(found) > 1:
        raise UserError(MANY_DEVICES, device=wanted)
    return found[0]


def _find_account(db: Database, wanted: str) -> AccountRow:
    """A linked shop by its account id or its name (as Settings shows it, any case)."""
    rows = account_store.active(db)
    found = [r for r in rows if r.id == wanted] or [r for r in rows if tr(r.name).casefold() == wanted.casefold()
                                                     or r.name.casefold() == wanted.casefold()]
    if len(found) != 1:
        raise UserError(NO_SUCH_SHOP, account=wanted)
    return found[0]


COMMANDS: dict[str, Callable[[argparse.Namespace, Database, Path], int]] = {
    "init": _init, "invite": _invite, "join": _join, "status": _status, "sync": _sync, "devices": _devices,
    "revoke": _revoke, "leave": _leave, "take-over": _take_over,
}
