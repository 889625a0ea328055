"""The pictures practice buyers send: small PNGs drawn here (no files, no network), served by the admin API at
/_practice/static/photo-<n>.png, so a chat image can be downloaded and cached like a real one."""

from __future__ import annotations

import re
import struct
import zlib

from companion.practice.product_photos import product_photo_for

WIDTH, HEIGHT = 96, 72
PREFIX = "static/"
NAME = re.compile(r"^photo-(\d{1,6})\.png$")
COLOURS = ((214, 96, 77), (77, 140, 214), (96, 176, 105), (222, 170, 60), (150, 100, 190))


def photo_path(n: int) -> str:
    """The admin path (after /_practice/) of picture n."""
    return f"{PREFIX}photo-{n}.png"


def photo_for(name: str) -> bytes | None:
    """The PNG called `name` ("photo-3.png", or a listed product's "product-<SKU>.png"), or None for any other."""
    found = NAME.match(name)
    return photo_png(int(found.group(1))) if found else product_photo_for(name)


def photo_png(n: int) -> bytes:
    """A diagonal-striped "product photo", its colour chosen by n, always the same bytes for the same n."""
    red, green, blue = COLOURS[n % len(COLOURS)]
    rows = bytearray()
    for y in range(HEIGHT):
        rows.append(0)  # filter: none
        for x in range(WIDTH):
            light = ((x + y + n) // 8) % 2 == 0
            rows += bytes((red, green, blue)) if light else bytes((red // 2, green // 2, blue // 2))
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(bytes(rows))) + \
        _chunk(b"IEND", b"")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def picture_url(attached: str, host: str) -> str:
    """A stored picture reference as the platforms hand it out: a URL as is, a practice photo on this server."""
    if "://" in attached:
        return attached
    return f"http://{host or '127.0.0.1'}/_practice/{attached}"
