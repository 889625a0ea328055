"""What one channel is, declared in one place: its ChannelSpec. Everything the rest of the app knows about a channel
comes from here (labels, colour, credentials, capabilities, linking, deadline rule, export formats, practice
routes), so adding a channel touches only its own package (docs/ADDING_A_CHANNEL.md)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from companion.connectors.base import Connector, Credentials
from companion.connectors.http import Http
from companion.domain.call_limits import CallLimit
from companion.domain.marketplace import Capability, TokenSet

if TYPE_CHECKING:  # typing only: the spec names these types, it never calls into them at import time
    from companion.connectors.auth_flow import AuthFlow
    from companion.domain.deadlines import ReplyRule
    from companion.domain.fulfilment import FulfilmentRules
    from companion.domain.order_files import Layout
    from companion.domain.reviews import ReviewRules
    from companion.practice.plugin import PracticeChannel

ConnectorFactory = Callable[[Any, "Http | None", Callable[[], datetime]], Connector]
PracticeCredentials = Callable[[Mapping[str, Any], Mapping[str, str]], Credentials]


@dataclass(frozen=True)
class ExportStep:
    """One step of downloading the orders export by hand: what to do (a msgid) and the seller centre's own word
    to point at in the step's picture, as the seller centre writes it (never translated: it is what is on screen)."""

    text: str
    point_at: str = ""
    place: str = "menu"  # where that word is: "address" (the browser's address bar), "menu" (left), "button" (top)


@dataclass(frozen=True)
class ExportGuide:
    """How an owner without an app key gets the orders: the seller centre's order export, step by step. The
    pictures are schematic screens drawn from these words (gui/export_guide.py), never copied screenshots."""

    address: str                # the seller centre's address, as typed in the browser
    menu: tuple[str, ...]       # the left menu's words drawn in every picture
    buttons: tuple[str, ...]    # the buttons above the order list
    steps: tuple[ExportStep, ...]


@dataclass(frozen=True)
class ChannelSpec:
    """One channel. `name` is what the database's channel columns hold; the labels are msgids (N_)."""

    name: str
    label: str                      # the short name: lists, charts, the sync strip
    long_label: str                 # the full name (sister brands too): where the seller chooses a platform
    practice_name: str              # "Practice <label>": the practice shop's account name
    color: str                      # charts and channel badges
    credentials_type: type[Any]     # a frozen dataclass satisfying connectors.base.Credentials
    connector: ConnectorFactory     # (credentials, http or None, clock) -> Connector
    capabilities: frozenset[Capability]
    real_hosts: Mapping[str, str]   # credentials field -> the platform's real address ("base_url", "auth_base_url")
    reply_rule: ReplyRule | None = None            # when the platform counts a waiting buyer as unanswered
    auth: AuthFlow | None = None                   # linking a real shop (None: files or practice only)
    export_layouts: tuple[Layout, ...] = ()        # seller-centre order exports this channel writes
    export_guide: ExportGuide | None = None        # how to download that export (no app key needed)
    practice: PracticeChannel | None = None        # its routes in the practice marketplace
    practice_credentials: PracticeCredentials | None = None  # practice marketplace JSON -> credentials
    chat_permission_sentence: str | None = None    # what to ask the platform for when chat is not permitted
    ip_allowlist_sentence: str | None = None       # what to ask for when the platform refuses our address (msgid)
    scope_sentence: str | None = None              # what to ask for when the app lacks a permission scope (msgid)
    # "poll": the sync lists its conversations every round; "on_demand": only when the person asks (the platform
    # limits or forbids polling its chat list); chat_pull_note is a msgid saying why, shown in the inbox
    chat_pull: str = "poll"
    chat_pull_note: str | None = None
    picture_hosts: tuple[str, ...] = ()            # host suffixes its chat pictures come from (https only)
    order: int = 100                               # where it stands in lists (built-ins 10, 20, 30)
    call_limit: CallLimit | None = None            # how fast one app may call one shop (domain/call_limits.py)
    fulfilment: FulfilmentRules | None = None      # shipping, cancel and return rules (Capability.FULFILMENT)
    reviews: ReviewRules | None = None             # review rules; available=False says the platform has no API

    def has(self, capability: Capability) -> bool:
        return capability in self.capabilities

    # -- credentials as the keyring keeps them ----------------------------------------------------------------
    def credentials_to_json(self, credentials: Credentials) -> str:
        return json.dumps(asdict(credentials))  # type: ignore[call-overload]

    def credentials_from_json(self, raw: str) -> Credentials:
        known = {f for f in self.credentials_type.__dataclass_fields__}
        values = {k: v for k, v in json.loads(raw).items() if k in known}
        made: Credentials = self.credentials_type(**values)
        return made

    def owns(self, credentials: object) -> bool:
        return isinstance(credentials, self.credentials_type)


def with_tokens(credentials: Credentials, tokens: TokenSet) -> Credentials:
    """The same credentials carrying fresh tokens (persist them before use)."""
    return replace(credentials, access_token=tokens.access_token,  # type: ignore[type-var]
                   refresh_token=tokens.refresh_token)
