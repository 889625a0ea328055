"""Issue 13's security gaps: every channel's callback bound to our link, a taken callback port said plainly, the
scrubber's leaked forms, chat pictures only from the channel's hosts, and one token refresh at a time per shop
across processes (a lost refresh answer said plainly, with the re-link one click away)."""

from __future__ import annotations

import base64
import io
import logging
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import keyring
import pytest
import requests
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot
from refresh_child import JsonFileKeyring
from sync_child import admin, market_credentials, quick_connector, setup_shop

from companion.connectors import registry
from companion.connectors.auth_flow import Redirect
from companion.connectors.base import Credentials
from companion.connectors.http import RedactSecrets
from companion.domain.errors import UserError
from companion.domain.marketplace import TokenSet
from companion.error_log import close_logging, install_logging, log_path
from companion.gui.auth_listener import AuthListener, PortTaken
from companion.gui.context import AppContext
from companion.gui.link_shop_dialog import LinkShopDialog, needs_relink
from companion.gui.online_shops_card import OnlineShopsCard
from companion.log_scrubbing import remember_secret, scrub
from companion.practice.server import PracticeMarketplace
from companion.services.accounts import CREDENTIALS, link_account, relink_account
from companion.store import accounts as account_store
from companion.store import inbox as inbox_store
from companion.store import refresh_lock, secrets, sync_state
from companion.store.accounts import AccountRow
from companion.store.database import Database
from companion.store.location import db_path
from companion.sync.composition import CredentialsSource
from companion.sync.engine import SyncEngine
from companion.sync.events import REFRESH_LOST
from companion.sync.images import PictureHosts, any_channel_hosts, hosts_for

HERE = Path(__file__).resolve().parent


# --- the scrubber ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, secret", [
    ("token: Zq81kd02Xy", "Zq81kd02Xy"),
    ("Token = Zq81kd02Xy", "Zq81kd02Xy"),
    ("access token 59777174636562737266615546704c6d", "59777174636562737266615546704c6d"),
    ("app_secret 8f0c2a9be1d34c77", "8f0c2a9be1d34c77"),
    ("refresh_token 4e6f7a1b9c0d rejected", "4e6f7a1b9c0d"),
    ('{"access_token": "eyJhbGciOi.J9.x1", "expire_in": 14400}', "eyJhbGciOi.J9.x1"),
    ("AuthExpired('refresh token RT-2d8f9a77c1 is used')", "RT-2d8f9a77c1"),
    ("partner key: shpk4b5c6d7e8f", "shpk4b5c6d7e8f"),
])
def test_secret_shapes_in_prose_and_exceptions_are_masked(text: str, secret: str) -> None:
    assert secret not in scrub(text) and "***" in scrub(text)


def test_prose_about_tokens_stays_readable() -> None:
    for ordinary in ("the access token expired", "refresh token refused, link the shop again", "product code: A1",
                     "a token (new)", "Secret Service is not running"):
        assert scrub(ordinary) == ordinary


def test_every_encoding_of_a_known_secret_is_masked() -> None:
    secret = "sk-Val/ue+42?&x=1~"
    remember_secret(secret)
    raw = secret.encode()
    std, url = base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()
    forms = [secret, quote(secret, safe=""), quote(secret), std, std.rstrip("="), url, url.rstrip("="),
             quote(std, safe=""), base64.b64encode(b"app:" + raw).decode(),      # inside a Basic header
             base64.urlsafe_b64encode(b"x" + raw + b"yz").decode(), base64.b64encode(b"ab" + raw).decode()]
    for form in forms:
        masked = scrub(f"sent {form} now")
        assert secret not in masked and std.rstrip("=")[2:-2] not in masked and "***" in masked, form


def test_a_thread_exception_leaves_no_secret_in_the_log(data_dir: Path) -> None:
    known = "kn0wn-Secret-Value-77"
    remember_secret(known)
    encoded = base64.b64encode(known.encode()).decode()
    install_logging(data_dir)
    try:
        def boom() -> None:
            raise RuntimeError(f"refresh_token Unknown123abc failed; token: T0k3nXYZ; basic {encoded}")

        worker = threading.Thread(target=boom, name="sync")
        worker.start()
        worker.join()
    finally:
        close_logging()
    written = log_path(data_dir).read_text(encoding="utf-8")
    assert "RuntimeError" in written and "refresh_token ***" in written
    for leaked in ("Unknown123abc", "T0k3nXYZ", encoded, known):
        assert leaked not in written


