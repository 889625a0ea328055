"""Shop settings, stored as key/value text and read back as the type each one is declared with
(domain/settings_keys.py); a key nobody declared is refused both ways."""

from __future__ import annotations

from typing import Any, TypeVar

from companion.domain.settings_keys import DECLARED, Setting, declared
from companion.store.database import Database

T = TypeVar("T", str, int, bool)


def get(db: Database, setting: Setting[T]) -> T:
    """The stored value as the declared type (the default when unset, unreadable or failing its check)."""
    _known(setting)
    text = db.scalar("SELECT value FROM settings WHERE key = ?", (setting.key,))
    return setting.parse(None if text is None else str(text))


def get_all(db: Database) -> dict[str, Any]:
    """Every declared setting (families aside) by key, as its type: what the app would read for each."""
    stored = {r["key"]: r["value"] for r in db.query("SELECT key, value FROM settings")}
    return {key: setting.parse(stored.get(key)) for key, setting in DECLARED.items()}


def put(db: Database, setting: Setting[T], value: T) -> None:
    """Store a value of the declared type that passes its check (services check what people typed first)."""
    _known(setting)
    if not setting.accepts(value):
        raise ValueError(f"not a valid value for setting {setting.key!r}: {value!r}")
    db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
               (setting.key, setting.text(value)))


def _known(setting: Setting[Any]) -> None:
    if not isinstance(setting, Setting) or not declared(setting):
        raise KeyError(f"not a declared setting: {setting!r}")
