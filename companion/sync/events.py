"""What a sync round reports: per account results and the problem (if any), as plain frozen records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

OFFLINE = "offline"
AUTH_EXPIRED = "auth_expired"
THROTTLED = "throttled"
TEMPORARY = "temporary"
PERMANENT = "permanent"
NOT_PERMITTED = "not_permitted"


@dataclass(frozen=True)
class Problem:
    kind: str            # "offline" | "auth_expired" | "throttled" | "temporary" | "permanent" | "not_permitted"
    sentence_msgid: str  # an English msgid (translated by the GUI with i18n.tr): what happened, what to do
    detail: str = ""     # platform code/message for "Salin detail"; never a secret


@dataclass(frozen=True)
class AccountResult:
    account_id: str
    ok: bool
    orders_new: int = 0
    orders_updated: int = 0
    pushed: int = 0
    incidents: int = 0
    problem: Problem | None = None


@dataclass(frozen=True)
class RoundSummary:
    started_at: datetime
    finished_at: datetime
    accounts: tuple[AccountResult, ...]
    pending_changes: int  # stock changes still waiting to reach some marketplace

    @property
    def ok(self) -> bool:
        return all(a.ok for a in self.accounts)


@dataclass(frozen=True)
class SyncEvent:
    kind: str  # "round_started" | "round_finished" | "account_finished"
    summary: RoundSummary | None = None
    account: AccountResult | None = None
