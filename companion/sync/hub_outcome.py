"""What a hub round tells the rest of the app (the runner, the strip, the events), apart from the round itself, so
reading these never imports the PostgreSQL client: psycopg (~0.1 s) loads on the runner's thread at the first round,
not before the window is painted."""

from __future__ import annotations

from dataclasses import dataclass, field

from companion.i18n import N_, tr
from companion.services.change import Change

CLOCK_TOLERANCE_MS = 5 * 60_000  # a clock further off than this is named to the person
STOPPING_KINDS = frozenset({"reset", "revoked", "old_copy"})  # after these only joining again helps

LEFT = N_("This laptop left the shop's hub: it keeps all its records and works alone.")
LEFT_REASONS = (LEFT, "left")  # left on purpose: nothing to say (gui: sync/hub_actions.leave says "left")
CLOCK_OFF = N_("This laptop's clock is {amount} off from the hub's: correct the Windows clock.")
DAYS = N_("{count} days")
HOURS = N_("{count} hours")
MINUTES = N_("{count} minutes")


@dataclass(frozen=True)
class HubRoundResult:
    """What one round did. `problem` is one sentence in the app's language (None: the round finished);
    `kind` the HubError kind (or "stopped" when an earlier round stopped syncing); `clock_note` names a clock
    that is far off (the round went on)."""

    pushed: int = 0
    pulled: int = 0
    waiting: int = 0
    devices: int = 0
    problem: str | None = None
    kind: str | None = None
    enrolled: bool = True
    clock_note: str | None = None
    change: Change = field(default_factory=Change)

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def stopped(self) -> bool:
        return self.kind == "stopped" or self.kind in STOPPING_KINDS


def clock_sentence(offset_ms: int) -> str | None:
    """One sentence when this laptop's clock is more than five minutes off the hub's, else None."""
    off = abs(offset_ms)
    if off <= CLOCK_TOLERANCE_MS:
        return None
    if off >= 86_400_000:
        amount = tr(DAYS, count=round(off / 86_400_000))
    elif off >= 3_600_000:
        amount = tr(HOURS, count=round(off / 3_600_000))
    else:
        amount = tr(MINUTES, count=round(off / 60_000))
    return tr(CLOCK_OFF, amount=amount)
