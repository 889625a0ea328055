"""Masking secrets in any text bound for the log, stderr or a support message.

Two nets: every value the process has read from or written to the keyring (registered by
store/secrets.py), and the shapes secrets take in marketplace traffic (token query parameters,
JSON fields, headers, bearer tokens). Kept outside gui/ because the CLI and the sync thread log too.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from urllib.parse import quote

MASK = "***"
MIN_SECRET_LENGTH = 4  # shorter "secrets" would mask ordinary words and digits all over the log

_KEYS = (r"access_token|refresh_token|app_secret|app_key|client_secret|partner_key|auth_code|code|sign|signature"
         r"|authorization|password|passwd|secret|token")
# Keys that are also ordinary words in prose ("product code: A1"): masked only in query/form and quoted-key forms.
_HEADER_KEYS = (r"authorization|proxy-authorization|password|passwd|access[_-]token|refresh[_-]token"
                r"|[\w-]*secret|x-[\w-]*token")
_EDGE = r"(?<![A-Za-z0-9_-])"

_QUERY = re.compile(rf"{_EDGE}((?:{_KEYS})(?:=|%3D))[^&\s\"'<>]+", re.IGNORECASE)
_QUOTED = re.compile(
    rf"""(\\?(["'])(?:{_KEYS})\\?\2\s*:\s*)(?:\\?"(?:[^"\\]|\\.)*?\\?"|'(?:[^'\\]|\\.)*'|[^\s,}}\]]+)""",
    re.IGNORECASE)
_HEADER = re.compile(rf"""{_EDGE}((?:{_HEADER_KEYS})\s*:[ \t]*)(?:"[^"\r\n]*"|'[^'\r\n]*'|[^\s"'][^\r\n"']*)""",
                     re.IGNORECASE)
_USERINFO = re.compile(r"(://[^/\s:@]+:)[^@\s/]+@")
_ASSIGN = re.compile(rf"""{_EDGE}((?:{_KEYS})\s*=\s*)(["'])(?:(?!\2).)*\2""", re.IGNORECASE)  # key='value'
_SECRET_FIELD = re.compile(r"secret|token|key|password|sign|code", re.IGNORECASE)
_BEARER = re.compile(r"\b(bearer\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE)

_known: set[str] = set()
_known_sorted: list[str] = []
_lock = threading.Lock()


def _secret_fields(value: str) -> list[str]:
    """The keyring holds a shop's credentials as one JSON object: its tokens and keys travel alone in requests."""
    if not value.startswith("{"):
        return []
    try:
        fields = json.loads(value)
    except ValueError:
        return []
    if not isinstance(fields, dict):
        return []
    return [v for k, v in fields.items() if isinstance(v, str) and _SECRET_FIELD.search(str(k))]


def remember_secret(value: str | None) -> None:
    """Register a secret so every later log line, traceback and support text masks it (and its encodings)."""
    if not value or len(value) < MIN_SECRET_LENGTH:
        return
    for field in _secret_fields(value):
        remember_secret(field)
    forms = {value, quote(value, safe=""), json.dumps(value)[1:-1]}
    global _known_sorted
    with _lock:
        if forms <= _known:
            return
        _known.update(f for f in forms if len(f) >= MIN_SECRET_LENGTH)
        _known_sorted = sorted(_known, key=len, reverse=True)  # longest first: a secret containing another


def scrub(text: str) -> str:
    """`text` with every known secret and every secret-shaped value replaced by ***."""
    for secret in _known_sorted:
        if secret in text:
            text = text.replace(secret, MASK)
    text = _BEARER.sub(rf"\1{MASK}", text)
    text = _ASSIGN.sub(rf"\1'{MASK}'", text)
    text = _QUERY.sub(rf"\1{MASK}", text)
    text = _QUOTED.sub(lambda m: f'{m.group(1)}"{MASK}"', text)
    text = _USERINFO.sub(rf"\1{MASK}@", text)
    return _HEADER.sub(rf"\1{MASK}", text)


class ScrubbingFormatter(logging.Formatter):
    """Scrubs the whole formatted record: the message, its arguments, the traceback and the stack text."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))
