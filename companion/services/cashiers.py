"""Cashiers and the owner's PIN: setting, changing and recovering the owner PIN, adding, renaming and disabling
cashiers, and checking a PIN typed at the counter (wrong tries recorded, the wait kept in the database).

Threat model (domain/pins.py): staff at the counter, not someone who copies the database. Selling never waits for a
PIN; only the PIN prompt does. The owner's recovery file is the one way back from a forgotten owner PIN: its key's
hash is kept with the owner, a file that matches lets a new PIN be set (and a new file is written: the used one is
spent).
"""

from __future__ import annotations

from datetime import datetime

from companion.domain.clock import now_utc, stamp
from companion.domain.errors import NotFound, UserError
from companion.domain.ids import new_id
from companion.domain.pins import (
    PinProblem,
    PinWait,
    after_wrong_try,
    check_pin_rule,
    hash_secret,
    matches,
    must_wait,
    new_salt,
    recovery_key_in,
    seconds_left,
    wrong_pin,
)
from companion.domain.settings_keys import MAX_OWNER_DISCOUNT_LIMIT, OWNER_DISCOUNT_LIMIT
from companion.i18n import N_
from companion.services.change import Change
from companion.store import cashiers as store
from companion.store import settings as settings_store
from companion.store.database import Database

MAX_NAME = 40


def owner_pin_set(db: Database) -> bool:
    """Whether the owner has set a PIN (with none, nothing is owner-gated: the app behaves as before)."""
    return store.owner(db) is not None


def cashiers_set_up(db: Database) -> bool:
    """Whether the counter asks who is there (at least one cashier who can log in)."""
    return store.active_cashier_count(db) > 0


