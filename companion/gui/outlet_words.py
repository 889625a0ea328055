"""The counter's shift strip says which outlet it sells from ("Shift belum dibuka · Outlet: Cabang Pasar") when the
shop has several outlets, so a cashier knows whose stock a sale takes; with one outlet (most shops) nothing is added.
Part of the strip's own line, which wraps, rather than a widget beside it: the counter is tight at 1120 px."""

from __future__ import annotations

from companion.i18n import tr
from companion.store import outlets as outlet_store
from companion.store.database import Database


def outlet_note(db: Database) -> str:
    """"Outlet: Cabang Pasar", or "" while the shop has one outlet."""
    outlets = {o.id: o.name for o in outlet_store.listed(db, include_archived=False)}  # as gui/outlet_picker.py's
    if len(outlets) < 2:  # open_outlets, without loading the picker (and the stock model) before the first paint
        return ""
    here = outlet_store.this_outlet(db)
    return tr("Outlet: {name}", name=outlets.get(here, here))


def with_outlet(db: Database, text: str) -> str:
    """`text` followed by the outlet note, when there is one."""
    note = outlet_note(db)
    return f"{text} · {note}" if note else text
