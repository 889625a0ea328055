"""Security: no secret outside the keyring (database, WAL, logs, backups, support text, screens), TLS checks never
off for real hosts, tampered requests refused by every platform, the callback listener's state check, and no
formula from an imported file reaching an exported spreadsheet."""

from __future__ import annotations

import contextlib
import csv
import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from openpyxl import load_workbook

from bench.reliability.formula_files import write_catalogue, write_order_files
from bench.reliability.transport_checks import (
    RecordingAdapter,
    Sent,
    attach,
    is_remote,
    session_of,
    stale_clock,
    wrong_app_key,
    wrong_sign,
)
from bench.reliability.trials import Trial
from companion.connectors.base import Connector, Credentials
from companion.connectors.factory import build_connector, practice_credentials
from companion.connectors.lazada.credentials import LazadaCredentials
from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.connectors.tiktok.credentials import TikTokCredentials
from companion.domain.clock import now_utc
from companion.domain.errors import UserError
from companion.domain.sale import LineInput, PaymentMethod
from companion.gui.auth_listener import AuthListener, Redirect
from companion.practice.server import PracticeMarketplace
from companion.services import order_import, product_import
from companion.services.reports import export_catalogue, export_csv, export_report, product_sheet, sales_by_product
from companion.services.sales import record_sale
from companion.store import products as product_store
from companion.store.database import open_database
from companion.store.location import db_path
from companion.store.spreadsheet_export import RISKY_STARTS
from companion.sync.images import fetch

AREA = "security"
ZONE = "Asia/Jakarta"


def _import_poisoned(folder: Path, work: Path) -> tuple[int, int, list[str]]:
    """Import the poisoned catalogue and order files with the app's own services; (products, orders, problems)."""
    db = open_database(db_path(folder))
    problems: list[str] = []
    try:
        for suffix in (".xlsx", ".csv"):
            preview = product_import.read_import(db, write_catalogue(work / f"catalogue{suffix}"))
            if preview.to_write:
                product_import.apply_import(db, preview, only_valid=True)
            problems += [f"catalogue{suffix} row {e.row_no}: {e.error}" for e in list(preview.errors)[:3]]
        products = product_store.all_products(db)
        for p in products[:6]:
            record_sale(db, [LineInput(p.id, 1, p.sell_price)], PaymentMethod.CASH, p.sell_price)
        for file in write_order_files(work):
            try:
                order_import.import_file(db, file, skip_errors=True)
            except UserError as exc:
                problems.append(f"{file.name}: {exc.message()}")
        orders = int(db.scalar("SELECT COUNT(*) FROM online_orders"))
        return len(products), orders, problems
    finally:
        db.close()


def _export_all(folder: Path, out: Path) -> list[Path]:
    db = open_database(db_path(folder))
    try:
        today = now_utc().date()
        start, end = date(2026, 1, 1), today + timedelta(days=1)
        files = [export_report(db, out / "laporan.xlsx", start, end, "day", ZONE),
                 export_report(db, out / "laporan.csv", start, end, "day", ZONE),
                 export_csv(out / "produk.csv", product_sheet(sales_by_product(db, start, end, ZONE))),
                 export_catalogue(db, out / "katalog.xlsx")]
        for channel in ("counter", "shopee", "tiktok", "lazada"):
            files.append(export_csv(out / f"produk-{channel}.csv",
                                    product_sheet(sales_by_product(db, start, end, ZONE, channel))))
        return files
    finally:
        db.close()


def _scan_exports(files: list[Path]) -> tuple[int, int, int, list[str]]:
    """(cells checked, poisoned text cells seen, unsafe cells, failures)."""
    checked = seen = unsafe = 0
    failures: list[str] = []
    for file in files:
        if file.suffix == ".xlsx":
            book = load_workbook(file)  # not data_only: a formula would show as data_type "f"
            for sheet in book.worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        if cell.value is None:
                            continue
                        checked += 1
                        text = str(cell.value)
                        seen += text.startswith(RISKY_STARTS)
                        if cell.data_type == "f" or (text.startswith(RISKY_STARTS) and not cell.quotePrefix):
                            unsafe += 1
                            failures.append(f"{file.name}!{sheet.title}!{cell.coordinate}: {text[:40]!r}")
        else:
            with file.open(encoding="utf-8-sig", newline="") as f:
                for row in csv.reader(f):
                    for field in row:
                        checked += 1
                        seen += field.startswith("'") and field[1:].startswith(RISKY_STARTS)
                        if field.startswith(RISKY_STARTS):
                            unsafe += 1
                            failures.append(f"{file.name}: {field[:40]!r}")
    return checked, seen, unsafe, failures


