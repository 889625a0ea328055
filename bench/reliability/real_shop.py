"""The kill cycles' real-style shop: linked like a real one (its keys and tokens in a keyring, a file-backed test
keyring here, `file_keyring.py`), served by the practice marketplace, whose refresh tokens work once.

After every cycle the campaign looks at what a restarted app would find in the keyring: a refresh token the
marketplace still takes means the shop syncs on (after a kill inside a refresh it is proven: one refresh with the
stored tokens, saved through the service, as the engine does it); a refresh token already spent means the
marketplace's answer was lost (the kill came after the platform answered, or the answer itself was lost): the app
must then say the plain re-link sentence, never anything worse, and the shop is linked again the way a person would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import keyring

from bench.reliability.file_keyring import FileKeyring
from bench.reliability.practice_shop import Admin, quick_connector
from companion.connectors.base import Credentials
from companion.connectors.errors import AuthExpired, ConnectorError
from companion.domain.clock import now_utc
from companion.domain.marketplace import TokenSet
from companion.practice.server import PracticeMarketplace
from companion.services.accounts import credentials_for, save_tokens
from companion.store import accounts as account_store
from companion.store.accounts import AccountRow
from companion.store.database import Database
from companion.sync.events import RELINK_SENTENCES
from companion.sync.problems import problem_for

CHANNEL = "shopee"  # refresh tokens work once there
NAME = "Toko Uji (kunci di keyring)"


def use_file_keyring(path: Path) -> keyring.backend.KeyringBackend:
    """This process's keyring becomes the file the app processes use; returns the one it replaced."""
    before = keyring.get_keyring()
    keyring.set_keyring(FileKeyring(path))
    return before


@dataclass
class RefreshTally:
    checked: int = 0             # cycles whose kill landed in a refresh, checked by a refresh of our own
    synced: int = 0              # ... after which the shop still refreshed and synced
    lost_in_kill: int = 0        # ... whose refresh token was spent with the answer lost: re-link sentence
    lost_elsewhere: int = 0      # spent tokens found after other cycles (a lost answer fault, a kill in a round)
    failures: list[str] = field(default_factory=list)


def _account(db: Database) -> AccountRow | None:
    return next((a for a in account_store.active(db) if not a.practice and a.channel == CHANNEL), None)


def check(db: Database, market: PracticeMarketplace, admin: Admin, killed_in_refresh: bool,
          tally: RefreshTally, cycle: int) -> None:
    """The real-style shop as a restarted app finds it; re-linked when its refresh token was spent."""
    account = _account(db)
    if account is None:
        return
    credentials = credentials_for(account)
    state = market.state.token_state(CHANNEL, "refresh", getattr(credentials, "refresh_token", ""))
    if state == "used":
        tally.lost_in_kill += killed_in_refresh
        tally.lost_elsewhere += not killed_in_refresh
        tally.checked += killed_in_refresh
        _says_relink(credentials, tally, cycle)
        _relink(db, account, credentials, admin)
    elif state != "ok":
        tally.failures.append(f"cycle {cycle}: the stored refresh token is {state}")
        _relink(db, account, credentials, admin)
    elif killed_in_refresh:
        tally.checked += 1
        _refresh_once(db, account, credentials, market, admin, tally, cycle)


def _refresh_once(db: Database, account: AccountRow, credentials: Credentials, market: PracticeMarketplace,
                  admin: Admin, tally: RefreshTally, cycle: int) -> None:
    """One refresh with what the keyring holds, faults off. The killed process's own call may still be inside
    the marketplace (a slow answer) and spend the token just before ours: then its answer was lost, like any."""
    admin.faults_off()
    try:
        save_tokens(db, account, credentials, quick_connector(credentials).refresh_tokens())
        tally.synced += 1
    except ConnectorError as exc:
        spent = market.state.token_state(CHANNEL, "refresh", getattr(credentials, "refresh_token", ""))
        if isinstance(exc, AuthExpired) and spent == "used":
            tally.lost_in_kill += 1
            _says_relink(credentials, tally, cycle)
            _relink(db, account, credentials, admin)
        else:
            tally.failures.append(f"cycle {cycle}: after a kill mid-refresh the shop could not refresh: {exc}")
    finally:
        admin.faults_on(cycle)


def _says_relink(credentials: Credentials, tally: RefreshTally, cycle: int) -> None:
    """A spent refresh token: what the owner is told must be the re-link sentence."""
    try:
        quick_connector(credentials).refresh_tokens()
    except AuthExpired as exc:
        if problem_for(exc).sentence_msgid not in RELINK_SENTENCES:
            tally.failures.append(f"cycle {cycle}: a spent refresh token shows {problem_for(exc).sentence_msgid!r}")
        return
    except ConnectorError:
        return  # a fault of the practice marketplace answered first; the token itself is known spent
    tally.failures.append(f"cycle {cycle}: a spent refresh token was taken again")


def _relink(db: Database, account: AccountRow, credentials: Credentials, admin: Admin) -> None:
    """What "link again" gives: the shop's newest tokens, saved through the service (same account)."""
    fresh = admin.credentials()[CHANNEL]
    tokens = TokenSet(getattr(fresh, "access_token", ""), getattr(fresh, "refresh_token", ""),
                      now_utc() + timedelta(hours=1), None)
    save_tokens(db, account, credentials, tokens)
