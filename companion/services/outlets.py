"""The shop's outlets: adding, renaming, archiving them, choosing this laptop's, and moving stock between them.

A transfer is two ledger movements in one transaction per product (transfer_out at the source, transfer_in at the
destination, one reference "transfer:<id>"): the shop's total stays, each outlet's level moves. Which outlet this
laptop sells and counts in decides where the counter's sales and the stocktakes land (store/stock.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from companion.domain.clock import stamp
from companion.domain.errors import NotFound, UserError
from companion.domain.ids import new_id
from companion.domain.ledger import MovementKind
from companion.domain.money import check_quantity, format_quantity
from companion.i18n import N_
from companion.services.change import Change
from companion.services.stock_push import queue_stock_push
from companion.store import outlet_stock
from companion.store import outlets as outlet_store
from companion.store import products as product_store
from companion.store import stock as stock_store
from companion.store.database import Database
from companion.store.outlets import OutletRow

NAME_LIMIT = 60


def _clean_name(db: Database, name: str, other_than: str = "") -> str:
    """The name as saved, or one sentence why not: empty, too long, or already another outlet's."""
    name = " ".join(name.split())
    if not name:
        raise UserError(N_("Write the outlet's name, such as \"Cabang Pasar\"."))
    if len(name) > NAME_LIMIT:
        raise UserError(N_("The outlet's name is too long: keep it under {count} characters."), count=NAME_LIMIT)
    if outlet_store.named(db, name, other_than) is not None:
        raise UserError(N_("Another outlet is already called \"{name}\": choose a different name."), name=name)
    return name


def _open_outlet(db: Database, outlet_id: str) -> OutletRow:
    outlet = outlet_store.get(db, outlet_id)
    if outlet is None:
        raise NotFound(N_("This outlet no longer exists: close the window and look again."))
    if outlet.archived:
        raise UserError(N_("The outlet \"{name}\" is archived: restore it first, or choose another outlet."),
                        name=outlet.name)
    return outlet


def add_outlet(db: Database, name: str) -> tuple[str, Change]:
    """A new outlet of the shop (a branch, a market stall, a warehouse); returns its id."""
    outlet_id = new_id()
    with db.write():
        outlet_store.insert(db, outlet_id, _clean_name(db, name), stamp())
    return outlet_id, Change(settings=True)


def rename_outlet(db: Database, outlet_id: str, name: str) -> Change:
    with db.write():
        if outlet_store.get(db, outlet_id) is None:
            raise NotFound(N_("This outlet no longer exists: close the window and look again."))
        outlet_store.rename(db, outlet_id, _clean_name(db, name, other_than=outlet_id))
    return Change(settings=True)


def archive_outlet(db: Database, outlet_id: str) -> Change:
    """An outlet the shop closed leaves the lists; its history stays. Refused while this laptop is in it or it
    still holds stock (the units would vanish from every outlet's view but not from the total)."""
    with db.write():
        outlet = _open_outlet(db, outlet_id)
        if outlet_store.this_outlet(db) == outlet_id:
            raise UserError(N_("This laptop sells from \"{name}\": choose another outlet for this laptop first."),
                            name=outlet.name)
        held = outlet_store.stock_held(db, outlet_id)
        if held:
            raise UserError(N_("\"{name}\" still holds stock of {count} products: move it to another outlet or "
                               "count it to zero first."), name=outlet.name, count=held)
        outlet_store.set_archived(db, outlet_id, stamp())
    return Change(settings=True)


def restore_outlet(db: Database, outlet_id: str) -> Change:
    """An archived outlet back in the lists."""
    with db.write():
        if outlet_store.get(db, outlet_id) is None:
            raise NotFound(N_("This outlet no longer exists: close the window and look again."))
        outlet_store.set_archived(db, outlet_id, None)
    return Change(settings=True)


def choose_outlet(db: Database, outlet_id: str) -> Change:
    """This laptop's outlet: its sales, returns, stocktakes and adjustments land there from now on."""
    with db.write():
        _open_outlet(db, outlet_id)
        outlet_store.choose(db, outlet_id)
    return Change(settings=True)


def _transfer_lines(lines: Iterable[tuple[str, int]]) -> dict[str, int]:
    """product id → units, the same product twice added up; each checked (more than zero, at most 100.000)."""
    units: dict[str, int] = {}
    for product_id, quantity in lines:
        check_quantity(quantity, N_("Units to move"))
        units[product_id] = units.get(product_id, 0) + quantity
    if not units:
        raise UserError(N_("Nothing to move: choose a product and how many units to move."))
    for quantity in units.values():
        check_quantity(quantity, N_("Units to move"))
    return units


def transfer_stock(db: Database, from_outlet: str, to_outlet: str, lines: Iterable[tuple[str, int]],
                   actor: str | None = None) -> Change:
    """Carry units of products from one outlet to another: per product a transfer_out at the source and a
    transfer_in at the destination, one reference, one transaction. Refused (nothing written) when the source
    holds fewer units than asked: the count there must be right before stock moves on paper."""
    if from_outlet == to_outlet:
        raise UserError(N_("Stock cannot move to the outlet it is already in: choose another outlet to move it to."))
    units = _transfer_lines(lines)
    transfer_id = new_id()
    reference = f"transfer:{transfer_id}"
    with db.write():
        source = outlet_store.get(db, from_outlet)
        if source is None:
            raise NotFound(N_("This outlet no longer exists: close the window and look again."))
        _open_outlet(db, to_outlet)
        held = outlet_stock.levels_at(db, from_outlet, units)
        at = stamp()
        for product_id, quantity in units.items():
            product = product_store.get(db, product_id)
            if product is None:
                raise NotFound(N_("This product no longer exists: close the window and search again."))
            if quantity > held.get(product_id, 0):
                raise UserError(N_("Only {count} of \"{name}\" are at {outlet}: move at most that many, or count "
                                   "the stock there first."), count=format_quantity(held.get(product_id, 0)),
                                name=product.display_name, outlet=source.name)
            stock_store.add_movement(db, product_id, MovementKind.TRANSFER_OUT, -quantity, reference=reference,
                                     created_at=at, actor_id=actor, outlet_id=from_outlet)
            stock_store.add_movement(db, product_id, MovementKind.TRANSFER_IN, quantity, reference=reference,
                                     created_at=at, actor_id=actor, outlet_id=to_outlet)
        queue_stock_push(db, units, reference)  # the total stays, but marketplaces fed by chosen outlets move
    return Change(products=frozenset(units))
