"""Saving the shop's settings from the Settings page (and the welcome): what people typed, checked with each
setting's own rule (domain/settings_keys.py) and stored as its declared type."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from companion.domain.errors import UserError
from companion.domain.field_problems import FieldProblem, raise_problems
from companion.domain.settings_keys import (
    LANGUAGE,
    LOW_STOCK_THRESHOLD,
    MAX_SHOP_NAME,
    MAX_THRESHOLD,
    PRACTICE_DECLINED,
    SHOP_NAME,
    TIME_ZONE,
    Setting,
)
from companion.services.change import Change
from companion.store import settings as settings_store
from companion.store.database import Database

__all__ = ["EDITABLE", "MAX_SHOP_NAME", "MAX_THRESHOLD", "clean_settings", "save_settings", "store_clean"]

EDITABLE: dict[str, Setting[Any]] = {s.key: s for s in (SHOP_NAME, LANGUAGE, TIME_ZONE, LOW_STOCK_THRESHOLD,
                                                          PRACTICE_DECLINED)}


def clean_settings(values: Mapping[str, str]) -> dict[str, str]:
    """The values (by key) trimmed and checked; FieldProblems (keyed by setting key) names every failing one."""
    out: dict[str, str] = {}
    found: list[FieldProblem] = []
    for key, raw in values.items():
        if key not in EDITABLE:
            raise ValueError(f"not an editable setting: {key!r}")
        try:
            out[key] = _tidy(EDITABLE[key], str(raw).strip())
        except UserError as exc:
            found.append(FieldProblem(key, exc))
    raise_problems(found)
    return out


def _tidy(setting: Setting[Any], text: str) -> str:
    """One typed value as it will be stored: spaces squeezed in the name, thousands dots dropped from a number."""
    if setting is SHOP_NAME:
        text = " ".join(text.split())
    if setting is LOW_STOCK_THRESHOLD:
        text = text.replace(".", "")
        text = str(int(text)) if text.isascii() and text.isdigit() else text
    if setting is PRACTICE_DECLINED and text not in ("0", "1"):
        raise ValueError("practice_declined is 0 or 1")
    problem = setting.problem_with(text)
    if problem:
        raise UserError(problem)
    return text


def store_clean(db: Database, clean: Mapping[str, str]) -> None:
    """Inside a transaction: store values `clean_settings` returned."""
    for key, text in clean.items():
        setting = EDITABLE[key]
        settings_store.put(db, setting, setting.read(text))


def save_settings(db: Database, values: Mapping[str, str]) -> Change:
    """Check and store the given settings together in one transaction."""
    clean = clean_settings(values)
    with db.write():
        store_clean(db, clean)
    return Change(settings=True)
