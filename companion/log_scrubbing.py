"""Masking secrets in any text bound for the log, stderr or a support message.

Two nets: every value the process has read from or written to the keyring (registered by
store/secrets.py) in every encoding it may travel in (URL-encoded, JSON-escaped, base64 standard and
urlsafe, padded or not, alone or inside a longer base64 text such as a Basic header), and the shapes
secrets take in marketplace traffic and exception messages (token query parameters, JSON fields,
headers, bearer tokens, "token: X", "access token X", "refresh_token X"). Kept outside gui/ because the
CLI and the sync thread log too.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import threading
from urllib.parse import quote, quote_plus

MASK = "***"
MIN_SECRET_LENGTH = 4  # shorter "secrets" would mask ordinary words and digits all over the log
MIN_SHIFTED_LENGTH = 8  # a secret's base64 inside a longer base64 text: shorter cores would match by chance

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
# "token: X", "app_secret = X" in prose and exception messages: a secret's name, a colon or equals sign, any value.
_NAMED = (r"access[ _-]?token|refresh[ _-]?token|app[ _-]?secret|client[ _-]?secret|partner[ _-]?key|app[ _-]?key"
          r"|auth[ _-]?code|token|secret|password")
_SAID = re.compile(rf"{_EDGE}((?:{_NAMED})\s*[:=]\s*)(?![\"'*])[^\s,;\"'<>)\]}}]+", re.IGNORECASE)
# "access token X", "refresh_token X": only a value that looks made by a machine (a digit in it, or long and
# mixed-case), so "the access token expired" stays readable.
_SPOKEN = re.compile(rf"{_EDGE}((?:{_NAMED})\s+)(?=[A-Za-z0-9._~+/=-]*\d|[A-Za-z0-9._~+/=-]{{16,}})"
                     r"[A-Za-z0-9._~+/=-]{6,}", re.IGNORECASE)

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
    forms = _encodings(value)
    global _known_sorted
    with _lock:
        if forms <= _known:
            return
        _known.update(forms)
        _known_sorted = sorted(_known, key=len, reverse=True)  # longest first: a secret containing another


def _encodings(value: str) -> set[str]:
    """The forms a secret takes on its way out: as is, URL-encoded, JSON-escaped, and base64 (standard and urlsafe,
    with and without padding, also each URL-encoded), plus the stable middle of its base64 at the two other byte
    offsets, so a secret inside a longer base64 text ("Basic " + base64("key:secret")) is found too."""
    raw = value.encode("utf-8")
    forms = {value, quote(value), quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1]}
    for shift in (0, 1, 2):
        padded = base64.b64encode(b"\0" * shift + raw).decode("ascii")
        stable = padded.rstrip("=")[(0, 2, 3)[shift]:(8 * (shift + len(raw))) // 6]
        if shift == 0:
            whole = {padded, padded.rstrip("=")}
            forms |= whole | {quote(f, safe="") for f in whole}
        if len(stable) >= MIN_SHIFTED_LENGTH:
            forms.add(stable)
    forms |= {f.replace("+", "-").replace("/", "_") for f in set(forms) if "+" in f or "/" in f}
    return {f for f in forms if len(f) >= MIN_SECRET_LENGTH}


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
    text = _HEADER.sub(rf"\1{MASK}", text)
    text = _SAID.sub(rf"\1{MASK}", text)
    return _SPOKEN.sub(rf"\1{MASK}", text)


class ScrubbingFormatter(logging.Formatter):
    """Scrubs the whole formatted record: the message, its arguments, the traceback and the stack text."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))
