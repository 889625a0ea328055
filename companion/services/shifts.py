"""Opening and closing a counter shift. Each is one transaction: a close reads what the shift should hold and
writes what was counted under the same write lock, so a sale saved at that moment is either in the shift or
after it (a sale takes the open shift inside its own transaction), never counted twice or lost."""

from __future__ import annotations

from datetime import datetime

from companion.domain.clock import now_utc, stamp
from companion.domain.errors import NotFound, UserError
from companion.domain.ids import new_id
from companion.domain.print_doc import PrintDoc
from companion.domain.settings_keys import SHIFT_COUNT_NON_CASH, SHOP_NAME, TIME_ZONE
from companion.domain.shift_report import ShiftReportFacts, shift_report_doc
from companion.domain.shifts import Close, Counted, Expected, check_opening
from companion.domain.shifts import close as check_close
from companion.i18n import N_
from companion.services.change import Change
from companion.store import settings as settings_store
from companion.store import shifts as shift_store
from companion.store.database import Database


def open_shift(db: Database, opening_cash: int, *, actor: str | None = None,
               now: datetime | None = None) -> tuple[str, Change]:
    """Start a shift with the cash in the drawer; refused while another shift is open."""
    check_opening(opening_cash)
    shift_id = new_id()
    with db.write():
        if shift_store.open_shift_id(db) is not None:
            raise UserError(N_("A shift is already open: close it before opening a new one."))
        shift_store.insert_shift(db, shift_id, stamp(now or now_utc()), actor, opening_cash)
    return shift_id, Change(shifts=frozenset({shift_id}))


def close_shift(db: Database, shift_id: str, counted_cash: int, counted_qris: int | None = None,
                counted_transfer: int | None = None, reason: str = "", *, actor: str | None = None,
                now: datetime | None = None) -> tuple[Close, Change]:
    """Close the shift with what was counted; a count that differs from what was expected needs a reason."""
    counted = Counted(counted_cash, counted_qris, counted_transfer)
    with db.write():
        shift = shift_store.get(db, shift_id)
        if shift is None:
            raise NotFound(N_("This shift was not found: open the shift list again."))
        if shift.close is not None:
            raise UserError(N_("This shift was already closed."))
        done = check_close(shift_store.money(db, shift_id), counted, reason)
        shift_store.insert_close(db, {
            "shift_id": shift_id, "closed_at": stamp(now or now_utc()), "closed_by": actor,
            "expected_cash": done.expected.cash, "counted_cash": counted.cash,
            "expected_qris": done.expected.qris, "counted_qris": counted.qris,
            "expected_transfer": done.expected.transfer, "counted_transfer": counted.transfer,
            "difference": done.difference, "reason": done.reason,
        })
    return done, Change(shifts=frozenset({shift_id}))


def history(db: Database, limit: int = 30) -> list[shift_store.ShiftRow]:
    """The latest shifts, newest first (a read: the shift list shows it)."""
    return shift_store.history(db, limit)


def count_non_cash(db: Database, on: bool) -> Change:
    """The owner's choice: a close also asks for the QRIS and transfer counted, not only the cash."""
    with db.write():
        settings_store.put(db, SHIFT_COUNT_NON_CASH, on)
    return Change(settings=True)


def report_facts(db: Database, shift_id: str) -> ShiftReportFacts:
    """Everything the shift report prints; a closed shift shows what its close recorded, an open one the sums so
    far (a read, no transaction)."""
    shift = shift_store.get(db, shift_id)
    if shift is None:
        raise NotFound(N_("This shift was not found: open the shift list again."))
    money = shift_store.money(db, shift_id)
    done = None
    if shift.close is not None:
        c = shift.close
        done = Close(Expected(c.expected_cash, c.expected_qris, c.expected_transfer),
                     Counted(c.counted_cash, c.counted_qris, c.counted_transfer), c.difference, c.reason)
    return ShiftReportFacts(
        shop_name=settings_store.get(db, SHOP_NAME), zone=settings_store.get(db, TIME_ZONE),
        opened_at=shift.opened_at, opened_by=shift.opened_by_name, money=money,
        activity=shift_store.activity(db, shift_id), close=done,
        closed_at=shift.close.closed_at if shift.close else "",
        closed_by=shift.close.closed_by_name if shift.close else "")


def report_doc(db: Database, shift_id: str) -> PrintDoc:
    """The shift report ready for the printer or the screen."""
    return shift_report_doc(report_facts(db, shift_id))
