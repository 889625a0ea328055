"""What a sync round reports: per account results and the problem (if any), as plain frozen records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from companion.i18n import N_
from companion.services.change import Change

if TYPE_CHECKING:
    from companion.sync.hub_outcome import HubRoundResult
    from companion.sync.progress import ShopProgress

OFFLINE = "offline"
AUTH_EXPIRED = "auth_expired"
THROTTLED = "throttled"
TEMPORARY = "temporary"
PERMANENT = "permanent"
NOT_PERMITTED = "not_permitted"

# What to tell the owner (English msgids, translated by whoever shows them).
RELINK = N_("The link to this online shop has expired: link the shop again in Settings.")
REFRESH_LOST = N_("The marketplace may have renewed the shop's login but the answer was lost: link the shop again.")
LOGIN_REFUSED = N_("The marketplace did not accept the shop's login just now: the app will try again by itself.")
OFFLINE_SENTENCE = N_("No internet connection: changes are kept and sent when the connection is back.")
SLOW_DOWN = N_("The marketplace asked the app to slow down: it will try again in a moment.")
NO_ANSWER = N_("The marketplace did not answer properly: the app will try again by itself.")
REFUSED = N_("The marketplace refused the request: copy the details and ask for help if it keeps happening.")
NOT_ALLOWED = N_("The marketplace does not allow this for your shop: check the app's permissions in the seller "
                 "centre.")
# What to ask the platform for, by NotPermitted.reason (a channel may say it in its own words: its spec's
# chat_permission_sentence, ip_allowlist_sentence, scope_sentence).
CHAT_NOT_APPROVED_SENTENCE = N_("The marketplace has not approved this app's chat access for your shop yet: ask the "
                                "marketplace to approve chat for the app, then chats arrive by themselves.")
IP_NOT_ALLOWED_SENTENCE = N_("The marketplace refused this computer's internet address: add it to the app's allowed "
                             "IP list in the marketplace's developer console, then sync again.")
SCOPE_SENTENCE = N_("The app lacks a permission the marketplace requires for this: ask for that permission for the "
                    "app in the marketplace's developer console, then link the shop again.")
STOCK_REFUSED = N_("The marketplace refused some stock numbers: copy the details and check those listings.")
GONE = N_("This online shop is no longer linked: link it again in Settings.")
KEYS_MISSING = N_("The keys for this online shop are not available: link the shop again in Settings, or start "
                  "practice mode again from Home.")

# The sentences after which only linking the shop again helps (the sync strip and Settings offer it in one click).
RELINK_SENTENCES = (RELINK, REFRESH_LOST)

# The sentence for a kind of problem when only the kind is known (the record after a restart).
KIND_SENTENCES = {OFFLINE: OFFLINE_SENTENCE, AUTH_EXPIRED: RELINK, THROTTLED: SLOW_DOWN, TEMPORARY: NO_ANSWER,
                  PERMANENT: REFUSED, NOT_PERMITTED: NOT_ALLOWED}


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
    pending_changes: int  # commands still waiting to leave the laptop (stock numbers, replies)
    change: Change = field(default_factory=Change)  # the union of the services' Changes: what the GUI refreshes

    @property
    def ok(self) -> bool:
        return all(a.ok for a in self.accounts)


@dataclass(frozen=True)
class SyncEvent:
    # "round_started" | "round_finished" | "account_finished" | "chats" (new messages between rounds, or a check
    # of an on-demand channel's chats the person asked for) | "hub" (a hub round ran: `hub`, and what it pulled)
    # | "progress" (a shop's order walk moved on: `progress`)
    kind: str
    summary: RoundSummary | None = None
    account: AccountResult | None = None
    change: Change | None = None  # "chats": the conversations with news; "hub": what the round pulled
    hub: HubRoundResult | None = None
    progress: ShopProgress | None = None
