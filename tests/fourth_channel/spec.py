"""Warungku's one declaration. Registered by the tests (`registry.register(SPEC)`), never by the app."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from companion.connectors.http import Http
from companion.connectors.spec import ChannelSpec
from companion.domain.marketplace import Capability

from .connector import NAME, WarungkuConnector
from .credentials import WarungkuCredentials
from .practice import PRACTICE


def _connector(credentials: WarungkuCredentials, http: Http | None,
               clock: Callable[[], datetime]) -> WarungkuConnector:
    return WarungkuConnector(credentials, http, clock)


def _practice_credentials(market: Mapping[str, Any], base_urls: Mapping[str, str]) -> WarungkuCredentials:
    return WarungkuCredentials(api_key=str(market["api_key"]), access_token=str(market.get("access_token") or ""),
                               refresh_token=str(market.get("refresh_token") or ""), base_url=base_urls[NAME])


SPEC = ChannelSpec(
    name=NAME,
    label="Warungku",
    long_label="Warungku (test marketplace)",
    practice_name="Warungku Latihan",
    color="#8a2be2",
    credentials_type=WarungkuCredentials,
    connector=_connector,
    capabilities=frozenset({Capability.ORDERS, Capability.CHAT}),
    real_hosts={"base_url": "https://api.warungku.invalid"},
    practice=PRACTICE,
    practice_credentials=_practice_credentials,
    order=90,
)
