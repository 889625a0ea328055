"""`companion sync --once`: one sync round from the command line, a plain sentence per shop.

Practice shops need the practice marketplace: it is started in-process on `<data dir>/practice` for the round.
The engine is built as the window builds it (sync/composition.py).
"""

from __future__ import annotations

from pathlib import Path

from companion.i18n import tr
from companion.store import accounts as account_store
from companion.store import folder_lock
from companion.store.database import close_thread_databases, open_database, thread_database
from companion.store.location import db_path
from companion.sync.composition import sync_engine
from companion.sync.events import AccountResult, RoundSummary
from companion.sync.practice_session import PracticeSession


def main(data_dir: Path) -> int:
    """Run one round; 0 when every shop synced, 1 when any had a problem. The round shares the data folder
    (a restore in another process waits for it, never swaps the file under it)."""
    with folder_lock.shared(data_dir, "companion sync"):
        return _round(data_dir)


def _round(data_dir: Path) -> int:
    path = db_path(data_dir)
    db = open_database(path)
    try:
        accounts = {a.id: a for a in account_store.active(db)}
    finally:
        db.close()
    if not accounts:
        print(tr("No online shop is linked yet: link one in Settings."))
        return 0
    practice = PracticeSession(Path(data_dir)) if any(a.practice for a in accounts.values()) else None
    try:
        if practice is not None:
            practice.start()
        summary = sync_engine(path, practice).sync_once()
        db = thread_database(path)
        accounts = {a.id: a for a in account_store.all_accounts(db)}
    finally:
        close_thread_databases()
        if practice is not None:
            practice.close()
    for result in summary.accounts:
        print(account_line(accounts[result.account_id].name, result))
    print(pending_line(summary))
    return 0 if summary.ok else 1


def account_line(name: str, result: AccountResult) -> str:
    """One sentence per shop: what came in and went out, or what went wrong and what to do."""
    if result.problem is not None:
        line = tr("{shop}: {problem}", shop=tr(name), problem=tr(result.problem.sentence_msgid))
        return line + (f" ({result.problem.detail})" if result.problem.detail else "")
    return tr("{shop}: {new} new orders, {updated} updated, {pushed} stock numbers sent.", shop=tr(name),
              new=result.orders_new, updated=result.orders_updated, pushed=result.pushed)


def pending_line(summary: RoundSummary) -> str:
    if summary.pending_changes:
        return tr("{count} changes (stock numbers, replies) are still waiting to be sent.",
                  count=summary.pending_changes)
    return tr("Every stock change has been sent.")
