"""Mode Latihan: the practice marketplace running inside the app, with one practice shop per platform.

A new seller lands here so the online-orders screens have something real to show: the practice server answers in
each platform's shape, the shop's own products are listed there under their SKU (so the sync engine links them by
itself), and simulated buyers place an order now and then. Nothing here touches a real marketplace.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import requests
from PySide6.QtCore import QObject, Signal

from companion.connectors.base import Credentials
from companion.connectors.factory import practice_credentials
from companion.domain.availability import push_quantity
from companion.domain.errors import UserError
from companion.gui.context import AppContext
from companion.i18n import N_
from companion.practice.server import PracticeMarketplace
from companion.services.accounts import credentials_for, leave_practice, link_practice_accounts
from companion.services.change import Change
from companion.services.settings import save_settings
from companion.store import accounts as account_store
from companion.store import online_orders as order_store
from companion.store import products as product_store
from companion.store.accounts import AccountRow
from companion.store.database import Database

DEFAULT_PACE_SECONDS = 45.0  # one simulated buyer about every 45 seconds: lively, not overwhelming
MAX_LISTED = 500  # a big catalogue is only partly listed: enough to practise with, quick to start
ADMIN_TIMEOUT = 10.0
DECLINED = "practice_declined"


class PracticeSession:
    """Qt-free: the running practice marketplace and the admin calls that set it up for this shop."""

    def __init__(self, data_dir: Path, pace_seconds: float = DEFAULT_PACE_SECONDS) -> None:
        self.data_dir = data_dir
        self.pace_seconds = pace_seconds
        self.market: PracticeMarketplace | None = None
        self._lock = threading.Lock()

    def open(self, db: Database) -> Change:
        """Start the server, link the practice shops, list the shop's products, let buyers come."""
        market = PracticeMarketplace(self.data_dir / "practice", port=0).start()
        with self._lock:
            self.market = market
        try:
            _ids, change = link_practice_accounts(db, practice_credentials(market.credentials(), market.base_urls))
            self.list_products(db)
            self.set_pace(self.pace_seconds)
        except BaseException:
            self.close()
            raise
        return change

    def list_products(self, db: Database) -> int:
        """List each active product on every practice platform where its SKU is not listed yet; returns how many."""
        products = product_store.all_products(db, active_only=True)[:MAX_LISTED]
        reserved = order_store.reserved_unpaid(db, [p.id for p in products])
        added = 0
        for account in account_store.active(db):
            if not account.practice:
                continue
            listed = {str(x["seller_sku"]) for x in self.admin("GET", "/listings",
                                                                {"platform": account.channel})["listings"]}
            for product in products:
                if not product.sku or product.sku in listed:
                    continue
                stock = push_quantity(product.on_hand, reserved.get(product.id, 0), account.buffer_units,
                                      account.buffer_percent)
                self.admin("POST", "/listings", {"platform": account.channel, "name": product.display_name,
                                                 "seller_sku": product.sku, "stock": stock,
                                                 "price": max(product.sell_price, 1)})
                listed.add(product.sku)
                added += 1
        return added

    def reset(self, db: Database) -> Change:
        """Forget the practice orders and listings, list the products again, keep the buyers' pace."""
        self.admin("POST", "/reset", {})
        self.list_products(db)
        self.set_pace(self.pace_seconds)
        return Change(sync=True)

    def set_pace(self, pace_seconds: float) -> None:
        """Buyers every `pace_seconds` (0 stops them)."""
        self.pace_seconds = pace_seconds
        self.admin("POST", "/buyers", {"pace_seconds": pace_seconds})

    def admin(self, method: str, path: str, body: dict[str, Any]) -> Any:
        market = self.market
        if market is None:
            raise UserError(N_("Practice mode is not running: start it again in Settings."))
        url = market.base_urls["admin"] + path
        if method == "GET":
            reply = requests.get(url, params=body, timeout=ADMIN_TIMEOUT)
        else:
            reply = requests.post(url, json=body, timeout=ADMIN_TIMEOUT)
        if reply.status_code != 200:
            raise RuntimeError(f"practice admin {method} {path}: {reply.status_code} {reply.text[:200]}")
        return reply.json()

    def credentials(self) -> dict[str, Credentials] | None:
        """The practice shops' credentials with the newest tokens (the engine may have refreshed them)."""
        with self._lock:
            market = self.market
            if market is None:
                return None
            return practice_credentials(market.credentials(), market.base_urls)

    def close(self) -> None:
        with self._lock:
            market, self.market = self.market, None
        if market is not None:
            market.stop()


class PracticeMode(QObject):
    """Starts, resets and leaves Mode Latihan for the window; one per AppContext (see `practice_mode`)."""

    state_changed = Signal()
    failed = Signal(object)  # BaseException: shown as one sentence by whoever asked

    def __init__(self, ctx: AppContext, pace_seconds: float = DEFAULT_PACE_SECONDS) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.session = PracticeSession(ctx.data_dir, pace_seconds)
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
        if remember and self.ctx.setting(DECLINED) == "1":
            self.ctx.announce(save_settings(self.ctx.db, {DECLINED: "0"}))
        self._run(self.session.open)

    def reset(self) -> None:
        if self.running and not self.busy:
            self._run(self.session.reset)

    def leave(self) -> None:
        """Stop buyers and server, stop syncing the practice shops, and do not start again by itself."""
        self.session.close()
        change = leave_practice(self.ctx.db) | save_settings(self.ctx.db, {DECLINED: "1"})
        self.ctx.announce(change)
        self.state_changed.emit()

    def shutdown(self) -> None:
        """On quit: stop the server; the practice shops stay linked for the next start."""
        self.ctx.work.wait()
        self.session.close()

    def credentials_source(self, account: AccountRow) -> Credentials:
        """For the sync runner (any thread): practice shops from the running server, real ones from the keyring."""
        if not account.practice:
            return credentials_for(account)
        try:
            practice = self.session.credentials()
        except Exception:  # the server is stopping under us
            practice = None
        return credentials_for(account, practice)

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
