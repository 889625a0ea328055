"""Counter shifts: opened with the starting cash, closed with what was counted (schema v11)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from companion.domain.shifts import ShiftActivity, ShiftMoney
from companion.store.database import Database


@dataclass(frozen=True)
class CloseRow:
    closed_at: str
    closed_by: str | None
    closed_by_name: str
    expected_cash: int
    counted_cash: int
    expected_qris: int
    counted_qris: int | None
    expected_transfer: int
    counted_transfer: int | None
    difference: int
    reason: str


@dataclass(frozen=True)
class ShiftRow:
    id: str
    opened_at: str
    opened_by: str | None
    opened_by_name: str  # "" when no cashier opened it (no cashiers set up)
    opening_cash: int
    close: CloseRow | None  # None while open


_SELECT = (
    "SELECT s.id, s.opened_at, s.opened_by, COALESCE(o.name, '') AS opened_by_name, s.opening_cash,"
    " c.shift_id AS closed, c.closed_at, c.closed_by, COALESCE(k.name, '') AS closed_by_name, c.expected_cash,"
    " c.counted_cash, c.expected_qris, c.counted_qris, c.expected_transfer, c.counted_transfer, c.difference,"
    " c.reason FROM shifts s LEFT JOIN shift_closes c ON c.shift_id = s.id"
    " LEFT JOIN cashiers o ON o.id = s.opened_by LEFT JOIN cashiers k ON k.id = c.closed_by"
)


# This laptop's device id: shifts travel between the laptops of a shop, and each laptop has its own open shift.
_THIS_DEVICE = "(SELECT device_id FROM hub_state WHERE id = 1)"


# The shift open on this laptop, as one SELECT: a sale reads it inside its own first statement (store/sales.py).
OPEN_SHIFT = ("SELECT s.id FROM shifts s WHERE s.device_id IS " + _THIS_DEVICE + " AND NOT EXISTS"
              " (SELECT 1 FROM shift_closes c WHERE c.shift_id = s.id) ORDER BY s.opened_at DESC LIMIT 1")


def open_shift_id(db: Database) -> str | None:
    """The shift open on this laptop now (one at most), or None: sales made without a shift carry none. Another
    laptop's open shift (synced from the hub) is that laptop's till, never this one's."""
    value = db.scalar(OPEN_SHIFT)
    return None if value is None else str(value)


def _row(r: Any) -> ShiftRow:
    close = None
    if r["closed"] is not None:
        close = CloseRow(r["closed_at"], r["closed_by"], r["closed_by_name"], r["expected_cash"], r["counted_cash"],
                         r["expected_qris"], r["counted_qris"], r["expected_transfer"], r["counted_transfer"],
                         r["difference"], r["reason"])
    return ShiftRow(r["id"], r["opened_at"], r["opened_by"], r["opened_by_name"], r["opening_cash"], close)


def get(db: Database, shift_id: str) -> ShiftRow | None:
    r = db.one(_SELECT + " WHERE s.id = ?", (shift_id,))
    return None if r is None else _row(r)


def current(db: Database) -> ShiftRow | None:
    """The open shift with who opened it, or None."""
    shift_id = open_shift_id(db)
    return None if shift_id is None else get(db, shift_id)


def history(db: Database, limit: int = 30) -> list[ShiftRow]:
    """The latest shifts, newest first (the open one included)."""
    return [_row(r) for r in db.query(_SELECT + " ORDER BY s.opened_at DESC, s.id DESC LIMIT ?", (limit,))]


def closed_ids(db: Database) -> list[str]:
    return [str(r["shift_id"]) for r in db.query("SELECT shift_id FROM shift_closes ORDER BY closed_at")]


def _by_method(db: Database, table: str, shift_id: str) -> dict[str, int]:
    rows = db.query(f"SELECT method, SUM(amount) AS total FROM {table} WHERE shift_id = ? GROUP BY method",
                    (shift_id,))
    return {str(r["method"]): int(r["total"]) for r in rows}


def money(db: Database, shift_id: str) -> ShiftMoney:
    """The sums a close is expected from, read from the append-only rows that carry this shift's id."""
    opening = db.scalar("SELECT opening_cash FROM shifts WHERE id = ?", (shift_id,))
    voids = db.scalar("SELECT COALESCE(SUM(refund_cash), 0) FROM sale_voids WHERE shift_id = ?", (shift_id,))
    returns = db.scalar("SELECT COALESCE(SUM(refund - credit_reduction), 0) FROM sale_returns WHERE shift_id = ?",
                        (shift_id,))
    return ShiftMoney(int(opening or 0), _by_method(db, "sale_payments", shift_id),
                      _by_method(db, "credit_payments", shift_id), int(voids or 0), int(returns or 0))


def activity(db: Database, shift_id: str) -> ShiftActivity:
    sales = db.one("SELECT COUNT(*) AS n, COALESCE(SUM(total), 0) AS total, COALESCE(SUM(credit_amount), 0) AS kasbon"
                   " FROM sales WHERE shift_id = ?", (shift_id,))
    voids = db.one("SELECT COUNT(*) AS n, COALESCE(SUM(s.total), 0) AS total FROM sale_voids v"
                   " JOIN sales s ON s.id = v.sale_id WHERE v.shift_id = ?", (shift_id,))
    returns = db.one("SELECT COUNT(*) AS n, COALESCE(SUM(refund), 0) AS total FROM sale_returns WHERE shift_id = ?",
                     (shift_id,))
    assert sales is not None and voids is not None and returns is not None
    return ShiftActivity(int(sales["n"]), int(sales["total"]), int(sales["kasbon"]), int(voids["n"]),
                         int(voids["total"]), int(returns["n"]), int(returns["total"]))


def insert_shift(db: Database, shift_id: str, opened_at: str, opened_by: str | None, opening_cash: int) -> None:
    """A shift of this laptop (its device id) at this laptop's outlet."""
    db.execute("INSERT INTO shifts (id, opened_at, opened_by, opening_cash, device_id, outlet_id)"
               " SELECT ?, ?, ?, ?, device_id, outlet_id FROM hub_state WHERE id = 1",
               (shift_id, opened_at, opened_by, opening_cash))


def insert_close(db: Database, values: dict[str, object]) -> None:
    db.execute(f"INSERT INTO shift_closes ({', '.join(values)}) VALUES ({', '.join(':' + k for k in values)})",
               values)
