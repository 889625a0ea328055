"""Linking a real shop: permission links, the one-shot listener, code exchange against the practice marketplace,
secrets only in the keyring, and the Settings → Online shops card."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import keyring
import pytest
import requests
from keyring.backends import fail
from PySide6.QtCore import QObject, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from companion.connectors import registry
from companion.connectors.auth_flow import AuthFlow, Field, Redirect
from companion.connectors.base import Credentials
from companion.connectors.errors import Permanent
from companion.connectors.lazada.credentials import LazadaCredentials
from companion.connectors.spec import ChannelSpec
from companion.domain.marketplace import Capability, TokenSet
from companion.gui.auth_listener import AuthListener, parse_redirect
from companion.gui.context import AppContext
from companion.gui.link_shop_dialog import LinkShopDialog
from companion.gui.online_shops_card import OnlineShopsCard
from companion.practice.server import PracticeMarketplace
from companion.services.accounts import CREDENTIALS, link_account
from companion.store import accounts as account_store
from companion.store import secrets
from companion.store.location import db_path


@pytest.fixture
def ctx(data_dir: Path, qtbot: QtBot) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


@pytest.fixture
def market(tmp_path: Path) -> Iterator[PracticeMarketplace]:
    server = PracticeMarketplace(tmp_path / "market", port=0).start()
    yield server
    server.stop()


class Browser(QObject):
    """Stands in for the seller's browser: Qt hands it every http(s) address the app opens."""

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
        QDesktopServices.setUrlHandler(scheme, catcher, "open")
    yield catcher
    for scheme in ("http", "https"):
        QDesktopServices.unsetUrlHandler(scheme)


def dialog_for(ctx: AppContext, qtbot: QtBot, channel: str, key: str, secret: str,
               hosts: dict[str, str] | None = None, service_id: str = "") -> LinkShopDialog:
    dialog = LinkShopDialog(ctx, hosts=hosts, port=0)
    qtbot.addWidget(dialog)
    dialog.choose(channel)
    dialog.inputs["key"].setText(key)
    dialog.inputs["secret"].setText(secret)
    if "service_id" in dialog.inputs:
        dialog.inputs["service_id"].setText(service_id)
    return dialog


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def auth_code(market: PracticeMarketplace, platform: str) -> str:
    reply = requests.post(market.base_urls["admin"] + "/auth_code", json={"platform": platform}, timeout=10)
    return str(reply.json()["code"])


def file_bytes(ctx: AppContext) -> bytes:
    path = db_path(ctx.data_dir)
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


# --- permission links ------------------------------------------------------------------------------------

def test_permission_links_carry_the_reference_parameters(ctx: AppContext, qtbot: QtBot, browser: Browser) -> None:
    dialog = dialog_for(ctx, qtbot, "shopee", "2001887", "shpk-secret-key")
    dialog.open_button.click()
    link = browser.opened[-1]
    parts, q = urlsplit(link), query(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "partner.shopeemobile.com",
                                                        "/api/v2/shop/auth_partner")
    assert q["partner_id"] == "2001887" and q["redirect"] == dialog.redirect_url
    base = f"2001887/api/v2/shop/auth_partner{q['timestamp']}"
    assert q["sign"] == hmac.new(b"shpk-secret-key", base.encode(), hashlib.sha256).hexdigest()
    assert dialog.redirect_url.startswith("http://127.0.0.1:") and dialog.redirect_url.endswith("/callback")
    assert dialog.redirect_url in dialog.explain.text()

    dialog.choose("tiktok")
    dialog.inputs["key"].setText("6abc")
    dialog.inputs["secret"].setText("tts-secret")
    dialog.open_button.click()
    assert "Service ID" in dialog.status.text() and len(browser.opened) == 1
    dialog.inputs["service_id"].setText("7123")
    dialog.open_button.click()
    parts, q = urlsplit(browser.opened[-1]), query(browser.opened[-1])
    assert (parts.netloc, parts.path, q["service_id"]) == ("services.tiktokshop.com", "/open/authorize", "7123")

    dialog.choose("lazada")
    dialog.inputs["key"].setText("100123")
    dialog.inputs["secret"].setText("lzd-secret")
    dialog.open_button.click()
    parts, q = urlsplit(browser.opened[-1]), query(browser.opened[-1])
    assert (parts.netloc, parts.path) == ("auth.lazada.com", "/oauth/authorize")
    assert q["response_type"] == "code" and q["force_auth"] == "true" and q["client_id"] == "100123"
    assert q["redirect_uri"] == dialog.redirect_url
    dialog.reject()


