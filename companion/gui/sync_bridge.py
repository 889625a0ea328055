"""The sync engine seen from the GUI: the runner works on its own thread, its events arrive here on the GUI thread.

    ctx.sync = SyncBridge(ctx, credentials_source)
    ctx.sync.start()

After every round the bridge announces the Change the round's services returned (orders, product stock, sync
status), so pages refresh what moved without reading the orders again. A shop's long order walk reports its
progress (`progress_changed`, `walks()`) without any database read, so a page every few milliseconds costs nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from companion.connectors.base import Credentials
from companion.gui.context import AppContext
from companion.gui.sync_progress import SHOW_AFTER
from companion.services.change import Change
from companion.store import outbox
from companion.store.accounts import AccountRow
from companion.sync.events import AccountResult, RoundSummary, SyncEvent
from companion.sync.progress import ShopProgress
from companion.sync.runner import SyncRunner


class SyncBridge(QObject):
    """Wraps a SyncRunner; `event` carries each SyncEvent on the GUI thread, `state_changed` says "look again"."""

    event = Signal(object)  # type: ignore[assignment]  # the name docs/SYNC.md gives; hides QObject.event
    state_changed = Signal()
    progress_changed = Signal()  # a walk moved on, started showing or ended: read `walks()`
    _relay = Signal(object)  # emitted on the runner's thread, delivered queued

    def __init__(self, ctx: AppContext, credentials_source: Callable[[AccountRow], Credentials],
                 poll_seconds: float | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent or ctx)
        self.ctx = ctx
        self.credentials_source = credentials_source  # the ship dialog asks platforms with the sync's credentials
        self._relay.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self.book = ctx.db_path  # the book this bridge syncs; the window may be showing another (practice)
        self._runner = SyncRunner(ctx.db_path, credentials_source, self._relay.emit, poll_seconds)
        self._last_summary: RoundSummary | None = None
        self._results: dict[str, AccountResult] = {}
        self.running = False
        self.in_round = False
        self._announcing = False
        self._walks: dict[str, tuple[float, ShopProgress]] = {}  # account id → (when its walk started, latest)
        self.clock: Callable[[], float] = time.monotonic
        ctx.changed.connect(self._on_local_change)

    # --- the runner's controls --------------------------------------------------------------------------
    def start(self) -> None:
        if self.running:
            return
        self._runner.start()
        self.running = True
        self.state_changed.emit()
        self.ctx.announce(Change(sync=True))  # views built before the bridge existed look again

    def stop(self, timeout: float = 15.0) -> None:
        if not self.running:
            return
        self._runner.stop(timeout)
        self.running = False
        self.in_round = False
        self.state_changed.emit()

    def sync_now(self) -> None:
        """"Sinkronkan sekarang": a full round as soon as the runner is free."""
        self._runner.sync_now()

    def check_chats(self, channel: str) -> None:
        """The person asked for an on-demand channel's chats (its inbox filter, or its check button)."""
        if self.running:
            self._runner.check_chats(channel)

    def stock_changed(self) -> None:
        """A local stock change: the runner pushes it soon (debounced)."""
        self._runner.stock_changed()

    # --- what the GUI reads -----------------------------------------------------------------------------
    @property
    def last_summary(self) -> RoundSummary | None:
        return self._last_summary

    def result_for(self, account_id: str) -> AccountResult | None:
        """The latest result of one account (from its last round), or None before the first."""
        return self._results.get(account_id)

    def walks(self) -> list[ShopProgress]:
        """The walks under way for SHOW_AFTER seconds or more, in the order they started (shorter ones: none)."""
        now = self.clock()
        return [latest for started, latest in self._walks.values() if now - started >= SHOW_AFTER]

    def pending_changes(self) -> int:
        """Commands (stock numbers, replies) still waiting to leave the laptop."""
        if self._last_summary is not None:
            return self._last_summary.pending_changes
        return outbox.pending_count(self.ctx.db)

    # --- on the GUI thread ------------------------------------------------------------------------------
    def _deliver(self, event: SyncEvent) -> None:
        if not self.shown:  # the shop's own sync while the window shows the practice book: nothing on screen is its
            return
        if event.kind == "progress":
            if event.progress is not None:
                self._on_progress(event.progress)
            return
        if event.kind == "chats":  # new buyer messages between rounds: the inbox and tray look again, nothing else
            if event.change is not None:
                self._announcing = True
                try:
                    self.ctx.announce(event.change)
                finally:
                    self._announcing = False
            return
        if event.kind in ("round_started", "round_finished") and self._walks:
            self._walks.clear()  # a walk that stopped on a problem sends no finished record
            self.progress_changed.emit()
        if event.kind == "round_started":
            self.in_round = True
        elif event.kind == "account_finished" and event.account is not None:
            self._results[event.account.account_id] = event.account
        elif event.kind == "round_finished" and event.summary is not None:
            self.in_round = False
            self._last_summary = event.summary
            for result in event.summary.accounts:
                self._results[result.account_id] = result
            self._announcing = True
            try:
                self.ctx.announce(self._round_change(event.summary))
            finally:
                self._announcing = False
        self.event.emit(event)
        self.state_changed.emit()

    def _on_progress(self, progress: ShopProgress) -> None:
        """Keep the latest record of each shop's walk; drop it when finished. A new walk is looked at again once
        it has run SHOW_AFTER seconds, even when no page arrives just then."""
        account = progress.account_id
        if progress.finished:
            if self._walks.pop(account, None) is not None:
                self.progress_changed.emit()
            return
        started = self._walks[account][0] if account in self._walks else self.clock()
        if account not in self._walks:
            QTimer.singleShot(int(SHOW_AFTER * 1000) + 20, self, self.progress_changed.emit)
        self._walks[account] = (started, progress)
        self.progress_changed.emit()

    def _on_local_change(self, change: Change) -> None:
        """A sale, count, import or mapping changed stock here: the marketplaces should follow soon."""
        if change.products and self.running and not self._announcing and self.shown:
            self.stock_changed()

    @property
    def shown(self) -> bool:
        """The window works in this bridge's book (a shop's bridge keeps syncing unseen while the owner practises)."""
        return self.ctx.db_path == self.book

    @staticmethod
    def _round_change(summary: RoundSummary) -> Change:
        """What the round's services changed (orders, products, conversations…), plus "the sync state moved"."""
        return summary.change | Change(sync=True)
