"""One place that turns credentials into a connector, for the app and the tests alike (no Qt, no database).

`practice_credentials` reads the JSON the practice marketplace prints (`PracticeMarketplace.credentials()`) so the
demo mode and the contract tests build their connectors exactly the way a real shop's are built.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from companion.connectors.base import (
    Connector,
    Credentials,
    LazadaCredentials,
    ShopeeCredentials,
    TikTokCredentials,
)
from companion.connectors.http import Http
from companion.connectors.lazada import LazadaConnector
from companion.connectors.shopee import ShopeeConnector
from companion.connectors.tiktok import TikTokConnector
from companion.domain.clock import now_utc


def build_connector(credentials: Credentials, *, http: Http | None = None,
                    clock: Callable[[], datetime] = now_utc) -> Connector:
    """The connector for these credentials' platform; `http`/`clock` only to tune timeouts or follow a test clock."""
    if isinstance(credentials, ShopeeCredentials):
        return ShopeeConnector(credentials, http, clock)
    if isinstance(credentials, TikTokCredentials):
        return TikTokConnector(credentials, http, clock)
    if isinstance(credentials, LazadaCredentials):
        return LazadaConnector(credentials, http, clock)
    raise TypeError(f"no connector for {type(credentials).__name__}")


def practice_credentials(market_credentials: Mapping[str, Any], base_urls: Mapping[str, str]
                         ) -> dict[str, Credentials]:
    """{"shopee": …, "tiktok": …, "lazada": …} credentials pointing at the practice marketplace's base URLs."""
    s, t, z = market_credentials["shopee"], market_credentials["tiktok"], market_credentials["lazada"]
    return {
        "shopee": ShopeeCredentials(
            partner_id=int(s["partner_id"]), partner_key=str(s["partner_key"]), shop_id=int(s["shop_id"]),
            access_token=str(s.get("access_token") or ""), refresh_token=str(s.get("refresh_token") or ""),
            base_url=base_urls["shopee"]),
        "tiktok": TikTokCredentials(
            app_key=str(t["app_key"]), app_secret=str(t["app_secret"]), shop_cipher=str(t.get("shop_cipher") or ""),
            access_token=str(t.get("access_token") or ""), refresh_token=str(t.get("refresh_token") or ""),
            base_url=base_urls["tiktok"], auth_base_url=base_urls["tiktok_auth"]),
        "lazada": LazadaCredentials(
            app_key=str(z["app_key"]), app_secret=str(z["app_secret"]),
            access_token=str(z.get("access_token") or ""), refresh_token=str(z.get("refresh_token") or ""),
            base_url=base_urls["lazada"], auth_base_url=base_urls["lazada_auth"]),
    }
