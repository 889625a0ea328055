"""Marketplace connectors: one interface (base.Connector), one package per platform, typed errors.

Plain data in and out; no database, no Qt. The sync engine persists what they return.
"""

from companion.connectors.base import Capability, Channel, Connector
from companion.connectors.errors import (
    AuthExpired,
    ConnectorError,
    NotPermitted,
    Permanent,
    Temporary,
    Throttled,
)

__all__ = ["AuthExpired", "Capability", "Channel", "Connector", "ConnectorError", "NotPermitted",
           "Permanent", "Temporary", "Throttled"]
