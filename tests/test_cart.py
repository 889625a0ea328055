"""The counter cart's rules, without a database or a window."""

from __future__ import annotations

import pytest

from companion.domain.cart import Cart
from companion.domain.errors import UserError
from companion.domain.sale import LineInput


def _cart() -> Cart:
    cart = Cart()
    cart.add("a", "KOPI-250", "Kopi Bubuk 250 g", 35_000, on_hand=10)
    cart.add("b", "GULA-1", "Gula Pasir 1 kg", 18_000, on_hand=2)
    return cart


def test_add_same_product_joins_its_line() -> None:
    cart = _cart()
    row = cart.add("a", "KOPI-250", "Kopi Bubuk 250 g", 35_000, on_hand=9)
    assert row == 0 and len(cart) == 2
    assert cart.lines[0].quantity == 2 and cart.lines[0].on_hand == 9
    assert cart.subtotal == 2 * 35_000 + 18_000


def test_quantity_price_and_discount_edits() -> None:
    cart = _cart()
    cart.set_quantity(0, 3)
    cart.set_unit_price(1, 20_000)
    cart.set_line_discount(0, 5_000)
    assert cart.lines[0].total == 100_000 and cart.lines[1].total == 20_000
    assert cart.lines[1].price_edited and not cart.lines[0].price_edited
    cart.set_sale_discount(20_000)
    t = cart.totals()
    assert (t.subtotal, t.sale_discount, t.total) == (120_000, 20_000, 100_000)
    assert cart.line_inputs()[0] == LineInput("a", 3, 35_000, 5_000)


def test_plus_minus_never_go_below_one() -> None:
    cart = _cart()
    cart.change_quantity(0, 1)
    assert cart.lines[0].quantity == 2
    cart.change_quantity(0, -1)
    cart.change_quantity(0, -1)
    assert cart.lines[0].quantity == 1


def test_lower_quantity_shrinks_a_too_large_line_discount() -> None:
    cart = _cart()
    cart.set_quantity(0, 2)
    cart.set_line_discount(0, 60_000)
    cart.set_quantity(0, 1)
    assert cart.lines[0].line_discount == 35_000 and cart.lines[0].total == 0


@pytest.mark.parametrize("bad", [0, -1, 100_001])
def test_bad_quantity_is_refused(bad: int) -> None:
    cart = _cart()
    with pytest.raises(UserError):
        cart.set_quantity(0, bad)
    assert cart.lines[0].quantity == 1


def test_bad_price_and_discounts_are_refused() -> None:
    cart = _cart()
    with pytest.raises(UserError):
        cart.set_unit_price(0, -5)
    with pytest.raises(UserError):
        cart.set_line_discount(0, 35_001)
    with pytest.raises(UserError):
        cart.set_line_discount(0, -1)
    with pytest.raises(UserError):
        cart.set_sale_discount(-1)
    cart.set_sale_discount(1_000_000)
    assert cart.total_due == 0
    with pytest.raises(UserError):
        cart.totals()


def test_empty_cart_has_no_totals() -> None:
    with pytest.raises(UserError):
        Cart().totals()


def test_short_stock_is_flagged_not_refused() -> None:
    cart = _cart()
    cart.set_quantity(1, 3)
    assert [line.sku for line in cart.short_lines] == ["GULA-1"]
    assert cart.totals().total == 35_000 + 54_000


def test_remove_and_clear() -> None:
    cart = _cart()
    assert cart.remove(0).sku == "KOPI-250"
    assert [line.sku for line in cart.lines] == ["GULA-1"]
    cart.set_sale_discount(1_000)
    cart.clear()
    assert len(cart) == 0 and cart.sale_discount == 0


def test_update_product_keeps_a_typed_price() -> None:
    cart = _cart()
    cart.set_unit_price(1, 15_000)
    assert cart.update_product("a", "Kopi Bubuk 250 gr", 36_000, 4)
    assert cart.update_product("b", "Gula", 19_000, 7)
    assert not cart.update_product("zzz", "x", 1, 1)
    assert (cart.lines[0].name, cart.lines[0].unit_price, cart.lines[0].on_hand) == ("Kopi Bubuk 250 gr", 36_000, 4)
    assert (cart.lines[1].unit_price, cart.lines[1].on_hand) == (15_000, 7)
