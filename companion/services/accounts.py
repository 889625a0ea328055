"""Linking marketplace shops: the account row here, its app key, secret and tokens in the OS keyring only.

Practice accounts keep nothing secret: their credentials come from the practice marketplace that the
app runs inside itself, which hands them out again at every start.
"""

from __future__ import annotations

from datetime import datetime

from companion.connectors import registry
from companion.connectors.base import Credentials
from companion.connectors.spec import with_tokens
from companion.domain.clock import stamp
from companion.domain.errors import NotFound, UserError
from companion.domain.ids import new_id
from companion.domain.marketplace import TokenSet
from companion.i18n import N_
from companion.services.change import Change
from companion.store import accounts as account_store
from companion.store import refresh_lock, secrets
from companion.store.accounts import AccountRow
from companion.store.database import Database

CREDENTIALS = "credentials"


def _stamp(moment: datetime | None) -> str | None:
    return stamp(moment) if moment else None


def link_account(db: Database, name: str, credentials: Credentials,
                 tokens: TokenSet | None = None) -> tuple[str, Change]:
    """Link a real shop: secrets to the keyring first (refused plainly when it is unsafe), then the row."""
    if not name.strip():
        raise UserError(N_("Give the shop a name, such as \"Toko Berkah Online\"."))
    account_id = new_id()
    secrets.set_secret(account_id, CREDENTIALS, registry.for_credentials(credentials).credentials_to_json(credentials))
    try:
        with db.write():
            account_store.insert(db, {
                "id": account_id, "channel": registry.for_credentials(credentials).name, "name": name.strip(),
                "practice": 0,
                "shop_ref": credentials.shop_ref, "base_url": credentials.base_url,
                "auth_base_url": credentials.auth_base_url,
                "access_expires_at": _stamp(tokens.access_expires_at) if tokens else None,
                "refresh_expires_at": _stamp(tokens.refresh_expires_at) if tokens else None,
                "created_at": stamp(),
            })
    except BaseException:
        secrets.delete_secret(account_id, CREDENTIALS)
        raise
    return account_id, Change(sync=True)


def relink_account(db: Database, account_id: str, credentials: Credentials,
                   tokens: TokenSet | None = None) -> tuple[str, Change]:
    """Link the same shop again (its login expired or a refresh answer was lost): the new keys and tokens replace the
    old ones in the keyring first, then its row; its orders, listings and matches stay. Another shop is refused."""
    account = account_store.get(db, account_id)
    if account is None or account.practice:
        raise NotFound(N_("This online shop is no longer linked: link it again in Settings."))
    spec = registry.for_credentials(credentials)
    other_shop = bool(account.shop_ref and credentials.shop_ref and account.shop_ref != credentials.shop_ref)
    if spec.name != account.channel or other_shop:
        raise UserError(N_("This permission is for another shop than {name}: open the permission page again and "
                           "log in as the shop {name}."), name=account.name)
    secrets.set_secret(account_id, CREDENTIALS, spec.credentials_to_json(credentials))
    with db.write():
        account_store.update(db, account_id, {
            "shop_ref": credentials.shop_ref or account.shop_ref, "base_url": credentials.base_url,
            "auth_base_url": credentials.auth_base_url, "active": 1,
            "access_expires_at": _stamp(tokens.access_expires_at) if tokens else None,
            "refresh_expires_at": _stamp(tokens.refresh_expires_at) if tokens else None,
        })
    refresh_lock.clear_lost(db.path.parent, account_id)
    return account_id, Change(sync=True)


def link_practice_accounts(db: Database, practice: dict[str, Credentials]) -> tuple[list[str], Change]:
    """One practice shop per platform; at later starts only their addresses are brought up to date."""
    ids: list[str] = []
    with db.write():
        existing = {(a.channel, a.practice): a for a in account_store.all_accounts(db)}
        for key, credentials in practice.items():
            spec = registry.get(key)
            auth = credentials.auth_base_url
            found = existing.get((spec.name, True))
            if found is not None:
                account_store.update(db, found.id, {"base_url": credentials.base_url, "auth_base_url": auth,
                                                    "active": 1})
                ids.append(found.id)
                continue
            account_id = new_id()
            account_store.insert(db, {
                "id": account_id, "channel": spec.name, "name": spec.practice_name, "practice": 1,
                "shop_ref": credentials.shop_ref, "base_url": credentials.base_url, "auth_base_url": auth,
                "created_at": stamp(),
            })
            ids.append(account_id)
    return ids, Change(sync=True)


def leave_practice(db: Database) -> Change:
    """Stop syncing the practice shops (their history stays, labelled as practice)."""
    with db.write():
        for account in account_store.all_accounts(db):
            if account.practice:
                account_store.update(db, account.id, {"active": 0})
    return Change(sync=True)


def credentials_for(account: AccountRow, practice: dict[str, Credentials] | None = None) -> Credentials:
    """The account's credentials: from the running practice marketplace, or from the keyring."""
    if account.practice:
        if not practice or account.channel not in practice:
            raise UserError(N_("Practice mode is not running: start it again from Home."))
        return practice[account.channel]
    raw = secrets.get_secret(account.id, CREDENTIALS)
    if raw is None:
        raise UserError(N_("The keys for {name} are missing from this computer's password store: link the shop "
                           "again in Settings."), name=account.name)
    return registry.get(account.channel).credentials_from_json(raw)


def save_tokens(db: Database, account: AccountRow, credentials: Credentials, tokens: TokenSet) -> Credentials:
    """Persist fresh tokens BEFORE they are used (a platform's refresh token may work only once): the keyring first
    (what a restart or another process reads), then the row's expiry times."""
    fresh = with_tokens(credentials, tokens)
    if not account.practice:
        secrets.set_secret(account.id, CREDENTIALS, registry.for_credentials(fresh).credentials_to_json(fresh))
    with db.write():
        account_store.update(db, account.id, {"access_expires_at": _stamp(tokens.access_expires_at),
                                              "refresh_expires_at": _stamp(tokens.refresh_expires_at)})
    return fresh


def set_options(db: Database, account_id: str, buffer_units: int, buffer_percent: int, poll_seconds: int) -> Change:
    """Per-channel stock buffer and how often to look for new orders."""
    if not 0 <= buffer_units <= 100_000:
        raise UserError(N_("The buffer must be between 0 and 100.000 units."))
    if not 0 <= buffer_percent <= 100:
        raise UserError(N_("The buffer percentage must be between 0 and 100."))
    if not 10 <= poll_seconds <= 86_400:
        raise UserError(N_("Check for orders at most every 10 seconds and at least once a day."))
    with db.write():
        if account_store.get(db, account_id) is None:
            raise NotFound(N_("This online shop is no longer linked: link it again in Settings."))
        account_store.update(db, account_id, {"buffer_units": buffer_units, "buffer_percent": buffer_percent,
                                              "poll_seconds": poll_seconds})
    return Change(sync=True)


def unlink_account(db: Database, account_id: str) -> Change:
    """Stop syncing a shop and forget its keys; its orders stay in the record."""
    with db.write():
        account = account_store.get(db, account_id)
        if account is None:
            raise NotFound(N_("This online shop is no longer linked: link it again in Settings."))
        account_store.update(db, account_id, {"active": 0})
    secrets.delete_secret(account_id, CREDENTIALS)
    return Change(sync=True)
