"""What the connectors put on the wire, read at the `requests` adapter: certificate checks on every call to a real
host, and the practice marketplace's answers to tampered calls (wrong sign, wrong app key, stale timestamp)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter

from companion.connectors.base import Connector

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass
class Sent:
    host: str
    verify: object
    status: int = 0
    answer: dict[str, Any] = field(default_factory=dict)


class RecordingAdapter(HTTPAdapter):
    """Notes what `requests` would send (including the `verify` it settled on) and, unless `forward`, answers with
    a connection error instead of going on the network; `tamper` may change the request before it leaves."""

    def __init__(self, forward: bool = False, tamper: Callable[[requests.PreparedRequest], None] | None = None
                 ) -> None:
        super().__init__()
        self.forward = forward
        self.tamper = tamper
        self.sent: list[Sent] = []

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: bool | str = True, cert: Any = None, proxies: Any = None) -> requests.Response:
        if self.tamper is not None:
            self.tamper(request)
        record = Sent(urlsplit(request.url or "").hostname or "", verify)
        self.sent.append(record)
        if not self.forward:
            raise requests.ConnectionError("the campaign does not call real hosts")
        response = super().send(request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies)
        record.status = response.status_code
        try:
            body = json.loads(response.content or b"{}")
        except ValueError:
            body = {}
        record.answer = body if isinstance(body, dict) else {}
        return response


def attach(session: requests.Session, adapter: RecordingAdapter) -> None:
    session.mount("https://", adapter)
    session.mount("http://", adapter)


def session_of(connector: Connector) -> requests.Session:
    """The requests session this connector really built (every connector keeps a client with an Http)."""
    return connector.client.http.session  # type: ignore[attr-defined]


def _rewrite(request: requests.PreparedRequest, names: tuple[str, ...], change: Callable[[str], str]) -> None:
    """Change the first of `names` found in the query string or in a form body."""
    parts = urlsplit(request.url or "")
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(k in names for k, _ in query):
        query = [(k, change(v) if k in names else v) for k, v in query]
        request.url = urlunsplit(parts._replace(query=urlencode(query)))
        return
    if isinstance(request.body, str | bytes) and "urlencoded" in request.headers.get("Content-Type", ""):
        text = request.body.decode() if isinstance(request.body, bytes) else request.body
        form = [(k, change(v) if k in names else v) for k, v in parse_qsl(text, keep_blank_values=True)]
        request.body = urlencode(form)
        request.headers["Content-Length"] = str(len(request.body))


def wrong_sign(request: requests.PreparedRequest) -> None:
    _rewrite(request, ("sign",), lambda v: ("0" if v[:1] != "0" else "1") + v[1:])


def wrong_app_key(request: requests.PreparedRequest) -> None:
    _rewrite(request, ("partner_id", "app_key"), lambda v: v + "9")


def stale_clock(hours: int = 3) -> Callable[[], datetime]:
    """A clock `hours` behind, so the connector signs its calls with a timestamp outside every platform's window."""
    from companion.domain.clock import now_utc

    return lambda: now_utc() - timedelta(hours=hours)


def is_remote(host: str) -> bool:
    return host not in LOCAL_HOSTS
