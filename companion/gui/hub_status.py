"""The hub as the window shows it: this laptop's own record (never the network) in the words of sync/hub_status.py.

The sync strip and Pengaturan → "Beberapa laptop" share them: "Hub: 3 laptop sinkron", "Hub: Offline — 120
perubahan menunggu", "Hub berhenti: …". Being offline is calm (the laptop keeps selling); a stop needs a person,
and every stop (hub reset or replaced, this laptop removed, an older copy) is undone by joining again.
"""

from __future__ import annotations

from dataclasses import dataclass

from companion.gui.durations import ago_text
from companion.i18n import tr
from companion.store import hub_state
from companion.store.database import Database
from companion.store.hub_state import DeviceIdentity
from companion.sync.hub_status import PROBLEM, STOPPED_STATE, HubStatus, hub_status


@dataclass(frozen=True)
class HubView:
    """This laptop's hub identity and its status line (None when it is in no hub)."""

    me: DeviceIdentity
    status: HubStatus | None

    @property
    def joined(self) -> bool:
        """In a hub, syncing or stopped (a stop still shows the hub's page, with "Gabung lagi")."""
        return self.me.enrolled or self.stopped

    @property
    def stopped(self) -> bool:
        return self.status is not None and self.status.state == STOPPED_STATE

    @property
    def stop_sentence(self) -> str:
        return self.status.detail if self.status is not None and self.stopped else ""

    @property
    def offline(self) -> bool:
        return self.status is not None and self.status.state == PROBLEM


def read_hub(db: Database) -> HubView:
    return HubView(hub_state.identity(db), hub_status(db))


def strip_state(view: HubView) -> tuple[str, str, str] | None:
    """(text, tone, detail) for the sync strip; tone "" normal, "calm" offline, "problem" stopped. None: no hub."""
    status = view.status
    if status is None:
        return None
    if view.stopped:
        return tr("Hub stopped: {reason}", reason=status.detail), "problem", status.detail
    text = tr("Hub: {line}", line=status.line)
    if status.last_sync and not view.offline:
        text = tr("{line} · synced {when}", line=text, when=ago_text(status.last_sync))
    return text, "calm" if view.offline else "", status.detail


def status_line(view: HubView) -> str:
    """The card's line: the status words, the last sync, and the latest problem's sentence."""
    status = view.status
    if status is None:
        return ""
    when = tr("last synced {when}", when=ago_text(status.last_sync))
    if view.stopped:
        return tr("Stopped · {when}", when=when)
    parts = [status.line, when]
    text = " · ".join(parts)
    return f"{text}\n{status.detail}" if status.detail else text
