"""The main window: navigation on the left, one page at a time on the right, banners above and the
online shops' sync status along the bottom."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from companion.domain.settings_keys import SHOP_NAME
from companion.gui.context import AppContext
from companion.gui.page_table import PAGES
from companion.gui.pages.base import Page
from companion.i18n import tr
from companion.services.change import Change

if TYPE_CHECKING:
    from companion.gui.sync_status import SyncStatusStrip

PREFERRED_SIZE = (1200, 760)
# every page is laid out to fit 1280×650 (a 1280×720 screen — 1920×1080 at 150 % — less the taskbar and the title
# bar) and 1366×698; the window may be made narrower, never so small that a page clips (tests/test_layout_fits.py
# checks every page at this size): the inbox thread, the order detail's buttons and the counter's top row need it
MINIMUM_SIZE = (1120, 650)
OWNER_PAGES = frozenset({"reports"})  # opening these asks for the owner's PIN (gui/owner_pin.py)
MAXIMISE_BELOW = (1440, 860)  # screens smaller than this get the whole screen (a 1366×768 laptop)


def fitted_geometry(free: QRect) -> QRect | None:
    """Where the window goes on a screen with this free area; None = maximised (small screens)."""
    if free.width() < MAXIMISE_BELOW[0] or free.height() < MAXIMISE_BELOW[1]:
        return None
    width, height = min(PREFERRED_SIZE[0], free.width()), min(PREFERRED_SIZE[1], free.height())
    return QRect(free.x() + (free.width() - width) // 2, free.y() + (free.height() - height) // 2, width, height)


def show_fitted(window: QMainWindow) -> None:
    """Show the window inside the screen it opens on: maximised on small screens, else its preferred size, never
    larger than the screen's free area (a window whose bottom is below a 768-pixel screen hides the sale buttons).
    A screen smaller than the minimum (a 1024×600 netbook) lowers the minimum to what the screen has."""
    screen = window.screen()
    free = screen.availableGeometry() if screen is not None else None
    if free is not None and (free.width() < MINIMUM_SIZE[0] or free.height() < MINIMUM_SIZE[1]):
        window.setMinimumSize(min(MINIMUM_SIZE[0], free.width()), min(MINIMUM_SIZE[1], free.height()))
    place = fitted_geometry(free) if free is not None else None
    if place is None:
        window.showMaximized()
        return
    window.resize(place.size())
    window.move(place.topLeft())
    window.show()


# Pages (gui/page_table.py) are built the first time they are opened, so the window is ready as soon as the first
# page is.
class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, start_page: str = "counter", strip_after_paint: bool = False) -> None:
        """`strip_after_paint`: the app's start (gui/app.py) builds the sync strip once the window has painted
        (`finish_start`); every other window (screenshots, tests, the self-test) has it from the start."""
        super().__init__()
        self.ctx = ctx
        self.pages: dict[str, Page] = {}
        self.banners: list[QWidget] = []
        self._strip: SyncStatusStrip | None = None
        self._strip_wanted = not strip_after_paint
        self._counts_wanted = not strip_after_paint  # the inbox's unread count is a query: after the paint too
        self._shown = ""  # the key of the page shown last (an owner-only page is not asked for again on a rebuild)
        self.resize(*PREFERRED_SIZE)
        self.setMinimumSize(*MINIMUM_SIZE)
        self._busy = QLabel()
        self.statusBar().addPermanentWidget(self._busy)
        ctx.work.busy_changed.connect(self._on_busy)
        ctx.language_changed.connect(lambda _lang: self.build(self.current_key()))
        ctx.changed.connect(self._on_change)
        self.build(start_page)

    def build(self, start_page: str) -> None:
        """(Re)build navigation and pages in the current language."""
        shop = self.ctx.setting(SHOP_NAME)
        self.setWindowTitle(f"{shop} – Seller Companion" if shop else "Seller Companion")
        for page in self.pages.values():
            self.ctx.changed.disconnect(page.on_change)
        self.pages = {}
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(210)
        self.stack = QStackedWidget()
        for key, label, _module, _cls in PAGES:
            item = QListWidgetItem(self._nav_text(key, label))
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
            holder = QWidget()
            holder.setObjectName(f"holder-{key}")
            self.stack.addWidget(holder)
        self.nav.currentRowChanged.connect(self._open_row)
        self.banner_area = QVBoxLayout()
        self.banner_area.setContentsMargins(0, 0, 0, 0)
        self.banner_area.setSpacing(0)
        for banner in self.banners:
            shown = not banner.isHidden()
            banner.setParent(None)  # out of the old body before it is thrown away
            self.banner_area.addWidget(banner)
            banner.setVisible(shown)
        if self._strip is not None:
            self._strip.detach()
            self._strip = None
        self._strip_slot = QVBoxLayout()
        self._strip_slot.setContentsMargins(0, 0, 0, 0)
        pages = QHBoxLayout()
        pages.setContentsMargins(0, 0, 0, 0)
        pages.setSpacing(0)
        pages.addWidget(self.nav)
        pages.addWidget(self.stack, 1)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(self.banner_area)
        layout.addLayout(pages, 1)
        layout.addLayout(self._strip_slot)
        self.setCentralWidget(body)
        if self._strip_wanted:
            self._make_strip()
        for n, (key, *_rest) in enumerate(PAGES):
            shortcut = QShortcut(QKeySequence(f"F{n + 1}"), self)
            shortcut.activated.connect(lambda k=key: self.open_page(k))
        self.open_page(start_page)

    @property
    def sync_strip(self) -> SyncStatusStrip:
        """The online shops' strip along the bottom. It loads every channel's package (the registry, HTTP), so the
        app's start builds it right after the first paint (gui/startup_later.py); asking for it builds it now."""
        if self._strip is None:
            self._strip_wanted = True
            self._make_strip()
        assert self._strip is not None
        return self._strip

    def finish_start(self) -> None:
        """After the first paint: what the first page did not need (the sync strip, the inbox's unread count)."""
        _ = self.sync_strip
        self._counts_wanted = True
        self.refresh_counts()

    def _make_strip(self) -> None:
        from companion.gui.sync_status import SyncStatusStrip

        strip = SyncStatusStrip(self.ctx)
        strip.open_settings.connect(lambda: self.open_page("settings"))
        strip.open_hub.connect(lambda: self.open_page("settings").show_hub())  # type: ignore[attr-defined]
        self._strip_slot.addWidget(strip)
        strip.show()  # a widget added to a window already on screen stays hidden until shown
        self._strip = strip

    def add_banner(self, widget: QWidget) -> None:
        """A banner above the pages (such as the practice-mode label); it stays across language rebuilds."""
        if widget not in self.banners:
            self.banners.append(widget)
            self.banner_area.addWidget(widget)

    def current_key(self) -> str:
        row = max(self.nav.currentRow(), 0)
        return PAGES[row][0]

    def open_page(self, key: str) -> Page:
        row = next(i for i, p in enumerate(PAGES) if p[0] == key)
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)  # calls _open_row
        return self.page(key)

    def page(self, key: str) -> Page:
        """The page for `key`, built on first use."""
        if key not in self.pages:
            row = next(i for i, p in enumerate(PAGES) if p[0] == key)
            _key, _label, module, cls = PAGES[row]
            page: Page = getattr(importlib.import_module(module), cls)(self.ctx)
            old = self.stack.widget(row)
            self.stack.insertWidget(row, page)
            if old is not None:
                self.stack.removeWidget(old)
                old.deleteLater()
            self.pages[key] = page
        return self.pages[key]

    def _owner_allows(self) -> bool:
        from companion.gui.owner_pin import ask_owner  # the PIN dialogs load when first asked for, not at the start

        return ask_owner(self, self.ctx, tr("Opening the reports."))

    def _open_row(self, row: int) -> None:
        if row < 0:
            return
        key = PAGES[row][0]
        if key in OWNER_PAGES and key != self._shown and not self._owner_allows():
            # back to the page shown before, or Home (this calls _open_row again)
            self.nav.setCurrentRow(next((i for i, p in enumerate(PAGES) if p[0] == self._shown), 0))
            return
        page = self.page(key)
        self.stack.setCurrentIndex(row)
        self._shown = key
        page.on_shown()

    def _nav_text(self, key: str, label: str) -> str:
        """The navigation label; the inbox carries its unread conversations: "Kotak Masuk (3)"."""
        if key != "inbox" or not self._counts_wanted:
            return tr(label)
        from companion.store.inbox import unread_counts

        unread = sum(unread_counts(self.ctx.db).values())
        return f"{tr(label)} ({unread})" if unread else tr(label)

    def _on_change(self, change: Change) -> None:
        if change.conversations or change.sync or change.settings:
            self.refresh_counts()

    def refresh_counts(self) -> None:
        """Relabel the navigation entries that show counts."""
        for row, (key, label, _module, _cls) in enumerate(PAGES):
            item = self.nav.item(row)
            if key == "inbox" and item is not None:
                item.setText(self._nav_text(key, label))

    def _on_busy(self, running: int) -> None:
        self._busy.setText(tr("Working…") if running else "")

    def closeEvent(self, event: QCloseEvent) -> None:
        self.ctx.work.wait()
        super().closeEvent(event)
