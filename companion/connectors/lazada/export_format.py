"""Lazada Seller Center's order export (reference §6 of marketplaces.md): one row per order item, each with its
own status code as the API writes it ("ready_to_ship"), so the order's state comes from every line's code and an item
row whose own status is a cancellation is a cancelled line (the rest of the order lives on); a row without a quantity
is one item; prices may be written 35000.00 or 35,000.00."""

from __future__ import annotations

from collections.abc import Sequence

from companion.connectors.lazada import mapping
from companion.domain.marketplace import OrderStatus
from companion.domain.order_files import Layout, LineFacts


def status_of(codes: Sequence[str]) -> OrderStatus:
    """Cancelled only when every item is, else the least advanced item (the connector's own rule)."""
    return mapping.order_status(list(codes))


def line_cancelled(facts: LineFacts) -> int:
    """An item cancelled on its own ("canceled", a failed or shipped-back delivery: what cancels an order) holds
    none of its units; any other status holds them all."""
    return facts.quantity if mapping.STATUS.get(facts.code) is OrderStatus.CANCELLED else 0


LAYOUT = Layout("lazada", {
    "order_id": ("orderNumber",),
    "line_id": ("orderItemId",),
    "seller_sku": ("sellerSku",),
    "name": ("itemName",),
    "variation": ("variation",),
    "quantity": ("quantity",),
    "price": ("unitPrice", "paidPrice"),
    "status": ("status",),
    "created": ("createTime",),
    "times": ("updateTime",),
    "ship_by": ("rtsSla", "promisedShippingTime"),
    "buyer": ("customerName",),
}, ("order_id", "line_id"), status_of, quantity_defaults_to_one=True, status_from_every_line=True,
    lower_case_codes=True, line_cancelled=line_cancelled)
