"""Shop settings as key/value text (shop name, language, time zone, low-stock threshold, …)."""

from __future__ import annotations

from companion.store.database import Database

DEFAULTS = {
    "shop_name": "",
    "language": "id",
    "time_zone": "WIB",
    "low_stock_threshold": "5",
    "last_auto_backup": "",
    "practice_declined": "0",
}


def get(db: Database, key: str) -> str:
    value = db.scalar("SELECT value FROM settings WHERE key = ?", (key,))
    return str(value) if value is not None else DEFAULTS.get(key, "")


def get_all(db: Database) -> dict[str, str]:
    values = dict(DEFAULTS)
    values.update({r["key"]: r["value"] for r in db.query("SELECT key, value FROM settings")})
    return values


def put(db: Database, key: str, value: str) -> None:
    db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
               (key, value))
