"""The hub as the sync strip and `companion hub status` show it, in plain words: "3 laptop sinkron",
"Offline — 120 perubahan menunggu", "Berhenti: …". Read from the laptop's own record only (no network), so it can
be asked at any moment, also while the hub is unreachable."""

from __future__ import annotations

from dataclasses import dataclass

from companion.i18n import N_, tr
from companion.store import hub_journal, hub_state
from companion.store.database import Database
from companion.sync.hub_outcome import LEFT_REASONS, clock_sentence

IN_SYNC = N_("{count} laptops in sync")
IN_SYNC_WAITING = N_("{count} laptops in sync — {waiting} changes waiting")
OFFLINE_WAITING = N_("Offline — {count} changes waiting")
OFFLINE = N_("Offline")
STOPPED = N_("Stopped: {reason}")
FIRST_SYNC = N_("Waiting for the first sync with the hub — {count} changes waiting")

OK, WAITING, PROBLEM, STOPPED_STATE = "ok", "waiting", "problem", "stopped"


@dataclass(frozen=True)
class HubStatus:
    """`line`: the strip's short words; `detail`: the sentence behind them (the last problem, a clock far off),
    or ""; `state`: ok | waiting | problem | stopped (the strip's colour)."""

    line: str
    detail: str
    state: str
    waiting: int
    devices: int
    last_sync: str | None


def hub_status(db: Database) -> HubStatus | None:
    """The hub's line, or None when this laptop has not joined a hub (the strip then shows nothing for it)."""
    me = hub_state.identity(db)
    waiting = hub_journal.waiting_count(db)
    last = max((t for t in (me.last_push_at, me.last_pull_at) if t), default=None)
    clock = clock_sentence(me.clock_offset_ms) or ""
    if me.stopped_reason in LEFT_REASONS and not me.enrolled:
        return None
    if me.stopped_reason:
        reason = tr(me.stopped_reason)
        return HubStatus(tr(STOPPED, reason=reason), reason, STOPPED_STATE, waiting, me.devices_seen, last)
    if not me.enrolled:
        return None
    if me.last_error:
        line = tr(OFFLINE_WAITING, count=waiting) if waiting else tr(OFFLINE)
        detail = " ".join(s for s in (tr(me.last_error), clock) if s)
        return HubStatus(line, detail, PROBLEM, waiting, me.devices_seen, last)
    if last is None:
        return HubStatus(tr(FIRST_SYNC, count=waiting), clock, WAITING, waiting, me.devices_seen, last)
    line = tr(IN_SYNC_WAITING, count=me.devices_seen, waiting=waiting) if waiting else tr(IN_SYNC,
                                                                                          count=me.devices_seen)
    return HubStatus(line, clock, WAITING if waiting or clock else OK, waiting, me.devices_seen, last)
