"""Shopee credentials: the seller's own app (partner id and key) and the shop's tokens."""

from __future__ import annotations

from dataclasses import dataclass, field

HOST = "https://partner.shopeemobile.com"


@dataclass(frozen=True)
class ShopeeCredentials:
    partner_id: int
    partner_key: str = field(repr=False)
    shop_id: int
    access_token: str = field(default="", repr=False)
    refresh_token: str = field(default="", repr=False)
    base_url: str = HOST
    auth_base_url: str = ""  # Shopee signs its token calls on the API host
    email: str = ""  # the shop's contact e-mail: returns.dispute requires one (Settings, or the practice shop's)

    @property
    def shop_ref(self) -> str:
        return str(self.shop_id)

    def secrets(self) -> tuple[str, ...]:
        return (self.partner_key, self.access_token, self.refresh_token)
