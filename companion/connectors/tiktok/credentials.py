"""TikTok Shop credentials: the seller's self-developed app, the shop cipher and the tokens."""

from __future__ import annotations

from dataclasses import dataclass, field

HOST = "https://open-api.tiktokglobalshop.com"
AUTH_HOST = "https://auth.tiktok-shops.com"


@dataclass(frozen=True)
class TikTokCredentials:
    app_key: str
    app_secret: str = field(repr=False)
    shop_cipher: str = ""
    access_token: str = field(default="", repr=False)
    refresh_token: str = field(default="", repr=False)
    base_url: str = HOST
    auth_base_url: str = AUTH_HOST

    @property
    def shop_ref(self) -> str:
        return self.shop_cipher

    def secrets(self) -> tuple[str, ...]:
        return (self.app_secret, self.access_token, self.refresh_token)
