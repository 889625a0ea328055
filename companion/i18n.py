"""Translation of every visible string (Indonesian first, English available).

Kept outside gui/ because the command line and domain error messages speak to people too.
Messages are written in code as English msgids and looked up in JSON catalogs under
resources/translations/<lang>/*.json (one file per area, merged), so the catalog for a
language can be checked against every msgid in the source.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from companion.resources import resource_path

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
_current = DEFAULT_LANGUAGE


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language, merged from its catalog files."""
    merged: dict[str, str] = {}
    folder: Path = resource_path("translations", lang)
    for file in sorted(folder.glob("*.json")):
        merged.update(json.loads(file.read_text(encoding="utf-8")))
    return merged


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    _current = lang


def language() -> str:
    return _current


def babel_locale(lang: str | None = None) -> str:
    """The Babel locale for money and dates: Indonesian formats in both languages, since the shop is in Indonesia."""
    return "id_ID" if (lang or _current) == "id" else "en_ID"


def tr(msgid: str, /, **params: object) -> str:
    """The current language's text for `msgid`, with {placeholders} filled in."""
    text = catalog(_current).get(msgid, msgid)
    return text.format(**params) if params else text


def N_(msgid: str) -> str:
    """Marks a msgid for the catalog check without translating it yet (for module-level constants)."""
    return msgid
