"""What the ship dialog shows for one order: the platform's shipping options now (pickup addresses with their time
slots, drop-off branches, couriers), asked from the order's shop on the caller's thread — the GUI calls this on a
background thread, never on its own.

The call goes through the sync engine's remedies (`SyncEngine.ask`: tokens refreshed and kept first, a refused login
refreshed once, short throttle waits), with the same credentials the window's sync uses (`composition`). A problem
comes back as one sentence (an English msgid for tr()) and a copyable detail, never as an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from companion.domain.fulfilment import ShippingOptions
from companion.i18n import N_
from companion.store import accounts as account_store
from companion.store import online_orders as order_store
from companion.store.database import thread_database
from companion.sync.composition import CredentialsSourceFn, sync_engine
from companion.sync.events import GONE
from companion.sync.problems import problem_for

if TYPE_CHECKING:  # typing only: the GUI passes the session it already holds
    from companion.sync.practice_session import PracticeSession

ORDER_GONE = N_("This order is no longer on this computer: refresh the list.")


@dataclass(frozen=True)
class OptionsAnswer:
    """The options, or why there are none: `problem` is a msgid to pass through tr(), `detail` copyable words."""

    options: ShippingOptions | None
    problem: str = ""
    detail: str = ""


def shipping_options(db_path: Path, credentials: CredentialsSourceFn | PracticeSession | None,
                     order_id: str) -> OptionsAnswer:
    """The shipping options of one of our online orders (by our order id), from its shop's platform."""
    db = thread_database(Path(db_path))
    order = order_store.get(db, order_id)
    if order is None:
        return OptionsAnswer(None, ORDER_GONE)
    account = account_store.get(db, order.account_id)
    if account is None or not account.active:
        return OptionsAnswer(None, GONE)
    engine = sync_engine(Path(db_path), credentials)
    try:
        options = engine.ask(account, lambda link: link.shipping_options(order.platform_order_id))
    except Exception as exc:   # offline, refused, keys missing: one sentence for the dialog, the rest copyable
        problem = problem_for(exc, (), account.channel)
        return OptionsAnswer(None, problem.sentence_msgid, problem.detail)
    return OptionsAnswer(options)
