"""What every page shares: the data folder, the GUI thread's database, background work and change signals.

`db` is the book the window works in: the shop's own book, or the practice book while Mode Latihan runs
(gui/practice_mode.py switches it with `use_book`, then `rebuild_pages` rebuilds every page as a language change
does). `shop_path` is always the shop's own book (backups, restores and start-up checks use the data folder)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from companion.domain.settings_keys import LANGUAGE, Setting, T
from companion.gui.background import BackgroundWork
from companion.services.change import Change
from companion.store import cashiers as cashier_store
from companion.store import settings as settings_store
from companion.store.database import Database, forget_thread_databases, open_database
from companion.store.location import db_path
from companion.store.practice_book import replace_book

if TYPE_CHECKING:
    from companion.gui.sync_bridge import SyncBridge

CHECKPOINT_EVERY_MS = 30_000


class AppContext(QObject):
    """Pages read through `db` (queries only) and write through services, then `announce` the Change."""

    changed = Signal(object)  # Change
    language_changed = Signal(str)
    closing = Signal()  # the database is about to close: timers stop, nothing reads it any more
    cashier_changed = Signal(object)  # the cashier id now at the counter (or None)

    def __init__(self, data_dir: Path, parent: QObject | None = None, db: Database | None = None) -> None:
        """`db`: the shop's book already opened on this thread and up to date (the start's first look,
        gui/startup_first.py), so the file is not opened twice before the first paint."""
        super().__init__(parent)
        self.data_dir = data_dir
        self.shop_path = db_path(data_dir)
        self.db_path = self.shop_path  # the book `db` reads: the shop's, or the practice book in Mode Latihan
        self.db: Database = self._open(db)
        self.work = BackgroundWork(self.db_path, self)
        self._checkpoints = self.every(self, CHECKPOINT_EVERY_MS, self.checkpoint_soon)
        self.sync: SyncBridge | None = None
        self.cashier_id: str | None = None  # who is at the counter (gui/cashier_login.py sets it); None = no cashiers

    def set_cashier(self, cashier_id: str | None) -> None:
        """Who does what from now on: every sale, void, refund and stock change records this id."""
        self.cashier_id = cashier_id
        self.cashier_changed.emit(cashier_id)

    def _open(self, opened: Database | None = None) -> Database:
        db = opened if opened is not None else open_database(self.db_path)
        db.defer_checkpoints()
        return db

    @property
    def in_practice_book(self) -> bool:
        return self.db_path != self.shop_path

    def use_book(self, path: Path, replace_with: Path | None = None) -> None:
        """Read and write the book at `path` from now on (no page is told: call `rebuild_pages`). `replace_with`: a
        finished new book put in that place first, once no connection here holds the old one (a clean practice book).
        The caller stops the sync runner first: it has its own connection to the old book."""
        if path == self.db_path and replace_with is None:
            return
        self.work.wait()
        self.db.close()
        forget_thread_databases()
        try:
            if replace_with is not None:
                replace_book(replace_with, path)  # a UserError when another window still has it open
        finally:
            self.db_path = self.work.db_path = path
            self.db = self._open()
        if self.cashier_id is not None and cashier_store.get(self.db, self.cashier_id) is None:
            self.set_cashier(None)  # the other book has no such cashier (the practice book has none)

    def rebuild_pages(self) -> None:
        """Every page built again from the book now in `db`, as after a language change (the window rebuilds)."""
        from companion import i18n

        self.language_changed.emit(i18n.language())
        self.announce(Change(settings=True, sync=True))

    def checkpoint_soon(self) -> None:
        """Fold the WAL into the database file on a pool thread (the GUI connection never checkpoints)."""
        self.work.run(lambda db, _progress: db.checkpoint())

    def announce(self, change: Change) -> None:
        self.changed.emit(change)

    def setting(self, setting: Setting[T]) -> T:
        """A shop setting as its declared type (domain/settings_keys.py)."""
        return settings_store.get(self.db, setting)

    def every(self, owner: QObject, msecs: int, callback: Callable[[], object]) -> QTimer:
        """A repeating timer owned by `owner` that stops when this context closes (a widget that outlives
        its context, as in tests or during a restore, must not read a closed database)."""
        timer = QTimer(owner)
        timer.timeout.connect(callback)
        self.closing.connect(timer.stop)
        timer.start(msecs)
        return timer

    def close(self) -> None:
        self.closing.emit()
        self.work.stop()
        self.db.close()

    def reopen_database(self) -> None:
        """After the data file was replaced (a restore): a fresh connection, then every page rebuilt from it."""
        from companion import i18n

        self.work.wait()
        self.db.close()  # closing twice is harmless
        forget_thread_databases()
        self.db = self._open()
        if self.cashier_id is not None and cashier_store.get(self.db, self.cashier_id) is None:
            self.set_cashier(None)  # the restored data does not know this cashier
        lang = self.setting(LANGUAGE)
        i18n.set_language(lang if lang in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE)
        self.language_changed.emit(i18n.language())
        self.announce(Change(settings=True))
