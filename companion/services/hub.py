"""Taking part in a shop's hub on this laptop: joining, applying what other laptops did, leaving, and starting
over as a new device after a restore. The network side is companion/hub (called by sync/hub_round.py)."""

from __future__ import annotations

from collections.abc import Sequence

from companion.domain.errors import UserError
from companion.domain.hub_records import Enrolment, HubChange
from companion.i18n import N_
from companion.services.change import Change
from companion.store import hub_journal, hub_state
from companion.store.database import Database
from companion.store.hub_apply import AppliedChanges, apply_changes
from companion.store.secrets import delete_secret, get_secret, set_secret

_SECRET = "password"


def _account(device_id: str) -> str:
    return f"hub:{device_id}"


ALREADY_JOINED = N_("This laptop already belongs to a hub: leave it first (Settings → Several laptops → Leave the "
                    "hub, or `companion hub leave`), then join again.")


def refuse_if_joined(db: Database) -> None:
    """Before asking any hub to enrol this laptop: one in a working hub must leave first (joining a second hub would
    upload this shop's whole record into it); one whose syncing stopped (removed, hub reset) may join anew."""
    me = hub_state.identity(db)
    if me.enrolled and not me.stopped_reason:
        raise UserError(ALREADY_JOINED)


def enrol_device(db: Database, enrolment: Enrolment) -> Change:
    """Join a hub: the password goes to the keyring first (never the shop file), then the enrolment and this
    laptop's whole history into the journal, in one transaction."""
    set_secret(_account(enrolment.device_id), _SECRET, enrolment.password)
    with db.write():
        hub_state.enrol(db, enrolment)
    return Change(settings=True, sync=True)


def hub_password(db: Database) -> str | None:
    """This device's hub password from the keyring (None: not enrolled, or the keyring lost it)."""
    me = hub_state.identity(db)
    if not me.enrolled:
        return None
    return get_secret(_account(me.device_id), _SECRET)


def apply_pulled(db: Database, changes: Sequence[HubChange]) -> Change:
    """Other laptops' changes merged here, with the pull cursor, in one transaction (a cut before the commit
    leaves neither, so the same batch is pulled and applied again)."""
    with db.write():
        applied = apply_changes(db, changes, hub_state.identity(db).device_id)
    return _change(applied)


def _change(a: AppliedChanges) -> Change:
    """What the screens refresh after a batch."""
    products = a.ids("products") | a.pointed("product_id") | a.pointed("material_id") | frozenset(a.moved)
    sales = a.ids("sales") | a.pointed("sale_id")
    orders = a.ids("online_orders") | a.pointed("order_id")
    return Change(
        products=products, sales=sales, settings=bool(a.ids("settings") or a.ids("outlets")), orders=orders,
        sync=True, conversations=a.ids("conversations") | a.pointed("conversation_id"),
        reviews=a.ids("reviews"), customers=a.ids("customers") | a.pointed("customer_id"),
        shifts=a.ids("shifts") | a.ids("shift_closes"),
        people=bool(a.ids("cashiers") or a.ids("categories")))


def pushed(db: Database, upto_seq: int) -> None:
    """The hub committed this laptop's changes up to `upto_seq`."""
    with db.write():
        hub_journal.mark_pushed(db, upto_seq)


def leave_hub(db: Database, reason: str) -> Change:
    """Stop syncing for good: every record stays on this laptop, the journal stops, the password is forgotten."""
    device = hub_state.identity(db).device_id
    with db.write():
        hub_state.leave(db, reason)
    delete_secret(_account(device), _SECRET)
    return Change(settings=True, sync=True)


def after_restore(db: Database) -> Change:
    """This file may be a copy of another laptop's past (a restored backup): it becomes a new device that must join
    again, so it never pushes as its old self (the hub would take its changes for ones it already has)."""
    with db.write():
        hub_state.renew_identity(db)
    # The old device's password stays in the keyring: this file may be a copy beside the live original under the same
    # user, which still needs it. The new identity never reads it (the keyring entry is named by device id).
    return Change(settings=True, sync=True)
