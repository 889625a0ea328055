"""Channels: one package per marketplace, each registering one ChannelSpec (spec.py, registry.py); the shared
connector interface (base.Connector) and typed errors. Plain data in and out; no database, no Qt."""

from companion.connectors.base import Connector
from companion.connectors.errors import (
    AuthExpired,
    ConnectorError,
    NotPermitted,
    Permanent,
    Temporary,
    Throttled,
)

__all__ = ["AuthExpired", "Connector", "ConnectorError", "NotPermitted", "Permanent", "Temporary", "Throttled"]
