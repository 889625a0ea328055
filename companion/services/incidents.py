"""Oversell incidents: the owner says how one was handled, and it leaves the list of open problems."""

from __future__ import annotations

from companion.domain.clock import stamp
from companion.domain.errors import NotFound, UserError
from companion.i18n import N_
from companion.services.change import Change
from companion.store import sync_state
from companion.store.database import Database

# How an oversell was put right: the order was cancelled on the marketplace, more stock arrived, or something else.
RESOLUTIONS = ("cancelled_order", "restocked", "other")


def resolve_incident(db: Database, incident_id: str, resolution: str) -> Change:
    """Mark an open oversell as handled; the stock itself is fixed elsewhere (a stocktake or an adjustment)."""
    if resolution not in RESOLUTIONS:
        raise UserError(N_("Choose how the problem was handled."))
    with db.write():
        if not sync_state.resolve_incident(db, incident_id, resolution, stamp()):
            raise NotFound(N_("This problem was already marked as handled."))
    return Change(sync=True)
