"""Product categories: add, rename and remove them, and put products in one (each one transaction, a Change).

Removing a category never touches a product beyond leaving it without a category, in the same transaction, so
the counter, the reports and the product list keep working. A product's category is saved together with the
product (`add_product` / `edit_product` here wrap the product service in one transaction).
"""

from __future__ import annotations

from collections.abc import Collection

from companion.domain.categories import clean_name
from companion.domain.clock import stamp
from companion.domain.errors import NotFound, UserError
from companion.domain.field_problems import FieldProblem, raise_problems
from companion.domain.ids import new_id
from companion.domain.product import ProductInput
from companion.i18n import N_
from companion.services import products as product_service
from companion.services.change import Change
from companion.store import categories as category_store
from companion.store.database import Database

CATEGORY_FIELD = "category"  # the product form's key for the category box


def _gone() -> NotFound:
    return NotFound(N_("This category no longer exists: close the window and look again."))


def add_category(db: Database, name: str) -> tuple[str, Change]:
    """A new category; a name already used (letter case ignored) is refused."""
    name = clean_name(name)
    with db.write():
        if category_store.by_name(db, name) is not None:
            raise UserError(N_("There is already a category called \"{name}\": choose it or type another name."),
                            name=name)
        category_id = new_id()
        category_store.insert(db, category_id, name, stamp())
    return category_id, Change(people=True)


def rename_category(db: Database, category_id: str, name: str) -> Change:
    """A new name for a category (its products follow: they point at it, not at its name)."""
    name = clean_name(name)
    with db.write():
        old = category_store.get(db, category_id)
        if old is None:
            raise _gone()
        same = category_store.by_name(db, name)
        if same is not None and same.id != category_id:
            raise UserError(N_("There is already a category called \"{name}\": choose it or type another name."),
                            name=name)
        category_store.rename(db, category_id, name)
        products = category_store.product_ids(db, category_id)
    return Change(products=frozenset(products), people=True)


def delete_category(db: Database, category_id: str) -> Change:
    """Remove a category; its products stay, without a category (same transaction)."""
    with db.write():
        if category_store.get(db, category_id) is None:
            raise _gone()
        products = category_store.delete(db, category_id, stamp())
    return Change(products=frozenset(products), people=True)


def set_category(db: Database, product_ids: Collection[str], category_id: str | None) -> Change:
    """Put products in a category (None: in none)."""
    ids = list(product_ids)
    with db.write():
        if category_id is not None and category_store.get(db, category_id) is None:
            raise _gone()
        category_store.set_for_products(db, ids, category_id, stamp())
    return Change(products=frozenset(ids))


def category_named(db: Database, name: str) -> tuple[str | None, Change]:
    """The id of the category called `name`, made when it is new; "" (blank) is no category. Joins the caller's
    transaction (an import row, the product form)."""
    if not name.strip():
        return None, Change()
    with db.write():
        found = category_store.by_name(db, clean_name(name))
        if found is not None:
            return found.id, Change()
        return add_category(db, name)


def category_problems(name: str) -> list[FieldProblem]:
    """The category box's own problem, for the form to show under its field ("" = none, no problem)."""
    try:
        if name.strip():
            clean_name(name)
    except UserError as exc:
        return [FieldProblem(CATEGORY_FIELD, exc)]
    return []


def _category_problem(name: str) -> None:
    raise_problems(category_problems(name))


def add_product(db: Database, product: ProductInput, category: str, opening_stock: int | None = None,
                answered: Collection[str] | None = None) -> tuple[str, Change]:
    """products.add_product and its category (typed: made when new; "" = none) in one transaction."""
    _category_problem(category)
    with db.write():
        product_id, change = product_service.add_product(db, product, opening_stock, answered)
        category_id, made = category_named(db, category)
        if category_id is not None:
            change |= made | set_category(db, [product_id], category_id)
    return product_id, change


def edit_product(db: Database, product_id: str, product: ProductInput, category: str,
                 answered: Collection[str] | None = None) -> Change:
    """products.edit_product and its category (typed: made when new; "" = none) in one transaction."""
    _category_problem(category)
    with db.write():
        change = product_service.edit_product(db, product_id, product, answered)
        category_id, made = category_named(db, category)
        if category_store.category_of(db, product_id) != category_id:
            change |= made | set_category(db, [product_id], category_id)
    return change


def copy_for_rows(shop: Database, book: Database, rows: list[dict[str, object]]) -> None:
    """Product rows about to be copied from the shop into a practice book keep their categories: each one the book
    lacks is copied (same id), or the book's category of the same name is used (the row is pointed at it). Inside
    the caller's `write()` on the book."""
    mapped: dict[str, str] = {}
    for row in rows:
        category_id = row.get("category_id")
        if not isinstance(category_id, str):
            continue
        if category_id not in mapped:
            mapped[category_id] = _book_category(shop, book, category_id)
        row["category_id"] = mapped[category_id] or None


def _book_category(shop: Database, book: Database, category_id: str) -> str:
    """The book's id for the shop's category ("" when the shop no longer has it)."""
    if category_store.get(book, category_id) is not None:
        return category_id
    source = category_store.get(shop, category_id)
    if source is None:
        return ""
    same = category_store.by_name(book, source.name)
    if same is not None:
        return same.id
    category_store.insert(book, category_id, source.name, stamp())
    return category_id
