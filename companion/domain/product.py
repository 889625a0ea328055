"""What makes a product record valid, before it reaches the store."""

from __future__ import annotations

import re
from dataclasses import dataclass

from companion.domain.errors import UserError
from companion.domain.field_problems import FieldProblem, Question, raise_problems
from companion.domain.money import check_price
from companion.i18n import N_

_SKU_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-/]{0,63}$")
UNITS = ("pcs", "kg", "gram", "liter", "pak", "lusin", "botol", "porsi", "meter", "box")


@dataclass(frozen=True)
class ProductInput:
    sku: str
    name: str
    sell_price: int
    cost_price: int | None = None
    unit: str = "pcs"
    parent_name: str | None = None
    variant_name: str | None = None
    barcode: str | None = None
    active: bool = True


FREE = "free_product"  # the key a yes to "is it free?" answers


def free_question(p: ProductInput) -> Question | None:
    """A sell price of Rp0 is allowed (a free sample, a gift), but asked about first: it is mostly a slip."""
    if p.sell_price != 0:
        return None
    return Question(FREE, "sell_price", N_("The sell price is Rp0: is \"{name}\" really free?"),
                    N_("Yes, it is free"), {"name": " ".join(p.name.split())})


def problems(p: ProductInput) -> list[FieldProblem]:
    """Every field's problem at once, in the form's order (SKU, name, prices, unit, barcode)."""
    found: list[FieldProblem] = []
    sku = p.sku.strip()
    if not sku:
        found.append(_problem("sku", N_("The SKU is empty: give each product a short code such as KOPI-250.")))
    elif not _SKU_OK.match(sku):
        found.append(_problem("sku", N_("The SKU \"{sku}\" may hold only letters, digits, - _ . / and at most 64 "
                                        "characters."), sku=sku))
    name = " ".join(p.name.split())
    if not name:
        found.append(_problem("name", N_("The product name is empty: type the name buyers know it by.")))
    elif len(name) > 200:
        found.append(_problem("name", N_("The product name is too long: use at most 200 characters.")))
    for key, amount, label in (("sell_price", p.sell_price, N_("Sell price")),
                               ("cost_price", p.cost_price, N_("Cost price"))):
        try:
            if amount is not None:
                check_price(amount, label)
        except UserError as exc:
            found.append(FieldProblem(key, exc))
    if len((p.unit or "pcs").strip()) > 20:
        found.append(_problem("unit", N_("The unit is too long: use a short word such as pcs or kg.")))
    barcode = (p.barcode or "").strip()
    if barcode and not re.match(r"^[0-9A-Za-z\-]{1,64}$", barcode):
        found.append(_problem("barcode", N_("The barcode \"{barcode}\" may hold only letters and digits."),
                              barcode=barcode))
    return found


def _problem(key: str, msgid: str, **params: object) -> FieldProblem:
    return FieldProblem(key, UserError(msgid, **params))


def clean(p: ProductInput) -> ProductInput:
    """A trimmed copy, or FieldProblems naming every field to fix (its message is the first one's)."""
    raise_problems(problems(p))
    return ProductInput(
        sku=p.sku.strip(), name=" ".join(p.name.split()), sell_price=p.sell_price, cost_price=p.cost_price,
        unit=(p.unit or "pcs").strip() or "pcs",
        parent_name=(p.parent_name or "").strip() or None,
        variant_name=(p.variant_name or "").strip() or None,
        barcode=(p.barcode or "").strip() or None, active=p.active,
    )
