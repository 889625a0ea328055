"""The shop's static QRIS, kept once in the settings, from which the counter makes each sale's code."""

from __future__ import annotations

from companion.domain.qris import QrisFacts, check_static, read_qris
from companion.domain.settings_keys import QRIS_STATIC
from companion.services.change import Change
from companion.store import settings as settings_store
from companion.store.database import Database


def static_payload(db: Database) -> str:
    """The saved static QRIS payload ("" when none is set, or the stored one no longer passes the check)."""
    return settings_store.get(db, QRIS_STATIC)


def static_facts(db: Database) -> QrisFacts | None:
    """The merchant name, city and NMID of the saved QRIS, for the owner to see (None when none is set)."""
    payload = static_payload(db)
    return read_qris(payload) if payload else None


def save_static_payload(db: Database, text: str) -> Change:
    """Check and keep the shop's static QRIS (UserError with one sentence when it is not one)."""
    payload = text.strip().replace("\r", "").replace("\n", "")  # a pasted payload may be wrapped over lines
    check_static(payload)
    with db.write():
        settings_store.put(db, QRIS_STATIC, payload)
    return Change(settings=True)


def forget_static_payload(db: Database) -> Change:
    """The shop stops offering QRIS with the amount (the counter goes back to confirming by hand)."""
    with db.write():
        settings_store.put(db, QRIS_STATIC, "")
    return Change(settings=True)
