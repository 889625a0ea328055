"""TikTok Shop / Tokopedia Seller Center's order export (reference §6 of marketplaces.md): one row per SKU, with a
row of column descriptions under the header ("Platform unique order ID."); statuses worded as the seller centre
shows them, in English or Indonesian. The "Order Status" column is the order's; a row's own cancellation is read
from "Cancelation/Return Type" and "Sku Quantity of return" (see `line_cancelled`)."""

from __future__ import annotations

from collections.abc import Sequence

from companion.connectors.tiktok import mapping
from companion.domain.marketplace import OrderStatus
from companion.domain.order_files import Layout, LineFacts, cancelled_units

FILE_STATUS = {
    "unpaid": "UNPAID", "belum dibayar": "UNPAID", "on hold": "ON_HOLD", "to ship": "AWAITING_SHIPMENT",
    "awaiting shipment": "AWAITING_SHIPMENT", "perlu dikirim": "AWAITING_SHIPMENT", "akan dikirim": "AWAITING_SHIPMENT",
    "awaiting collection": "AWAITING_COLLECTION", "menunggu diambil": "AWAITING_COLLECTION",
    "shipped": "IN_TRANSIT", "in transit": "IN_TRANSIT", "dikirim": "IN_TRANSIT", "dalam pengiriman": "IN_TRANSIT",
    "delivered": "DELIVERED", "terkirim": "DELIVERED", "completed": "COMPLETED", "selesai": "COMPLETED",
    "cancelled": "CANCELLED", "canceled": "CANCELLED", "dibatalkan": "CANCELLED", "batal": "CANCELLED",
}


def status_of(codes: Sequence[str]) -> OrderStatus:
    """One status per order: the first line's."""
    return mapping.order_status(codes[0] if codes else "")


CANCEL_WORDS = ("cancel", "batal")  # "Cancel", "Cancellation", "Pembatalan", "Dibatalkan"


def line_cancelled(facts: LineFacts) -> int:
    """UNCONFIRMED: the reference (§6.2) lists the columns but of their values only "Return/Refund" (a return after
    shipping, its own flow as a returned order's is: its stock stays out). A row whose type names a cancellation
    cancels "Sku Quantity of return" of its units; any other type, or no count, keeps today's behaviour (the line
    is cancelled only with its order)."""
    kind = str(facts.cells.get("cancel_type") or "").lower()
    if not any(word in kind for word in CANCEL_WORDS):
        return 0
    return cancelled_units(facts.cells.get("cancelled_count"), facts.quantity, facts.titles.get("cancelled_count", ""))


LAYOUT = Layout("tiktok", {
    "order_id": ("Order ID", "ID Pesanan"),
    "status": ("Order Status", "Status Pesanan"),
    "sku_id": ("SKU ID",),
    "seller_sku": ("Seller SKU", "SKU Penjual"),
    "name": ("Product Name", "Nama Produk"),
    "variation": ("Variation", "Variasi"),
    "quantity": ("Quantity", "Jumlah"),
    "subtotal": ("SKU Subtotal After Discount",),
    "price": ("SKU Unit Original Price",),
    "created": ("Created Time", "Waktu Dibuat"),
    "times": ("Paid Time", "RTS Time", "Shipped Time", "Delivered Time", "Cancelled Time"),
    "buyer": ("Buyer Username", "Recipient"),
    "cancel_type": ("Cancelation/Return Type", "Cancellation/Return Type"),
    "cancelled_count": ("Sku Quantity of return",),
}, ("order_id", "seller_sku", "quantity"), status_of, FILE_STATUS, description_row=True,
    line_cancelled=line_cancelled, cancel_fields=("cancel_type", "cancelled_count"))
