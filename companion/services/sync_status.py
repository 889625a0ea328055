"""What a sync round records about each shop: when it last worked, and the problem if it did not."""

from __future__ import annotations

from companion.domain.clock import stamp
from companion.services.change import Change
from companion.store import sync_state
from companion.store.database import Database


def record_attempt(db: Database, account_id: str, ok: bool, problem_kind: str | None = None,
                   problem_detail: str | None = None) -> Change:
    """After each round of a shop: success clears its problem; a failure keeps the last success time."""
    with db.write():
        sync_state.record_attempt(db, account_id, stamp(), ok, problem_kind, problem_detail)
    return Change(sync=True)