def test_the_http_filter_masks_what_urllib3_logs_even_without_our_formatter() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    logger = logging.getLogger("urllib3.connectionpool")
    assert any(isinstance(f, RedactSecrets) for f in logger.filters)
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        logger.debug('%s://%s:%s "%s %s %s" %s', "https", "auth.example", 443, "GET",
                     "/api/v2/token/refresh?app_key=k1&app_secret=S3cr3tValue&refresh_token=RT99zz", "HTTP/1.1", 200)
        logger.debug("retrying: access token Abc123Def456 refused")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
    text = out.getvalue()
    assert "S3cr3tValue" not in text and "RT99zz" not in text and "Abc123Def456" not in text
    assert "refresh_token=***" in text


# --- the callback: bound to our link on every channel -------------------------------------------------------

def _listener(channel: str, state: str) -> tuple[AuthListener, list[Redirect | None], threading.Event]:
    caught: list[Redirect | None] = []
    done = threading.Event()
    flow = registry.get(channel).auth
    assert flow is not None

    def on_result(redirect: Redirect | None) -> None:
        caught.append(redirect)
        done.set()

    listener = AuthListener(on_result, port=0)
    listener.expect(lambda params: flow.accepts(params, state))
    return listener, caught, done


@pytest.mark.parametrize("channel, refused, taken", [
    ("tiktok", ["?code=c1", "?code=c1&state=other", "?code=c1&state=", "?code=c1&state=S&state=S"],
     "?code=good&state=S"),
    ("lazada", ["?code=c1&state=other", "?code=c1&uuid=other", "?code=&state=S", "?code=c1&code=c2"],
     "?code=good"),
    ("shopee", ["?code=c1", "?code=c1&shop_id=", "?code=c1&shop_id=12ab", "?shop_id=5", "?code=c1&shop_id=5&state=x"],
     "?code=good&shop_id=14701711"),
])
def test_each_channel_takes_only_a_callback_that_answers_its_link(channel: str, refused: list[str],
                                                                  taken: str) -> None:
    listener, caught, done = _listener(channel, "S")
    for query in refused:
        assert requests.get(listener.redirect_url + query, timeout=5).status_code == 400, query
    assert listener.refused == len(refused) and not done.is_set()
    assert requests.get(listener.redirect_url + taken, timeout=5).status_code == 200
    assert done.wait(5) and caught and caught[0] is not None and caught[0].code == "good"
    with pytest.raises(requests.ConnectionError):  # exactly one callback: the listener is gone
        requests.get(listener.redirect_url + taken, timeout=2)


def test_a_refusal_with_our_state_is_taken_so_the_dialog_can_say_so() -> None:
    listener, caught, done = _listener("tiktok", "S")
    assert requests.get(listener.redirect_url + "?error=access_denied&state=S", timeout=5).status_code == 200
    assert done.wait(5) and caught[0] is not None and caught[0].code == "" and caught[0].error


def test_a_taken_port_is_one_sentence_never_another_port() -> None:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    port = holder.getsockname()[1]
    try:
        with pytest.raises(PortTaken) as raised:
            AuthListener(lambda r: None, port=port)
        assert str(port) in raised.value.message() and "tempel" in raised.value.message()
    finally:
        holder.close()