def test_missing_or_wrong_keys_are_named_before_anything_opens(ctx: AppContext, qtbot: QtBot,
                                                               browser: Browser) -> None:
    dialog = dialog_for(ctx, qtbot, "shopee", "", "")
    dialog.open_button.click()
    assert dialog.status.text() == "Isi dulu Partner ID dan Partner key dari halaman aplikasi Anda."
    dialog.inputs["key"].setText("abc")
    dialog.inputs["secret"].setText("k")
    dialog.open_button.click()
    assert dialog.status.text() == "Partner ID berupa angka: salin lagi dari halaman aplikasi Anda."
    dialog.inputs["key"].setText("2001887")
    dialog.code.setText("just-a-code")
    dialog.link_button.click()
    assert "nomor toko" in dialog.status.text()
    assert browser.opened == [] and account_store.all_accounts(ctx.db) == []


# --- catching the redirect -------------------------------------------------------------------------------

def test_listener_catches_one_real_redirect_and_answers_the_browser() -> None:
    caught: list[Redirect | None] = []
    done = threading.Event()
    listener = AuthListener(lambda r: (caught.append(r), done.set()), port=0)
    assert requests.get(f"http://127.0.0.1:{listener.port}/favicon.ico", timeout=5).status_code == 404
    reply = requests.get(listener.redirect_url + "?code=abc123&shop_id=14701711", timeout=5)
    assert reply.status_code == 200 and "Selesai, kembali ke aplikasi" in reply.text
    assert done.wait(5)
    assert caught == [Redirect(code="abc123", shop_id="14701711")]
    with pytest.raises(requests.ConnectionError):
        requests.get(listener.redirect_url + "?code=again", timeout=2)


def test_listener_gives_up_after_its_time() -> None:
    caught: list[Redirect | None] = []
    done = threading.Event()
    AuthListener(lambda r: (caught.append(r), done.set()), port=0, timeout=0.3)
    assert done.wait(5) and caught == [None]


def test_pasted_redirects_and_codes_are_understood() -> None:
    assert parse_redirect("http://127.0.0.1:48765/callback?code=4b6f&shop_id=123") == Redirect("4b6f", "123")
    assert parse_redirect("  https://x.example/cb?state=sellercompanion&code=XYZ ") == Redirect("XYZ")
    assert parse_redirect("code=abc&shop_id=9") == Redirect("abc", "9")
    assert parse_redirect("  plain-code  ") == Redirect("plain-code")
    assert parse_redirect("http://127.0.0.1/callback?error=access_denied").code == ""
    assert parse_redirect("") == Redirect("")


# --- exchanging the code ----------------------------------------------------------------------------------

def link_with(dialog: LinkShopDialog, qtbot: QtBot, pasted: str) -> str:
    dialog.code.setText(pasted)
    with qtbot.waitSignal(dialog.linked, timeout=20_000) as signal:
        dialog.link_button.click()
    return str(signal.args[0])


@pytest.mark.parametrize("platform", ["shopee", "tiktok", "lazada"])
def test_a_practice_code_links_the_shop_with_secrets_only_in_the_keyring(
        platform: str, ctx: AppContext, qtbot: QtBot, market: PracticeMarketplace) -> None:
    creds = market.credentials()[platform]
    key = str(creds.get("partner_id") or creds.get("app_key"))
    secret = str(creds.get("partner_key") or creds.get("app_secret"))
    dialog = dialog_for(ctx, qtbot, platform, key, secret, market.base_urls, "7123")
    code = auth_code(market, platform)
    pasted = f"http://127.0.0.1:48765/callback?code={code}&shop_id={creds.get('shop_id', '')}"
    account_id = link_with(dialog, qtbot, pasted)
    account = account_store.get(ctx.db, account_id)
    assert account is not None and account.channel == platform and not account.practice and account.active
    stored = json.loads(secrets.get_secret(account_id, CREDENTIALS) or "{}")
    assert stored["access_token"] and stored["refresh_token"]
    if platform == "tiktok":
        assert stored["shop_cipher"] == creds["shop_cipher"] == account.shop_ref
    data = file_bytes(ctx)
    for value in (secret, stored["access_token"], stored["refresh_token"]):
        assert value.encode() not in data
    assert account_store.has_real_accounts(ctx.db)
    assert "terhubung" in dialog.status.text()


