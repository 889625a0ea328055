"""One-time join codes as text a person can copy, paste or read out: "SC1-XXXXX-XXXXX-…".

The code holds where the hub is (host, port, database, sslmode and, when the hub has its own CA, that certificate)
and the one-time invite role with its secret. Layout: "SC" + format version + Crockford base32
(https://www.crockford.com/base32.html: no I, L, O, U; lower case, O for 0 and I/L for 1 are read as meant) of
zlib(body) + the first 4 bytes of SHA-256 of it, grouped by five with dashes. A changed, missing or extra character
fails the checksum, so a mistyped code is said to be mistyped instead of reaching the hub as a wrong password.
"""

from __future__ import annotations

import hashlib
import json
import ssl
import struct
import zlib
from dataclasses import dataclass

from companion.domain.hub_records import HubAddress
from companion.hub.errors import HubError

PREFIX = "SC"
VERSION = "1"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = {"O": "0", "I": "1", "L": "1"}
CHECK_BYTES = 4
PEM_BEGIN = "-----BEGIN CERTIFICATE-----"


@dataclass(frozen=True)
class JoinCode:
    """What a join code carries; `secret` is the invite role's password (never stored, never logged)."""

    address: HubAddress
    role: str
    secret: str


def encode(address: HubAddress, role: str, secret: str) -> str:
    """The code text for an invite."""
    head = json.dumps({"h": address.host, "p": address.port, "d": address.dbname, "m": address.sslmode,
                       "r": role, "s": secret}, separators=(",", ":")).encode()
    certs = [ssl.PEM_cert_to_DER_cert(PEM_BEGIN + block) for block in address.sslrootcert.split(PEM_BEGIN)[1:]]
    body = struct.pack(">H", len(head)) + head + b"".join(struct.pack(">H", len(der)) + der for der in certs)
    packed = zlib.compress(body, 9)
    letters = _to_base32(packed + hashlib.sha256(packed).digest()[:CHECK_BYTES])
    groups = [letters[i:i + 5] for i in range(0, len(letters), 5)]
    return "-".join([PREFIX + VERSION, *groups])


def decode(text: str) -> JoinCode:
    """The invite inside a code, or HubError code_wrong when it is not complete or has a typo."""
    letters = "".join(ch for ch in text.upper() if ch.isalnum())
    letters = "".join(_READ_AS.get(ch, ch) for ch in letters)
    if not letters.startswith(PREFIX + VERSION) or len(letters) < 12:
        raise HubError("code_wrong")
    data = _from_base32(letters[len(PREFIX + VERSION):])
    packed, check = data[:-CHECK_BYTES], data[-CHECK_BYTES:]
    if hashlib.sha256(packed).digest()[:CHECK_BYTES] != check:
        raise HubError("code_wrong")
    try:
        return _unpack(zlib.decompress(packed))
    except (zlib.error, struct.error, ValueError, KeyError, TypeError):
        raise HubError("code_wrong") from None


def _unpack(body: bytes) -> JoinCode:
    (size,) = struct.unpack_from(">H", body, 0)
    head = json.loads(body[2:2 + size])
    at, pems = 2 + size, []
    while at < len(body):
        (length,) = struct.unpack_from(">H", body, at)
        pems.append(ssl.DER_cert_to_PEM_cert(body[at + 2:at + 2 + length]))
        at += 2 + length
    address = HubAddress(host=str(head["h"]), port=int(head["p"]), dbname=str(head["d"]), sslmode=str(head["m"]),
                         sslrootcert="".join(pems))
    return JoinCode(address=address, role=str(head["r"]), secret=str(head["s"]))


def _to_base32(data: bytes) -> str:
    number, bits = int.from_bytes(data, "big"), len(data) * 8
    pad = (-bits) % 5
    number <<= pad
    count = (bits + pad) // 5
    return "".join(ALPHABET[(number >> (5 * (count - 1 - i))) & 31] for i in range(count))


def _from_base32(letters: str) -> bytes:
    number = 0
    for ch in letters:
        index = ALPHABET.find(ch)
        if index < 0:
            raise HubError("code_wrong")
        number = (number << 5) | index
    bits = len(letters) * 5
    size = bits // 8
    return (number >> (bits - size * 8)).to_bytes(size, "big")
