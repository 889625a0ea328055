"""Adding, editing and deleting customers. Deleting only hides a customer, and never while they owe anything:
their kasbon sales and payments must keep a name to be read by."""

from __future__ import annotations

from companion.domain.clock import stamp
from companion.domain.customers import customer_problems, tidy
from companion.domain.errors import NotFound, UserError
from companion.domain.field_problems import FieldProblem, raise_problems
from companion.domain.ids import new_id
from companion.domain.money import format_rupiah
from companion.i18n import N_
from companion.services.change import Change
from companion.store import customers as customer_store
from companion.store.database import Database

GONE = N_("This customer no longer exists: close the window and search again.")


def _problems(db: Database, name: str, phone: str, notes: str, own_id: str | None) -> list[FieldProblem]:
    found = customer_problems(name, phone, notes)
    if name.strip() and not any(p.field == "name" for p in found):
        twin = customer_store.same_name(db, tidy(name), own_id)
        if twin is not None:
            found.insert(0, FieldProblem("name", UserError(
                N_("A customer named \"{name}\" already exists: choose them from the list, or add something to "
                   "tell them apart, such as \"{name} Pasar\"."), name=twin.name)))
    return found


def add_customer(db: Database, name: str, phone: str = "", notes: str = "") -> tuple[str, Change]:
    """A new customer; returns its id. Every field's problem at once (FieldProblems)."""
    customer_id = new_id()
    now = stamp()
    with db.write():
        raise_problems(_problems(db, name, phone, notes, None))
        customer_store.insert(db, {"id": customer_id, "name": tidy(name), "phone": tidy(phone),
                                   "notes": notes.strip(), "created_at": now, "updated_at": now})
    return customer_id, Change(customers=frozenset({customer_id}))


def edit_customer(db: Database, customer_id: str, name: str, phone: str = "", notes: str = "") -> Change:
    """Change a customer's name, phone or notes (their kasbon stays with them)."""
    with db.write():
        old = customer_store.get(db, customer_id)
        if old is None or old.deleted:
            raise NotFound(GONE)
        raise_problems(_problems(db, name, phone, notes, customer_id))
        customer_store.update(db, customer_id, tidy(name), tidy(phone), notes.strip(), stamp())
    return Change(customers=frozenset({customer_id}))


def delete_customer(db: Database, customer_id: str) -> Change:
    """Hide a customer from the lists; refused while they owe anything (the debt would be lost from sight)."""
    with db.write():
        old = customer_store.get(db, customer_id)
        if old is None or old.deleted:
            raise NotFound(GONE)
        if old.owed > 0:
            raise UserError(N_("{name} still owes {amount} on kasbon: receive the payment first, then delete."),
                            name=old.name, amount=format_rupiah(old.owed))
        customer_store.hide(db, customer_id, stamp())
    return Change(customers=frozenset({customer_id}))
