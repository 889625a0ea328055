"""The shop's logo picture, copied into the data folder at the size a receipt can show.

The copy is made once when the owner chooses the file (so a moved or deleted original does not matter, and backups
of the folder keep it), flattened on white, at most 576 dots wide (80 mm paper; 58 mm shrinks it further when
printing) and half as high, as PNG. A file that is not a picture is refused in one sentence.
"""

from __future__ import annotations

import os
from pathlib import Path

from PIL import Image

from companion.domain.errors import UserError
from companion.i18n import N_
from companion.printing.config import DOTS

LOGO_NAME = "receipt-logo.png"
MAX_BYTES = 20 * 1024 * 1024
NOT_A_PICTURE = N_("This file is not a picture the app can read: choose a PNG or JPG file.")


def store_logo(source: Path, folder: Path) -> str:
    """Copy `source` as the logo into `folder`; returns the file name to remember. UserError when unreadable."""
    try:
        if source.stat().st_size > MAX_BYTES:
            raise UserError(N_("The picture is too large: choose a file under 20 MB."))
        with Image.open(source) as img:
            img.load()
            rgba = img.convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise UserError(NOT_A_PICTURE) from exc
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    picture = Image.alpha_composite(white, rgba).convert("L")
    picture.thumbnail((DOTS[80], DOTS[80] // 2))
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / (LOGO_NAME + ".part")
    picture.save(part, format="PNG")
    os.replace(part, folder / LOGO_NAME)
    return LOGO_NAME