def _clean_name(db: Database, name: str, other_than: str | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise UserError(N_("Type the person's name: it shows on receipts and in the history."))
    if len(name) > MAX_NAME:
        raise UserError(N_("The name is too long: use at most 40 characters."))
    if store.name_taken(db, name, other_than):
        raise UserError(N_("Someone here is already called {name}: add a letter or a surname."), name=name)
    return name


def _owner_id(db: Database) -> str:
    row = store.owner(db)
    if row is None:
        raise NotFound(N_("The owner's PIN is not set yet: set it in Settings first."))
    return row.id


def _not_owner_pin(db: Database, pin: str) -> None:
    """A cashier's PIN may not be the owner's: it would open everything the owner's PIN guards."""
    row = store.owner(db)
    if row is not None:
        kept = store.secrets_of(db, row.id)
        if kept is not None and matches(pin, kept.pin_salt, kept.pin_hash):
            raise PinProblem(N_("This PIN is the owner's PIN: give the cashier other digits."))


def set_owner_pin(db: Database, name: str, pin: str, recovery_key: str, now: datetime | None = None) -> Change:
    """The owner's PIN set for the first time, with the key the owner's recovery file holds (written already)."""
    check_pin_rule(pin)
    moment = stamp(now or now_utc())
    pin_salt, reset_salt = new_salt(), new_salt()
    pin_hash, reset_hash = hash_secret(pin, pin_salt), hash_secret(recovery_key, reset_salt)
    with db.write():
        if store.owner(db) is not None:
            raise UserError(N_("The owner's PIN is already set: change it with the old PIN, or use the recovery "
                               "file."))
        clean = _clean_name(db, name)
        owner_id = new_id()
        store.insert(db, owner_id, clean, store.OWNER, pin_hash, pin_salt, moment)
        store.set_reset(db, owner_id, reset_hash, reset_salt, moment)
    return Change(people=True)


def change_owner_pin(db: Database, old_pin: str, new_pin: str, now: datetime | None = None) -> Change:
    """A new owner PIN, given the old one (a wrong old PIN counts as a wrong try). The recovery file stays valid."""
    check_pin_rule(new_pin)
    owner_id = _owner_id(db)
    check_pin(db, owner_id, old_pin, now)
    salt = new_salt()
    pin_hash = hash_secret(new_pin, salt)
    with db.write():
        store.set_pin(db, owner_id, pin_hash, salt, stamp(now or now_utc()))
    return Change(people=True)


def check_recovery_file(db: Database, file_text: str) -> None:
    """Refuse a file that is not this shop's current recovery file (the key is random: no wait is needed)."""
    key = recovery_key_in(file_text)
    kept = store.secrets_of(db, _owner_id(db))
    if kept is None or not kept.reset_hash or not matches(key, kept.reset_salt, kept.reset_hash):
        raise UserError(N_("This recovery file does not belong to this shop's owner PIN (or an older file was "
                           "replaced): choose the newest recovery file."))


def reset_owner_pin(db: Database, file_text: str, new_pin: str, new_key: str,
                    now: datetime | None = None) -> Change:
    """A forgotten owner PIN replaced, given the recovery file's text; `new_key` is in the new file (written
    already), so the file just used no longer works. The wrong-try wait is cleared."""
    check_pin_rule(new_pin)
    check_recovery_file(db, file_text)
    owner_id = _owner_id(db)
    pin_salt, reset_salt = new_salt(), new_salt()
    pin_hash, reset_hash = hash_secret(new_pin, pin_salt), hash_secret(new_key, reset_salt)
    moment = stamp(now or now_utc())
    with db.write():
        store.set_pin(db, owner_id, pin_hash, pin_salt, moment)
        store.set_reset(db, owner_id, reset_hash, reset_salt, moment)
        store.put_wait(db, owner_id, PinWait())
    return Change(people=True)


def replace_recovery_key(db: Database, new_key: str, now: datetime | None = None) -> Change:
    """A new recovery file (written already) replaces the old one; the caller asked for the owner's PIN first."""
    salt = new_salt()
    key_hash = hash_secret(new_key, salt)
    owner_id = _owner_id(db)
    with db.write():
        store.set_reset(db, owner_id, key_hash, salt, stamp(now or now_utc()))
    return Change(people=True)


def add_cashier(db: Database, name: str, pin: str, now: datetime | None = None) -> tuple[str, Change]:
    """A new cashier who logs in with `pin`; returns the new id."""
    check_pin_rule(pin)
    salt = new_salt()
    pin_hash = hash_secret(pin, salt)
    cashier_id = new_id()
    with db.write():
        clean = _clean_name(db, name)
        _not_owner_pin(db, pin)
        store.insert(db, cashier_id, clean, store.CASHIER, pin_hash, salt, stamp(now or now_utc()))
    return cashier_id, Change(people=True)


def rename_cashier(db: Database, cashier_id: str, name: str, now: datetime | None = None) -> Change:
    with db.write():
        _existing(db, cashier_id)
        store.rename(db, cashier_id, _clean_name(db, name, other_than=cashier_id), stamp(now or now_utc()))
    return Change(people=True)


def set_cashier_pin(db: Database, cashier_id: str, pin: str, now: datetime | None = None) -> Change:
    """A cashier's new PIN, set by the owner (the owner's own PIN changes with change_owner_pin)."""
    check_pin_rule(pin)
    salt = new_salt()
    pin_hash = hash_secret(pin, salt)
    with db.write():
        if _existing(db, cashier_id).is_owner:
            raise UserError(N_("Change the owner's PIN with the old PIN, or with the recovery file."))
        _not_owner_pin(db, pin)
        store.set_pin(db, cashier_id, pin_hash, salt, stamp(now or now_utc()))
        store.put_wait(db, cashier_id, PinWait())
    return Change(people=True)


def disable_cashier(db: Database, cashier_id: str, now: datetime | None = None) -> Change:
    """The cashier can no longer log in; their name stays on what they did."""
    with db.write():
        if _existing(db, cashier_id).is_owner:
            raise UserError(N_("The owner cannot be turned off: change the owner's PIN instead."))
        store.disable(db, cashier_id, stamp(now or now_utc()))
    return Change(people=True)


def enable_cashier(db: Database, cashier_id: str, now: datetime | None = None) -> Change:
    with db.write():
        row = _existing(db, cashier_id)
        if store.name_taken(db, row.name, other_than=cashier_id):
            raise UserError(N_("Someone here is already called {name}: add a letter or a surname."), name=row.name)
        store.enable(db, cashier_id, stamp(now or now_utc()))
    return Change(people=True)


def _existing(db: Database, cashier_id: str) -> store.CashierRow:
    row = store.get(db, cashier_id)
    if row is None:
        raise NotFound(N_("This cashier no longer exists: close the window and open it again."))
    return row


def check_pin(db: Database, cashier_id: str, pin: str, now: datetime | None = None) -> None:
    """Nothing when `pin` is this person's; MustWait while a wait runs (the PIN is not even checked), WrongPin
    otherwise, the wrong try recorded (and committed) first. A right PIN clears the count."""
    moment = now or now_utc()
    row = _existing(db, cashier_id)
    if row.disabled:
        raise UserError(N_("{name} can no longer log in: ask the owner."), name=row.name)
    left = seconds_left(store.wait_of(db, cashier_id), moment)
    if left:
        raise must_wait(left)
    kept = store.secrets_of(db, cashier_id)
    right = kept is not None and matches(pin, kept.pin_salt, kept.pin_hash)
    with db.write():
        state = store.wait_of(db, cashier_id)
        if right:
            if state.fails:
                store.put_wait(db, cashier_id, PinWait())
            return
        state = after_wrong_try(state, moment)
        store.put_wait(db, cashier_id, state)
    raise wrong_pin(state)


def check_owner_pin(db: Database, pin: str, now: datetime | None = None) -> None:
    """check_pin for the owner."""
    check_pin(db, _owner_id(db), pin, now)


def wait_left(db: Database, cashier_id: str, now: datetime | None = None) -> int:
    """Seconds before this person's PIN may be tried again (0: at once)."""
    return seconds_left(store.wait_of(db, cashier_id), now or now_utc())


def save_discount_limit(db: Database, text: str) -> Change:
    """The percent above which a discount asks for the owner's PIN, as typed."""
    clean = text.strip().removesuffix("%").strip()
    if not (clean.isascii() and clean.isdigit()) or not 0 <= int(clean) <= MAX_OWNER_DISCOUNT_LIMIT:
        raise UserError(OWNER_DISCOUNT_LIMIT.problem)
    with db.write():
        settings_store.put(db, OWNER_DISCOUNT_LIMIT, int(clean))
    return Change(settings=True)
