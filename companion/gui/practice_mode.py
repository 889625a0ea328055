"""Mode Latihan for the window: starts, resets and leaves the practice session (sync/practice_session.py) on the
background worker and tells the window when its state changes. The session itself (the practice marketplace, its
shops and listings) and where the sync engine finds each shop's credentials live outside the GUI.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from companion.domain.settings_keys import PRACTICE_DECLINED
from companion.gui.context import AppContext
from companion.services.accounts import leave_practice
from companion.services.change import Change
from companion.services.settings import save_settings
from companion.sync.composition import CredentialsSource
from companion.sync.practice_session import DEFAULT_PACE_SECONDS, PracticeSession


class PracticeMode(QObject):
    """Starts, resets and leaves Mode Latihan for the window; one per AppContext (see `practice_mode`)."""

    state_changed = Signal()
    failed = Signal(object)  # BaseException: shown as one sentence by whoever asked

    def __init__(self, ctx: AppContext, pace_seconds: float = DEFAULT_PACE_SECONDS) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.session = PracticeSession(ctx.data_dir, pace_seconds)
        # for the sync runner (any thread): practice shops from the running server, real ones from the keyring
        self.credentials_source = CredentialsSource(self.session)
        self.busy = False

    @property
    def running(self) -> bool:
        return self.session.market is not None

    @property
    def base_urls(self) -> dict[str, str]:
        market = self.session.market
        return market.base_urls if market is not None else {}

    def start(self, remember: bool = True) -> None:
        """Start in the background; `remember` clears an earlier "left practice mode" choice."""
        if self.running or self.busy:
            return
        if remember and self.ctx.setting(PRACTICE_DECLINED):
            self.ctx.announce(save_settings(self.ctx.db, {PRACTICE_DECLINED.key: "0"}))
        self._run(self.session.open)

    def reset(self) -> None:
        if self.running and not self.busy:
            self._run(self.session.reset)

    def leave(self) -> None:
        """Stop buyers and server, stop syncing the practice shops, and do not start again by itself."""
        self.session.close()
        change = leave_practice(self.ctx.db) | save_settings(self.ctx.db, {PRACTICE_DECLINED.key: "1"})
        self.ctx.announce(change)
        self.state_changed.emit()

    def shutdown(self) -> None:
        """On quit: stop the server; the practice shops stay linked for the next start."""
        self.ctx.work.wait()
        self.session.close()

    def _run(self, job: Any) -> None:
        self.busy = True
        self.state_changed.emit()
        self.ctx.work.run(lambda db, _progress: job(db), self._done, self._failed)

    def _done(self, change: Change) -> None:
        self.busy = False
        self.ctx.announce(change)
        self.state_changed.emit()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.state_changed.emit()
        self.failed.emit(exc)


def practice_mode(ctx: AppContext) -> PracticeMode:
    """The context's practice-mode controller, made on first use."""
    found = ctx.findChild(PracticeMode)
    return found if isinstance(found, PracticeMode) else PracticeMode(ctx)
