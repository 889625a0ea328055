"""The counter's shift strip says which outlet it sells from ("Shift belum dibuka · Outlet: Cabang Pasar") when the
shop has several outlets, so a cashier knows whose stock a sale takes; with one outlet (most shops) nothing is added.
Part of the strip's own line, which wraps, rather than a widget beside it: the counter is tight at 1120 px."""

from __future__ import annotations

from companion.gui.outlet_picker import open_outlets, this_outlet
from companion.i18n import tr
from companion.store.database import Database


def outlet_note(db: Database) -> str:
    """"Outlet: Cabang Pasar", or "" while the shop has one outlet."""
    outlets = dict(open_outlets(db))
    if len(outlets) < 2:
        return ""
    here = this_outlet(db)
    return tr("Outlet: {name}", name=outlets.get(here, here))


def with_outlet(db: Database, text: str) -> str:
    """`text` followed by the outlet note, when there is one."""
    note = outlet_note(db)
    return f"{text} · {note}" if note else text
