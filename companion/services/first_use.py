"""First use: finishing the welcome wizard, and the page guides a person dismisses or asks to see again.

Kept apart from the Settings page's `save_settings` because these keys are not typed by anyone: they record that a
step was done, so they are written only by the actions here.
"""

from __future__ import annotations

from enum import StrEnum

from companion.domain.settings_keys import (
    GUIDE_DONE,
    LANGUAGE,
    PRACTICE_DECLINED,
    SHOP_NAME,
    WELCOME_DONE,
    WELCOME_START,
    Setting,
)
from companion.services.change import Change
from companion.services.settings import clean_settings, store_clean
from companion.store import settings as settings_store
from companion.store.accounts import has_real_accounts
from companion.store.database import Database
from companion.store.products import count as product_count


class Start(StrEnum):
    """How a new shop begins, chosen on the wizard's last step."""

    PRACTICE = "practice"
    EXPORT = "export"  # the seller centres' order files: the online orders without any app key
    IMPORT = "import"
    LINK = "link"


def welcome_done(db: Database) -> bool:
    return settings_store.get(db, WELCOME_DONE)


def shop_in_use(db: Database) -> bool:
    """Products (sales need them), a shop name or a linked real shop: someone upgrading, not a new shop."""
    return bool(product_count(db) or settings_store.get(db, SHOP_NAME).strip() or has_real_accounts(db))


def clean_shop_name(text: str) -> str:
    """The name as it will be saved, by the one rule Settings uses too (required: it heads the window and the
    daily recap; at most 80 characters)."""
    return clean_settings({SHOP_NAME.key: text})[SHOP_NAME.key]


def skip_welcome(db: Database) -> Change:
    """Someone upgrading already has their shop set up: record the welcome as done without asking."""
    with db.write():
        settings_store.put(db, WELCOME_DONE, True)
    return Change(settings=True)


def finish_welcome(db: Database, shop_name: str, language: str, start: Start) -> Change:
    """Shop name, language and the chosen start saved together; practice mode stays on only for a practice start."""
    clean = clean_settings({SHOP_NAME.key: clean_shop_name(shop_name), LANGUAGE.key: language,
                            PRACTICE_DECLINED.key: "0" if start is Start.PRACTICE else "1"})
    with db.write():
        store_clean(db, clean)
        settings_store.put(db, WELCOME_START, start.value)
        settings_store.put(db, WELCOME_DONE, True)
    return Change(settings=True)


def guide_done(db: Database, page_key: str) -> bool:
    return settings_store.get(db, _guide_setting(page_key))


def dismiss_guide(db: Database, page_key: str) -> Change:
    """The page's guide stays hidden from now on, across restarts. Nothing else on screen depends on it, so the
    Change is empty: a settings Change would reload the open pages (and drop what is typed in Settings)."""
    with db.write():
        settings_store.put(db, _guide_setting(page_key), True)
    return Change()


def show_guides_again(db: Database, page_keys: list[str]) -> Change:
    """Every named page shows its guide again (Settings → "Show the page guides again")."""
    keys = [_guide_setting(k) for k in page_keys]
    with db.write():
        for key in keys:
            settings_store.put(db, key, False)
    return Change(settings=True)


def _guide_setting(page_key: str) -> Setting[bool]:
    if not page_key or not (page_key.isascii() and page_key.replace("_", "").isalnum()):
        raise ValueError(f"not a page key: {page_key!r}")
    return GUIDE_DONE.of(page_key)
