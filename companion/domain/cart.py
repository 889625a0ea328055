"""The counter's cart while the buyer is still at the counter: lines, edits and totals, no I/O.

A product scanned again joins its existing line, so a scanner can be used without looking at
the screen. Every edit is checked here, so the table can only hold lines a sale will accept.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from companion.domain.errors import UserError
from companion.domain.money import MAX_QUANTITY, check_price, check_quantity
from companion.domain.sale import LineInput, SaleTotals, totals
from companion.i18n import N_


@dataclass(frozen=True)
class CartLine:
    """One product in the cart, with what the store knew of it when it was scanned."""

    product_id: str
    sku: str
    name: str
    unit_price: int
    quantity: int = 1
    line_discount: int = 0
    on_hand: int = 0
    price_edited: bool = False  # the cashier typed a price: a new list price must not replace it

    @property
    def gross(self) -> int:
        return self.as_input().gross

    @property
    def total(self) -> int:
        return self.as_input().total

    @property
    def short(self) -> bool:
        """More units sold than the record says are in stock (allowed: the goods are at the counter)."""
        return self.quantity > self.on_hand

    def as_input(self) -> LineInput:
        return LineInput(self.product_id, self.quantity, self.unit_price, self.line_discount)


@dataclass
class Cart:
    lines: list[CartLine] = field(default_factory=list)
    sale_discount: int = 0

    def add(self, product_id: str, sku: str, name: str, unit_price: int, on_hand: int, quantity: int = 1) -> int:
        """Add units of a product, joining its line when it is already in the cart; returns the line's row."""
        check_quantity(quantity)
        for row, line in enumerate(self.lines):
            if line.product_id == product_id:
                self.set_quantity(row, line.quantity + quantity)
                self.lines[row] = replace(self.lines[row], on_hand=on_hand)
                return row
        self.lines.append(CartLine(product_id, sku, name, check_price(unit_price), quantity, 0, on_hand))
        return len(self.lines) - 1

    def set_quantity(self, row: int, quantity: int) -> None:
        """A new quantity; a line discount larger than the new line price shrinks to it."""
        check_quantity(quantity)
        line = self.lines[row]
        discount = min(line.line_discount, quantity * line.unit_price)
        self.lines[row] = replace(line, quantity=quantity, line_discount=discount)

    def change_quantity(self, row: int, delta: int) -> None:
        """The +/- keys: never below one unit (removing a line is its own action)."""
        line = self.lines[row]
        self.set_quantity(row, max(1, min(MAX_QUANTITY, line.quantity + delta)))

    def set_unit_price(self, row: int, price: int) -> None:
        check_price(price)
        line = self.lines[row]
        discount = min(line.line_discount, line.quantity * price)
        self.lines[row] = replace(line, unit_price=price, line_discount=discount, price_edited=True)

    def set_line_discount(self, row: int, discount: int) -> None:
        line = self.lines[row]
        if discount < 0:
            raise UserError(N_("A discount cannot be negative."))
        if discount > line.gross:
            raise UserError(N_("The discount on a line cannot be more than the line's price."))
        self.lines[row] = replace(line, line_discount=discount)

    def remove(self, row: int) -> CartLine:
        return self.lines.pop(row)

    def set_sale_discount(self, discount: int) -> None:
        if discount < 0:
            raise UserError(N_("A discount cannot be negative."))
        self.sale_discount = discount

    def clear(self) -> None:
        self.lines.clear()
        self.sale_discount = 0

    def update_product(self, product_id: str, name: str, unit_price: int, on_hand: int) -> bool:
        """Take in a product edited elsewhere (name, list price unless typed here, stock); True if it is in the cart."""
        found = False
        for row, line in enumerate(self.lines):
            if line.product_id == product_id:
                price = line.unit_price if line.price_edited else unit_price
                discount = min(line.line_discount, line.quantity * price)
                self.lines[row] = replace(line, name=name, unit_price=price, line_discount=discount, on_hand=on_hand)
                found = True
        return found

    @property
    def subtotal(self) -> int:
        """Sum of line totals; safe to show while the cashier is still editing."""
        return sum(line.total for line in self.lines)

    @property
    def total_due(self) -> int:
        """What the buyer pays, never below zero, for showing while a discount is being typed."""
        return max(0, self.subtotal - self.sale_discount)

    @property
    def short_lines(self) -> list[CartLine]:
        return [line for line in self.lines if line.short]

    def line_inputs(self) -> list[LineInput]:
        return [line.as_input() for line in self.lines]

    def totals(self) -> SaleTotals:
        """The checked totals a sale is recorded with (UserError on an empty cart or a too-large discount)."""
        return totals(self.line_inputs(), self.sale_discount)

    def __len__(self) -> int:
        return len(self.lines)