def formula_trial(work: Path) -> Trial:
    folder, out = work / "formula-shop", work / "formula-exports"
    for p in (folder, out):
        p.mkdir(parents=True)
    products, orders, problems = _import_poisoned(folder, work)
    files = _export_all(folder, out)
    checked, seen, unsafe, failures = _scan_exports(files)
    if seen == 0:
        failures.append("no poisoned text reached an export: the check proved nothing")
    return Trial(AREA, "imported files cannot put a formula in an export (XLSX cells, CSV fields)", checked,
                 checked - unsafe if seen else 0,
                 f"{products} products and {orders} orders imported, {len(files)} exports, "
                 f"{seen} poisoned cells all kept as text", failures + problems[:5])


# --- TLS: certificate checks never off for a real host --------------------------------------------------------

UNSAFE_SOURCE = ("verify=False", "verify = False", "CERT_NONE", "check_hostname = False", "check_hostname=False",
                 "_create_unverified_context", "disable_warnings", "PYTHONHTTPSVERIFY")


def _source_scan() -> Trial:
    root = Path(__file__).resolve().parents[2] / "companion"
    files = sorted(root.rglob("*.py"))
    hits = [f"{f.relative_to(root.parent)}: {pattern}" for f in files for pattern in UNSAFE_SOURCE
            if pattern in f.read_text(encoding="utf-8")]
    return Trial(AREA, "no code turns certificate checks off (source scan)", len(files), len(files) - len(hits),
                 f"{len(files)} files, patterns: verify=False, CERT_NONE, check_hostname=False, …", hits)


def _calls(connector: Connector, now: datetime) -> list[Callable[[], object]]:
    return [connector.list_listings, lambda: connector.pull_orders(now - timedelta(hours=1), now),
            lambda: connector.get_orders(["2611280001"]), connector.refresh_tokens, connector.list_conversations]


def _real_host_calls(work: Path) -> list[Sent]:
    """Every call the connectors (and the chat-picture download) make to the real hosts, stopped at the adapter."""
    creds: list[Credentials] = [
        ShopeeCredentials(2001887, "k" * 32, 14701711, "token", "refresh"),
        TikTokCredentials("6abc", "secret", "cipher", "token", "refresh"),
        LazadaCredentials("100123", "secret", "token", "refresh"),
    ]
    sent: list[Sent] = []
    now = now_utc()
    for c in creds:
        connector = build_connector(c)
        adapter = RecordingAdapter()
        attach(session_of(connector), adapter)
        for call in _calls(connector, now):
            with contextlib.suppress(Exception):  # each call stops at the adapter with a connection error
                call()
        sent += adapter.sent
    pictures = requests.Session()
    adapter = RecordingAdapter()
    attach(pictures, adapter)
    with contextlib.suppress(Exception):
        fetch(pictures, "https://cf.shopee.co.id/file/campaign-picture", work)
    return sent + adapter.sent


def tls_trials(work: Path) -> list[Trial]:
    sent = [s for s in _real_host_calls(work) if is_remote(s.host)]
    bad = [f"{s.host}: verify={s.verify!r}" for s in sent if s.verify is False or s.verify in ("", None)]
    hosts = sorted({s.host for s in sent})
    trial = Trial(AREA, "certificate checks on for every call to a real host (requests' own verify)", len(sent),
                  len(sent) - len(bad), f"{len(hosts)} hosts: {', '.join(hosts)}", bad)
    if not sent:
        trial.failures.append("no call reached the adapter: nothing was checked")
    return [_source_scan(), trial]


# --- signatures: tampered calls refused with the platform's own error -----------------------------------------

