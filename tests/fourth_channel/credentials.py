"""Warungku's credentials: an API key and bearer tokens."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class WarungkuCredentials:
    api_key: str
    access_token: str = field(default="", repr=False)
    refresh_token: str = field(default="", repr=False)
    base_url: str = "https://api.warungku.invalid"
    auth_base_url: str = ""

    @property
    def shop_ref(self) -> str:
        return ""

    def secrets(self) -> tuple[str, ...]:
        return (self.access_token, self.refresh_token)
