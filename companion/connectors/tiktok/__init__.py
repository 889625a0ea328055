"""TikTok Shop Partner API 202309 (TikTok Shop and Tokopedia)."""

from companion.connectors.tiktok.auth import authorize_link, authorized_shops, exchange_code
from companion.connectors.tiktok.connector import TikTokConnector

__all__ = ["TikTokConnector", "authorize_link", "authorized_shops", "exchange_code"]
