"""Lazada Open Platform (Indonesia)."""

from companion.connectors.lazada.auth import authorize_link, exchange_code
from companion.connectors.lazada.connector import LazadaConnector

__all__ = ["LazadaConnector", "authorize_link", "exchange_code"]