def test_the_listener_feeds_the_code_straight_into_linking(ctx: AppContext, qtbot: QtBot,
                                                           market: PracticeMarketplace, browser: Browser) -> None:
    creds = market.credentials()["shopee"]
    dialog = dialog_for(ctx, qtbot, "shopee", str(creds["partner_id"]), creds["partner_key"],
                        market.base_urls)
    dialog.open_button.click()
    assert urlsplit(browser.opened[-1]).netloc == urlsplit(market.base_urls["shopee"]).netloc
    redirect = dialog.redirect_url + f"?code={auth_code(market, 'shopee')}&shop_id={creds['shop_id']}"
    with qtbot.waitSignal(dialog.linked, timeout=20_000):
        assert "Selesai" in requests.get(redirect, timeout=5).text
        # Shopee echoes no state: the dialog shows the shop it got and links when the seller presses the button
        qtbot.waitUntil(lambda: str(creds["shop_id"]) in dialog.status.text(), timeout=5_000)
        assert account_store.active(ctx.db) == []
        dialog.link_button.click()
    assert len(account_store.active(ctx.db)) == 1


def test_a_used_or_wrong_code_is_one_plain_sentence(ctx: AppContext, qtbot: QtBot,
                                                    market: PracticeMarketplace) -> None:
    creds = market.credentials()["lazada"]
    dialog = dialog_for(ctx, qtbot, "lazada", creds["app_key"], creds["app_secret"], market.base_urls)
    dialog.code.setText("not-a-code")
    dialog.link_button.click()
    qtbot.waitUntil(lambda: dialog.link_button.isEnabled() and "kode" in dialog.status.text(), timeout=20_000)
    assert dialog.status.text() == ("Lazada tidak menerima kode atau kuncinya: periksa key dan secret, lalu buka "
                                    "halaman izin lagi untuk kode baru.")
    assert dialog.status.property("role") == "error"
    assert account_store.all_accounts(ctx.db) == []


def test_an_unsafe_keyring_links_nothing_and_says_why(ctx: AppContext, qtbot: QtBot,
                                                      market: PracticeMarketplace) -> None:
    keyring.set_keyring(fail.Keyring())
    creds = market.credentials()["lazada"]
    secret = creds["app_secret"]
    dialog = dialog_for(ctx, qtbot, "lazada", creds["app_key"], secret, market.base_urls)
    dialog.code.setText(auth_code(market, "lazada"))
    dialog.link_button.click()
    qtbot.waitUntil(lambda: dialog.link_button.isEnabled() and dialog.status.property("role") == "error",
                    timeout=20_000)
    assert dialog.status.text().startswith("Komputer ini tidak punya tempat aman untuk kata sandi")
    assert account_store.all_accounts(ctx.db) == []
    assert secret.encode() not in file_bytes(ctx)


# --- Settings → Online shops --------------------------------------------------------------------------------

class Answers:
    """Presses the button with the given label in each message box that opens."""

    def __init__(self, labels: list[str]) -> None:
        self.labels = list(labels)
        self.timer = QTimer()
        self.timer.timeout.connect(self._answer)
        self.timer.start(20)

    def _answer(self) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and self.labels:
            wanted = self.labels.pop(0)
            next(b for b in box.buttons() if b.text() == wanted).click()


def link_real(ctx: AppContext, name: str = "Toko Berkah – Lazada") -> str:
    account_id, change = link_account(ctx.db, name, LazadaCredentials("100123", "lzd-secret", "acc", "ref"))
    ctx.announce(change)
    return account_id


