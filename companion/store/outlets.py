"""The shop's outlets (its shops, stalls and warehouses) and which one this laptop is in.

Outlets are synced between the laptops (merged field by field); 'outlet-main' exists on every laptop from the
start. An outlet is archived, never deleted: its movements and sales keep pointing at it. Which outlet this
laptop sells and counts in lives in hub_state (one laptop's fact, never synced).
"""

from __future__ import annotations

from dataclasses import dataclass

from companion.domain.hub_tables import MAIN_OUTLET
from companion.store.database import Database
from companion.store.stock import this_outlet as this_outlet  # re-exported: one reader of hub_state.outlet_id


@dataclass(frozen=True)
class OutletRow:
    id: str
    name: str
    created_at: str
    archived_at: str | None

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


_SELECT = "SELECT id, name, created_at, archived_at FROM outlets"
# The main outlet first, then the others by name: the order of every list of outlets.
_ORDER = f" ORDER BY id != '{MAIN_OUTLET}', name COLLATE NOCASE, id"


def listed(db: Database, include_archived: bool = True) -> list[OutletRow]:
    """Every outlet (the archived ones too unless told), the main one first."""
    where = "" if include_archived else " WHERE archived_at IS NULL"
    rows = db.query(_SELECT + where + _ORDER)
    return [OutletRow(r["id"], r["name"], r["created_at"], r["archived_at"]) for r in rows]


def get(db: Database, outlet_id: str) -> OutletRow | None:
    r = db.one(_SELECT + " WHERE id = ?", (outlet_id,))
    return None if r is None else OutletRow(r["id"], r["name"], r["created_at"], r["archived_at"])


def named(db: Database, name: str, other_than: str = "") -> OutletRow | None:
    """An outlet in use (not archived) already called `name` (case and spaces at the ends ignored)."""
    r = db.one(_SELECT + " WHERE lower(trim(name)) = lower(trim(?)) AND archived_at IS NULL AND id != ? LIMIT 1",
               (name, other_than))
    return None if r is None else OutletRow(r["id"], r["name"], r["created_at"], r["archived_at"])


def names(db: Database) -> dict[str, str]:
    """id → name of every outlet (archived ones too: old movements name them)."""
    return {str(r["id"]): str(r["name"]) for r in db.query("SELECT id, name FROM outlets")}


def insert(db: Database, outlet_id: str, name: str, created_at: str) -> None:
    db.execute("INSERT INTO outlets (id, name, created_at) VALUES (?, ?, ?)", (outlet_id, name, created_at))


def rename(db: Database, outlet_id: str, name: str) -> None:
    db.execute("UPDATE outlets SET name = ? WHERE id = ?", (name, outlet_id))


def set_archived(db: Database, outlet_id: str, archived_at: str | None) -> None:
    db.execute("UPDATE outlets SET archived_at = ? WHERE id = ?", (archived_at, outlet_id))


def choose(db: Database, outlet_id: str) -> None:
    """This laptop's outlet from now on (hub_state, never synced)."""
    db.execute("UPDATE hub_state SET outlet_id = ? WHERE id = 1", (outlet_id,))


def stock_held(db: Database, outlet_id: str) -> int:
    """How many products the outlet holds any stock of (above or below zero), by the cache."""
    return int(db.scalar("SELECT COUNT(*) FROM stock_outlet_levels WHERE outlet_id = ? AND on_hand != 0",
                         (outlet_id,)) or 0)

