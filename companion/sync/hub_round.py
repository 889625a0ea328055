"""One hub round: hello, push every waiting change, pull every change of the other laptops, renew the marketplace
leases. Resumable after a cut anywhere:
- a pushed batch is marked only after the hub committed it; a cut between the two pushes it again, and the hub
  keeps one copy (`INSERT … ON CONFLICT (change_id) DO NOTHING`, hub/exchange.py);
- a pulled batch is applied in one local transaction together with the cursor after it (services/hub.apply_pulled),
  so a cut either applied the whole batch and moved the cursor, or neither.
Before anything moves, the hub's hello is checked against this laptop's identity: another hub (reset or replaced),
this laptop removed, or this file an older copy of itself (restored from a backup: the hub holds later changes of
ours than our journal has) each stop syncing with one sentence, and every local record stays. The clock is
compared with the hub's and the offset kept (the journal's clock stamps add it); days off is said, not fatal.
Every failure is a HubError with one sentence, recorded on the laptop (hub_state.last_error) and returned.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from companion.domain.errors import UserError
from companion.domain.hub_tables import account_key
from companion.hub import connection, exchange
from companion.hub import leases as hub_leases
from companion.hub.errors import HubError, from_exception
from companion.i18n import N_, tr
from companion.services import hub as hub_service
from companion.services import hub_rounds
from companion.services.accounts import CREDENTIALS
from companion.services.change import Change
from companion.store import accounts as account_store
from companion.store import hub_journal, hub_state, secrets
from companion.store.accounts import AccountRow
from companion.store.database import Database, thread_database
from companion.store.hub_state import DeviceIdentity
from companion.sync.hub_outcome import (
    LEFT_REASONS,
    STOPPING_KINDS,
    HubRoundResult,
    clock_sentence,
)

log = logging.getLogger(__name__)

BATCH = 500                      # changes per push or pull (one hub transaction / one local transaction each)
NO_PASSWORD = N_("The hub password is not in this computer's keyring: join the hub again with a new code.")


@dataclass
class _Tally:
    pushed: int = 0
    pulled: int = 0
    pushed_all: bool = False
    pulled_all: bool = False
    devices: int | None = None
    clock_note: str | None = None
    change: Change = field(default_factory=Change)


def hub_round(db_path: Path, *, stop_event: threading.Event | None = None, timeout: float = 10.0,
              batch: int = BATCH, now_ms: Callable[[], int] | None = None) -> HubRoundResult:
    """One round on the calling thread (its own connection to the shop file). Never raises a HubError: the
    sentence is recorded and returned. `now_ms` is this laptop's wall clock (tests move it)."""
    db = thread_database(Path(db_path))
    me = hub_state.identity(db)
    if me.stopped_reason and me.stopped_reason not in LEFT_REASONS:
        return _result(db, _Tally(), problem=tr(me.stopped_reason), kind="stopped")
    if not me.enrolled or me.address is None:
        return HubRoundResult(enrolled=False)
    tally = _Tally()
    password = hub_service.hub_password(db) or ""
    try:
        if not password:
            raise HubError("login", NO_PASSWORD)
        with connection.connect(me.address, me.role_name or "", password, timeout=timeout) as conn:
            _exchange(db, conn, me, tally, stop_event or threading.Event(), batch, now_ms or _wall_ms)
    except (HubError, psycopg.Error, OSError) as exc:  # the client maps its errors; a stray one is mapped here
        return _failed(db, tally, from_exception(exc, host=me.address.host, secrets=(password,)))
    except UserError as exc:  # a pulled batch this file cannot take (store/hub_rows.ApplyConflict): said, kept
        return _failed(db, tally, HubError("other", exc.msgid, detail=str(getattr(exc, "detail", "")),
                                           **exc.params))
    tally.change |= hub_rounds.record_round(db, pushed=tally.pushed_all, pulled=tally.pulled_all, error=None,
                                            devices=tally.devices)  # cut short by a stop: the rest next time
    return _result(db, tally)


def _failed(db: Database, tally: _Tally, exc: HubError) -> HubRoundResult:
    """Record the problem; after a reset hub, a removed laptop or an older copy, syncing stops until joining again
    (an older copy first becomes a new device, so its changes never pass for the ones the hub has)."""
    log.info("hub round did not finish: %s (%s)", exc.kind, exc.detail)
    if exc.kind == "old_copy":
        tally.change |= hub_service.after_restore(db)
    if exc.kind in STOPPING_KINDS:
        tally.change |= hub_rounds.stop_syncing(db, _kept(exc))
    tally.change |= hub_rounds.record_round(db, pushed=tally.pushed_all, pulled=tally.pulled_all,
                                            error=_kept(exc), devices=tally.devices)
    return _result(db, tally, problem=exc.message(), kind=exc.kind)


