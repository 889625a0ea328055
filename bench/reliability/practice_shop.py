"""A shop linked to the practice marketplace, shared by the kill cycles and the concurrency run.

The marketplace runs in the campaign's own process (so it survives every SIGKILL of the app process); the app
process reaches it over real HTTP on 127.0.0.1 and reads fresh credentials from its admin API.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from companion.connectors.base import Connector, Credentials
from companion.connectors.factory import build_connector, practice_credentials
from companion.connectors.http import Http
from companion.domain.product import ProductInput
from companion.services.accounts import credentials_for, link_account, link_practice_accounts, set_options
from companion.services.products import add_product
from companion.store import accounts as account_store
from companion.store.accounts import AccountRow
from companion.store.database import open_database
from companion.store.location import db_path
from companion.sync.backoff import Backoff
from companion.sync.engine import SyncEngine

ROOT = Path(__file__).resolve().parents[2]
PLATFORMS = ("shopee", "tiktok", "lazada")
# sku: (name, price); local opening stock is set by the area
PRODUCTS = {"RB-KOPI": ("Kopi Sachet", 2_500), "RB-TEH": ("Teh Botol", 5_000), "RB-GULA": ("Gula Pasir 1 kg", 18_000),
            "RB-MIE": ("Mie Instan", 3_500), "RB-SABUN": ("Sabun Mandi", 4_000)}
# Every fault kind the practice marketplace knows; Shopee's throttle answer asks for 5 s, which only slows the run.
FAULTS = {"server_error": 0.08, "slow": 0.05, "timeout": 0.04, "throttle": 0.06, "lost_response": 0.06,
          "repeat_page": 0.3, "expired_token": 0.04, "bad_timestamp": 0.03}
TIMEOUT = 10


class Admin:
    """The practice marketplace's unsigned control API, over HTTP like any other client."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()

    def get(self, call: str, **params: Any) -> Any:
        r = self.http.get(self.url + call, params=params, timeout=TIMEOUT)
        r.raise_for_status()
        return r.json()

    def post(self, call: str, body: dict[str, Any]) -> Any:
        r = self.http.post(self.url + call, json=body, timeout=TIMEOUT)
        r.raise_for_status()
        return r.json()

    def faults_on(self, seed: int) -> None:
        self.post("/faults", {"rates": {"*": FAULTS, "shopee": {"throttle": 0.0}}, "seed": seed,
                              "slow_seconds": 0.05, "timeout_seconds": 1.0})

    def faults_off(self) -> None:
        self.post("/faults", {"rates": {}})

    def credentials(self) -> dict[str, Credentials]:
        c = self.get("/credentials")
        urls = {"shopee": c["shopee"]["base_url"], "tiktok": c["tiktok"]["base_url"],
                "tiktok_auth": c["tiktok"]["auth_base_url"], "lazada": c["lazada"]["base_url"],
                "lazada_auth": c["lazada"]["auth_base_url"]}
        return practice_credentials(c, urls)

    def orders(self) -> set[tuple[str, str]]:
        """(platform, order ref) of every order the marketplace holds."""
        return {(p, str(o["ref"])) for p in PLATFORMS for o in self.get("/orders", platform=p)["orders"]}

    def seller_texts(self) -> list[str]:
        """The text of every message the seller sent, on every platform (one entry per message)."""
        return [m["text"] for p in PLATFORMS for c in self.get("/messages", platform=p)["conversations"]
                for m in c["messages"] if m["sender"] != "buyer"]

    def stock(self) -> dict[tuple[str, str], int]:
        """(platform, seller SKU) → the stock the platform shows."""
        return {(x["platform"], x["seller_sku"]): int(x["stock"]) for x in self.get("/listings")["listings"]}


def setup_shop(folder: Path, admin: Admin, opening_stock: int, real_style: str | None = None) -> None:
    """Products with opening stock, the same SKUs listed on every platform, three linked practice shops with
    different buffers (TikTok keeps 2 back, Lazada 10 %), Shopee chat switched on. With `real_style`, that
    channel's shop is linked like a real one instead (keys and tokens in the keyring, `link_account`)."""
    db = open_database(db_path(folder))
    try:
        for sku, (name, price) in PRODUCTS.items():
            add_product(db, ProductInput(sku=sku, name=name, sell_price=price), opening_stock)
            for platform in PLATFORMS:
                admin.post("/listings", {"platform": platform, "name": name, "seller_sku": sku, "price": price,
                                         "stock": min(opening_stock, 1000)})
        practice = admin.credentials()
        real = practice.pop(real_style) if real_style else None
        link_practice_accounts(db, practice)
        if real is not None:
            link_account(db, f"Toko Uji {real_style}", real)
        channel = {a.channel: a.id for a in account_store.active(db)}
        set_options(db, channel["tiktok"], buffer_units=2, buffer_percent=0, poll_seconds=60)
        set_options(db, channel["lazada"], buffer_units=0, buffer_percent=10, poll_seconds=60)
    finally:
        db.close()
    admin.post("/chat", {"enabled": True})


def credentials_source(admin: Admin) -> Callable[[AccountRow], Credentials]:
    """Practice credentials read fresh from the running marketplace (it knows the latest tokens)."""

    def source(account: AccountRow) -> Credentials:
        return credentials_for(account, admin.credentials())

    return source


def quick_connector(credentials: Credentials) -> Connector:
    """Short client timeouts, so a 'timeout' fault costs a fraction of a second."""
    return build_connector(credentials, http=Http(connect_timeout=1.0, read_timeout=0.6))


def quick_engine(db_file: Path, admin: Admin) -> SyncEngine:
    """The real engine with short waits (outbox retries due within 0.1 s)."""
    return SyncEngine(db_file, credentials_source(admin), quick_connector,
                      backoff=Backoff(base_seconds=0.02, cap_seconds=0.1),
                      quick_backoff=Backoff(base_seconds=0.01, cap_seconds=0.05))


def child_env(keyring_file: Path | None = None) -> dict[str, str]:
    """App processes started by the campaign: the repository importable, a keyring that keeps nothing (or, with
    `keyring_file`, the file-backed test keyring the campaign reads too)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    env["PYTHON_KEYRING_BACKEND"] = "bench.reliability.null_keyring.NullKeyring"
    if keyring_file is not None:
        env["PYTHON_KEYRING_BACKEND"] = "bench.reliability.file_keyring.FileKeyring"
        env["COMPANION_TEST_KEYRING_FILE"] = str(keyring_file)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def python() -> str:
    return sys.executable
