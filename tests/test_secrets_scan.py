"""After a full run with real-style linked shops, no key, secret or token is anywhere but the keyring:
not in the database (and its WAL), not in backups, not in logs or exception text."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest

from companion.connectors.factory import practice_credentials
from companion.domain.clock import now_utc
from companion.domain.marketplace import TokenSet
from companion.domain.product import ProductInput
from companion.practice.server import PracticeMarketplace
from companion.services.accounts import credentials_for, link_account
from companion.services.products import add_product
from companion.services.sales import record_sale
from companion.store import backup
from companion.store.database import Database
from companion.store.location import db_path
from companion.sync.engine import SyncEngine
from tests.sync_child import admin


def _secrets_in(keyring_items: dict[tuple[str, str], str]) -> set[str]:
    found: set[str] = set()
    for value in keyring_items.values():
        for key, item in json.loads(value).items():
            if any(word in key for word in ("key", "secret", "token")) and key != "app_key" and item:
                found.add(str(item))
    return found


def test_no_secret_outside_the_keyring_after_a_full_run(db: Database, data_dir: Path, memory_keyring: object,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    market = PracticeMarketplace(data_dir.parent / "practice").start()
    try:
        product, _ = add_product(db, ProductInput(sku="SC-KOPI", name="Kopi", sell_price=2_500), 20)
        url = market.base_urls["admin"]
        soon = TokenSet("", "", now_utc() + timedelta(minutes=1), None)  # due for a refresh in the first round
        for platform, creds in practice_credentials(market.credentials(), market.base_urls).items():
            admin(url, "/listings", {"platform": platform, "name": "Kopi", "seller_sku": "SC-KOPI", "stock": 20})
            admin(url, "/orders", {"platform": platform, "lines": [{"seller_sku": "SC-KOPI", "quantity": 2}]})
            link_account(db, f"Toko {platform}", creds, soon)
        from companion.domain.sale import LineInput, PaymentMethod

        record_sale(db, [LineInput(product, 1, 2_500)], PaymentMethod.CASH)
        engine = SyncEngine(db_path(data_dir), lambda account: credentials_for(account))
        first, second = engine.sync_once(), engine.sync_once()
        assert first.ok and second.ok, (first, second)
        backup.make_backup(data_dir)
    finally:
        market.stop()
    items = memory_keyring.items  # type: ignore[attr-defined]
    secrets = _secrets_in(items)
    assert len(secrets) >= 9  # 3 shops × (secret + access + refresh), refreshed tokens included
    files = [f for f in data_dir.rglob("*") if f.is_file()]
    assert any(f.name.endswith(".sqlite3") for f in files) and any("backups" in f.parts for f in files)
    for file in files:
        content = file.read_bytes()
        for secret in secrets:
            assert secret.encode() not in content, f"a secret is in {file.relative_to(data_dir)}"
    for secret in secrets:
        assert secret not in caplog.text
