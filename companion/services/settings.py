"""Saving the shop's settings from the Settings page."""

from __future__ import annotations

from companion.domain.clock import SHOP_ZONES
from companion.domain.errors import UserError
from companion.i18n import LANGUAGES, N_
from companion.services.change import Change
from companion.store import settings as settings_store
from companion.store.database import Database

MAX_SHOP_NAME = 80
MAX_THRESHOLD = 100_000
EDITABLE = ("shop_name", "language", "time_zone", "low_stock_threshold", "practice_declined")


def clean_settings(values: dict[str, str]) -> dict[str, str]:
    """The values trimmed and checked; raises UserError naming the first one to fix."""
    out: dict[str, str] = {}
    for key, raw in values.items():
        if key not in EDITABLE:
            raise ValueError(f"not an editable setting: {key!r}")
        out[key] = str(raw).strip()
    if "shop_name" in out:
        out["shop_name"] = " ".join(out["shop_name"].split())
        if len(out["shop_name"]) > MAX_SHOP_NAME:
            raise UserError(N_("The shop name is too long: use at most 80 characters."))
    if "language" in out and out["language"] not in LANGUAGES:
        raise UserError(N_("Choose the language Indonesian or English."))
    if "time_zone" in out and out["time_zone"] not in SHOP_ZONES:
        raise UserError(N_("Choose the shop's time zone: WIB, WITA or WIT."))
    if "low_stock_threshold" in out:
        text = out["low_stock_threshold"].replace(".", "")
        if not (text.isascii() and text.isdigit()) or int(text) > MAX_THRESHOLD:
            raise UserError(N_("The low-stock limit must be a whole number from 0 to 100.000."))
        out["low_stock_threshold"] = str(int(text))
    if out.get("practice_declined", "0") not in ("0", "1"):
        raise ValueError("practice_declined is 0 or 1")
    return out


def save_settings(db: Database, values: dict[str, str]) -> Change:
    """Check and store the given settings together in one transaction."""
    clean = clean_settings(values)
    with db.write():
        for key, value in clean.items():
            settings_store.put(db, key, value)
    return Change(settings=True)
