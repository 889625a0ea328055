"""Mode Latihan for the window: starts, restarts and leaves the practice session (sync/practice_session.py) on the
background worker, moves the window between the shop's book and the practice book, and tells the window when its
state changes. The session itself (the practice marketplace, its shops and listings, the practice book's making) and
where the sync engine finds each shop's credentials live outside the GUI.

While practising, `ctx.db` is the practice book: every sale, order, chat and count goes there, and the shop's own
book is only read (to make a new practice book) and told whether practice mode should start by itself. A second sync
runner works in the practice book; the shop's own keeps syncing its real shops unseen (a real order must take its
stock and reach the record while the owner practises), and is the window's again on leaving.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from companion.domain.errors import UserError
from companion.domain.settings_keys import PRACTICE_DECLINED
from companion.gui.context import AppContext
from companion.gui.sync_bridge import SyncBridge
from companion.services.change import Change
from companion.services.sample_shop import PracticeProducts, practice_fill
from companion.services.settings import save_settings
from companion.store import settings as settings_store
from companion.store.database import Database, open_database
from companion.sync.composition import CredentialsSource
from companion.sync.practice_session import DEFAULT_PACE_SECONDS, PracticeSession

ShopJob = Callable[[Database], Change]


class PracticeMode(QObject):
    """Starts, restarts and leaves Mode Latihan for the window; one per AppContext (see `practice_mode`)."""

    state_changed = Signal()
    failed = Signal(object)  # BaseException: shown as one sentence by whoever asked

    def __init__(self, ctx: AppContext, pace_seconds: float = DEFAULT_PACE_SECONDS) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.session = PracticeSession(ctx.data_dir, pace_seconds)
        # for the sync runner (any thread): practice shops from the running server, real ones from the keyring
        self.credentials_source = CredentialsSource(self.session)
        self.busy = False
        self._resume_sync = False
        self._shop_sync: SyncBridge | None = None  # the shop's own bridge, syncing unseen while practising

    @property
    def running(self) -> bool:
        return self.session.market is not None

    @property
    def base_urls(self) -> dict[str, str]:
        market = self.session.market
        return market.base_urls if market is not None else {}

    def move_mixed_rows(self) -> None:
        """At start-up: a shop from before the practice book has its practice rows moved into the practice book
        (nothing to do, one query, for every other shop)."""
        if self.ctx.in_practice_book:
            return
        change = self.session.move_mixed_rows(self.ctx.db)
        if change != Change():
            self.ctx.announce(change)

    def start(self, remember: bool = True, products: PracticeProducts | None = None) -> None:
        """Start in the background and work in the practice book; `remember` clears an earlier "left practice mode"
        choice (kept in the shop's book: it decides whether the next start goes to practice by itself). `products`:
        what a new practice book holds (gui/practice_start_dialog.py asks); None: the shop's own, else the sample."""
        if self.running or self.busy:
            return
        if products is not None:
            self.session.fill = practice_fill(products)
        if remember:
            self._remember_declined(False)
        self._run(self.session.enter, self.session.book_path)

    def reset(self) -> None:
        """"Mulai ulang latihan": a clean practice book (made while the old one stays on screen) and marketplace."""
        if self.running and not self.busy:
            self._pause_sync()
            self._run(self.session.restart, self.session.book_path, self.session.new_book_path)

    def leave(self) -> None:
        """Stop buyers and server, back to the shop's book exactly as it was, and do not start again by itself."""
        self._pause_sync()  # the runner first: a round may be talking to the practice server
        self.session.close()
        self._switch(self.ctx.shop_path)
        self._remember_declined(True)
        self.state_changed.emit()

    def shutdown(self) -> None:
        """On quit: stop the shop's unseen sync and the server; the practice book stays for the next start."""
        if self._shop_sync is not None:
            self._shop_sync.stop()
        self.ctx.work.wait()
        self.session.close()

    def _run(self, job: ShopJob, book: Path, fresh: Path | None = None) -> None:
        """`job` on the worker with its own connection to the shop's book; then the window works in `book`."""
        self.busy = True
        self.state_changed.emit()
        shop_path = self.ctx.shop_path

        def on_worker(_db: Database, _progress: object) -> Change:
            shop = open_database(shop_path)
            try:
                return job(shop)
            finally:
                shop.close()

        self.ctx.work.run(on_worker, lambda change: self._done(change, book, fresh), self._failed)

    def _done(self, change: Change, book: Path, fresh: Path | None) -> None:
        try:
            self._switch(book, fresh)
        except UserError as exc:  # the clean book could not take the old one's place: keep practising in the old
            self._switch(book)
            self._failed(exc)
            return
        self.busy = False
        self.ctx.announce(change)
        self.state_changed.emit()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self._resume_paused_sync()
        self.state_changed.emit()
        self.failed.emit(exc)

    def _switch(self, book: Path, fresh: Path | None = None) -> None:
        """The window moves to `book` (`fresh` put in its place first) and every page is rebuilt. Into practice: the
        shop's bridge keeps running unseen and a new one runs in the practice book; back: the practice bridge stops
        and the shop's is the window's again."""
        if book == self.ctx.db_path and fresh is None:
            self._resume_paused_sync()
            return
        bridge = self.ctx.sync
        into_practice = not self.ctx.in_practice_book
        if into_practice and bridge is not None:
            self._shop_sync, was_running = bridge, bridge.running
            self.ctx.use_book(book, fresh)
            self.ctx.sync = SyncBridge(self.ctx, bridge.credentials_source)
            self._resume_sync = self._resume_sync or was_running
        else:
            self._pause_sync()
            self.ctx.use_book(book, fresh)
            if bridge is not None:
                back = self._shop_sync if book == self.ctx.shop_path else None
                self.ctx.sync = back or SyncBridge(self.ctx, bridge.credentials_source)
                if back is not None:
                    self._shop_sync = None
                    self._resume_sync = self._resume_sync and not back.running
                bridge.deleteLater()
        self.ctx.rebuild_pages()
        self._resume_paused_sync()
        if self.ctx.sync is not None:
            self.ctx.announce(Change(sync=True))

    def _pause_sync(self) -> None:
        bridge = self.ctx.sync
        if bridge is not None and bridge.running:
            self._resume_sync = True
            bridge.stop()

    def _resume_paused_sync(self) -> None:
        if self._resume_sync and self.ctx.sync is not None:
            self._resume_sync = False
            self.ctx.sync.start()

    def _shop(self) -> Database:
        """The shop's own book on this thread (ctx.db while no practice book is open)."""
        return self.ctx.db if not self.ctx.in_practice_book else open_database(self.ctx.shop_path)

    def _remember_declined(self, declined: bool) -> None:
        """Whether the next start goes to practice by itself: kept in the shop's book, written only when it changes."""
        shop = self._shop()
        try:
            if settings_store.get(shop, PRACTICE_DECLINED) != declined:
                change = save_settings(shop, {PRACTICE_DECLINED.key: "1" if declined else "0"})
                if shop is self.ctx.db:
                    self.ctx.announce(change)
        finally:
            if shop is not self.ctx.db:
                shop.close()


def practice_mode(ctx: AppContext) -> PracticeMode:
    """The context's practice-mode controller, made on first use."""
    found = ctx.findChild(PracticeMode)
    return found if isinstance(found, PracticeMode) else PracticeMode(ctx)