class Browser(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


@pytest.fixture
def browser() -> Iterator[Browser]:
    catcher = Browser()
    for scheme in ("http", "https"):
        QDesktopServices.setUrlHandler(scheme, catcher, "open")  # type: ignore[arg-type]  # the stubs say bytes
    yield catcher
    for scheme in ("http", "https"):
        QDesktopServices.unsetUrlHandler(scheme)


@pytest.fixture
def ctx(data_dir: Path, qtbot: QtBot) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


def _dialog(ctx: AppContext, qtbot: QtBot, channel: str, port: int = 0, **kw: Any) -> LinkShopDialog:
    dialog = LinkShopDialog(ctx, port=port, **kw)
    qtbot.addWidget(dialog)
    dialog.choose(channel)
    dialog.inputs["key"].setText("12345")
    dialog.inputs["secret"].setText("app-secret-value")
    return dialog


def test_the_dialog_says_the_port_is_taken_and_then_lets_the_seller_paste(ctx: AppContext, qtbot: QtBot,
                                                                          browser: Browser) -> None:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    try:
        dialog = _dialog(ctx, qtbot, "lazada", port=holder.getsockname()[1])
        dialog.open_button.click()
        assert browser.opened == [] and dialog.status.property("role") == "error"
        assert str(holder.getsockname()[1]) in dialog.status.text()
        dialog.open_button.click()  # the seller chose to paste: the page opens, nothing listens
        assert len(browser.opened) == 1 and dialog.listener is None and "tempel" in dialog.status.text()
    finally:
        holder.close()
        dialog.reject()


def test_every_press_makes_a_new_random_state_and_an_old_address_is_refused(ctx: AppContext, qtbot: QtBot,
                                                                            browser: Browser) -> None:
    dialog = _dialog(ctx, qtbot, "lazada")
    dialog.open_button.click()
    first = parse_qs(urlsplit(browser.opened[-1]).query)["uuid"][0]
    dialog.open_button.click()
    second = parse_qs(urlsplit(browser.opened[-1]).query)["uuid"][0]
    assert len(first) >= 16 and first != second == dialog.state
    dialog.code.setText(f"{dialog.redirect_url}?code=abc&state={first}")
    dialog.link_button.click()
    assert "halaman izin yang lama" in dialog.status.text() and dialog.status.property("role") == "error"
    dialog.reject()


def test_a_shopee_callback_is_shown_and_linked_only_when_the_seller_says_so(ctx: AppContext, qtbot: QtBot,
                                                                            browser: Browser) -> None:
    dialog = _dialog(ctx, qtbot, "shopee")
    dialog.open_button.click()
    assert requests.get(dialog.redirect_url + "?code=c0de&shop_id=14701711", timeout=5).status_code == 200
    qtbot.waitUntil(lambda: "14701711" in dialog.status.text(), timeout=5_000)
    assert "tekan Hubungkan" in dialog.status.text() and dialog.link_button.isEnabled()
    assert account_store.all_accounts(ctx.db) == [] and "code=c0de" in dialog.code.text()
    dialog.reject()


# --- chat pictures -------------------------------------------------------------------------------------------

def test_picture_hosts_take_only_https_from_the_declared_suffixes() -> None:
    shopee = PictureHosts(suffixes=registry.get("shopee").picture_hosts)
    assert shopee.allows("https://down-id.img.susercontent.com/file/abc")
    assert shopee.allows("https://cf.shopee.co.id/file/abc")
    for refused in ("http://cf.shopee.co.id/file/abc", "https://susercontent.com.evil.example/x",
                    "https://evilsusercontent.com/x", "https://user@cf.shopee.co.id/x",
                    "https://cf.shopee.co.id:8443/x", "ftp://cf.shopee.co.id/x", "https://127.0.0.1/x",
                    "https://slatic.net/x", "file:///etc/passwd", "https://cf.shopee.co.id:bad/x"):
        assert not shopee.allows(refused), refused
    assert all(registry.get(c).picture_hosts for c in ("shopee", "lazada", "tiktok"))
    assert any_channel_hosts().allows("https://p16-oec-va.ibyteimg.com/x.jpg")


class _Counting(BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:
        type(self).hits += 1
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(b"\x89PNG")

    def log_message(self, format: str, *args: Any) -> None:
        return


def test_a_practice_shop_fetches_only_from_its_own_marketplace(data_dir: Path, db: Database,
                                                               market: PracticeMarketplace) -> None:
    url = market.base_urls["admin"]
    admin(url, "/chat", {"enabled": True})
    setup_shop(db, url)
    other = HTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        stranger = f"http://127.0.0.1:{other.server_address[1]}/picture.png"
        for n, ref in enumerate((stranger, "https://cf.shopee.co.id/file/x", "http://localhost:1/x.png")):
            admin(url, "/messages", {"platform": "shopee", "kind": "image", "ref": ref, "buyer": n})
        admin(url, "/messages", {"platform": "shopee", "kind": "image", "buyer": 9, "photo": 1})
        engine = SyncEngine(db_path(data_dir), _practice_source(url), quick_connector)
        assert engine.sync_once().ok
    finally:
        other.shutdown()
        other.server_close()
    assert _Counting.hits == 0  # refused before a byte left
    account = next(a for a in account_store.active(db) if a.channel == "shopee")
    assert hosts_for(account).practice == f"127.0.0.1:{urlsplit(account.base_url).port}"
    pictures = [m for row in inbox_store.conversations(db, channel="shopee") for m in inbox_store.thread(db, row.id)]
    kept = {m.payload["image_url"]: m.payload.get("local_path") for m in pictures}
    assert kept[stranger] is None and kept["https://cf.shopee.co.id/file/x"] is None  # URL kept, nothing fetched
    assert kept[url + "/static/photo-1.png"]


def _practice_source(url: str) -> Any:
    from sync_child import credentials_source

    return credentials_source(url)


# --- token refresh ---------------------------------------------------------------------------------------------

def _real_style_shopee(db: Database, url: str) -> AccountRow:
    """A shop kept like a real one (keys and tokens in the keyring) whose platform is the practice Shopee."""
    soon = datetime.now(UTC) + timedelta(minutes=2)  # inside the refresh margin: the next round refreshes first
    creds = market_credentials(url)["shopee"]
    tokens = TokenSet(creds.access_token, creds.refresh_token, soon, soon + timedelta(days=30))
    account_id, _ = link_account(db, "Toko Uji", creds, tokens)
    account = account_store.get(db, account_id)
    assert account is not None
    return account


def _expire_soon(db: Database, account_id: str) -> None:
    soon = datetime.now(UTC) + timedelta(minutes=2)
    with db.write():
        account_store.update(db, account_id, {"access_expires_at": soon.strftime("%Y-%m-%dT%H:%M:%S.%fZ")})


def _stored_refresh(account_id: str) -> str:
    import json

    return str(json.loads(secrets.get_secret(account_id, CREDENTIALS) or "{}")["refresh_token"])


def test_two_processes_refreshing_one_shop_together_never_say_link_again(
        data_dir: Path, db: Database, market: PracticeMarketplace, tmp_path: Path) -> None:
    keyring.set_keyring(JsonFileKeyring(tmp_path / "keyring.json"))
    url = market.base_urls["admin"]
    account = _real_style_shopee(db, url)
    # every Shopee call waits before it is handled: both refreshes are in flight at once unless one waits its turn
    admin(url, "/faults", {"rates": {"shopee": {"slow": 1.0}}, "slow_seconds": 0.3, "seed": 1})
    for attempt in range(3):
        _expire_soon(db, account.id)
        before = _stored_refresh(account.id)
        go = tmp_path / f"go-{attempt}"
        children = [subprocess.Popen([sys.executable, str(HERE / "refresh_child.py"), str(data_dir),
                                      str(tmp_path / "keyring.json"), str(go)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        for child in children:
            assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        go.touch()
        outputs = [child.communicate(timeout=120) for child in children]
        results = [line.split(" ", 4) for out, _err in outputs for line in out.splitlines()
                   if line.startswith("result")]
        assert len(results) == 2, outputs
        for _word, _account, ok, kind, sentence in results:
            assert kind != "auth_expired" and ok == "1", (attempt, kind, sentence, outputs)
        after = _stored_refresh(account.id)
        assert after != before  # renewed once, kept in the shared keyring
        assert after == admin(url, "/credentials")["shopee"]["refresh_token"]  # the platform's newest one
    assert not refresh_lock.was_lost(data_dir, account.id)


def test_a_lost_refresh_answer_is_said_plainly_and_the_shop_is_linked_again_in_place(
        data_dir: Path, db: Database, market: PracticeMarketplace, ctx: AppContext, qtbot: QtBot) -> None:
    url = market.base_urls["admin"]
    account = _real_style_shopee(db, url)
    before = _stored_refresh(account.id)
    admin(url, "/faults", {"rates": {"shopee": {"lost_response": 1.0}}, "seed": 1})
    engine = SyncEngine(db_path(data_dir), CredentialsSource(), quick_connector)
    [first] = engine.sync_once().accounts
    assert first.problem is not None and first.problem.sentence_msgid == REFRESH_LOST
    assert first.problem.kind == "auth_expired" and refresh_lock.was_lost(data_dir, account.id)
    assert admin(url, "/credentials")["shopee"]["refresh_token"] != before  # the platform did renew
    admin(url, "/faults", {"rates": {}})
    [again] = SyncEngine(db_path(data_dir), CredentialsSource(), quick_connector).sync_once().accounts
    assert again.problem is not None and again.problem.sentence_msgid == REFRESH_LOST  # after a restart too
    assert needs_relink(db, account)
    card = OnlineShopsCard(ctx)
    qtbot.addWidget(card)
    assert [w for w in card.findChildren(type(card.link_button)) if w.property("relink") == account.id]
    # linking again in place: a new code, the same account (its orders and matches stay), the marker gone
    dialog = LinkShopDialog(ctx, hosts=market.base_urls, port=0, relink=account)
    qtbot.addWidget(dialog)
    creds = market.credentials()["shopee"]
    dialog.inputs["key"].setText(str(creds["partner_id"]))
    dialog.inputs["secret"].setText(creds["partner_key"])
    code = requests.post(url + "/auth_code", json={"platform": "shopee"}, timeout=10).json()["code"]
    dialog.code.setText(f"{dialog.redirect_url}?code={code}&shop_id={creds['shop_id']}")
    with qtbot.waitSignal(dialog.linked, timeout=20_000) as signal:
        dialog.link_button.click()
    assert signal.args[0] == account.id and len(account_store.all_accounts(db)) == 1
    assert not refresh_lock.was_lost(data_dir, account.id)
    [healed] = SyncEngine(db_path(data_dir), CredentialsSource(), quick_connector).sync_once().accounts
    assert healed.ok and sync_state.status(db, account.id).problem_kind is None


def test_linking_again_refuses_another_shop(db: Database, market: PracticeMarketplace) -> None:
    account = _real_style_shopee(db, market.base_urls["admin"])
    other: Credentials = market_credentials(market.base_urls["admin"])["shopee"]
    from dataclasses import replace

    with pytest.raises(UserError) as refused:
        relink_account(db, account.id, replace(other, shop_id=999))  # type: ignore[type-var]
    assert "Toko Uji" in refused.value.message()
