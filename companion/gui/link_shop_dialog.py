"""Linking a real shop: the seller's own app key and secret, the platform's permission page, then tokens.

The seller registers their own app with the platform (Shopee "Seller In-house System", a self-developed app on
TikTok Shop Partner Center or Lazada Open Platform), types its key and secret here, allows access in the browser,
and the platform's redirect brings a single-use code back to a one-shot listener on 127.0.0.1 (or the seller pastes
it). The code is exchanged for tokens off the GUI thread; key, secret and tokens go to the keyring only.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import partial

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.connectors.base import Credentials
from companion.connectors.errors import AuthExpired, ConnectorError, Permanent, Temporary, Throttled
from companion.connectors.lazada import auth as lazada_auth
from companion.connectors.lazada.credentials import (
    AUTH_HOST as LAZADA_AUTH_HOST,
)
from companion.connectors.lazada.credentials import (
    HOST as LAZADA_HOST,
)
from companion.connectors.lazada.credentials import (
    LazadaCredentials,
)
from companion.connectors.shopee import auth as shopee_auth
from companion.connectors.shopee.credentials import HOST as SHOPEE_HOST
from companion.connectors.shopee.credentials import ShopeeCredentials
from companion.connectors.tiktok import auth as tiktok_auth
from companion.connectors.tiktok.credentials import (
    AUTH_HOST as TIKTOK_AUTH_HOST,
)
from companion.connectors.tiktok.credentials import (
    HOST as TIKTOK_HOST,
)
from companion.connectors.tiktok.credentials import (
    TikTokCredentials,
)
from companion.domain.clock import now_utc
from companion.domain.errors import UserError
from companion.domain.marketplace import TokenSet
from companion.gui.auth_listener import DEFAULT_PORT, AuthListener, Redirect, parse_redirect
from companion.gui.context import AppContext
from companion.gui.messages import error_text
from companion.i18n import N_, tr
from companion.services.accounts import link_account
from companion.services.change import Change
from companion.store.database import Database

PLATFORM_LABELS = {"shopee": N_("Shopee"), "tiktok": N_("TikTok Shop (Tokopedia)"),
                   "lazada": N_("Lazada")}
EXPLAIN = {
    "shopee": N_("You need your own app on the Shopee Open Platform (open.shopee.com) of the type \"Seller "
                       "In-house System\". When Shopee has approved it, open App List: the Partner ID and the live "
                       "Partner Key are shown there. Put this address in the app as its redirect address: {redirect}"),
    "tiktok": N_("You need your own self-developed app in TikTok Shop Partner Center (partner.tiktokshop.com); "
                       "it serves Tokopedia shops too. The app's page shows its App key, App secret and Service ID. "
                       "Put this address in the app as its redirect address: {redirect}"),
    "lazada": N_("You need your own self-developed app on the Lazada Open Platform (open.lazada.com). App "
                       "Management shows its App Key and App Secret. Put this address in the app as its callback "
                       "address: {redirect}"),
}
KEY_LABELS = {"shopee": N_("Partner ID"), "tiktok": N_("App key"), "lazada": N_("App key")}
SECRET_LABELS = {"shopee": N_("Partner key"), "tiktok": N_("App secret"), "lazada": N_("App secret")}
REAL_HOSTS = {"shopee": SHOPEE_HOST, "tiktok": TIKTOK_HOST, "tiktok_auth": TIKTOK_AUTH_HOST, "lazada": LAZADA_HOST,
              "lazada_auth": LAZADA_AUTH_HOST}


@dataclass(frozen=True)
class ShopKeys:
    """What the seller typed: their app's key and secret (and TikTok's service id for the permission link)."""

    channel: str
    key: str
    secret: str
    service_id: str = ""


def permission_link(keys: ShopKeys, redirect_url: str, hosts: Mapping[str, str] = REAL_HOSTS,
                    state: str = "sellercompanion") -> str:
    """The platform's authorization page for this app, built by the connectors' auth helpers."""
    if keys.channel == "shopee":
        return shopee_auth.auth_link(int(keys.key), keys.secret, redirect_url, now_utc(),
                                     base_url=hosts.get("shopee", SHOPEE_HOST))
    if keys.channel == "tiktok":
        return tiktok_auth.authorize_link(keys.service_id, state=state)
    return lazada_auth.authorize_link(keys.key, redirect_url, state="sellercompanion")


def exchange_and_link(db: Database, keys: ShopKeys, redirect: Redirect, name: str,
                      hosts: Mapping[str, str] = REAL_HOSTS) -> tuple[str, Change]:
    """Code → tokens with the platform, then the account (secrets to the keyring only). Runs off the GUI thread."""
    credentials, tokens = _exchange(keys, redirect, hosts)
    return link_account(db, name, credentials, tokens)


def _exchange(keys: ShopKeys, redirect: Redirect, hosts: Mapping[str, str]) -> tuple[Credentials, TokenSet]:
    if keys.channel == "shopee":
        base = hosts.get("shopee", SHOPEE_HOST)
        partner_id, shop_id = int(keys.key), int(redirect.shop_id)
        tokens = shopee_auth.exchange_code(partner_id, keys.secret, redirect.code, shop_id, base_url=base)
        return ShopeeCredentials(partner_id, keys.secret, shop_id, tokens.access_token, tokens.refresh_token,
                                 base), tokens
    if keys.channel == "tiktok":
        bare = TikTokCredentials(keys.key, keys.secret, base_url=hosts.get("tiktok", TIKTOK_HOST),
                                 auth_base_url=hosts.get("tiktok_auth", TIKTOK_AUTH_HOST))
        tokens = tiktok_auth.exchange_code(bare, redirect.code)
        with_tokens = replace(bare, access_token=tokens.access_token, refresh_token=tokens.refresh_token)
        shops = tiktok_auth.authorized_shops(with_tokens)
        if not shops:
            raise UserError(N_("TikTok Shop gave permission but shows no shop for this account: check that the shop "
                               "is approved, then try again."))
        return replace(with_tokens, shop_cipher=shops[0].cipher), tokens
    bare_lazada = LazadaCredentials(keys.key, keys.secret, base_url=hosts.get("lazada", LAZADA_HOST),
                                    auth_base_url=hosts.get("lazada_auth", LAZADA_AUTH_HOST))
    tokens = lazada_auth.exchange_code(bare_lazada, redirect.code)
    return replace(bare_lazada, access_token=tokens.access_token, refresh_token=tokens.refresh_token), tokens


def failure_text(exc: BaseException, channel: str) -> str:
    """One sentence for a failed link: what happened, what to do."""
    platform = tr(PLATFORM_LABELS[channel])
    if isinstance(exc, Temporary | Throttled):
        return tr("{platform} could not be reached: check the internet connection and try again.", platform=platform)
    if isinstance(exc, AuthExpired | Permanent | ConnectorError):
        return tr("{platform} did not accept the code or the keys: check the key and secret, then open the "
                  "permission page again for a new code.", platform=platform)
    return error_text(exc)


class LinkShopDialog(QDialog):
    """Connect a real shop. `hosts` (the practice marketplace's base_urls in tests) replaces the platforms' hosts."""

    linked = Signal(str)  # account id
    _caught = Signal(object)  # Redirect | None, from the listener's thread

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, hosts: Mapping[str, str] | None = None,
                 port: int = DEFAULT_PORT) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.hosts = dict(hosts or REAL_HOSTS)
        self.port = port
        self.listener: AuthListener | None = None
        self.state = secrets.token_urlsafe(16)  # in the permission link; checked when the platform echoes it
        self.last_link = ""
        self.setWindowTitle(tr("Link an online shop"))
        self.setMinimumWidth(680)
        self._caught.connect(self._on_redirect)
        self._build()
        self.choose("shopee")

    # --- building -------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.platforms = QButtonGroup(self)
        row = QHBoxLayout()
        for channel, label in PLATFORM_LABELS.items():
            button = QPushButton(tr(label))
            button.setCheckable(True)
            button.setMinimumHeight(40)
            button.setStyleSheet("QPushButton:checked { background: #1b7a43; color: white; }")
            button.setProperty("channel", channel)
            button.clicked.connect(partial(self.choose, channel))
            self.platforms.addButton(button)
            row.addWidget(button)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.explain.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.explain.setProperty("role", "hint")
        self.key, self.secret, self.service_id = QLineEdit(), QLineEdit(), QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.name = QLineEdit()
        self.name.setMaxLength(80)
        self.code = QLineEdit()
        self.code.setPlaceholderText(tr("Filled in by itself, or paste the address the browser shows"))
        self.form = QFormLayout()
        self.form.setVerticalSpacing(10)
        self.form.addRow(tr("App key"), self.key)
        self.form.addRow(tr("App secret"), self.secret)
        self.form.addRow(tr("Service ID"), self.service_id)
        self.form.addRow(tr("Name in this app"), self.name)
        self.open_button = QPushButton(tr("Open the permission page"))
        self.open_button.setProperty("primary", True)
        self.open_button.clicked.connect(self.open_permission_page)
        self.form.addRow("", self.open_button)
        self.form.addRow(tr("Code or address"), self.code)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.link_button = QPushButton(tr("Link shop"))
        self.link_button.setProperty("primary", True)
        self.link_button.clicked.connect(self.link)
        close = QPushButton(tr("Close"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.link_button)
        buttons.addWidget(close)
        box = QVBoxLayout(self)
        box.setSpacing(12)
        box.addLayout(row)
        box.addWidget(self.explain)
        box.addLayout(self.form)
        box.addWidget(self.status)
        box.addLayout(buttons)

    @property
    def channel(self) -> str:
        checked = self.platforms.checkedButton()
        return str(checked.property("channel")) if checked is not None else "shopee"

    @property
    def redirect_url(self) -> str:
        return self.listener.redirect_url if self.listener else f"http://127.0.0.1:{self.port}/callback"

    def choose(self, channel: str) -> None:
        for button in self.platforms.buttons():
            button.setChecked(button.property("channel") == channel)
        self.explain.setText(tr(EXPLAIN[channel], redirect=self.redirect_url))
        label = self.form.labelForField(self.key)
        if isinstance(label, QLabel):
            label.setText(tr(KEY_LABELS[channel]))
        label = self.form.labelForField(self.secret)
        if isinstance(label, QLabel):
            label.setText(tr(SECRET_LABELS[channel]))
        self.form.setRowVisible(self.service_id, channel == "tiktok")
        shop = self.ctx.setting("shop_name")
        platform = tr(PLATFORM_LABELS[channel]).split(" (")[0]
        self.name.setText(f"{shop} – {platform}" if shop else platform)
        self._say("")

    # --- actions ---------------------------------------------------------------------------------------

    def keys(self) -> ShopKeys:
        """The typed keys, checked; raises UserError naming what to fill in."""
        keys = ShopKeys(self.channel, self.key.text().strip(), self.secret.text().strip(),
                        self.service_id.text().strip())
        key_label = tr(KEY_LABELS[keys.channel])
        if not keys.key or not keys.secret:
            raise UserError(N_("Fill in the {key} and the {secret} from your app's page first."), key=key_label,
                            secret=tr(SECRET_LABELS[keys.channel]))
        if keys.channel == "shopee" and not keys.key.isdigit():
            raise UserError(N_("The Partner ID is a number: copy it again from your app's page."))
        if keys.channel == "tiktok" and not keys.service_id:
            raise UserError(N_("Fill in the Service ID from your app's page first."))
        return keys

    def open_permission_page(self) -> None:
        try:
            keys = self.keys()
        except UserError as exc:
            self._say(exc.message(), error=True)
            return
        if self.listener is None:
            self.listener = AuthListener(self._caught.emit, self.port)
            self.explain.setText(tr(EXPLAIN[keys.channel], redirect=self.redirect_url))
        # TikTok echoes the link's state in its redirect: the listener then takes only that one
        self.listener.expect_state(self.state if keys.channel == "tiktok" else "")
        self.last_link = permission_link(keys, self.redirect_url, self.hosts, state=self.state)
        QDesktopServices.openUrl(QUrl(self.last_link))
        self._say(tr("Allow access in the browser; the code comes back here by itself (wait up to 10 minutes)."))

    def _on_redirect(self, result: object) -> None:
        self.listener = None
        if not isinstance(result, Redirect):
            self._say(tr("No answer came from the browser within 10 minutes: open the permission page again."),
                      error=True)
            return
        if not result.code:
            self._say(tr("The shop did not give permission: open the permission page again and choose to allow."),
                      error=True)
            return
        query = f"?code={result.code}" + (f"&shop_id={result.shop_id}" if result.shop_id else "")
        self.code.setText(self.redirect_url + query)
        self.link()

    def link(self) -> None:
        try:
            keys = self.keys()
            redirect = parse_redirect(self.code.text())
            if not redirect.code:
                raise UserError(N_("Open the permission page first, or paste the code or the address the browser "
                                   "shows after you allow access."))
            if keys.channel == "shopee" and not redirect.shop_id.isdigit():
                raise UserError(N_("Paste the whole address from the browser: Shopee puts the shop number in it."))
        except UserError as exc:
            self._say(exc.message(), error=True)
            return
        name, hosts = self.name.text(), self.hosts
        self.link_button.setEnabled(False)
        self._say(tr("Linking the shop…"))
        self.ctx.work.run(lambda db, _progress: exchange_and_link(db, keys, redirect, name, hosts),
                          self._linked, lambda exc: self._failed(exc, keys.channel))

    def _linked(self, result: tuple[str, Change]) -> None:
        account_id, change = result
        self.link_button.setEnabled(True)
        self._say(tr("The shop is linked: orders and stock now follow by themselves."))
        self.ctx.announce(change)
        self.linked.emit(account_id)

    def _failed(self, exc: BaseException, channel: str) -> None:
        self.link_button.setEnabled(True)
        self._say(failure_text(exc, channel), error=True)

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setProperty("role", "error" if error else "hint")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)

    def done(self, result: int) -> None:
        if self.listener is not None:
            self.listener.stop()
            self.listener = None
        super().done(result)
