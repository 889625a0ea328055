"""One linked shop's options as typed in Settings → Online shops: all five read and checked together, every
problem at once (by field), then saved in one transaction, so a refused value never leaves half of them saved."""

from __future__ import annotations

from collections.abc import Mapping

from companion.domain.errors import UserError
from companion.domain.field_problems import FieldProblem, raise_problems
from companion.domain.typed_numbers import read_count
from companion.i18n import N_
from companion.services.accounts import set_options
from companion.services.change import Change
from companion.services.planning import MAX_SHIP_WINDOW_DAYS, set_allocation
from companion.store.database import Database

# field key → its name in a sentence, and the range a value must fall in (msgid when outside it)
FIELDS: dict[str, tuple[str, int, int, str]] = {
    "buffer_units": (N_("The buffer"), 0, 100_000, N_("The buffer must be between 0 and 100.000 units.")),
    "buffer_percent": (N_("The buffer percentage"), 0, 100, N_("The buffer percentage must be between 0 and 100.")),
    "poll_seconds": (N_("Seconds between order checks"), 10, 86_400,
                     N_("Check for orders at most every 10 seconds and at least once a day.")),
    "keep_last_units": (N_("The units kept for the shop"), 0, 100_000,
                        N_("{field} is too large: the most allowed is 100.000.")),
    "ship_window_days": (N_("The ship window"), 0, MAX_SHIP_WINDOW_DAYS,
                         N_("The ship window must be between 0 and 30 days.")),
}


def read_options(typed: Mapping[str, str]) -> dict[str, int]:
    """The five numbers, or FieldProblems naming every field that is not one or is out of its range."""
    values: dict[str, int] = {}
    found: list[FieldProblem] = []
    for key, (name, low, high, outside) in FIELDS.items():
        try:
            value = read_count(typed.get(key, ""), name, allow_zero=True)
        except UserError as exc:
            found.append(FieldProblem(key, exc))
            continue
        if not low <= value <= high:
            found.append(FieldProblem(key, UserError(outside, field=name)))
            continue
        values[key] = value
    raise_problems(found)
    return values


def save_shop_options(db: Database, account_id: str, typed: Mapping[str, str]) -> Change:
    """Buffer, order check and allocation of one shop, all checked first, written together."""
    v = read_options(typed)
    with db.write():
        change = set_options(db, account_id, v["buffer_units"], v["buffer_percent"], v["poll_seconds"])
        change |= set_allocation(db, account_id, v["keep_last_units"], v["ship_window_days"])
    return change
