"""The one HTTP wrapper every connector uses: timeouts always set, TLS always verified, typed errors out.

Transport exceptions are re-raised `from None`: requests puts the full URL (with tokens in the query)
into its messages, and chained tracebacks would leak them into logs.
"""

from __future__ import annotations

import email.utils
import json
import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests
from urllib3.exceptions import NewConnectionError

from companion.connectors.errors import Permanent, Temporary, Throttled
from companion.log_scrubbing import scrub

# Some platforms send the access token in the query, some token calls even the app secret, and
# urllib3 logs every request line at DEBUG: whatever logging is switched on (even a plain stderr
# handler without our formatter), those values are masked: the same scrubber as the support log.
_HTTP_LOGGERS = ("urllib3.connectionpool", "urllib3.poolmanager", "urllib3.util.retry", "requests")


class RedactSecrets(logging.Filter):
    """Masks secrets (every form log_scrubbing knows) in a log record's message and traceback; still logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = scrub(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        return True


for _name in _HTTP_LOGGERS:
    logging.getLogger(_name).addFilter(RedactSecrets())

Params = Mapping[str, str] | Sequence[tuple[str, str]]

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: Mapping[str, str] = field(repr=False)
    text: str = field(repr=False)
    content: bytes = field(default=b"", repr=False)  # the raw body (a label PDF is not text)

    def json_object(self) -> dict[str, Any] | None:
        """The body as a JSON object, or None when it is not one."""
        try:
            value = json.loads(self.text)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None


class Http:
    """requests with explicit (connect, read) timeouts and certificate checks on every call. Safe to share between
    threads (the sync's order walk overlaps calls): each thread gets its own requests.Session (requests does not
    promise a Session is thread-safe), unless one `session` was given, which is then used by every thread."""

    def __init__(self, session: requests.Session | None = None, connect_timeout: float = CONNECT_TIMEOUT,
                 read_timeout: float = READ_TIMEOUT) -> None:
        self._given = session
        self._local = threading.local()
        self.timeout = (connect_timeout, read_timeout)

    @property
    def session(self) -> requests.Session:
        """The calling thread's session (made at its first call), or the one given."""
        if self._given is not None:
            return self._given
        own: requests.Session | None = getattr(self._local, "session", None)
        if own is None:
            own = self._local.session = requests.Session()
        return own

    def send(self, method: str, url: str, *, params: Params | None = None, body: str | None = None,
             form: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None,
             write: bool | None = None) -> HttpResponse:
        """Send once (no retries here: the engine decides) and return the raw answer.

        `write=False` marks a POST that only reads (a platform's searches), so a lost answer is not `outcome_unknown`.
        """
        data: str | bytes | Mapping[str, str] | None = body.encode("utf-8") if body is not None else form
        try:
            resp = self.session.request(method, url, params=params, data=data, headers=dict(headers or {}),
                                        timeout=self.timeout, verify=True, allow_redirects=False)
        except requests.exceptions.RequestException as exc:
            raise transport_error(exc, method, write) from None
        return HttpResponse(resp.status_code, dict(resp.headers), resp.text, resp.content)


def is_write(method: str, write: bool | None = None) -> bool:
    """Anything but GET/HEAD may change something, unless the caller knows the call only reads."""
    return method.upper() not in ("GET", "HEAD") if write is None else write


def transport_error(exc: requests.exceptions.RequestException, method: str, write: bool | None = None) -> Temporary:
    """Map a requests failure; a write whose bytes may have left is `outcome_unknown`."""
    if isinstance(exc, requests.exceptions.ConnectTimeout | requests.exceptions.SSLError):
        return Temporary(f"could not connect ({type(exc).__name__})")
    if isinstance(exc, requests.exceptions.ConnectionError) and _never_connected(exc):
        return Temporary(f"could not connect ({type(exc).__name__})")
    sent_write = is_write(method, write)
    if isinstance(exc, requests.exceptions.Timeout):
        return Temporary("no answer in time", outcome_unknown=sent_write)
    return Temporary(f"connection failed ({type(exc).__name__})", outcome_unknown=sent_write)


def _never_connected(exc: requests.exceptions.ConnectionError) -> bool:
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError) or isinstance(exc.args[0] if exc.args else None,
                                                                 NewConnectionError)


def retry_after(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date); None when absent or unreadable."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def status_error(resp: HttpResponse, method: str, write: bool | None = None) -> Throttled | Temporary | None:
    """Errors decided by the HTTP status alone: 429 and 5xx (None otherwise)."""
    if resp.status == 429:
        return Throttled("too many requests (HTTP 429)", retry_after(resp.headers))
    if resp.status >= 500:
        return Temporary(f"server error (HTTP {resp.status})", outcome_unknown=is_write(method, write))
    return None


def not_json_error(resp: HttpResponse, method: str, write: bool | None = None) -> Temporary | Permanent:
    """A body that is not the platform envelope (proxy page, captive portal, 404 page)."""
    if 200 <= resp.status < 300:
        return Temporary("unreadable answer", outcome_unknown=is_write(method, write))
    return Permanent(f"http_{resp.status}", "unexpected answer")