def test_card_lists_shops_and_explains_bad_options(ctx: AppContext, qtbot: QtBot) -> None:
    card = OnlineShopsCard(ctx)
    qtbot.addWidget(card)
    assert card.editors == {}
    account_id = link_real(ctx)
    card.reload()
    editor = card.editors[account_id]
    assert editor.unlink is not None and editor.units.text() == "0"
    cases: list[tuple[str, str, str, str]] = [
        ("2", "150", "60", "Persen stok yang ditahan harus antara 0 dan 100."),
        ("200.000", "0", "60", "Stok ditahan terlalu besar: paling banyak 100.000."),
        ("2", "10", "5", "Cek pesanan paling cepat tiap 10 detik dan paling lambat sekali sehari."),
        ("dua", "10", "60", "Stok ditahan harus ditulis dengan angka bulat, misalnya 2."),  # issue 17: not "koma"
    ]
    for units, percent, poll, message in cases:
        editor.units.setText(units)
        editor.percent.setText(percent)
        editor.poll.setText(poll)
        editor.save.click()
        # issue 17: the refusal names the shop, and each sentence stands under its box
        assert card.note.text() == f"Belum tersimpan untuk Toko Berkah – Lazada: {message}"
        under = " ".join(editor.errors.text(k) for k in editor.errors.shown())
        assert card.note.property("role") == "error" and message in under
        assert (editor.units.text(), editor.percent.text(), editor.poll.text()) == (units, percent, poll)  # kept
    account = account_store.get(ctx.db, account_id)
    assert account is not None and (account.buffer_units, account.buffer_percent) == (0, 0)
    editor.units.setText("2")
    editor.save.click()
    account = account_store.get(ctx.db, account_id)
    assert account is not None and (account.buffer_units, account.buffer_percent, account.poll_seconds) == (2, 10, 60)
    assert card.note.property("role") == "hint"


def test_card_unlinks_after_asking_and_forgets_the_keys(ctx: AppContext, qtbot: QtBot) -> None:
    card = OnlineShopsCard(ctx)
    qtbot.addWidget(card)
    account_id = link_real(ctx)
    card.reload()
    unlink = card.editors[account_id].unlink
    assert unlink is not None
    answers: Any = Answers(["Batal"])
    unlink.click()
    assert account_store.active(ctx.db)
    answers = Answers(["Putuskan"])
    unlink.click()
    assert not answers.labels
    assert account_store.active(ctx.db) == [] and secrets.get_secret(account_id, CREDENTIALS) is None
    qtbot.waitUntil(lambda: card.editors == {})


def test_listener_with_a_state_refuses_a_callback_with_another_state_and_keeps_waiting() -> None:
    caught: list[Redirect | None] = []
    done = threading.Event()
    listener = AuthListener(lambda r: (caught.append(r), done.set()), port=0)
    listener.expect_state("s3cr3t-state")
    for bad in ("?code=evil&state=other", "?code=evil", "?code=evil&state=", "?code=evil&state=s3cr3t-state&state=x"):
        assert requests.get(listener.redirect_url + bad, timeout=5).status_code == 400
    assert not done.is_set() and caught == []
    assert requests.get(listener.redirect_url + "?code=good&state=s3cr3t-state", timeout=5).status_code == 200
    assert done.wait(5) and caught == [Redirect(code="good")]


def test_the_tiktok_link_carries_a_fresh_state_that_the_listener_expects(ctx: AppContext, qtbot: QtBot,
                                                                         browser: Browser) -> None:
    dialog = dialog_for(ctx, qtbot, "tiktok", "6abc", "tts-secret")
    dialog.inputs["service_id"].setText("7123")
    dialog.open_button.click()
    state = query(browser.opened[-1])["state"]
    assert len(state) >= 16 and state != "sellercompanion"
    assert dialog_for(ctx, qtbot, "tiktok", "6abc", "tts-secret").state != state
    assert requests.get(dialog.redirect_url + "?code=evil&state=sellercompanion", timeout=5).status_code == 400
    dialog.reject()


# --- a channel the dialog has never heard of -------------------------------------------------------------------

