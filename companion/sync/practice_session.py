"""Mode Latihan without Qt: the practice marketplace running in this process, one practice shop per platform.
The practice shops' credentials come from here (through sync/composition.py's CredentialsSource). The GUI wraps
it (gui/practice_mode.py); `companion sync --once` uses it as it is.

The practice server answers in each platform's shape, the practice book's products are listed there under their SKU
(so the sync engine links them by itself), and simulated buyers place an order now and then. Nothing here touches
a real marketplace, and nothing here writes the shop's own book: practice lives in its own book
(`<data dir>/practice/book.sqlite3`, services/practice_book.py), made from the shop by `fill` when it is new.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import requests

from companion.connectors.base import Credentials
from companion.connectors.factory import practice_credentials
from companion.domain.availability import push_quantity
from companion.domain.errors import UserError
from companion.i18n import N_
from companion.practice.catalogue import starting_listing
from companion.practice.server import PracticeMarketplace
from companion.services.accounts import link_practice_accounts
from companion.services.change import Change
from companion.services.practice_book import Fill, forget_book, make_book, move_practice_rows
from companion.services.sample_shop import default_fill, practice_fill, products_of_book
from companion.store import accounts as account_store
from companion.store import online_orders as order_store
from companion.store import products as product_store
from companion.store.database import Database, open_database
from companion.store.location import practice_book_path, practice_dir
from companion.sync.practice_first_question import ask_first_question

DEFAULT_PACE_SECONDS = 45.0  # one simulated buyer about every 45 seconds: lively, not overwhelming
MAX_LISTED = 500  # a big catalogue is only partly listed: enough to practise with, quick to start
ADMIN_TIMEOUT = 10.0


class PracticeSession:
    """The running practice marketplace and the admin calls that set it up for this shop (any thread)."""

    def __init__(self, data_dir: Path, pace_seconds: float = DEFAULT_PACE_SECONDS, fill: Fill | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.pace_seconds = pace_seconds
        # what a new practice book holds (and so what the practice buyers order): by default the shop's own products,
        # the sample catalogue for a shop without any (services/sample_shop.py; the start dialog lets people choose)
        self.fill: Fill = fill or default_fill
        self.market: PracticeMarketplace | None = None
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self.market is not None

    def start(self) -> PracticeMarketplace:
        """Only the server (a sync round from the command line needs no listing or buyers)."""
        with self._lock:
            if self.market is None:
                self.market = PracticeMarketplace(practice_dir(self.data_dir), port=0).start()
            return self.market

    @property
    def book_path(self) -> Path:
        return practice_book_path(self.data_dir)

    def enter(self, shop: Database) -> Change:
        """The practice book (made from the shop by `fill` if new), then `open` on it: the shop's book is only read."""
        change = make_book(shop, self.book_path, self.fill)
        book = open_database(self.book_path)
        try:
            opened = self.open(book)
            if change != Change():  # a new practice: a buyer asks about one of its products at once
                ask_first_question(self)
            return change | opened
        finally:
            book.close()

    def restart(self, shop: Database) -> Change:
        """"Mulai ulang latihan": the marketplace forgets its orders and listings and a clean practice book is made
        beside the old one (`new_book_path`), to be put in its place once nobody reads the old one."""
        fill = self.fill
        if fill is default_fill and self.book_path.exists():  # no choice made since the app started: keep the book's
            old = open_database(self.book_path)
            try:
                fill = practice_fill(products_of_book(old))
            finally:
                old.close()
        self.admin("POST", "/reset", {})
        fresh = self.new_book_path
        forget_book(fresh)
        change = make_book(shop, fresh, fill)
        book = open_database(fresh)
        try:
            opened = self.open(book)
            ask_first_question(self)  # the marketplace forgot its chats: a buyer asks about a product at once
            return change | opened
        finally:
            book.close()

    @property
    def new_book_path(self) -> Path:
        return self.book_path.with_name("new-" + self.book_path.name)

    def move_mixed_rows(self, shop: Database) -> Change:
        """Once, for a shop from before the practice book: its practice rows out of the shop's book."""
        return move_practice_rows(shop, self.book_path)

    def open(self, db: Database) -> Change:
        """Start the server, link the practice shops, list the book's products, let buyers come."""
        market = self.start()
        try:
            _ids, change = link_practice_accounts(db, practice_credentials(market.credentials(), market.base_urls))
            # The practice shops come with chat approved (as a real shop's account manager would approve it), so
            # the inbox can be practised; the practice marketplace itself keeps each platform's approval rule.
            self.admin("POST", "/chat", {"enabled": True})
            self.list_products(db)
            self.set_pace(self.pace_seconds)
        except BaseException:
            self.close()
            raise
        return change

    def list_products(self, db: Database) -> int:
        """List each active product on every practice platform where its SKU is not listed yet, and unlist what the
        shop does not have (the marketplace's own starting catalogue), so every pretend order is mapped; returns how
        many were listed."""
        products = product_store.all_products(db, active_only=True)[:MAX_LISTED]
        reserved = order_store.reserved_unpaid(db, [p.id for p in products])
        added = 0
        for account in account_store.active(db):
            if not account.practice:
                continue
            listed = self._unlist_others(account.channel, {p.sku: p.display_name for p in products if p.sku})
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

    def _unlist_others(self, platform: str, names: dict[str, str]) -> set[str]:
        """Unlist the platform's listings that are not the shop's products (SKU → name in `names`): other SKUs, and
        the marketplace's starting catalogue where the shop has a product of the same SKU; returns those kept."""
        kept: set[str] = set()
        for x in self.admin("GET", "/listings", {"platform": platform})["listings"]:
            sku, name = str(x["seller_sku"]), str(x["name"])
            if sku in names and (names[sku] == name or not starting_listing(sku, name)):
                kept.add(sku)
            else:
                self.admin("POST", "/listings/remove", {"listing_id": x["id"]})
        return kept

    def reset(self, db: Database) -> Change:
        """Forget the practice orders and listings, list the products again, keep the buyers' pace (the book in `db`
        stays as it is; Mode Latihan starts again with `restart`)."""
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

