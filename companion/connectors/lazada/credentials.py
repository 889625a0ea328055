"""Lazada credentials: the seller's self-developed app and the shop's tokens."""

from __future__ import annotations

from dataclasses import dataclass, field

HOST = "https://api.lazada.co.id/rest"
AUTH_HOST = "https://auth.lazada.com/rest"


@dataclass(frozen=True)
class LazadaCredentials:
    app_key: str
    app_secret: str = field(repr=False)
    access_token: str = field(default="", repr=False)
    refresh_token: str = field(default="", repr=False)
    base_url: str = HOST
    auth_base_url: str = AUTH_HOST

    @property
    def shop_ref(self) -> str:
        return ""  # Lazada tokens are per seller: no shop id is needed in calls

    def secrets(self) -> tuple[str, ...]:
        return (self.app_secret, self.access_token, self.refresh_token)
