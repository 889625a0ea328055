"""Shopee Open Platform v2."""

from companion.connectors.shopee.auth import auth_link, exchange_code
from companion.connectors.shopee.connector import ShopeeConnector

__all__ = ["ShopeeConnector", "auth_link", "exchange_code"]
