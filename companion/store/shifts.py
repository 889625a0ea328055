"""Counter shifts: opened with the starting cash, closed with what was counted (schema v11)."""

from __future__ import annotations

from companion.store.database import Database


def open_shift_id(db: Database) -> str | None:
    """The shift open on this laptop now (one at most), or None: sales made without a shift carry none."""
    value = db.scalar("SELECT s.id FROM shifts s WHERE NOT EXISTS (SELECT 1 FROM shift_closes c"
                      " WHERE c.shift_id = s.id) ORDER BY s.opened_at DESC LIMIT 1")
    return None if value is None else str(value)
