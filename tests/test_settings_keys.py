"""Settings are declared once (domain/settings_keys.py) and read and written as their declared type."""

from __future__ import annotations

import pytest

from companion.domain import settings_keys
from companion.domain.errors import UserError
from companion.domain.settings_keys import (
    CHAT_HOLIDAY,
    GUIDE_DONE,
    LOW_STOCK_THRESHOLD,
    PRACTICE_DECLINED,
    TIME_ZONE,
    Setting,
)
from companion.services.settings import save_settings
from companion.store import settings as settings_store
from companion.store.database import Database


def test_unset_settings_read_as_their_declared_defaults(db: Database) -> None:
    assert settings_store.get(db, TIME_ZONE) == "WIB"
    assert settings_store.get(db, LOW_STOCK_THRESHOLD) == 5
    assert settings_store.get(db, PRACTICE_DECLINED) is False
    assert settings_store.get(db, GUIDE_DONE.of("home")) is False


def test_values_come_back_as_their_type(db: Database) -> None:
    with db.write():
        settings_store.put(db, LOW_STOCK_THRESHOLD, 12)
        settings_store.put(db, PRACTICE_DECLINED, True)
        settings_store.put(db, CHAT_HOLIDAY.of("shopee"), True)
    assert settings_store.get(db, LOW_STOCK_THRESHOLD) == 12
    assert settings_store.get(db, PRACTICE_DECLINED) is True
    assert settings_store.get(db, CHAT_HOLIDAY.of("shopee")) is True
    assert db.scalar("SELECT value FROM settings WHERE key = 'practice_declined'") == "1"


def test_unknown_keys_and_wrong_values_are_refused(db: Database) -> None:
    with db.write():
        with pytest.raises(KeyError):
            settings_store.put(db, Setting("bench_shop", str, ""), "x")
        with pytest.raises(KeyError):
            settings_store.get(db, Setting("time_zone", str, "WIT"))  # a key declared with another default
        with pytest.raises(ValueError):
            settings_store.put(db, TIME_ZONE, "UTC")
        with pytest.raises(ValueError):
            settings_store.put(db, LOW_STOCK_THRESHOLD, True)  # a bool is not a number here
    with pytest.raises(KeyError):
        settings_keys.find("no_such_key")
    assert settings_keys.find("guide_done_plan") == GUIDE_DONE.of("plan")


def test_text_edited_by_hand_reads_as_the_default(db: Database) -> None:
    with db.write():
        db.execute("INSERT INTO settings (key, value) VALUES ('time_zone', 'UTC'), ('low_stock_threshold', 'lima')")
    assert settings_store.get(db, TIME_ZONE) == "WIB"
    assert settings_store.get(db, LOW_STOCK_THRESHOLD) == 5


def test_what_people_type_is_checked_with_the_settings_own_sentence(db: Database) -> None:
    with pytest.raises(UserError, match="WIB, WITA"):
        save_settings(db, {TIME_ZONE.key: "UTC"})
    with pytest.raises(ValueError):
        save_settings(db, {"welcome_done": "1"})  # declared, but not one a person edits
    save_settings(db, {LOW_STOCK_THRESHOLD.key: " 2.500 "})
    assert settings_store.get(db, LOW_STOCK_THRESHOLD) == 2500
