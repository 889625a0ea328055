"""The outlets a laptop can say it is in, for the hub's forms (the list itself is outlets-gui's: gui/outlet_picker)."""

from __future__ import annotations

from companion.domain.hub_tables import MAIN_OUTLET
from companion.gui.outlet_picker import open_outlets
from companion.i18n import tr
from companion.store.database import Database


def outlet_choices(db: Database) -> list[tuple[str, str]]:
    """(id, name) of the outlets in use, the main one first (a laptop that has not joined knows only that one)."""
    rows = sorted(open_outlets(db), key=lambda row: row[0] != MAIN_OUTLET)
    return rows or [(MAIN_OUTLET, tr("Main shop"))]


def outlet_name(db: Database, outlet_id: str | None) -> str:
    """An outlet's name; an id this laptop has not received yet stays as it is."""
    return dict(outlet_choices(db)).get(outlet_id or MAIN_OUTLET, outlet_id or "")
