"""The kill cycles' real-style shop: linked like a real one (its keys and tokens in a keyring, a file-backed test
keyring here, `file_keyring.py`), served by the practice marketplace, whose refresh tokens work once.

After a kill inside a refresh, and after any cycle that left the shop's stored refresh token spent (a lost answer
fault, a kill inside a round's refresh), a restarted app is asked the real question: its access token made due
(`save_tokens` with the same tokens, expiring now), one sync round with faults off, which must begin with a refresh.
The shop must sync on; or, when the marketplace had spent the stored refresh token and its answer was lost, show
the plain re-link sentence (never a false one while the token still works) - then it is linked again the way a
person would (`services.accounts.relink_account`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import keyring
from keyring.backend import KeyringBackend

from bench.reliability.file_keyring import FileKeyring
from bench.reliability.practice_shop import Admin, quick_engine
from companion.domain.clock import now_utc
from companion.domain.marketplace import TokenSet
from companion.practice.server import PracticeMarketplace
from companion.services.accounts import credentials_for, relink_account, save_tokens
from companion.store import accounts as account_store
from companion.store.accounts import AccountRow
from companion.store.database import Database, close_thread_databases
from companion.sync.events import RELINK_SENTENCES, STOCK_REFUSED

CHANNEL = "shopee"  # refresh tokens work once there
IN_FLIGHT = 0.3     # seconds for a killed process's last call to finish inside the marketplace


def use_file_keyring(path: Path) -> KeyringBackend:
    """This process's keyring becomes the file the app processes use; returns the one it replaced."""
    before = keyring.get_keyring()
    keyring.set_keyring(FileKeyring(path))
    return before


@dataclass
class RefreshTally:
    checked: int = 0         # kills that landed inside a refresh, checked with a round
    synced: int = 0          # ... after which the shop refreshed and synced on
    lost_in_kill: int = 0    # ... whose refresh token was spent and the answer lost: the re-link sentence
    lost_elsewhere: int = 0  # spent tokens found after other cycles (a lost-answer fault, a round killed)
    failures: list[str] = field(default_factory=list)


def _account(db: Database) -> AccountRow | None:
    return next((a for a in account_store.active(db) if not a.practice and a.channel == CHANNEL), None)


def _stored_refresh(account: AccountRow) -> str:
    return str(getattr(credentials_for(account), "refresh_token", ""))


def check(db: Database, market: PracticeMarketplace, admin: Admin, killed_in_refresh: bool,
          tally: RefreshTally, cycle: int) -> None:
    """The real-style shop as a restarted app finds it (see the module's docstring)."""
    account = _account(db)
    if account is None:
        return
    if killed_in_refresh:
        time.sleep(IN_FLIGHT)
    stored = _stored_refresh(account)
    spent = market.state.token_state(CHANNEL, "refresh", stored) == "used"
    if not (killed_in_refresh or spent):
        return
    tally.checked += killed_in_refresh
    problem = _round_with_refresh(db, account, admin, cycle)
    spent = spent or (problem is not None and market.state.token_state(CHANNEL, "refresh", stored) == "used"
                      and _stored_refresh(account) == stored)
    if problem is None and not spent:
        tally.synced += killed_in_refresh
    elif problem is not None and spent and problem in RELINK_SENTENCES:
        tally.lost_in_kill += killed_in_refresh
        tally.lost_elsewhere += not killed_in_refresh
        relink_account(db, account.id, admin.credentials()[CHANNEL])
    elif problem is None:
        tally.failures.append(f"cycle {cycle}: the stored refresh token was spent, yet the shop synced")
    else:
        tally.failures.append(f"cycle {cycle}: the shop shows {problem!r} (refresh token "
                              f"{'spent' if spent else 'still good'})")


def _round_with_refresh(db: Database, account: AccountRow, admin: Admin, cycle: int) -> str | None:
    """One round of a fresh engine (a restarted app) with the shop's access token due: its problem sentence."""
    credentials = credentials_for(account)
    save_tokens(db, account, credentials, TokenSet(getattr(credentials, "access_token", ""),
                                                   getattr(credentials, "refresh_token", ""), now_utc(), None))
    admin.faults_off()
    try:
        summary = quick_engine(db.path, admin).sync_once()
    finally:
        close_thread_databases()
        admin.faults_on(cycle)
    result = next((a for a in summary.accounts if a.account_id == account.id), None)
    if result is None or result.ok or (result.problem and result.problem.sentence_msgid == STOCK_REFUSED):
        return None  # synced on (a promotion refusing an item's number is the item's, not the link's)
    return result.problem.sentence_msgid if result.problem else "?"
