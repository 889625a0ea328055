"""The strip along the bottom of the window: how the online shops are doing, in one glance.

Each linked shop with its last good sync ("5 menit lalu"), how many stock changes still wait to go out,
and the last problem as one sentence with what to do. Being offline is a calm state, not an alarm. During a long
walk (a first pull of thousands of orders) a line per shop says how far it has come and about how long is left.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from companion.gui.channel_names import platforms_text
from companion.gui.context import AppContext
from companion.gui.durations import ago_text
from companion.gui.hub_strip import HubStripLine
from companion.gui.link_shop_dialog import relink_shop
from companion.gui.order_times import channel_name
from companion.gui.sync_progress import progress_line
from companion.i18n import tr
from companion.services.change import Change
from companion.store import accounts as account_store
from companion.store import outbox, sync_state
from companion.store.accounts import AccountRow
from companion.sync.events import (
    AUTH_EXPIRED,
    KEYS_MISSING,
    OFFLINE,
    OFFLINE_SENTENCE,
    RELINK_SENTENCES,
)
from companion.sync.problems import stored_sentence

if TYPE_CHECKING:
    from companion.gui.sync_bridge import SyncBridge

REFRESH_MS = 30_000  # "5 menit lalu" moves on by itself

STRIP_STYLE = """
QFrame#syncStrip { background: #f3f5f4; border-top: 1px solid #dde3df; }
QLabel#syncState { font-weight: bold; color: #1f2d26; }
QLabel#syncState[tone="problem"] { color: #a14a00; }
QLabel#syncState[tone="calm"] { color: #4a5560; }
QLabel#syncShops { color: #555; }
QLabel#syncProgress { color: #1f5f3f; }
"""


def account_label(account: AccountRow) -> str:
    """"<platform> · Toko Berkah"; a name that already says its platform (a practice shop's) stands alone."""
    name, channel = tr(account.name), channel_name(account.channel)
    return name if channel.lower() in name.lower() else f"{channel} · {name}"


class SyncStatusStrip(QFrame):
    """Always visible; reads the accounts and sync status through the store, the live state from ctx.sync."""

    open_settings = Signal()
    open_hub = Signal()  # the hub's line was clicked: Pengaturan → Beberapa laptop

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("syncStrip")
        self.setStyleSheet(STRIP_STYLE)
        self._bridge: SyncBridge | None = None
        self.detail = ""
        self.state_label = QLabel()
        self.state_label.setObjectName("syncState")
        self.state_label.setWordWrap(True)
        self.shops_label = QLabel()
        self.shops_label.setObjectName("syncShops")
        self.shops_label.setWordWrap(True)
        self.progress_label = QLabel()  # the shops' long walks (hidden when none runs long enough to mention)
        self.progress_label.setObjectName("syncProgress")
        self.progress_label.setWordWrap(True)
        self.progress_label.hide()
        self._labels: dict[str, str] = {}  # account id → "Shopee · Toko Maju", as the last refresh read them
        self.copy_button = QPushButton(tr("Copy details"))
        self.copy_button.clicked.connect(self.copy_detail)
        self.sync_button = QPushButton(tr("Sync now"))
        self.sync_button.clicked.connect(self.sync_now)
        self.settings_button = QPushButton(tr("Open Settings"))
        self.settings_button.clicked.connect(self.open_settings.emit)
        self.relink: AccountRow | None = None  # the shop the "Link again" button is for
        self.relink_button = QPushButton(tr("Link again"))
        self.relink_button.setProperty("primary", True)
        self.relink_button.clicked.connect(self.link_again)
        self.relink_button.hide()
        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addWidget(self.state_label)
        texts.addWidget(self.progress_label)
        texts.addWidget(self.shops_label)
        self.hub_line = HubStripLine()  # the hub, like a marketplace shop (hidden while in no hub)
        self.hub_line.open_hub.connect(self.open_hub.emit)
        texts.addWidget(self.hub_line)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 6, 10, 6)
        layout.addLayout(texts, 1)
        for button in (self.relink_button, self.copy_button, self.settings_button, self.sync_button):
            layout.addWidget(button)
        ctx.changed.connect(self._on_change)
        self._timer = self.ctx.every(self, REFRESH_MS, self.refresh)
        self.refresh()

    def _attach(self) -> SyncBridge | None:
        """Follow ctx.sync, which start-up may set (or replace) after the window was built."""
        bridge = self.ctx.sync
        if bridge is not self._bridge:
            if self._bridge is not None:
                self._bridge.state_changed.disconnect(self.refresh)
                self._bridge.progress_changed.disconnect(self.show_progress)
            if bridge is not None:
                bridge.state_changed.connect(self.refresh)
                bridge.progress_changed.connect(self.show_progress)
            self._bridge = bridge
        return bridge

    def detach(self) -> None:
        """Stop following the context and the bridge (the window is rebuilding this strip)."""
        self._timer.stop()
        self.ctx.changed.disconnect(self._on_change)
        if self._bridge is not None:
            self._bridge.state_changed.disconnect(self.refresh)
            self._bridge.progress_changed.disconnect(self.show_progress)
            self._bridge = None

    def _on_change(self, change: Change) -> None:
        if change.sync or change.settings:
            self.refresh()

    def refresh(self) -> None:
        bridge = self._attach()
        self.hub_line.refresh(self.ctx.db, self.ctx.in_practice_book)
        accounts = account_store.active(self.ctx.db)
        self._labels = {a.id: account_label(a) for a in accounts}
        self.show_progress()
        if bridge is None or not accounts:
            self._show_unlinked()
            return
        self.settings_button.hide()
        self.sync_button.show()
        self.sync_button.setEnabled(not bridge.in_round)
        waiting = outbox.pending_count(self.ctx.db)  # now, not as of the last round: the counter keeps selling
        statuses = {a.id: sync_state.status(self.ctx.db, a.id) for a in accounts}
        self.shops_label.setText("     ".join(
            tr("{shop}: synced {when}", shop=account_label(a), when=ago_text(statuses[a.id].last_success_at))
            for a in accounts))
        kind, sentence, self.detail = self._problem(bridge, accounts, statuses)
        self.relink = self._to_relink(bridge, accounts, statuses)
        self.relink_button.setVisible(self.relink is not None)
        if kind == OFFLINE:
            self._set_state(tr("Offline — {count} changes waiting", count=waiting) if waiting else tr("Offline"),
                            tr(OFFLINE_SENTENCE), "calm")
        elif kind:
            self._set_state(sentence, "", "problem")
        elif bridge.in_round:
            self._set_state(tr("Syncing…"), "", "")
        elif waiting:
            self._set_state(tr("{count} changes waiting to be sent", count=waiting), "", "")
        else:
            self._set_state(tr("Online shops are up to date"), "", "")
        self.copy_button.setVisible(bool(self.detail))

    def show_progress(self) -> None:
        """The walks the bridge reports, one shop after another; no database read (a page may come every few ms)."""
        bridge = self._bridge
        lines = [progress_line(self._label_for(p.account_id), p) for p in bridge.walks()] if bridge else []
        self.progress_label.setText("     ".join(lines))
        self.progress_label.setVisible(bool(lines))

    def _label_for(self, account_id: str) -> str:
        if account_id not in self._labels:  # linked since the last refresh
            account = account_store.get(self.ctx.db, account_id)
            self._labels[account_id] = account_label(account) if account is not None else ""
        return self._labels[account_id]

    def _show_unlinked(self) -> None:
        self.detail = ""
        self.relink = None
        self.relink_button.hide()
        self.copy_button.hide()
        self.sync_button.hide()
        self.settings_button.show()
        self._set_state(tr("No online shop is linked yet."), "", "calm")
        self.shops_label.setText(tr("Link {platforms} in Settings → Online shops.", platforms=platforms_text()))

    def _set_state(self, text: str, extra: str, tone: str) -> None:
        self.state_label.setText(f"{text}  {extra}" if extra else text)
        self.state_label.setProperty("tone", tone)
        self.state_label.style().unpolish(self.state_label)
        self.state_label.style().polish(self.state_label)

    def _problem(self, bridge: SyncBridge, accounts: list[AccountRow],
                 statuses: dict[str, sync_state.SyncStatusRow]) -> tuple[str, str, str]:
        """(kind, sentence, detail) of the latest problem; offline only when no account has a worse one."""
        found: list[tuple[str, str, str]] = []
        for account in accounts:
            result = bridge.result_for(account.id)
            if result is not None:
                if result.problem is not None:
                    sentence = f"{account_label(account)}: {tr(result.problem.sentence_msgid)}"
                    found.append((result.problem.kind, sentence, result.problem.detail))
                continue
            status = statuses[account.id]
            if status.problem_kind:
                msgid = stored_sentence(status.problem_kind, status.problem_detail, account.channel)
                found.append((status.problem_kind, f"{account_label(account)}: {tr(msgid)}",
                              status.problem_detail or ""))
        worse = [p for p in found if p[0] != OFFLINE]
        if worse:
            return worse[0]
        return found[0] if found else ("", "", "")

    def _to_relink(self, bridge: SyncBridge, accounts: list[AccountRow],
                   statuses: dict[str, sync_state.SyncStatusRow]) -> AccountRow | None:
        """The first real shop that only linking again can help (its latest problem says so)."""
        for account in accounts:
            if account.practice:
                continue
            result = bridge.result_for(account.id)
            if result is not None:
                problem = result.problem
                if problem is not None and problem.sentence_msgid in (*RELINK_SENTENCES, KEYS_MISSING):
                    return account
            elif statuses[account.id].problem_kind == AUTH_EXPIRED:
                return account
        return None

    def link_again(self) -> None:
        if self.relink is not None:
            relink_shop(self.ctx, self.window(), self.relink)

    def copy_detail(self) -> None:
        QGuiApplication.clipboard().setText(self.detail)

    def sync_now(self) -> None:
        bridge = self._attach()
        if bridge is not None:
            bridge.sync_now()
            self.sync_button.setEnabled(False)
