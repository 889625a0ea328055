"""A hub URL as people paste it (postgresql://user:password@host:port/db?sslmode=…) into a HubAddress.

The certificate check defaults to `verify-full` (libpq's own default, `prefer`, checks nothing:
https://www.postgresql.org/docs/15/libpq-ssl.html#LIBPQ-SSL-PROTECTION). `require` and `verify-ca` are kept when the
URL says so (a managed host's own CA may only be trusted that way); modes that may skip TLS are refused.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict

from companion.domain.hub_records import HubAddress
from companion.hub.errors import CA_UNREADABLE, WEAK_SSLMODE, HubError

SSLMODES_KEPT = ("verify-full", "verify-ca", "require")
DEFAULT_PORT = 5432


def parse_url(url: str) -> tuple[HubAddress, str, str]:
    """(address, user, password) from a libpq URL or key=value text; sslrootcert=<file> is read into PEM text
    (sslrootcert=system or none: the trusted public CAs)."""
    text = url.strip()
    if not text.startswith(("postgresql://", "postgres://")) and "host=" not in text:
        raise HubError("address")
    try:
        parts = conninfo_to_dict(text)
    except (psycopg.ProgrammingError, ValueError) as exc:
        raise HubError("address", detail=type(exc).__name__) from None
    host = str(parts.get("host") or "")
    if not host or "," in host:
        raise HubError("address")
    try:
        port = int(parts.get("port") or DEFAULT_PORT)
    except ValueError:
        raise HubError("address") from None
    user = str(parts.get("user") or "")
    password = str(parts.get("password") or "")
    sslmode = str(parts.get("sslmode") or "verify-full")
    if sslmode not in SSLMODES_KEPT:
        raise HubError("certificate", WEAK_SSLMODE, mode=sslmode, host=host)
    address = HubAddress(host=host, port=port, dbname=str(parts.get("dbname") or user or "postgres"),
                         sslmode=sslmode, sslrootcert=_ca_text(str(parts.get("sslrootcert") or "")))
    return address, user, password


def _ca_text(value: str) -> str:
    """PEM text of the CA file named in the URL ("" for none or libpq's `system`)."""
    if not value or value == "system":
        return ""
    try:
        pem = Path(value).expanduser().read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        raise HubError("address", CA_UNREADABLE, path=value) from None
    if "-----BEGIN CERTIFICATE-----" not in pem:
        raise HubError("address", CA_UNREADABLE, path=value)
    return pem
