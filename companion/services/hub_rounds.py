"""What a hub round records about itself on this laptop: the clock's offset from the hub, the round's outcome,
why syncing stopped, and the hub's marketplace leases. Each is one short transaction (the round's own work,
pushing and applying changes, goes through services/hub.py); the round itself is sync/hub_round.py."""

from __future__ import annotations

from collections.abc import Sequence

from companion.domain.hub_records import Lease
from companion.services.change import Change
from companion.store import hub_state
from companion.store.database import Database


def note_clock(db: Database, offset_ms: int) -> None:
    """The hub's clock minus ours, measured at hello: the journal's clock stamps add it (store/hub_triggers.py)."""
    with db.write():
        hub_state.set_clock_offset(db, offset_ms)


def record_round(db: Database, *, pushed: bool, pulled: bool, error: str | None, devices: int | None) -> Change:
    """After a round (or its failure): when it last pushed and pulled, the last problem (a msgid or a sentence;
    None clears it), how many laptops the hub counts."""
    with db.write():
        hub_state.record_round(db, pushed=pushed, pulled=pulled, error=error, devices=devices)
    return Change(sync=True)


def stop_syncing(db: Database, reason: str) -> Change:
    """Syncing stops until the laptop joins again (the hub was reset, this laptop was removed, an older copy):
    every local record stays and the laptop keeps working alone."""
    with db.write():
        hub_state.stop(db, reason)
    return Change(sync=True)


def keep_leases(db: Database, leases: Sequence[Lease]) -> Change:
    """The hub's leases copied here, so the marketplace engine knows which shops this laptop sends for even while
    the hub cannot be reached (until the leases expire)."""
    with db.write():
        hub_state.replace_leases(db, leases)
    return Change(sync=True)
