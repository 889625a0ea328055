"""Counting stock (opening, stok opname) and adjusting it with a reason."""

from __future__ import annotations

from companion.domain.errors import NotFound, UserError
from companion.domain.ids import new_id
from companion.domain.ledger import MovementKind
from companion.domain.money import MAX_QUANTITY, check_quantity
from companion.i18n import N_
from companion.services.change import Change
from companion.services.stock_push import queue_stock_push
from companion.store import products as product_store
from companion.store import stock as stock_store
from companion.store.database import Database


def count_stock(db: Database, counts: dict[str, int], reason: str = "") -> Change:
    """Record counted levels for one or many products in one transaction (a stocktake)."""
    if not counts:
        raise UserError(N_("Nothing was counted: type a count for at least one product."))
    for qty in counts.values():
        check_quantity(qty, N_("Counted stock"), allow_zero=True)
    key = new_id()
    with db.write():
        for product_id, qty in counts.items():
            if product_store.get(db, product_id) is None:
                raise NotFound(N_("A counted product no longer exists: start the stocktake again."))
            stock_store.add_movement(db, product_id, MovementKind.STOCKTAKE, qty, reason=reason or None,
                                     reference=f"stocktake:{key}")
        queue_stock_push(db, counts, f"stocktake:{key}")
    return Change(products=frozenset(counts))


def adjust_stock(db: Database, product_id: str, delta: int, reason: str) -> Change:
    """Add or remove units for a stated reason (broken, gift, found, …)."""
    if not reason.strip():
        raise UserError(N_("Write a reason for the adjustment, such as \"broken\" or \"found in storage\"."))
    if delta == 0:
        raise UserError(N_("The adjustment is zero: type how many units to add or remove."))
    if abs(delta) > MAX_QUANTITY:
        raise UserError(N_("{field} is too large: the most allowed is 100.000."), field=N_("Adjustment"))
    key = new_id()
    with db.write():
        if product_store.get(db, product_id) is None:
            raise NotFound(N_("This product no longer exists: close the window and search again."))
        stock_store.add_movement(db, product_id, MovementKind.ADJUSTMENT, delta, reason=reason.strip(),
                                 reference=f"adjustment:{key}")
        queue_stock_push(db, [product_id], f"adjustment:{key}")
    return Change(products=frozenset({product_id}))


def record_production(db: Database, product_id: str, quantity: int, reference: str | None = None) -> Change:
    """Finished goods made in the shop join the stock."""
    check_quantity(quantity)
    key = reference or new_id()
    with db.write():
        if product_store.get(db, product_id) is None:
            raise NotFound(N_("This product no longer exists: close the window and search again."))
        stock_store.add_movement(db, product_id, MovementKind.PRODUCTION, quantity, reference=f"production:{key}")
        queue_stock_push(db, [product_id], f"production:{key}")
    return Change(products=frozenset({product_id}))
