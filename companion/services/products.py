"""Adding and editing products."""

from __future__ import annotations

from collections.abc import Collection

from companion.domain.clock import stamp
from companion.domain.errors import NotFound, UserError
from companion.domain.field_problems import FieldProblem, ask, raise_problems
from companion.domain.ids import new_id
from companion.domain.ledger import MovementKind
from companion.domain.money import check_quantity
from companion.domain.product import ProductInput, clean, free_question, problems
from companion.i18n import N_
from companion.services.change import Change
from companion.services.stock_push import queue_stock_push
from companion.store import products as product_store
from companion.store import stock as stock_store
from companion.store.database import Database


def _values(p: ProductInput) -> dict[str, object]:
    return {
        "sku": p.sku, "name": p.name, "parent_name": p.parent_name, "variant_name": p.variant_name,
        "barcode": p.barcode, "unit": p.unit, "sell_price": p.sell_price, "cost_price": p.cost_price,
        "active": int(p.active),
    }


def product_problems(db: Database, product: ProductInput, own_id: str | None = None) -> list[FieldProblem]:
    """Every problem of a product's fields at once (the rules, then a SKU another product uses): reads only."""
    found = problems(product)
    sku = product.sku.strip()
    if sku and not any(f.field == "sku" for f in found):
        same = product_store.by_sku(db, sku)
        if same is not None and same.id != own_id:
            found.insert(0, FieldProblem("sku", UserError(
                N_("The SKU \"{sku}\" is already used by \"{name}\": choose another SKU."), sku=sku, name=same.name)))
    return found


def _opening_problems(opening_stock: int | None) -> list[FieldProblem]:
    try:
        if opening_stock is not None:
            check_quantity(opening_stock, N_("Opening stock"), allow_zero=True)
    except UserError as exc:
        return [FieldProblem("stock", exc)]
    return []


def add_product(db: Database, product: ProductInput, opening_stock: int | None = None,
                answered: Collection[str] | None = None) -> tuple[str, Change]:
    """Create a product (and its opening count when given); returns the new id.

    Every field's problem is raised at once (FieldProblems). A form passes `answered` (the questions a person said
    yes to) and gets Unconfirmed for a price of Rp0 until it was asked; None: nobody to ask (imports, code).
    """
    product_id = new_id()
    now = stamp()
    with db.write():
        raise_problems(product_problems(db, product) + _opening_problems(opening_stock))
        p = clean(product)
        question = free_question(p)
        if question is not None:
            ask(question, answered)
        try:
            product_store.insert(db, {"id": product_id, **_values(p), "created_at": now, "updated_at": now})
        except product_store.SkuTaken as exc:  # a concurrent insert of the same SKU
            raise UserError(N_("The SKU \"{sku}\" is already used: choose another SKU."), sku=p.sku) from exc
        if opening_stock is not None:
            stock_store.add_movement(db, product_id, MovementKind.OPENING, opening_stock,
                                     reason=N_("Opening count"), created_at=now)
            queue_stock_push(db, [product_id], f"product:{product_id}:opening")
    return product_id, Change(products=frozenset({product_id}))


def edit_product(db: Database, product_id: str, product: ProductInput,
                 answered: Collection[str] | None = None) -> Change:
    """Change a product's fields; problems and the Rp0 question as for `add_product` (asked only on a change)."""
    with db.write():
        old = product_store.get(db, product_id)
        if old is None:
            raise NotFound(N_("This product no longer exists: close the window and search again."))
        raise_problems(product_problems(db, product, product_id))
        p = clean(product)
        question = free_question(p)
        if question is not None and old.sell_price != 0:
            ask(question, answered)
        product_store.update(db, product_id, {**_values(p), "updated_at": stamp()})
    return Change(products=frozenset({product_id}))


def set_active(db: Database, product_id: str, active: bool) -> Change:
    """Hide a product from the counter without losing its history (products are never deleted)."""
    with db.write():
        if product_store.get(db, product_id) is None:
            raise NotFound(N_("This product no longer exists: close the window and search again."))
        product_store.update(db, product_id, {"active": int(active), "updated_at": stamp()})
    return Change(products=frozenset({product_id}))
