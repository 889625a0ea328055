"""Cashiers and the owner (schema v11 `cashiers`): names, roles, PIN hashes, the owner's recovery hash, and each
person's wrong-PIN wait (a settings family, so closing the app does not reset it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from companion.domain.pins import PinWait
from companion.domain.settings_keys import PIN_WAIT
from companion.store import settings as settings_store
from companion.store.database import Database

OWNER, CASHIER = "owner", "cashier"


@dataclass(frozen=True)
class CashierRow:
    id: str
    name: str
    role: str  # "owner" or "cashier"
    disabled: bool

    @property
    def is_owner(self) -> bool:
        return self.role == OWNER


@dataclass(frozen=True)
class Secrets:
    """What a PIN (and the owner's recovery key) is checked against."""

    pin_hash: str
    pin_salt: str
    reset_hash: str
    reset_salt: str


_COLUMNS = "id, name, role, disabled_at IS NOT NULL AS disabled"


def _row(r: Any) -> CashierRow:
    return CashierRow(str(r["id"]), str(r["name"]), str(r["role"]), bool(r["disabled"]))


def get(db: Database, cashier_id: str) -> CashierRow | None:
    r = db.one(f"SELECT {_COLUMNS} FROM cashiers WHERE id = ?", (cashier_id,))
    return None if r is None else _row(r)


def owner(db: Database) -> CashierRow | None:
    r = db.one(f"SELECT {_COLUMNS} FROM cashiers WHERE role = 'owner'")
    return None if r is None else _row(r)


def people(db: Database, with_disabled: bool = False) -> list[CashierRow]:
    """The owner first, then cashiers by name; disabled ones only when asked."""
    where = "" if with_disabled else " WHERE disabled_at IS NULL"
    return [_row(r) for r in db.query(f"SELECT {_COLUMNS} FROM cashiers{where}"
                                      " ORDER BY role = 'cashier', disabled_at IS NOT NULL, name COLLATE NOCASE")]


def active_cashier_count(db: Database) -> int:
    """Cashiers (not the owner) who can log in: with none, the counter asks nobody who is there."""
    return int(db.scalar("SELECT COUNT(*) FROM cashiers WHERE role = 'cashier' AND disabled_at IS NULL"))


def name_taken(db: Database, name: str, other_than: str | None = None) -> bool:
    return bool(db.scalar("SELECT 1 FROM cashiers WHERE name = ? COLLATE NOCASE AND disabled_at IS NULL"
                          " AND id IS NOT ?", (name, other_than)))


def secrets_of(db: Database, cashier_id: str) -> Secrets | None:
    r = db.one("SELECT pin_hash, pin_salt, reset_hash, reset_salt FROM cashiers WHERE id = ?", (cashier_id,))
    return None if r is None else Secrets(r["pin_hash"], r["pin_salt"], r["reset_hash"], r["reset_salt"])


def insert(db: Database, cashier_id: str, name: str, role: str, pin_hash: str, pin_salt: str, now: str) -> None:
    db.execute("INSERT INTO cashiers (id, name, role, pin_hash, pin_salt, created_at, updated_at)"
               " VALUES (?, ?, ?, ?, ?, ?, ?)", (cashier_id, name, role, pin_hash, pin_salt, now, now))


def set_pin(db: Database, cashier_id: str, pin_hash: str, pin_salt: str, now: str) -> None:
    db.execute("UPDATE cashiers SET pin_hash = ?, pin_salt = ?, updated_at = ? WHERE id = ?",
               (pin_hash, pin_salt, now, cashier_id))


def set_reset(db: Database, cashier_id: str, reset_hash: str, reset_salt: str, now: str) -> None:
    db.execute("UPDATE cashiers SET reset_hash = ?, reset_salt = ?, updated_at = ? WHERE id = ?",
               (reset_hash, reset_salt, now, cashier_id))


def rename(db: Database, cashier_id: str, name: str, now: str) -> None:
    db.execute("UPDATE cashiers SET name = ?, updated_at = ? WHERE id = ?", (name, now, cashier_id))


def disable(db: Database, cashier_id: str, now: str) -> None:
    db.execute("UPDATE cashiers SET disabled_at = ?, updated_at = ? WHERE id = ? AND disabled_at IS NULL",
               (now, now, cashier_id))


def enable(db: Database, cashier_id: str, now: str) -> None:
    db.execute("UPDATE cashiers SET disabled_at = NULL, updated_at = ? WHERE id = ?", (now, cashier_id))


def wait_of(db: Database, cashier_id: str) -> PinWait:
    return PinWait.parse(settings_store.get(db, PIN_WAIT.of(cashier_id)))


def put_wait(db: Database, cashier_id: str, state: PinWait) -> None:
    settings_store.put(db, PIN_WAIT.of(cashier_id), state.text())
