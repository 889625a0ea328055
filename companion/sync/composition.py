"""How the sync is put together, in one place for the window and for `companion sync --once`: where each shop's
credentials come from (practice shops from the running practice marketplace, real ones from the keyring) and the
engine built on them. The runner builds its engine here too, so both paths run the same engine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from companion.connectors.base import Connector, Credentials
from companion.connectors.factory import build_connector
from companion.services.accounts import credentials_for
from companion.store.accounts import AccountRow
from companion.sync.engine import SyncEngine

if TYPE_CHECKING:  # typing only: the runner need not load the practice marketplace
    from companion.sync.practice_session import PracticeSession

CredentialsSourceFn = Callable[[AccountRow], Credentials]


class CredentialsSource:
    """For the sync engine (any thread): practice shops from the session's running marketplace, real shops from the
    keyring. Without a running session a practice shop is one sentence ("start practice mode again")."""

    def __init__(self, practice: PracticeSession | None = None) -> None:
        self.practice = practice

    def __call__(self, account: AccountRow) -> Credentials:
        if not account.practice or self.practice is None:
            return credentials_for(account)
        try:
            practice = self.practice.credentials()
        except Exception:  # the server is stopping under us
            practice = None
        return credentials_for(account, practice)


def sync_engine(db_path: Path, credentials: CredentialsSourceFn | PracticeSession | None = None, *,
                connector_factory: Callable[[Credentials], Connector] = build_connector) -> SyncEngine:
    """The sync engine over this shop file. `credentials`: a practice session (or None: real shops only), or a
    ready source (tests and the bench pass their own)."""
    source = credentials if callable(credentials) else CredentialsSource(credentials)
    return SyncEngine(Path(db_path), source, connector_factory)
