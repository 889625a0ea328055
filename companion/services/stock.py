"""Counting stock (opening, stok opname) and adjusting it with a reason, at this laptop's outlet (a count sets
that outlet's level and leaves the others)."""

from __future__ import annotations

from collections.abc import Collection

from companion.domain.errors import NotFound, UserError
from companion.domain.field_problems import FieldProblem, Question, ask, raise_problems
from companion.domain.ids import new_id
from companion.domain.ledger import MovementKind
from companion.domain.money import MAX_QUANTITY, check_quantity, format_quantity
from companion.i18n import N_
from companion.services.change import Change
from companion.services.stock_push import queue_stock_push
from companion.store import outlet_stock
from companion.store import products as product_store
from companion.store import stock as stock_store
from companion.store.database import Database


def count_stock(db: Database, counts: dict[str, int], reason: str = "", actor: str | None = None,
                at: str | None = None) -> Change:
    """Record counted levels for one or many products in one transaction (a stocktake); `actor`: who counted.
    `at` back-dates the count (sample data); a level follows the movements' times, so a count covers what was
    recorded before it and nothing after."""
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
                                     reference=f"stocktake:{key}", actor_id=actor, created_at=at)
        queue_stock_push(db, counts, f"stocktake:{key}")
    return Change(products=frozenset(counts))


NEGATIVE_STOCK = "negative_stock"  # the key a yes to "stock goes below zero: save anyway?" answers


def adjustment_problems(delta: int, reason: str) -> list[FieldProblem]:
    """Both fields' problems at once: how many (not zero, at most 100.000) and why."""
    found: list[FieldProblem] = []
    if delta == 0:
        found.append(FieldProblem("quantity", UserError(
            N_("The adjustment is zero: type how many units to add or remove."))))
    elif abs(delta) > MAX_QUANTITY:
        found.append(FieldProblem("quantity", UserError(
            N_("{field} is too large: the most allowed is 100.000."), field=N_("Adjustment"))))
    if not reason.strip():
        found.append(FieldProblem("reason", UserError(
            N_("Write a reason for the adjustment, such as \"broken\" or \"found in storage\"."))))
    return found


def negative_question(on_hand: int, delta: int) -> Question | None:
    """Stock below zero means units left without a record: allowed, but asked first."""
    after = on_hand + delta
    if delta >= 0 or after >= 0:
        return None
    return Question(NEGATIVE_STOCK, "quantity",
                    N_("Removing {removed} leaves {after} in stock (now {now}): below zero means something left "
                       "without a record. Save anyway?"),
                    N_("Save anyway"), {"removed": format_quantity(-delta), "after": format_quantity(after),
                                        "now": format_quantity(on_hand)})


def adjust_stock(db: Database, product_id: str, delta: int, reason: str,
                 answered: Collection[str] | None = None, actor: str | None = None) -> Change:
    """Add or remove units for a stated reason (broken, gift, found, …).

    Both fields' problems are raised at once (FieldProblems). A form passes `answered` and gets Unconfirmed when
    the stock would go below zero until a person said yes; None: nobody to ask (code). `actor`: the cashier.
    """
    raise_problems(adjustment_problems(delta, reason))
    key = new_id()
    with db.write():
        if product_store.get(db, product_id) is None:
            raise NotFound(N_("This product no longer exists: close the window and search again."))
        # the adjustment lands at this laptop's outlet: its stock there is what may go below zero
        here = outlet_stock.level_at(db, product_id, stock_store.this_outlet(db))
        question = negative_question(here, delta)
        if question is not None:
            ask(question, answered)
        stock_store.add_movement(db, product_id, MovementKind.ADJUSTMENT, delta, reason=reason.strip(),
                                 reference=f"adjustment:{key}", actor_id=actor)
        queue_stock_push(db, [product_id], f"adjustment:{key}")
    return Change(products=frozenset({product_id}))


def record_production(db: Database, product_id: str, quantity: int, reference: str | None = None,
                      actor: str | None = None) -> Change:
    """Finished goods made in the shop join the stock; `actor`: who recorded them."""
    check_quantity(quantity)
    key = reference or new_id()
    with db.write():
        if product_store.get(db, product_id) is None:
            raise NotFound(N_("This product no longer exists: close the window and search again."))
        stock_store.add_movement(db, product_id, MovementKind.PRODUCTION, quantity, reference=f"production:{key}",
                                 actor_id=actor)
        queue_stock_push(db, [product_id], f"production:{key}")
    return Change(products=frozenset({product_id}))