# platform: {tamper: error code in the platform's envelope}. The documented codes (issue 14, the channels'
# contracts.py): TikTok answers 36009004 for an invalid app_key or timestamp (its message names which) and 106001
# for a wrong sign; Lazada documents no app-key code, a key it does not know cannot verify the signature
# (IncompleteSignature); InvalidTimestamp is the practice server's own, marked there as not in the reference.
EXPECTED: dict[str, dict[str, object]] = {
    "shopee": {"wrong sign": "error_sign", "wrong app key": "invalid_partner_id", "stale timestamp": "error_param"},
    "tiktok": {"wrong sign": 106001, "wrong app key": 36009004, "stale timestamp": 36009004},
    "lazada": {"wrong sign": "IncompleteSignature", "wrong app key": "IncompleteSignature",
               "stale timestamp": "InvalidTimestamp"},
}


def _envelope_code(platform: str, answer: dict[str, Any]) -> object:
    if "message" not in answer:
        return None
    return answer.get("error") if platform == "shopee" else answer.get("code")


def _tampered(platform: str, creds: Credentials, tamper: str) -> tuple[Connector, RecordingAdapter]:
    clock = stale_clock() if tamper == "stale timestamp" else now_utc
    change = {"wrong sign": wrong_sign, "wrong app key": wrong_app_key}.get(tamper)
    connector = build_connector(creds, clock=clock)
    adapter = RecordingAdapter(forward=True, tamper=change)
    attach(session_of(connector), adapter)
    return connector, adapter


def signature_trials(work: Path, repeats: int) -> list[Trial]:
    market = PracticeMarketplace(work / "practice-signing").start()
    trials: list[Trial] = []
    try:
        all_creds = practice_credentials(market.credentials(), market.base_urls)
        control = Trial(AREA, "untampered calls accepted (control)", 0, 0)
        for platform, creds in all_creds.items():
            control.tried += 1
            try:
                build_connector(creds).list_listings()
                control.held += 1
            except Exception as exc:
                control.failures.append(f"{platform}: {type(exc).__name__}: {exc}")
            for tamper, code in EXPECTED[platform].items():
                trial = Trial(AREA, f"{platform}: {tamper} refused with {code}", 0, 0)
                for _ in range(repeats):
                    connector, adapter = _tampered(platform, creds, tamper)
                    trial.tried += 1
                    try:
                        connector.list_listings()
                    except Exception:  # refused: which answer did the platform give?
                        got = _envelope_code(platform, adapter.sent[0].answer) if adapter.sent else None
                        trial.held += got == code
                        if got != code:
                            trial.failures.append(f"answer {adapter.sent[0].answer if adapter.sent else None}")
                    else:
                        trial.failures.append("a tampered call was accepted")
                trial.detail = f"HTTP {adapter.sent[0].status}" if adapter.sent else ""
                trials.append(trial)
        trials.insert(0, control)
    finally:
        market.stop()
    return trials


def listener_trial(wrong: int) -> Trial:
    """The app's own callback listener, expecting our state, gets callbacks with other states first."""
    caught: list[Redirect | None] = []
    done = threading.Event()
    def got(result: Redirect | None) -> None:
        caught.append(result)
        done.set()

    listener = AuthListener(got, port=0, timeout=60)
    listener.expect_state("campaign-state-123")
    trial = Trial(AREA, "callback listener refuses a wrong or missing state", 0, 0)
    try:
        for n in range(wrong):
            state = ("&state=" + "x" * (n % 5)) if n % 3 else ""
            trial.tried += 1
            reply = requests.get(f"{listener.redirect_url}?code=stranger{n}{state}", timeout=5)
            ok = reply.status_code == 400 and not caught
            trial.held += ok
            if not ok:
                trial.failures.append(f"state {state!r}: HTTP {reply.status_code}, caught {caught}")
        trial.tried += 1
        reply = requests.get(f"{listener.redirect_url}?code=ours&state=campaign-state-123", timeout=5)
        ok = reply.status_code == 200 and done.wait(5) and caught == [Redirect(code="ours")]
        trial.held += ok
        if not ok:
            trial.failures.append(f"the right state was not taken: HTTP {reply.status_code}, {caught}")
    finally:
        listener.stop()
    trial.detail = f"{wrong} wrong, then the right one taken"
    return trial


def run(quick: bool, work: Path) -> list[Trial]:
    """Every security check; `quick` repeats each tampered call 3 times instead of 20."""
    from bench.reliability.secret_leaks import run_secret_checks

    work.mkdir(parents=True, exist_ok=True)
    return [*run_secret_checks(work / "secrets"), *tls_trials(work), *signature_trials(work, 3 if quick else 20),
            listener_trial(6 if quick else 30), formula_trial(work)]
