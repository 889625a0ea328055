"""One place that turns credentials into a connector, for the app and the tests alike (no Qt, no database).

`practice_credentials` reads the JSON the practice marketplace prints (`PracticeMarketplace.credentials()`) so
practice mode and the contract tests build their connectors exactly the way a real shop's are built.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from companion.connectors import registry
from companion.connectors.base import Connector, Credentials
from companion.connectors.http import Http
from companion.domain.clock import now_utc


def build_connector(credentials: Credentials, *, http: Http | None = None,
                    clock: Callable[[], datetime] = now_utc) -> Connector:
    """The connector for these credentials' channel; `http`/`clock` only to tune timeouts or follow a test clock."""
    return registry.for_credentials(credentials).connector(credentials, http, clock)


def practice_credentials(market_credentials: Mapping[str, Any], base_urls: Mapping[str, str]
                         ) -> dict[str, Credentials]:
    """{channel name: credentials} pointing at the practice marketplace, for every channel it serves."""
    out: dict[str, Credentials] = {}
    for spec in registry.channels():
        if spec.practice_credentials is not None and spec.name in market_credentials:
            out[spec.name] = spec.practice_credentials(market_credentials[spec.name], base_urls)
    return out
