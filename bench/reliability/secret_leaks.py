"""Where a linked shop's secrets must never appear: the database and its WAL, backups, the log files, the support
text behind "Salin detail", and any screen of the app. The shops are linked to the practice marketplace the way
a seller links a real one (secrets to the keyring), synced twice (tokens refreshed), with DEBUG logging on."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, quote_plus

import keyring
from keyring.backend import KeyringBackend

from bench.reliability.practice_shop import Admin
from bench.reliability.trials import Trial
from companion.connectors.factory import build_connector, practice_credentials
from companion.domain.clock import now_utc
from companion.domain.marketplace import TokenSet
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.error_log import close_logging, install_logging, log_unexpected
from companion.practice.server import PracticeMarketplace
from companion.services.accounts import credentials_for, link_account
from companion.services.products import add_product
from companion.services.sales import record_sale
from companion.store import backup
from companion.store.database import open_database
from companion.store.location import db_path
from companion.sync.engine import SyncEngine

AREA = "security"
MIN_SECRET = 8  # shorter values would match by chance


class MemoryKeyring(KeyringBackend):
    """The system password store stands in here as a dict, so the campaign knows every value it holds."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


def encodings(secret: str) -> set[bytes]:
    """The secret as bytes, and as it would look base64- or URL-encoded."""
    raw = secret.encode()
    return {raw, base64.b64encode(raw), base64.urlsafe_b64encode(raw), base64.b64encode(raw).rstrip(b"="),
            quote(secret, safe="").encode(), quote_plus(secret).encode()}


def secrets_of(store: MemoryKeyring, market: PracticeMarketplace) -> set[str]:
    found: set[str] = set()
    for value in store.items.values():
        for key, item in json.loads(value).items():
            if any(word in key for word in ("key", "secret", "token")) and key != "app_key" and item:
                found.add(str(item))
    for creds in market.credentials().values():
        if isinstance(creds, dict):
            for key in ("partner_key", "app_secret", "access_token", "refresh_token"):
                if creds.get(key):
                    found.add(str(creds[key]))
    return {s for s in found if len(s) >= MIN_SECRET}


def _run_shop(folder: Path, market: PracticeMarketplace) -> tuple[str, bytes]:
    """Link, sell, sync twice, back up; returns the support text of a failed call (what "Salin detail" copies)
    and the WAL as it was while the database was open."""
    import importlib

    try:
        support_text = importlib.import_module("companion.gui.error_dialog").support_text
    except ImportError:  # before the "Salin detail" dialog exists: its core, the scrubbed traceback
        support_text = str

    admin = Admin(market.base_urls["admin"])
    db = open_database(db_path(folder))
    try:
        product, _ = add_product(db, ProductInput(sku="SL-KOPI", name="Kopi", sell_price=2_500), 20)
        soon = TokenSet("", "", now_utc() + timedelta(minutes=1), None)  # refreshed in the first round
        creds = practice_credentials(market.credentials(), market.base_urls)
        for platform, c in creds.items():
            admin.post("/listings", {"platform": platform, "name": "Kopi", "seller_sku": "SL-KOPI", "stock": 20})
            admin.post("/orders", {"platform": platform, "lines": [{"seller_sku": "SL-KOPI", "quantity": 2}]})
            link_account(db, f"Toko {platform}", c, soon)
        record_sale(db, [LineInput(product, 1, 2_500)], PaymentMethod.CASH, 2_500)
        engine = SyncEngine(db_path(folder), lambda account: credentials_for(account))
        engine.sync_once()
        engine.sync_once()
        backup.make_backup(folder)
        texts = []
        for c in creds.values():  # a call that fails on the wire, logged and copied for support
            try:
                build_connector(replace(c, base_url="http://127.0.0.1:9")).list_listings()
            except Exception as exc:
                texts.append(support_text(log_unexpected(exc, "the secrets check")))
        wal = Path(str(db_path(folder)) + "-wal")
        return "\n".join(texts), wal.read_bytes() if wal.exists() else b""
    finally:
        db.close()


def _files(folder: Path) -> Iterator[Path]:
    yield from (f for f in sorted(folder.rglob("*")) if f.is_file())


def file_trial(folder: Path, secrets: set[str], kept_wal: bytes) -> Trial:
    forms = {f for s in secrets for f in encodings(s)}
    files = list(_files(folder))
    bad = [str(f.relative_to(folder)) for f in files if any(form in f.read_bytes() for form in forms)]
    if any(form in kept_wal for form in forms):
        bad.append("companion.sqlite3-wal (while open)")
    kinds = {"database": sum(f.name.startswith("companion.sqlite3") for f in files),
             "backups": sum("backups" in f.parts for f in files), "logs": sum("logs" in f.parts for f in files)}
    trial = Trial(AREA, "no secret in the database, its WAL, backups or logs (DEBUG logging on)", len(files) + 1,
                  len(files) + 1 - len(bad), f"{len(secrets)} secrets (raw, base64, URL-encoded); files: {kinds}",
                  bad)
    canary = folder.parent / "canary.bin"  # the scan itself must catch a planted, encoded secret
    canary.write_bytes(b"x" + base64.b64encode(sorted(secrets)[0].encode()) if secrets else b"")
    if not secrets or not kinds["logs"] or not kinds["backups"] or not any(f in canary.read_bytes() for f in forms):
        trial.failures.append(f"the scan proved nothing: {len(secrets)} secrets, files {kinds}, canary not caught")
        trial.held = 0
    return trial


def text_trial(what: str, texts: list[str], secrets: set[str]) -> Trial:
    forms = {f.decode() for s in secrets for f in encodings(s)}
    bad = [t[:60] for t in texts if any(form in t for form in forms)]
    return Trial(AREA, what, len(texts), len(texts) - len(bad), "", bad)


def run_secret_checks(work: Path) -> list[Trial]:
    folder = work / "secrets-shop"
    folder.mkdir(parents=True)
    previous = keyring.get_keyring()
    store = MemoryKeyring()
    keyring.set_keyring(store)
    root = logging.getLogger()
    level = root.level
    install_logging(folder)
    root.setLevel(logging.DEBUG)  # the most a support person could switch on
    market = PracticeMarketplace(work / "practice-secrets").start()
    try:
        support, kept_wal = _run_shop(folder, market)
        secrets = secrets_of(store, market)
        from bench.reliability.screen_texts import screen_texts

        screens = screen_texts(folder, work / "screens")
        return [file_trial(folder, secrets, kept_wal),
                text_trial("no secret in the support text (\"Salin detail\") of failed calls",
                           support.splitlines(), secrets),
                text_trial(f"no secret on any screen ({len(screens)} texts on every page, after screenshots)",
                           screens, secrets)]
    finally:
        market.stop()
        root.setLevel(level)
        close_logging()
        keyring.set_keyring(previous)