@dataclass(frozen=True)
class MarketCredentials:
    app_key: str
    app_secret: str = field(repr=False)
    region: str = ""
    access_token: str = field(default="", repr=False)
    refresh_token: str = field(default="", repr=False)
    base_url: str = "https://api.market.example"
    auth_base_url: str = ""

    @property
    def shop_ref(self) -> str:
        return self.region

    def secrets(self) -> tuple[str, ...]:
        return (self.app_secret, self.access_token, self.refresh_token)


class MarketFlow(AuthFlow):
    """A test channel's linking: a third field, its own help, state echoed, a code that must say "ok"."""

    fields = (Field("key", "Market key"), Field("secret", "Market secret", secret=True),
              Field("region", "Region code", missing="Fill in the region code first."))
    help = "Register an app at market.example; its redirect address: {redirect}"
    echoes_state = True

    def link(self, values: Mapping[str, str], redirect_url: str, state: str, hosts: Mapping[str, str]) -> str:
        return f"https://market.example/authorize?{urlencode({'app': values['key'], 'state': state})}"

    def exchange(self, values: Mapping[str, str], redirect: Redirect,
                 hosts: Mapping[str, str]) -> tuple[Credentials, TokenSet]:
        if redirect.code != "ok":
            raise Permanent("bad code")
        tokens = TokenSet("market-access", "market-refresh", datetime.now(UTC) + timedelta(hours=4), None)
        return MarketCredentials(values["key"], values["secret"], values["region"], tokens.access_token,
                                 tokens.refresh_token), tokens


@pytest.fixture
def market_channel() -> Iterator[str]:
    registry.register(ChannelSpec(
        name="testmarket", label="Test Market", long_label="Test Market (Example)", practice_name="Practice Market",
        color="#805ad5", credentials_type=MarketCredentials, connector=lambda c, h, k: None,  # type: ignore[arg-type,return-value]
        capabilities=frozenset({Capability.ORDERS}), real_hosts={"base_url": "https://api.market.example"},
        auth=MarketFlow(), order=99))
    yield "testmarket"
    registry.unregister("testmarket")


def test_a_registered_channel_is_offered_and_linked_through_its_own_flow(
        ctx: AppContext, qtbot: QtBot, browser: Browser, market_channel: str) -> None:
    dialog = LinkShopDialog(ctx, port=0)
    qtbot.addWidget(dialog)
    offered = [b.property("channel") for b in dialog.platforms.buttons()]
    assert offered == [s.name for s in registry.channels() if s.auth is not None] and market_channel in offered
    dialog.choose(market_channel)
    assert list(dialog.inputs) == ["key", "secret", "region"]
    assert dialog.redirect_url in dialog.explain.text() and dialog.name.text().endswith("Test Market")
    dialog.inputs["key"].setText("mk-1")
    dialog.inputs["secret"].setText("mk-secret")
    dialog.open_button.click()
    assert dialog.status.text() == "Fill in the region code first." and browser.opened == []
    dialog.inputs["region"].setText("ID")
    dialog.open_button.click()
    assert query(browser.opened[-1]) == {"app": "mk-1", "state": dialog.state}
    assert requests.get(dialog.redirect_url + "?code=evil&state=other", timeout=5).status_code == 400
    dialog.reject()

    dialog = LinkShopDialog(ctx, port=0)
    qtbot.addWidget(dialog)
    dialog.choose(market_channel)
    for name, value in (("key", "mk-1"), ("secret", "mk-secret"), ("region", "ID")):
        dialog.inputs[name].setText(value)
    dialog.code.setText("wrong")
    dialog.link_button.click()
    qtbot.waitUntil(lambda: dialog.link_button.isEnabled() and dialog.status.property("role") == "error",
                    timeout=20_000)
    assert dialog.status.text().startswith("Test Market (Example) tidak menerima kode")
    account_id = link_with(dialog, qtbot, "ok")
    account = account_store.get(ctx.db, account_id)
    assert account is not None and (account.channel, account.shop_ref) == (market_channel, "ID")
    stored = json.loads(secrets.get_secret(account_id, CREDENTIALS) or "{}")
    assert stored["access_token"] == "market-access" and b"mk-secret" not in file_bytes(ctx)
