"""Helpers for the sync tests, and the child process of the kill test (`python tests/sync_child.py DATA ADMIN_URL`).

The child runs sync rounds in a loop against the practice marketplace until it is killed, printing "round" after
each one, so the parent knows it is busy syncing when it sends SIGKILL.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from companion.connectors.base import Connector, Credentials
from companion.connectors.factory import build_connector, practice_credentials
from companion.connectors.http import Http
from companion.domain.product import ProductInput
from companion.services.accounts import credentials_for, link_practice_accounts
from companion.services.products import add_product
from companion.store import accounts as account_store
from companion.store.accounts import AccountRow
from companion.store.database import Database
from companion.sync.backoff import Backoff
from companion.sync.engine import SyncEngine

PLATFORMS = ("shopee", "tiktok", "lazada")
# sku: (name, local opening stock, price)
PRODUCTS = {"SC-KOPI": ("Kopi Sachet", 20, 2_500), "SC-TEH": ("Teh Botol", 10, 5_000),
            "SC-GULA": ("Gula Pasir 1 kg", 5, 18_000)}
TIMEOUT = 10


def admin(admin_url: str, call: str, body: dict[str, Any] | None = None) -> Any:
    """The practice marketplace's unsigned control API."""
    url = admin_url + call
    r = requests.post(url, json=body, timeout=TIMEOUT) if body is not None else requests.get(url, timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    return r.json()


def credentials_source(admin_url: str) -> Callable[[AccountRow], Credentials]:
    """Practice credentials read fresh from the running marketplace (it knows the latest tokens)."""

    def source(account: AccountRow) -> Credentials:
        return credentials_for(account, market_credentials(admin_url))

    return source


def market_credentials(admin_url: str) -> dict[str, Credentials]:
    c = admin(admin_url, "/credentials")
    urls = {"shopee": c["shopee"]["base_url"], "tiktok": c["tiktok"]["base_url"],
            "tiktok_auth": c["tiktok"]["auth_base_url"], "lazada": c["lazada"]["base_url"],
            "lazada_auth": c["lazada"]["auth_base_url"]}
    return practice_credentials(c, urls)


def quick_connector(credentials: Credentials) -> Connector:
    """Short client timeouts, so the 'timeout' fault costs a fraction of a second."""
    return build_connector(credentials, http=Http(connect_timeout=1.0, read_timeout=0.6))


def engine(db_path: Path, admin_url: str) -> SyncEngine:
    return SyncEngine(db_path, credentials_source(admin_url), quick_connector,
                      backoff=Backoff(base_seconds=0.02, cap_seconds=0.1),
                      quick_backoff=Backoff(base_seconds=0.01, cap_seconds=0.05))


def setup_shop(db: Database, admin_url: str, listed_stock: int | None = None) -> dict[str, str]:
    """Local products, the same seller SKUs listed on every practice platform, three linked practice shops.

    Returns {sku: product id}. Platform stock starts at `listed_stock` (default: the local stock)."""
    ids: dict[str, str] = {}
    for sku, (name, stock, price) in PRODUCTS.items():
        ids[sku], _ = add_product(db, ProductInput(sku=sku, name=name, sell_price=price), stock)
        for platform in PLATFORMS:
            admin(admin_url, "/listings", {"platform": platform, "name": name, "seller_sku": sku, "price": price,
                                           "stock": stock if listed_stock is None else listed_stock})
    link_practice_accounts(db, market_credentials(admin_url))
    # TikTok's Customer Service API is off until the seller's account manager approves it (issue 14): these shops
    # have had it approved; Shopee's chat permission is left to each test.
    admin(admin_url, "/chat", {"channel": "tiktok", "enabled": True})
    return ids


def account_ids(db: Database) -> dict[str, str]:
    return {a.channel: a.id for a in account_store.active(db)}


def platform_stock(admin_url: str) -> dict[tuple[str, str], int]:
    """(platform, seller sku) → stock the platform shows, for our own SKUs."""
    return {(x["platform"], x["seller_sku"]): int(x["stock"]) for x in admin(admin_url, "/listings")["listings"]
            if x["seller_sku"] in PRODUCTS}


def main(argv: list[str]) -> int:
    from companion.store.database import open_database
    from companion.store.location import db_path

    data_dir, admin_url = Path(argv[0]), argv[1]
    db_file = db_path(data_dir)
    open_database(db_file).close()
    sync = engine(db_file, admin_url)
    print("ready", flush=True)
    while True:
        summary = sync.sync_once()
        print("round", int(summary.ok), flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