def _exchange(db: Database, conn: psycopg.Connection, me: DeviceIdentity, tally: _Tally,
              stop_event: threading.Event, batch: int, now_ms: Callable[[], int]) -> None:
    """Hello and its checks, then push, pull and the leases; stops early (between batches) when asked."""
    before = now_ms()
    hello = exchange.hello(conn, me.device_id)
    local = (before + now_ms()) // 2
    tally.devices = hello.devices
    if hello.hub_id != me.hub_id:
        raise HubError("reset")
    if hello.revoked:
        raise HubError("revoked")
    if hello.last_seq > hub_journal.last_seq(db):  # the hub has later changes of ours than this file: a copy
        raise HubError("old_copy")
    offset = hello.server_ms - local
    hub_rounds.note_clock(db, offset)
    tally.clock_note = clock_sentence(offset)
    while not stop_event.is_set():
        waiting = hub_journal.waiting(db, batch)
        if not waiting:
            tally.pushed_all = True
            break
        exchange.push(conn, me.device_id, waiting)
        hub_service.pushed(db, waiting[-1].device_seq)  # only after the hub committed: a cut here re-pushes
        tally.pushed += len(waiting)
    while tally.pushed_all and not stop_event.is_set():
        changes = exchange.pull(conn, me.device_id, hub_state.identity(db).pull_cursor, batch)
        if changes:
            tally.change |= hub_service.apply_pulled(db, changes)  # with the cursor, in one transaction
            tally.pulled += len(changes)
        if len(changes) < batch:
            tally.pulled_all = True
            break
    if tally.pulled_all:
        tally.change |= take_and_renew_leases(db, conn, me.device_id, hello.server_ms)


def take_and_renew_leases(db: Database, conn: psycopg.Connection, device_id: str, hub_ms: int) -> Change:
    """Renew this laptop's leases; take each linked marketplace shop that no live laptop sends for and whose keys
    are on this computer (the first laptop that syncs it, or the holder's lease ran out); then keep the hub's list
    here for the engine."""
    hub_leases.renew_leases(conn, device_id)
    live = {lease.account_key for lease in hub_leases.list_leases(conn)
            if lease.device_id == device_id or not _expired(lease.expires_at, hub_ms)}
    for row in account_store.active(db):
        key = lease_key(row)
        if key in live or not can_send(row):
            continue
        try:
            hub_leases.take_lease(conn, device_id, key)
        except HubError as exc:
            if exc.kind != "lease_taken":  # another laptop was quicker: it sends, this one leaves the shop alone
                raise
    return hub_rounds.keep_leases(db, hub_leases.list_leases(conn))


def lease_key(row: AccountRow) -> str:
    """The lease's name for a linked shop: the platform's shop id (the same on every laptop, even for two links of
    one shop); a channel whose calls need none (Lazada: tokens are per seller) is named by its synced account id."""
    return account_key(row.channel, row.shop_ref or row.id)


def can_send(row: AccountRow) -> bool:
    """Whether this computer holds the shop's keys (a shop linked on another laptop arrives here without them: the
    keyring never travels); practice shops are served by each laptop's own practice marketplace."""
    if row.practice:
        return True
    try:
        return secrets.get_secret(row.id, CREDENTIALS) is not None
    except UserError:  # no safe keyring on this computer: it cannot send for any shop
        return False


def _expired(expires_at: str, hub_ms: int) -> bool:
    """Whether a lease ran out by the hub's clock (an unreadable time counts as live: the hub decides)."""
    try:
        moment = datetime.fromisoformat(expires_at.replace("Z", "+00:00"))
    except ValueError:
        return False
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp() * 1000 < hub_ms


def _kept(exc: HubError) -> str:
    """What is recorded for a problem: its msgid when it names nothing (shown later in the language of the day),
    else the sentence as said now."""
    return exc.msgid if not exc.params else exc.message()


def _result(db: Database, tally: _Tally, *, problem: str | None = None, kind: str | None = None) -> HubRoundResult:
    devices = tally.devices if tally.devices is not None else hub_state.identity(db).devices_seen
    return HubRoundResult(tally.pushed, tally.pulled, hub_journal.waiting_count(db), devices, problem, kind,
                          True, tally.clock_note, tally.change)


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000
