"""Product pictures for the sample catalogue, drawn here (no files, no network, no Qt), like practice/photos.py:
a pouch, a bottle, a sack or a shirt in the product's colour with a label band, so a practice shop's products
look like things on a shelf. The same product always gets the same bytes.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Callable

SIZE = 96
NAME = re.compile(r"^product-([A-Za-z0-9._-]{1,64})\.png$")  # served as static/product-<seller SKU>.png
BACKGROUND = (246, 243, 236)
LABEL = (255, 255, 255)
# The first part of a seller SKU → the product's colour (coffee brown, tea green, chips orange …).
COLOURS = {"KOPI": (111, 78, 55), "TEH": (76, 140, 74), "KRP": (230, 140, 40), "RMP": (214, 170, 60),
           "SMB": (200, 50, 40), "KAOS": (45, 45, 55), "GULA": (150, 95, 45), "MADU": (220, 150, 30),
           "MTE": (196, 160, 110), "KAOS-BTK": (140, 70, 40)}
OTHER = (90, 120, 170)
Rgb = tuple[int, int, int]
Shape = Callable[[int, int], bool]


BOTTLED = ("SMB", "MADU", "BTL")  # SKU parts of things sold in bottles (sauces, honey, bottled tea)


def unit_from_sku(sku: str) -> str:
    """The unit a listed product (known only by its SKU) is drawn as: bottles, kilo sacks, else pieces."""
    parts = sku.upper().split("-")
    if any(part in BOTTLED for part in parts):
        return "botol"
    return "kg" if parts[-1].endswith("1K") else "pcs"


def shape_for(sku: str, unit: str) -> str:
    """Which silhouette a product gets: bottles for "botol", a shirt for clothes, a sack for kilos, else a pouch."""
    if sku.startswith("KAOS"):
        return "shirt"
    return {"botol": "bottle", "kg": "sack"}.get(unit, "pouch")


def product_photo_path(seller_sku: str) -> str:
    """The admin path (after /_practice/) of a listed product's picture, as a buyer sends it."""
    return f"static/product-{seller_sku}.png"


def product_photo_for(name: str) -> bytes | None:
    """The PNG called `name` ("product-KOPI-ARB-250.png"), or None for any other name (the shape from the SKU)."""
    found = NAME.match(name)
    return product_png(found.group(1)) if found else None


def colour_for(sku: str) -> Rgb:
    """The colour of the SKU's first two parts when named (a batik shirt), else of its first part."""
    parts = sku.split("-")
    return COLOURS.get("-".join(parts[:2])) or COLOURS.get(parts[0], OTHER)


def product_png(sku: str, unit: str | None = None) -> bytes:
    """A SIZE×SIZE PNG of the product (8-bit RGB); without a unit, the one its SKU suggests."""
    colour, inside = colour_for(sku), SHAPES[shape_for(sku, unit or unit_from_sku(sku))]
    shade: Rgb = (colour[0] * 3 // 4, colour[1] * 3 // 4, colour[2] * 3 // 4)
    accent = _accent(sku)
    rows = bytearray()
    for y in range(SIZE):
        rows.append(0)  # filter: none
        for x in range(SIZE):
            rows += bytes(_pixel(x, y, inside, colour, shade, accent))
    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(bytes(rows))) + \
        _chunk(b"IEND", b"")


def _pixel(x: int, y: int, inside: Shape, colour: Rgb, shade: Rgb, accent: Rgb) -> Rgb:
    if not inside(x, y):
        return (218, 212, 200) if inside(x - 3, y - 3) else BACKGROUND  # a soft shadow to the lower right
    if 44 <= y <= 64 and inside(x - 4, y) and inside(x + 4, y):  # the label band
        return accent if 50 <= y <= 53 and 30 <= x <= 66 else LABEL
    return shade if x > 62 else colour  # the right side in shadow: it looks round


def _accent(sku: str) -> Rgb:
    """The label's print: a dark line whose tint differs by product, so two coffees do not look the same."""
    n = sum(sku.encode()) % 5
    return ((40, 40, 40), (150, 30, 30), (30, 90, 150), (30, 110, 60), (110, 60, 20))[n]


def _pouch(x: int, y: int) -> bool:
    return 22 <= x <= 74 and 14 <= y <= 86 and not (y < 20 and (x < 26 or x > 70))


def _bottle(x: int, y: int) -> bool:
    if 40 <= x <= 56 and 8 <= y <= 16:  # cap
        return True
    if 42 <= x <= 54 and 16 <= y <= 28:  # neck
        return True
    return 28 <= x <= 68 and 28 <= y <= 88


def _sack(x: int, y: int) -> bool:
    if not 16 <= y <= 88:
        return False
    spread = 16 + (y - 16) // 6  # wider towards the bottom
    return 48 - spread <= x <= 48 + spread


def _shirt(x: int, y: int) -> bool:
    if 40 <= x <= 56 and 14 <= y <= 20:  # the neck opening
        return False
    if 14 <= y <= 36 and 12 <= x <= 84:  # shoulders and sleeves
        return True
    return 28 <= x <= 68 and 14 <= y <= 86


SHAPES: dict[str, Shape] = {"pouch": _pouch, "bottle": _bottle, "sack": _sack, "shirt": _shirt}


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
