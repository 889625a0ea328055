"""What makes a product record valid, before it reaches the store."""

from __future__ import annotations

import re
from dataclasses import dataclass

from companion.domain.errors import UserError
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


def clean(p: ProductInput) -> ProductInput:
    """A trimmed copy, or UserError naming the first field to fix."""
    sku = p.sku.strip()
    if not sku:
        raise UserError(N_("The SKU is empty: give each product a short code such as KOPI-250."))
    if not _SKU_OK.match(sku):
        raise UserError(N_("The SKU \"{sku}\" may hold only letters, digits, - _ . / and at most 64 characters."),
                        sku=sku)
    name = " ".join(p.name.split())
    if not name:
        raise UserError(N_("The product name is empty: type the name buyers know it by."))
    if len(name) > 200:
        raise UserError(N_("The product name is too long: use at most 200 characters."))
    check_price(p.sell_price, N_("Sell price"))
    if p.cost_price is not None:
        check_price(p.cost_price, N_("Cost price"))
    unit = (p.unit or "pcs").strip() or "pcs"
    if len(unit) > 20:
        raise UserError(N_("The unit is too long: use a short word such as pcs or kg."))
    barcode = (p.barcode or "").strip() or None
    if barcode and not re.match(r"^[0-9A-Za-z\-]{1,64}$", barcode):
        raise UserError(N_("The barcode \"{barcode}\" may hold only letters and digits."), barcode=barcode)
    return ProductInput(
        sku=sku, name=name, sell_price=p.sell_price, cost_price=p.cost_price, unit=unit,
        parent_name=(p.parent_name or "").strip() or None,
        variant_name=(p.variant_name or "").strip() or None,
        barcode=barcode, active=p.active,
    )
