"""Linking a real shop: the seller's own app keys, the platform's permission page, then tokens.

The seller registers their own app with the platform (each channel's flow says which), types its keys here, allows
access in the browser, and the platform's redirect brings a single-use code back to a one-shot listener on
127.0.0.1 (or the seller pastes it). Each press of "Open the permission page" makes a fresh random state; the
listener takes only a callback the flow accepts for it, and a platform that does not echo the state gets its
callback shown first ("shop number …") and linked only when the seller presses "Link shop". The code is exchanged
for tokens off the GUI thread; keys and tokens go to the keyring only. Every platform fact comes from the channel
registry: this dialog only drives an `AuthFlow`.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
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

from companion.connectors import registry
from companion.connectors.auth_flow import AuthFlow, Redirect
from companion.connectors.base import Credentials
from companion.connectors.errors import AuthExpired, ConnectorError, Permanent, Temporary, Throttled
from companion.connectors.spec import ChannelSpec
from companion.domain.errors import UserError
from companion.domain.field_problems import FieldProblem, problems_of
from companion.domain.marketplace import TokenSet
from companion.domain.settings_keys import SHOP_NAME
from companion.gui.auth_listener import DEFAULT_PORT, AuthListener, PortTaken, parse_redirect
from companion.gui.context import AppContext
from companion.gui.form_errors import EnterSaves, FormErrors
from companion.gui.messages import error_text
from companion.i18n import N_, tr
from companion.services.accounts import relink_account
from companion.services.change import Change
from companion.services.linking import auth_flow, exchange_and_link
from companion.store import sync_state
from companion.store.accounts import AccountRow
from companion.store.database import Database
from companion.sync.events import AUTH_EXPIRED


def linkable_channels() -> list[ChannelSpec]:
    """The registered channels a seller can link with their own app keys, in their declared order."""
    return [spec for spec in registry.channels() if spec.auth is not None]


def needs_relink(db: Database, account: AccountRow) -> bool:
    """A real shop whose last round ended in 'link the shop again' (expired, revoked, lost answer, keys gone)."""
    return not account.practice and sync_state.status(db, account.id).problem_kind == AUTH_EXPIRED


def relink_shop(ctx: AppContext, parent: QWidget | None, account: AccountRow) -> None:
    """The one click after 'link the shop again': the link dialog for this very shop."""
    dialog = LinkShopDialog(ctx, parent, relink=account)
    dialog.linked.connect(lambda _id: dialog.accept())
    dialog.exec()


def failure_text(exc: BaseException, channel: str) -> str:
    """One sentence for a failed link: what happened, what to do."""
    platform = tr(registry.get(channel).long_label)
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
                 port: int = DEFAULT_PORT, relink: AccountRow | None = None) -> None:
        """`relink`: link this shop again (same account, its orders and matches stay); only its platform offered."""
        super().__init__(parent)
        self.ctx = ctx
        self.relink = relink
        self.hosts: dict[str, str] = dict(hosts or {})
        self.port = port
        self.listener: AuthListener | None = None
        self.state = secrets.token_urlsafe(16)  # in the permission link; new at every press of the button
        self.paste_only = False  # the port is taken and the seller chose to paste the address instead
        self.last_link = ""
        self.specs = [s for s in linkable_channels() if relink is None or s.name == relink.channel]
        self.inputs: dict[str, QLineEdit] = {}  # the chosen channel's fields by name ("key", "secret", …)
        self._channel = self.specs[0].name if self.specs else ""
        self.setWindowTitle(tr("Link {name} again", name=relink.name) if relink else tr("Link an online shop"))
        self.setMinimumWidth(680)
        self._caught.connect(self._on_redirect)
        self._build()
        if self.specs:
            self.choose(self.specs[0].name)

    # --- building -------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.platforms = QButtonGroup(self)
        row = QHBoxLayout()
        for spec in self.specs:
            button = QPushButton(tr(spec.long_label))
            button.setCheckable(True)
            button.setMinimumHeight(40)
            button.setStyleSheet("QPushButton:checked { background: #1b7a43; color: white;"
                                 " border: 1px solid #145c32; border-radius: 3px; }")
            button.setProperty("channel", spec.name)
            button.clicked.connect(partial(self.choose, spec.name))
            self.platforms.addButton(button)
            row.addWidget(button)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.explain.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.explain.setProperty("role", "hint")
        self.name = QLineEdit()
        self.name.setMaxLength(80)
        self.code = QLineEdit()
        self.code.setPlaceholderText(tr("Filled in by itself, or paste the address the browser shows"))
        self.form = QFormLayout()
        self.form.setVerticalSpacing(10)
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
        self.errors = FormErrors()
        self.errors.add("name", self.name)
        self.errors.add("code", self.code)
        EnterSaves(self.link_button, self.link, [self.code])  # the code is the last box: Enter links
        EnterSaves(self.name, self.open_permission_page, [self.name])

    def _build_fields(self, flow: AuthFlow) -> None:
        """The chosen flow's boxes above the name row; what was typed in a box of the same name stays."""
        typed = {name: edit.text() for name, edit in self.inputs.items()}
        self._drop_error_rows()
        for _ in self.inputs:
            self.form.removeRow(0)
        self.inputs = {}
        for index, field in enumerate(flow.fields):
            edit = QLineEdit(typed.get(field.name, ""))
            if field.secret:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setProperty("field", field.name)
            self.form.insertRow(index, tr(field.label), edit)
            self.inputs[field.name] = edit
        self._register_fields()

    def _drop_error_rows(self) -> None:
        for label in self.errors.labels.values():
            if self.form.indexOf(label) >= 0:
                self.form.removeRow(label)
        self.errors.labels.clear()
        self.errors.fields.clear()

    def _register_fields(self) -> None:
        """The chosen flow's boxes first (reading order), then the name and the code, each with its error line."""
        self._drop_error_rows()
        self.errors = FormErrors()
        for name, edit in self.inputs.items():
            self.errors.add(name, edit)
        self.errors.add("name", self.name)
        self.errors.add("code", self.code)
        for edit in self.inputs.values():  # Enter in a key box: on to the permission page (each box owns its filter)
            EnterSaves(edit, self.open_permission_page, [edit])

    @property
    def channel(self) -> str:
        return self._channel

    @property
    def flow(self) -> AuthFlow:
        flow = registry.get(self.channel).auth
        assert flow is not None  # only linkable channels are offered
        return flow

    @property
    def redirect_url(self) -> str:
        return self.listener.redirect_url if self.listener else f"http://127.0.0.1:{self.port}/callback"

    def choose(self, channel: str) -> None:
        self._channel = channel
        for button in self.platforms.buttons():
            button.setChecked(button.property("channel") == channel)
        self._build_fields(self.flow)
        self.explain.setText(tr(self.flow.help, redirect=self.redirect_url))
        shop = self.ctx.setting(SHOP_NAME)
        platform = tr(registry.get(channel).label)
        self.name.setText(self.relink.name if self.relink else f"{shop} – {platform}" if shop else platform)
        self.name.setEnabled(self.relink is None)
        self._say("")

    # --- actions ---------------------------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        """The typed values, checked by the channel's flow; raises FieldProblems naming every box to fix."""
        return self.flow.check({name: edit.text() for name, edit in self.inputs.items()})

    def _box_of(self, exc: UserError) -> str:
        """Which of the flow's boxes its refusal is about: the box whose own sentence it is, else the first empty."""
        for field in self.flow.fields:
            if exc.msgid in (field.missing, field.not_a_number):
                return field.name
        return next((name for name, edit in self.inputs.items() if not edit.text().strip()), "")

    def _refuse(self, problems: list[FieldProblem]) -> None:
        """Every problem under its box, the summary in the status line, what was typed kept."""
        self.errors.show_problems(problems)
        self._say(self.errors.summary_text(), error=True)

    def open_permission_page(self) -> None:
        try:
            values = self.values()
        except UserError as exc:
            self._refuse(problems_of(exc, self._box_of(exc)))
            return
        self.errors.clear()
        flow, self.state = self.flow, secrets.token_urlsafe(16)
        if self.listener is None and not self.paste_only:
            try:
                self.listener = AuthListener(self._caught.emit, self.port)
            except PortTaken as exc:
                self.paste_only = True  # a second press opens the page anyway; the seller pastes the address
                self._say(exc.message(), error=True)
                return
            self.explain.setText(tr(flow.help, redirect=self.redirect_url))
        if self.listener is not None:
            state = self.state
            self.listener.expect(lambda params: flow.accepts(params, state))
        self.last_link = flow.link(values, self.redirect_url, self.state, self.hosts)
        QDesktopServices.openUrl(QUrl(self.last_link))
        if self.listener is None:
            self._say(tr("Allow access in the browser, then copy the address the browser shows and paste it into "
                         "Code or address."))
            return
        self._say(tr("Allow access in the browser; the code comes back here by itself (wait up to 10 minutes)."))

    def _on_redirect(self, result: object) -> None:
        address = self.redirect_url  # the address the browser was sent to (before the listener is let go)
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
        self.code.setText(address + query + (f"&state={result.state}" if result.state else ""))
        if self.flow.echoes_state:
            self.link()  # our own state came back: this is the answer to our link
            return
        platform = tr(registry.get(self.channel).long_label)
        if result.shop_id:
            self._say(tr("{platform} gave permission for shop number {shop}: if that is your shop, press Link shop.",
                         platform=platform, shop=result.shop_id))
        else:
            self._say(tr("{platform} sent a permission code: if you just allowed access in the browser, press Link "
                         "shop.", platform=platform))

    def link(self) -> None:
        channel = self.channel
        found: list[FieldProblem] = []
        values: dict[str, str] = {}
        try:
            values = self.values()
        except UserError as exc:
            found += problems_of(exc, self._box_of(exc))  # every box of the channel's own check at once
        try:
            redirect = parse_redirect(self.code.text())
            if redirect.state and redirect.state != self.state:
                raise UserError(N_("This address answers an older permission page: open the permission page again "
                                   "and use the new address."))
            self.flow.check_redirect(redirect)
        except UserError as exc:
            found.append(FieldProblem("code", exc))
        if found:
            self._refuse(found)
            return
        self.errors.clear()
        name, hosts = self.name.text(), self.hosts
        self.link_button.setEnabled(False)
        self._say(tr("Linking the shop…"))
        self.ctx.work.run(lambda db, _progress: self._exchange(db, channel, values, redirect, name, hosts),
                          self._linked, lambda exc: self._failed(exc, channel))

    def _exchange(self, db: Database, channel: str, values: dict[str, str], redirect: Redirect, name: str,
                  hosts: Mapping[str, str]) -> tuple[str, Change]:
        """On the worker thread: a new shop, or the same shop linked again (its account kept)."""
        if self.relink is None:
            return exchange_and_link(db, channel, values, redirect, name, hosts)
        flow = auth_flow(channel)
        made: tuple[Credentials, TokenSet] = flow.exchange(flow.check(values), redirect, hosts)
        return relink_account(db, self.relink.id, *made)

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
