"""Linked marketplace accounts (one shop on one platform). Secrets are in the keyring, never here."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from companion.store.database import Database

FILE_SHOP_REF = "file-import"  # the per-channel account that holds orders imported from seller-centre files


@dataclass(frozen=True)
class AccountRow:
    id: str
    channel: str
    name: str
    practice: bool
    shop_ref: str
    base_url: str
    auth_base_url: str
    access_expires_at: str | None
    refresh_expires_at: str | None
    buffer_units: int
    buffer_percent: int
    poll_seconds: int
    active: bool
    keep_last_units: int = 0  # at or below this the channel shows 0: the last units stay for the shop
    ship_window_days: int = 2  # planned made-to-order production finishing within this counts online


def _row(r: sqlite3.Row) -> AccountRow:
    return AccountRow(r["id"], r["channel"], r["name"], bool(r["practice"]), r["shop_ref"], r["base_url"],
                      r["auth_base_url"], r["access_expires_at"], r["refresh_expires_at"], r["buffer_units"],
                      r["buffer_percent"], r["poll_seconds"], bool(r["active"]),
                      r["keep_last_units"], r["ship_window_days"])


def get(db: Database, account_id: str) -> AccountRow | None:
    r = db.one("SELECT * FROM accounts WHERE id = ?", (account_id,))
    return _row(r) if r else None


def active(db: Database) -> list[AccountRow]:
    return [_row(r) for r in db.query("SELECT * FROM accounts WHERE active = 1 ORDER BY channel, name")]


def all_accounts(db: Database) -> list[AccountRow]:
    return [_row(r) for r in db.query("SELECT * FROM accounts ORDER BY active DESC, channel, name")]


def insert(db: Database, values: dict[str, object]) -> None:
    cols = ", ".join(values)
    db.execute(f"INSERT INTO accounts ({cols}) VALUES ({', '.join(':' + k for k in values)})", values)


def update(db: Database, account_id: str, values: dict[str, object]) -> None:
    sets = ", ".join(f"{k} = :{k}" for k in values)
    db.execute(f"UPDATE accounts SET {sets} WHERE id = :id", {**values, "id": account_id})


def has_real_accounts(db: Database) -> bool:
    return bool(db.scalar("SELECT 1 FROM accounts WHERE active = 1 AND practice = 0 LIMIT 1"))
