"""Reading the shop's QRIS from a photo of its sticker: Pillow opens the picture, zxing-cpp finds the QR codes.

A phone photo is large, turned by its EXIF tag, and often holds other codes (a bank's app link, a Wi-Fi card):
the first code that reads as a QRIS payload wins, else the first code found, so the check names what is wrong.
"""

from __future__ import annotations

from pathlib import Path

import zxingcpp
from PIL import Image, ImageOps, UnidentifiedImageError

from companion.domain.errors import UserError
from companion.domain.qris import is_static
from companion.i18n import N_

QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
MAX_PIXELS = 50_000_000  # a 50-megapixel photo is already more than any phone sticker photo needs
NOT_A_PICTURE = N_("This file is not a photo the app can open: choose a PNG or JPEG picture of the QRIS sticker.")
NO_CODE = N_("No QR code was found in this photo: take it again closer, straight on and without glare.")


def read_sticker_photo(path: Path) -> str:
    """The text of the QRIS code in the photo at `path` (UserError with one sentence when there is none)."""
    try:
        with Image.open(path) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise UserError(NOT_A_PICTURE)
            picture = ImageOps.exif_transpose(opened).convert("L")
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        raise UserError(NOT_A_PICTURE) from None
    texts = [code.text for code in zxingcpp.read_barcodes(picture, formats=QR_ONLY)
             if code.valid and code.text]
    if not texts:
        raise UserError(NO_CODE)
    return next((text for text in texts if is_static(text)), texts[0])
